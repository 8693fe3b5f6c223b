package cli_test

// Issue 11 item 7: Ctrl-C (SIGINT) and SIGTERM stop an import, a backup or a
// restore promptly, with nothing half-written. The real binary is signalled
// at moments the test observes, not guesses: once it has read a megabyte
// from a FIFO or a pipe that never ends (a blocking write returns only when
// the reader took the bytes), once its backup has created its output's
// temporary file (inotify), and at spread moments of a large restore and
// import. After each: a non-zero exit within signalDeadline saying it was
// interrupted, no output file or working copy left, and the database either
// untouched or wholly written (never part of an import or restore).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// signalDeadline is how soon a signalled command must have exited: "at once"
// for a person, with room for a machine busy with other tests.
const signalDeadline = 5 * time.Second

var stopSignals = []syscall.Signal{syscall.SIGTERM, syscall.SIGINT}

// running is one started run of the binary.
type running struct {
	// deadline, when set, replaces signalDeadline: a run whose uninterrupted
	// length was measured may take as long to stop as the whole run took,
	// since a machine slow enough to stretch the one stretches the other.
	deadline       time.Duration
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan error
}

func (e *env) start(t *testing.T, args ...string) *running {
	t.Helper()
	r := &running{cmd: e.command(context.Background(), args...), done: make(chan error, 1)}
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	return r
}

func (r *running) begin(t *testing.T) {
	t.Helper()
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.cmd.Process.Kill() }) // no-op once it has exited
	go func() { r.done <- r.cmd.Wait() }()
}

// stopped signals the run and returns its exit status once it has exited,
// failing the test if that takes longer than signalDeadline (or r.deadline).
func (r *running) stopped(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	sent := time.Now()
	deadline := max(signalDeadline, r.deadline)
	if err := r.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("signal: %v", err)
	}
	select {
	case err := <-r.done:
		t.Logf("%v: exited %v after %v", sig, err, time.Since(sent).Round(time.Millisecond))
		return r.cmd.ProcessState.ExitCode()
	case <-time.After(deadline):
		t.Fatalf("%v: still running %v later; stderr: %s", sig, deadline, r.stderr.String())
		return 0
	}
}

// wasInterrupted checks a signalled run's outcome: non-zero, saying so.
func (r *running) wasInterrupted(t *testing.T, code int) {
	t.Helper()
	if code == 0 || code == -1 {
		t.Errorf("exit status %d after the signal, want a non-zero exit of its own\nstderr: %s", code, r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), "upshot: interrupted; nothing more was saved") {
		t.Errorf("stderr does not say it was interrupted: %q", r.stderr.String())
	}
}

// feedForever writes head then a megabyte of JSON whitespace into w, and
// returns once the reader on the other end has taken all but what a pipe
// buffers: the binary is then inside its read, and w stays open.
func feedForever(t *testing.T, w *os.File, head []byte) {
	t.Helper()
	if err := w.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(append(head, bytes.Repeat([]byte(" "), 1<<20)...)); err != nil {
		t.Fatalf("the binary did not read its input: %v", err)
	}
}

// fifo makes a FIFO and opens it for writing without waiting for a reader.
func fifo(t *testing.T) (string, *os.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "input")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(path, os.O_RDWR, 0) // O_RDWR: no wait for the reader
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return path, w
}

func noWorkCopies(t *testing.T, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, en := range entries {
			if strings.HasPrefix(en.Name(), ".upshot-work-") || strings.Contains(en.Name(), ".tmp") {
				t.Errorf("left behind: %s", filepath.Join(dir, en.Name()))
			}
		}
	}
}

// TestSignalStopsImportWaitingForInput: an import reading a FIFO or a pipe
// that never ends used to wait in io.ReadAll for ever; now either signal
// ends it at once and no database is created.
func TestSignalStopsImportWaitingForInput(t *testing.T) {
	t.Parallel()
	src := newEnv(t, "sqlite")
	record(src)
	doc := []byte(src.export())
	head := doc[:len(doc)/2] // a document cut short, still being written
	for _, sig := range stopSignals {
		for _, from := range []string{"fifo", "stdin"} {
			t.Run(fmt.Sprintf("%v/%s", sig, from), func(t *testing.T) {
				t.Parallel()
				e := newBinaryEnv(t, "sqlite")
				var r *running
				var w *os.File
				if from == "fifo" {
					var path string
					path, w = fifo(t)
					r = e.start(t, "import", path)
				} else {
					pr, pw, err := os.Pipe()
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { pw.Close() })
					r = e.start(t, "import", "-")
					r.cmd.Stdin, w = pr, pw
				}
				r.begin(t)
				if from == "stdin" {
					r.cmd.Stdin.(*os.File).Close() // the child has its own copy
				}
				feedForever(t, w, head)
				r.wasInterrupted(t, r.stopped(t, sig))
				if _, err := os.Stat(e.dsn); !os.IsNotExist(err) {
					t.Errorf("an interrupted import created the database (%v)", err)
				}
			})
		}
	}
}

// bigDB writes the ten-year history, every note at the longest allowed, into
// a fresh SQLite file of env e (about 12 MB: long enough to copy that a
// signal lands during the copy).
func bigDB(t *testing.T, e *env) *upshot.Snapshot {
	t.Helper()
	ctx := context.Background()
	s := history.TenYears(upshot.Today())
	line := "We talked about the week, the letter from work, and what I want to say next time. "
	for i := range s.Sessions {
		s.Sessions[i].Note = strings.Repeat(fmt.Sprintf("%d. %s", i, line), upshot.MaxNoteLen/len(line)+1)[:upshot.MaxNoteLen]
	}
	db, err := store.Open(ctx, e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Import(ctx, upshot.DefaultOwner, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// created returns a channel that receives once something is created in dir.
func created(t *testing.T, dir string) <-chan struct{} {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	f := os.NewFile(uintptr(fd), "inotify")
	t.Cleanup(func() { f.Close() })
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CREATE); err != nil {
		t.Fatal(err)
	}
	ch := make(chan struct{})
	go func() {
		f.SetReadDeadline(time.Now().Add(time.Minute))
		if _, err := f.Read(make([]byte, 4096)); err == nil {
			close(ch)
		}
	}()
	return ch
}

// TestSignalStopsBackup: a backup of a large database is signalled as soon
// as it has begun writing its output: it stops at once, leaves no file under
// the name asked for, no temporary file and no working copy, and the
// database is as it was (a backup taken after it is whole).
func TestSignalStopsBackup(t *testing.T) {
	t.Parallel()
	src := newBinaryEnv(t, "sqlite")
	bigDB(t, src)
	for _, sig := range stopSignals {
		t.Run(sig.String(), func(t *testing.T) {
			out := t.TempDir()
			file := filepath.Join(out, "b.upshot")
			began := created(t, out)
			r := src.start(t, "backup", "-o", file)
			r.begin(t)
			select {
			case <-began:
			case err := <-r.done:
				t.Fatalf("backup ended (%v) before it wrote anything: %s", err, r.stderr.String())
			}
			r.wasInterrupted(t, r.stopped(t, sig))
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("an interrupted backup left %v in the output folder", entries)
			}
			noWorkCopies(t, filepath.Dir(src.dsn))
			if err := store.CheckSQLiteFile(context.Background(), src.dsn); err != nil {
				t.Errorf("database after the interrupted backup: %v", err)
			}
		})
	}
	file := filepath.Join(t.TempDir(), "after.upshot")
	src.ok("backup", "-o", file)
	src.ok("backup", "--verify", file)
}

// TestSignalDuringRestoreAndImportIsAllOrNothing signals a restore waiting
// for its backup from a FIFO, then a large restore and a large import at
// moments spread over an uninterrupted run's length (so
// while reading, verifying, and writing its one transaction): each either
// finished before the signal, whole, or stopped with the destination holding
// nothing, and a retry then succeeds.
func TestSignalDuringRestoreAndImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	src := newBinaryEnv(t, "sqlite")
	want := bigDB(t, src)
	backupFile := filepath.Join(t.TempDir(), "b.upshot")
	src.ok("backup", "-o", backupFile)
	exportFile := filepath.Join(t.TempDir(), "export.json")
	src.ok("export", "-o", exportFile)

	// A restore reading its backup from a FIFO that never ends: nothing
	// restored, no working copy left beside the destination.
	data, err := os.ReadFile(backupFile)
	if err != nil {
		t.Fatal(err)
	}
	head := data[:bytes.IndexByte(data, '\n')+1000] // the manifest and a little: the rest never comes
	for _, sig := range stopSignals {
		t.Run("restore waiting for input/"+sig.String(), func(t *testing.T) {
			e := newBinaryEnv(t, "sqlite")
			path, w := fifo(t)
			r := e.start(t, "restore", path)
			r.begin(t)
			feedForever(t, w, head)
			r.wasInterrupted(t, r.stopped(t, sig))
			if _, err := os.Stat(e.dsn); !os.IsNotExist(err) {
				t.Errorf("an interrupted restore created the database (%v)", err)
			}
			noWorkCopies(t, filepath.Dir(e.dsn))
		})
	}

	for _, cmd := range []string{"restore", "import"} {
		t.Run(cmd, func(t *testing.T) {
			file := map[string]string{"restore": backupFile, "import": exportFile}[cmd]
			whole := newBinaryEnv(t, "sqlite")
			began := time.Now()
			whole.ok(cmd, file)
			length := time.Since(began)
			t.Logf("an uninterrupted %s takes %v", cmd, length.Round(time.Millisecond))
			interrupted := 0
			// Three moments through the run; when every run finished before
			// its signal (a fast machine, a short file), earlier ones, until
			// one is interrupted: a test that interrupted nothing proved
			// nothing.
			moments := []float64{0.2, 0.5, 0.8, 0.1, 0.05, 0.02, 0.01, 0}
			for i, at := range moments {
				if i >= 3 && interrupted > 0 {
					break
				}
				sig := stopSignals[i%len(stopSignals)]
				e := newBinaryEnv(t, "sqlite")
				r := e.start(t, cmd, file)
				r.deadline = length
				r.begin(t)
				var code int
				select {
				case <-r.done: // finished before its moment came
					code = r.cmd.ProcessState.ExitCode()
				case <-time.After(time.Duration(at * float64(length))):
					code = r.stopped(t, sig)
				}
				sessions := countSessions(t, e.dsn)
				switch {
				case code == 0 && sessions == len(want.Sessions):
					// finished before the signal arrived: whole
				case code != 0 && sessions == 0:
					interrupted++
					r.wasInterrupted(t, code)
					noWorkCopies(t, filepath.Dir(e.dsn))
					e.ok(cmd, file) // the destination is still empty and usable
					if n := countSessions(t, e.dsn); n != len(want.Sessions) {
						t.Errorf("retried %s holds %d sessions, want %d", cmd, n, len(want.Sessions))
					}
				default:
					t.Errorf("%s signalled at %.0f%%: exit %d with %d of %d sessions: %s", cmd, at*100, code, sessions, len(want.Sessions), r.stderr.String())
				}
			}
			if interrupted == 0 {
				t.Fatalf("no %s was interrupted: each finished before its signal, down to a signal as it began", cmd)
			}
			t.Logf("%d runs were interrupted, the others had finished", interrupted)
		})
	}
}

// countSessions is how many sessions the SQLite file at path holds (0 when
// there is no file).
func countSessions(t *testing.T, path string) int {
	t.Helper()
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return 0
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := db.Export(ctx, upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	return len(s.Sessions)
}
