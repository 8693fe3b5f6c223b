package store

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// committer is SQLite's group commit. SQLite lets one transaction write at a
// time and makes every commit durable with an fsync of the WAL
// (synchronous=FULL); writers that each begin their own transaction queue for
// the write lock and sleep in SQLite's busy handler (1 to 100 ms) while they
// wait. Instead, this process's writers queue here, and the one at the front
// of the queue runs its own write together with every write waiting behind it
// in one transaction, each inside its own SAVEPOINT, commits once, and hands
// the front to the next writer (LevelDB's write queue works the same way).
// So:
//
//   - each write keeps its own outcome: one that fails is rolled back to its
//     savepoint and gets its error, the others go on;
//   - a write is acknowledged only after the commit that contains it has
//     returned, so "acknowledged" still means "durable";
//   - a lone write runs on its own goroutine and pays what it paid before
//     (nobody waits to join it); when writers queue, n of them share one
//     fsync instead of paying n.
//
// It is PostgreSQL's commit_delay idea without the delay. PostgreSQL itself
// needs none of this: concurrent transactions write in parallel and the
// server groups WAL flushes, so the PostgreSQL store begins a transaction
// per write.
type committer struct {
	db *DB

	mu     sync.Mutex
	queue  []*writeReq // the front one is running or about to run
	closed bool
	idle   *sync.Cond // signalled when the queue empties, for close

	// batches and writes count commits and the writes they carried, for the
	// tests and the load test's account of how writes were grouped.
	batches int64
	writes  int64
}

// writeReq is one write in the queue.
type writeReq struct {
	ctx   context.Context
	owner upshot.OwnerID // whose revision the write moves; 0 for none (creating users)
	fn    func(*tx) error

	// Guarded by committer.mu.
	wake *sync.Cond // signalled when done, or when the write reaches the front
	done bool
	err  error
}

// maxBatch bounds how many writes share one transaction, so that a crowd of
// writers cannot make one batch (and the write lock it holds) arbitrarily long.
const maxBatch = 64

// errClosed answers a write that arrives after Close.
var errClosed = errors.New("store: the database is closed")

func newCommitter(db *DB) *committer {
	c := &committer{db: db}
	c.idle = sync.NewCond(&c.mu)
	return c
}

// do runs fn as one write and returns its outcome. It waits even if ctx ends
// meanwhile: once a write has started it is finished, and its caller must
// hear whether it was committed. A write whose ctx has ended before its batch
// starts is not run.
func (c *committer) do(ctx context.Context, owner upshot.OwnerID, fn func(*tx) error) error {
	req := &writeReq{ctx: ctx, owner: owner, fn: fn, wake: sync.NewCond(&c.mu)}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errClosed
	}
	c.queue = append(c.queue, req)
	for !req.done && c.queue[0] != req {
		req.wake.Wait()
	}
	if req.done { // a writer ahead of this one committed it
		c.mu.Unlock()
		return req.err
	}
	batch := slices.Clone(c.queue[:min(len(c.queue), maxBatch)])
	c.mu.Unlock()
	defer c.handOn(batch)
	c.commit(batch)
	return req.err // set by commit on this goroutine
}

// handOn takes a finished batch off the queue, wakes its writers and the
// next writer in line, who leads the next batch. It runs deferred so that the
// queue moves on even if the batch panicked; a write left without an outcome
// then gets an error rather than waiting for ever.
func (c *committer) handOn(batch []*writeReq) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queue = c.queue[len(batch):]
	for _, r := range batch {
		if !r.done {
			r.done, r.err = true, errors.New("store: internal error: the write was not finished")
		}
		r.wake.Signal()
	}
	if len(c.queue) > 0 {
		c.queue[0].wake.Signal()
	} else {
		c.queue = nil // let the old backing array go
		c.idle.Broadcast()
	}
}

// close refuses further writes and returns once the writes already queued
// have finished.
func (c *committer) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for len(c.queue) > 0 {
		c.idle.Wait()
	}
}

// commit runs one batch to its end and records every write's outcome. It
// runs outside c.mu: writers arriving meanwhile queue for the next batch.
func (c *committer) commit(batch []*writeReq) {
	live := make([]*writeReq, 0, len(batch))
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			c.finish(r, err)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	var (
		results []error
		err     error
	)
	for attempt := 1; ; attempt++ {
		results, err = c.attempt(live)
		if err == nil || !c.db.d.isRetryable(err) || attempt == maxAttempts {
			break
		}
		// Another process holds the write lock beyond busy_timeout: back off
		// as db.run does. Nothing of this batch was committed.
		time.Sleep(time.Duration(attempt*attempt) * 20 * time.Millisecond)
	}
	n := 0
	for i, r := range live {
		if err != nil {
			c.finish(r, err)
			continue
		}
		if results[i] == nil {
			n++
		}
		c.finish(r, results[i])
	}
	c.mu.Lock()
	c.batches++
	c.writes += int64(n)
	c.mu.Unlock()
}

func (c *committer) finish(r *writeReq, err error) {
	c.mu.Lock()
	r.done, r.err = true, err
	c.mu.Unlock()
}

// attempt runs the batch in one transaction. It returns each write's own
// outcome, or an error that undid the whole transaction (nothing committed).
func (c *committer) attempt(batch []*writeReq) (results []error, err error) {
	// The statements run under the committer's own context: a writer who goes
	// away must not interrupt a transaction that carries other writers' work
	// (SQLite rolls back the whole transaction when a write is interrupted).
	ctx := context.Background()
	sqltx, err := c.db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			sqltx.Rollback()
		}
	}()
	t := &tx{tx: sqltx, db: c.db, ctx: ctx}
	single := len(batch) == 1 // a savepoint would only cost statements
	results = make([]error, len(batch))
	var owners []upshot.OwnerID
	for i, r := range batch {
		if !single {
			if _, err := t.exec(ctx, `SAVEPOINT write`); err != nil {
				return nil, err
			}
		}
		if ferr := runWrite(r.fn, t); ferr != nil {
			if c.db.d.isRetryable(ferr) {
				return nil, ferr // the lock was lost; the whole batch goes again
			}
			results[i] = ferr
			if single {
				sqltx.Rollback()
				return results, nil
			}
			// If SQLite rolled the whole transaction back itself (it does
			// on I/O errors and a full disk), there is no savepoint left and
			// this fails: then nothing in the batch is committed.
			if _, err := t.exec(ctx, `ROLLBACK TO write`); err != nil {
				return nil, fmt.Errorf("store: the transaction was lost after a failed write: %w", err)
			}
		} else if r.owner != 0 && !slices.Contains(owners, r.owner) {
			owners = append(owners, r.owner)
		}
		if !single {
			if _, err := t.exec(ctx, `RELEASE write`); err != nil {
				return nil, err
			}
		}
	}
	if allFailed(results) {
		sqltx.Rollback() // nothing to make durable
		return results, nil
	}
	for _, owner := range owners {
		if err := bumpRevision(ctx, t, owner); err != nil {
			return nil, err
		}
	}
	if err := sqltx.Commit(); err != nil {
		return nil, err
	}
	return results, nil
}

// runWrite runs one write's fn. The fn may belong to another goroutine's
// caller; a panic in it becomes that write's error instead of unwinding the
// batch (and the other writers' work) on this goroutine.
func runWrite(fn func(*tx) error, t *tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: internal error: panic in a write: %v\n%s", v, debug.Stack())
		}
	}()
	return fn(t)
}

func allFailed(results []error) bool {
	for _, err := range results {
		if err == nil {
			return false
		}
	}
	return true
}

// bumpRevision moves the owner's data revision in the write's transaction.
// An unknown owner matches no row; the write has refused it already where that
// matters.
func bumpRevision(ctx context.Context, t *tx, owner upshot.OwnerID) error {
	_, err := t.exec(ctx, `UPDATE users SET revision = revision + 1 WHERE id = ?`, int64(owner))
	return err
}

// stats returns how many commits the committer made and how many writes they
// carried.
func (c *committer) stats() (batches, writes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.batches, c.writes
}
