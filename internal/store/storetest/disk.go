package storetest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// SmallDisk mounts a tmpfs of size bytes in a temporary directory and returns
// its path; it is unmounted when the test ends. A full disk is then a real
// one: writes there fail with ENOSPC, as on a full laptop. Mounting needs
// root (CI runs as root); elsewhere the test is skipped with a visible
// message, and under CI it fails.
func SmallDisk(t testing.TB, size int) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.Itoa(size)+",mode=0700", "tmpfs", dir).CombinedOutput()
	if err != nil {
		msg := "cannot mount a small tmpfs to fill (needs root): " + err.Error() + ": " + string(bytes.TrimSpace(out))
		if InCI() {
			t.Fatal("storetest: " + msg + "; CI must test a full disk")
		}
		t.Skip("full disk not tested: " + msg)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("storetest: umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// FillDisk writes a file in dir until the file system is full and returns a
// function that deletes it again, freeing the space.
func FillDisk(t testing.TB, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		_, err := f.Write(block)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			t.Fatalf("storetest: fill %s: %v", dir, err)
		}
	}
	// What is left is less than a block; take it too.
	for {
		if _, err := f.Write(block[:1]); err != nil {
			break
		}
	}
	return func() {
		if err := os.Remove(path); err != nil {
			t.Errorf("storetest: free %s: %v", dir, err)
		}
	}
}
