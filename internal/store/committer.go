package store

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
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
//     fsync instead of paying n;
//   - a caller whose context ends while its write is queued leaves at once;
//     the transaction itself runs until every caller in its batch has gone
//     (one caller going away must not interrupt the others' work);
//   - a panic in a write is raised again on its own caller's goroutine, and
//     the transaction never outlives the batch.
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

	// batches and writes count the commits that carried writes, and those
	// writes, for the tests.
	batches int64
	writes  int64
}

// writeReq is one write in the queue.
type writeReq struct {
	ctx   context.Context
	owner upshot.OwnerID // whose revision the write moves; 0 for none (creating users)
	fn    func(*tx) error

	// Guarded by committer.mu.
	wake    *sync.Cond // signalled when done, or when the write reaches the front
	claimed bool       // taken into a batch: its caller waits for the outcome
	done    bool
	err     error
}

// maxBatch bounds how many writes share one transaction, so that a crowd of
// writers cannot make one batch (and the write lock it holds) arbitrarily long.
const maxBatch = 64

// errClosed answers a write that arrives after Close.
var errClosed = errors.New("the database is closed")

func newCommitter(db *DB) *committer {
	c := &committer{db: db}
	c.idle = sync.NewCond(&c.mu)
	return c
}

// do runs fn as one write and returns its outcome. A caller whose ctx ends
// while its write waits in the queue leaves with ctx's error and the write is
// not run. Once a batch has taken the write, the caller waits for the outcome
// (it must hear whether the write was committed); the batch gives up only
// when every caller in it has gone.
//
// fn must not call the store: a write from inside a write would queue behind
// itself.
func (c *committer) do(ctx context.Context, owner upshot.OwnerID, fn func(*tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &writeReq{ctx: ctx, owner: owner, fn: fn, wake: sync.NewCond(&c.mu)}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errClosed
	}
	c.queue = append(c.queue, req)
	stop := context.AfterFunc(ctx, func() { c.leave(req) })
	defer stop()
	for !req.done && c.queue[0] != req {
		req.wake.Wait()
	}
	if req.done { // a writer ahead of this one finished it, or its caller left
		c.mu.Unlock()
		return req.outcome()
	}
	batch := slices.Clone(c.queue[:min(len(c.queue), maxBatch)])
	for _, r := range batch {
		r.claimed = true
	}
	c.mu.Unlock()
	defer c.handOn(batch)
	c.commit(batch)
	return req.outcome()
}

// leave takes a write whose caller has gone out of the queue, unless a batch
// has taken it already.
func (c *committer) leave(req *writeReq) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if req.claimed || req.done {
		return
	}
	i := slices.Index(c.queue, req)
	if i < 0 {
		return
	}
	req.done, req.err = true, req.ctx.Err()
	c.queue = slices.Delete(c.queue, i, i+1)
	req.wake.Signal()
	if i == 0 && len(c.queue) > 0 {
		c.queue[0].wake.Signal() // it was at the front: the next one leads
	}
	if len(c.queue) == 0 {
		c.idle.Broadcast()
	}
}

// handOn takes a finished batch off the queue, wakes its writers and the
// next writer in line, who leads the next batch. It runs deferred so that the
// queue moves on even if the batch panicked; a write left without an outcome
// then gets an error rather than waiting for ever. A batch is always the
// front of the queue: writes that leave are never claimed ones.
func (c *committer) handOn(batch []*writeReq) {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.queue[:len(batch)]) // the backing array must not keep their closures
	c.queue = c.queue[len(batch):]
	for _, r := range batch {
		if !r.done {
			r.done, r.err = true, errors.New("internal error: the write was not finished")
		}
		r.wake.Signal()
	}
	if len(c.queue) > 0 {
		c.queue[0].wake.Signal()
	} else {
		c.queue = nil
		c.idle.Broadcast()
	}
}

// close refuses further writes and returns once the writes already queued
// have finished or been left.
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
	live := slices.Clone(batch) // DeleteFunc below must not touch handOn's list
	var (
		results []error
		err     error
	)
	for attempt := 1; ; attempt++ {
		// Nothing has been committed yet: a write whose caller has gone
		// by now is dropped.
		live = slices.DeleteFunc(live, func(r *writeReq) bool {
			if cerr := r.ctx.Err(); cerr != nil {
				c.finish(r, cerr)
				return true
			}
			return false
		})
		if len(live) == 0 {
			return
		}
		ctx, stop := whileAnyWaits(live)
		results, err = c.attempt(ctx, live)
		if err == nil || !c.db.d.isRetryable(err) || attempt == maxAttempts {
			stop()
			break
		}
		// Another process holds the write lock beyond busy_timeout: back off
		// as db.run does, unless every caller has gone meanwhile.
		select {
		case <-time.After(time.Duration(attempt*attempt) * 20 * time.Millisecond):
		case <-ctx.Done():
		}
		stop()
	}
	n := 0
	for i, r := range live {
		if err != nil {
			// Nothing was committed. A caller who has gone hears why it
			// went (its deadline, say) rather than what that did to the
			// transaction.
			rerr := err
			if cerr := r.ctx.Err(); cerr != nil {
				rerr = cerr
			}
			c.finish(r, rerr)
			continue
		}
		if results[i] == nil {
			n++
		}
		c.finish(r, results[i])
	}
	if n > 0 {
		c.mu.Lock()
		c.batches++
		c.writes += int64(n)
		c.mu.Unlock()
	}
}

// whileAnyWaits returns a context that ends when the contexts of all of
// reqs have ended, and the function that releases it. The batch's
// transaction runs under it: no one caller who goes away may interrupt the
// others' work (SQLite rolls back the whole transaction when a statement is
// interrupted), but when all have gone there is no one left to wait for.
func whileAnyWaits(reqs []*writeReq) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var left atomic.Int64
	left.Store(int64(len(reqs)))
	stops := make([]func() bool, len(reqs))
	for i, r := range reqs {
		stops[i] = context.AfterFunc(r.ctx, func() {
			if left.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}

func (c *committer) finish(r *writeReq, err error) {
	c.mu.Lock()
	r.done, r.err = true, err
	c.mu.Unlock()
}

// outcome is the write's result. A write that panicked panics again here, on
// its caller's goroutine, as it would have without the queue; the other
// writes of its batch were not disturbed.
func (r *writeReq) outcome() error {
	var p *writePanic
	if errors.As(r.err, &p) {
		panic(p)
	}
	return r.err
}

// writePanic carries a panic out of a write run on another writer's
// goroutine, with the stack where it happened.
type writePanic struct {
	value any
	stack []byte
}

func (p *writePanic) Error() string {
	return fmt.Sprintf("panic in a write: %v\n\n%s", p.value, p.stack)
}

// attempt runs the batch in one transaction. It returns each write's own
// outcome, or an error that undid the whole transaction (nothing committed).
func (c *committer) attempt(ctx context.Context, batch []*writeReq) (results []error, err error) {
	sqltx, err := c.db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	// Whatever ends this function before the commit (an error, or a panic
	// or runtime.Goexit outside a write), the transaction and the write lock
	// it holds must go.
	committed := false
	defer func() {
		if !committed {
			sqltx.Rollback()
		}
	}()
	t := &tx{tx: sqltx, db: c.db, ctx: ctx}
	single := len(batch) == 1 // a savepoint would only cost statements
	results = make([]error, len(batch))
	var owners []upshot.OwnerID
	var changed []listMask // of each owner
	for i, r := range batch {
		if !single {
			if _, err := t.exec(ctx, `SAVEPOINT write`); err != nil {
				return nil, err
			}
		}
		t.changed = 0
		if ferr := runWrite(r.fn, t); ferr != nil {
			if c.db.d.isRetryable(ferr) {
				return nil, ferr // the lock was lost; the whole batch goes again
			}
			results[i] = ferr
			if single {
				return results, nil
			}
			// If SQLite rolled the whole transaction back itself (it does
			// on I/O errors and a full disk), there is no savepoint left and
			// this fails: then nothing in the batch is committed.
			if _, err := t.exec(ctx, `ROLLBACK TO write`); err != nil {
				return nil, fmt.Errorf("the transaction was lost after a failed write: %w", errors.Join(ferr, err))
			}
		} else if r.owner != 0 {
			// A write rolled back to its savepoint changed nothing: only
			// the lists of the writes that stay are stamped.
			if j := slices.Index(owners, r.owner); j >= 0 {
				changed[j] |= t.changed
			} else {
				owners, changed = append(owners, r.owner), append(changed, t.changed)
			}
		}
		if !single {
			if _, err := t.exec(ctx, `RELEASE write`); err != nil {
				return nil, err
			}
		}
	}
	if allFailed(results) {
		return results, nil // nothing to make durable: the deferred rollback ends it
	}
	for i, owner := range owners {
		if err := bumpRevision(ctx, t, owner, changed[i]); err != nil {
			return nil, err
		}
	}
	if err := sqltx.Commit(); err != nil {
		return nil, err
	}
	committed = true
	return results, nil
}

// runWrite runs one write's fn. The fn may belong to another goroutine's
// caller; a panic in it becomes that write's outcome (to be raised again on
// its caller's goroutine) instead of unwinding the batch, and the other
// writers' work, on this one.
func runWrite(fn func(*tx) error, t *tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &writePanic{value: v, stack: debug.Stack()}
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

// bumpRevision moves the owner's data revision in the write's transaction,
// and in the same statement stamps each kept list the write changed with the
// new revision (listsWritten; schema 12). An unknown owner matches no row;
// the write has refused it already where that matters.
func bumpRevision(ctx context.Context, t *tx, owner upshot.OwnerID, changed listMask) error {
	_, err := t.exec(ctx, `UPDATE users SET revision = revision + 1,
		sessions_changed = CASE WHEN ? THEN revision + 1 ELSE sessions_changed END,
		checkins_changed = CASE WHEN ? THEN revision + 1 ELSE checkins_changed END
		WHERE id = ?`, changed&keptSessions != 0, changed&keptCheckIns != 0, int64(owner))
	return err
}

// stats returns how many commits the committer made and how many writes they
// carried.
func (c *committer) stats() (batches, writes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.batches, c.writes
}
