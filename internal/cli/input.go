package cli

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
)

// What a person points Upshot at can make it wait for ever: opening a FIFO
// waits for a writer, and reading one (or a pipe, or a terminal) waits for
// data that may never come, in system calls that no context reaches. Ctrl-C
// and SIGTERM cancel the run's context (cmd/upshot); these two helpers make
// such a wait end with the context's error at once, so import, restore and
// backup --verify stop with nothing written.

// openFile is os.Open that gives up when ctx ends.
func openFile(ctx context.Context, path string) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		return o.f, o.err
	case <-ctx.Done():
		// The open may still succeed later (a writer comes): close it then.
		go func() {
			if o := <-done; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// cancelable reads r on a goroutine of its own, through a pipe that ctx's end
// closes: a Read waiting in r then returns ctx's error at once (r's goroutine
// ends when its read does, or with the process). Close stops it early. Stat
// passes through, so that a file that says it is too large can still be
// refused unread (archive.Decode).
func cancelable(ctx context.Context, r io.Reader) *ctxReader {
	pr, pw := io.Pipe()
	stop := context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()) })
	go func() {
		_, err := io.Copy(pw, r)
		stop()
		pw.CloseWithError(err) // nil: the reader sees io.EOF
	}()
	c := &ctxReader{pr: pr}
	if s, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		c.stat = s.Stat
	}
	return c
}

type ctxReader struct {
	pr   *io.PipeReader
	stat func() (fs.FileInfo, error)
}

func (c *ctxReader) Read(p []byte) (int, error) { return c.pr.Read(p) }

// Close ends the copying goroutine's next write, so it does not wait for ever
// on a reader that stopped early (an oversized file is read only so far).
func (c *ctxReader) Close() error { return c.pr.Close() }

func (c *ctxReader) Stat() (fs.FileInfo, error) {
	if c.stat == nil {
		return nil, errors.ErrUnsupported
	}
	return c.stat()
}
