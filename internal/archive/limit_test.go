package archive

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// endless is a stream that never ends: a document's start, then spaces
// forever, the shape of a decompression bomb. It counts what was read.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	if e.read == 0 && len(p) > 0 {
		p[0] = '{'
	}
	e.read += int64(len(p))
	return len(p), nil
}

func TestDecodeStopsReadingAtTheLimit(t *testing.T) {
	defer func(n int64) { maxSize = n }(maxSize)
	maxSize = 4 << 20
	var r endless
	_, err := Decode(&r, nil, today)
	if err == nil || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Fatalf("got %v, want a size error", err)
	}
	// io.ReadAll asks for at most what the limit leaves, so not a byte more
	// than one past it is taken from the stream.
	if r.read > maxSize+1 {
		t.Fatalf("read %d bytes of an endless stream, limit %d", r.read, maxSize)
	}
}

// bigFile says it is larger than any export and fails the test if read.
type bigFile struct{ t *testing.T }

func (f bigFile) Read([]byte) (int, error) {
	f.t.Fatal("an oversized file was read; its size alone should refuse it")
	return 0, nil
}

func (f bigFile) Stat() (fs.FileInfo, error) { return bigInfo{}, nil }

type bigInfo struct{}

func (bigInfo) Name() string       { return "huge.json" }
func (bigInfo) Size() int64        { return MaxSize + 1 }
func (bigInfo) Mode() fs.FileMode  { return 0o600 }
func (bigInfo) ModTime() time.Time { return time.Time{} }
func (bigInfo) IsDir() bool        { return false }
func (bigInfo) Sys() any           { return nil }

func TestDecodeRefusesOversizedFileUnread(t *testing.T) {
	_, err := Decode(bigFile{t}, nil, today)
	if err == nil || !strings.Contains(err.Error(), "larger than 256 MiB") {
		t.Fatalf("got %v, want a size error", err)
	}
	// A real file of 256 MiB and one byte, sparse on disk: refused as fast.
	path := filepath.Join(t.TempDir(), "huge.json")
	if err := os.WriteFile(path, []byte(`{"format": "upshot-export"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, MaxSize+1); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	began := time.Now()
	if _, err := Decode(f, nil, today); err == nil || !strings.Contains(err.Error(), "larger than 256 MiB") {
		t.Fatalf("got %v, want a size error", err)
	}
	if pos, _ := f.Seek(0, io.SeekCurrent); pos != 0 {
		t.Errorf("read %d bytes of a file whose size refuses it (in %v)", pos, time.Since(began))
	}
}
