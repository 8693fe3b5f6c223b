// Package store keeps Upshot's records in SQLite (the default, one file) or
// PostgreSQL (for a hosted instance). There is one SQL implementation: queries
// are written once with ? placeholders and a small dialect seam (dialect.go)
// adapts placeholders and error codes. The only per-database SQL is the
// embedded migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/upshot-app/upshot/internal/upshot"
)

// DB is the store. It implements upshot.Store on either database.
type DB struct {
	// Now gives the time stamped on records and exports; tests and the demo
	// set a fixed clock. Stored times are UTC, truncated to microseconds.
	Now upshot.Clock

	db *sql.DB
	d  *dialect

	// path is the SQLite file ("" for PostgreSQL).
	path string
	// tightened lists the files Open made private (see Tightened).
	tightened []string

	// stmts caches a prepared statement per query text (with ? placeholders).
	// Parsing and planning a statement costs more CPU than running these
	// small ones, and a write runs them while holding the write lock, where
	// every microsecond delays every waiting writer. The query texts are
	// constants of this package (filters pick among a few fixed conditions),
	// so the cache stays small.
	stmts sync.Map // string -> *sql.Stmt

	// commits groups concurrent writes into shared commits (SQLite only;
	// see committer.go). Nil for PostgreSQL.
	commits *committer
}

var _ upshot.Store = (*DB)(nil)

// sqlitePragmas are applied by the driver to every new connection.
//   - foreign_keys: the composite owner keys are the guard against cross-owner
//     references; SQLite leaves them off unless asked.
//   - journal_mode(WAL): readers never block the writer (CLI beside `serve`).
//   - synchronous(FULL): in WAL mode NORMAL may lose the last commits on power
//     loss; an acknowledged entry must survive it.
//   - busy_timeout: wait for another writer instead of failing at once.
//   - _txlock=immediate: a write transaction takes the write lock at BEGIN, so
//     it can never fail half-way with SQLITE_BUSY on a lock upgrade, which
//     busy_timeout cannot wait out.
const sqlitePragmas = "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_txlock=immediate"

// DefaultPath is where the SQLite file lives unless told otherwise:
// $XDG_DATA_HOME/upshot/upshot.db, else ~/.local/share/upshot/upshot.db.
// getenv reads the environment (os.Getenv, or a test's own).
func DefaultPath(getenv func(string) string) (string, error) {
	// The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
	if dir := getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "upshot", "upshot.db"), nil
	}
	home, err := HomeDir(getenv)
	if err != nil {
		return "", fmt.Errorf("cannot find the home directory for the default database (set XDG_DATA_HOME or give a database path): %w", err)
	}
	return filepath.Join(home, ".local", "share", "upshot", "upshot.db"), nil
}

// HomeDir is os.UserHomeDir reading the environment through getenv.
func HomeDir(getenv func(string) string) (string, error) {
	name := "HOME"
	if runtime.GOOS == "windows" {
		name = "USERPROFILE"
	}
	if home := getenv(name); home != "" {
		return home, nil
	}
	return "", fmt.Errorf("$%s is not defined", name)
}

// IsPostgresURL reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database named by dsn: a postgres:// or
// postgresql:// URL, or else a SQLite file path. It migrates the schema to
// the latest version and makes sure the single-user owner exists. A database
// written by a newer Upshot is refused untouched (*NewerSchemaError).
func Open(ctx context.Context, dsn string) (*DB, error) {
	db, err := open(ctx, dsn)
	if IsPostgresURL(dsn) {
		err = scrub(dsn, err)
	}
	return db, err
}

// postgresMaxConns bounds one process's connections to PostgreSQL; further
// requests wait for one to be free. Unbounded, 200 concurrent clients made
// the server open a connection for each and PostgreSQL refused the ones
// beyond its max_connections (100 by default, shared with every other
// program on that server): "too many clients already", a 500 for every such
// request (measured with tools/loadtest -accounts, issue 13). Two cores of
// CPU keep no more than a few queries busy at once; 20 leaves room for two
// servers behind one proxy, the CLI and backups within the default limit.
const postgresMaxConns = 20

func open(ctx context.Context, dsn string) (*DB, error) {
	var (
		sqldb     *sql.DB
		d         *dialect
		err       error
		tightened []string
	)
	if IsPostgresURL(dsn) {
		d = postgresDialect
		sqldb, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL database: %w", err)
		}
		if err := sqldb.PingContext(ctx); err != nil {
			sqldb.Close()
			return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redactURL(dsn), err)
		}
		sqldb.SetMaxOpenConns(postgresMaxConns)
		sqldb.SetMaxIdleConns(postgresMaxConns)
	} else {
		d = sqliteDialect
		tightened, err = tighten(dsn)
		if err != nil {
			return nil, err
		}
		sqldb, err = openSQLite(ctx, dsn)
		if err != nil {
			return nil, err
		}
	}
	db := &DB{Now: time.Now, db: sqldb, d: d, tightened: tightened}
	if d == sqliteDialect {
		db.path = dsn
		db.commits = newCommitter(db)
		RemoveStaleWork(filepath.Dir(dsn))
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.ensureDefaultOwner(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openSQLite(ctx context.Context, path string) (*sql.DB, error) {
	if path == "" {
		return nil, upshot.Invalid("db", "database path is empty")
	}
	// The driver reads everything after '?' as options and "file:" as a URI;
	// a plain path is what we promise, so refuse what it would misread.
	if strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return nil, upshot.Invalid("db", "database path must be a plain file path without '?' or a file: prefix, got %q", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the database directory: %w", err)
	}
	// Create the file ourselves so it is private from the first byte; SQLite
	// would use the umask. The -wal and -shm files inherit the file's mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the database file: %w", err)
	}
	f.Close()
	sqldb, err := sql.Open("sqlite", path+"?"+sqlitePragmas)
	if err != nil {
		return nil, fmt.Errorf("open the database file %s: %w", path, err)
	}
	if err := pingSQLite(ctx, sqldb); err != nil {
		sqldb.Close()
		if full := sqliteCode(err) == sqliteFull || sqliteExtendedCode(err) == sqliteIOErrShmSize; full {
			// Even reading needs the -shm file beside the database (WAL
			// mode), and it cannot be made on a full disk.
			return nil, &wrapped{upshot.Errorf(upshot.EFULL, "", "the disk is full; nothing was saved (SQLite needs a little free space beside %s even to open it): free some space and try again", path), err}
		}
		return nil, fmt.Errorf("open the database file %s: %w", path, err)
	}
	return sqldb, nil
}

// pingSQLite opens the first connection. Turning a new file into WAL mode
// needs an exclusive lock, and SQLite reports SQLITE_BUSY at once rather than
// wait when two processes do it together (waiting could deadlock), so the
// loser tries again after the winner is done.
func pingSQLite(ctx context.Context, sqldb *sql.DB) error {
	var err error
	for attempt := 1; attempt <= 50; attempt++ {
		if err = sqldb.PingContext(ctx); err == nil || !sqliteDialect.isRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
		}
	}
	return err
}

// Tightened lists the files of an existing SQLite database (the file, its
// WAL and shared-memory files) that others could read and that Open made
// private (0600), so the caller can say so.
func (db *DB) Tightened() []string { return db.tightened }

// tighten makes an existing database's files private: they hold everything.
// A file created by an older Upshot, copied in, or made with a lax umask may
// be readable by other accounts on the machine.
func tighten(path string) ([]string, error) {
	var changed []string
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
			return nil, fmt.Errorf("make %s private (chmod 600): %w", p, err)
		}
		changed = append(changed, p)
	}
	return changed, nil
}

// redactURL drops the password so a connection error never prints it.
func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	q := u.Query()
	for key := range q {
		if strings.EqualFold(key, "password") {
			q[key] = []string{"xxxxx"}
		}
	}
	u.RawQuery = q.Encode()
	return u.Redacted()
}

// passwords are the secrets a PostgreSQL URL carries: in its userinfo or as
// a password parameter, raw and as written (escaped).
func passwords(dsn string) []string {
	var out []string
	add := func(p string) {
		if p != "" {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	if u, err := url.Parse(dsn); err == nil {
		if p, ok := u.User.Password(); ok {
			add(p)
		}
		for key, vs := range u.Query() {
			if strings.EqualFold(key, "password") {
				for _, v := range vs {
					add(v)
				}
			}
		}
	} else if _, rest, ok := strings.Cut(dsn, "password="); ok {
		// Unparsable: mask what follows any password= up to the next
		// separator, and the userinfo's password.
		p, _, _ := strings.Cut(rest, "&")
		add(p)
	}
	if _, rest, ok := strings.Cut(dsn, "://"); ok {
		if userinfo, _, ok := strings.Cut(rest, "@"); ok {
			if _, p, ok := strings.Cut(userinfo, ":"); ok {
				add(p)
			}
		}
	}
	return out
}

// scrubbed is an error whose message had a password taken out; the chain
// stays for errors.As and errors.Is.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// scrub masks the URL's passwords in err's message: whatever the driver puts
// in an error (its own text, the connection string), the password never
// reaches a terminal or a log.
func scrub(dsn string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, p := range passwords(dsn) {
		msg = strings.ReplaceAll(msg, p, "xxxxx")
	}
	if msg == err.Error() {
		return err
	}
	return &scrubbed{msg, err}
}

// Close closes the database. Writes in progress finish first; later ones are
// refused. With SQLite the last connection to close checkpoints the WAL into
// the main file.
func (db *DB) Close() error {
	if db.commits != nil {
		db.commits.close()
	}
	db.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		db.stmts.Delete(k)
		return true
	})
	return db.db.Close()
}

// prepared returns the cached prepared statement for query, preparing it on
// first use. database/sql prepares it again on each pooled connection the
// first time it runs there, and forgets it when that connection closes.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.db.PrepareContext(ctx, db.d.rebind(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// SQL returns the underlying handle, for tests only (TestSQLIsForTestsOnly
// fails on a call outside them). Queries through it bypass owner scoping and
// the store's own SQL; whatever else needs the whole database gets an
// operation of the store (whole.go).
func (db *DB) SQL() *sql.DB { return db.db }

// timestampLayout is how times are stored: UTC, fixed microsecond precision,
// so that text order is time order and both databases return the same bytes.
const timestampLayout = "2006-01-02T15:04:05.000000Z"

// now is the current time as stored: UTC, truncated to microseconds, so a
// value handed back to the caller equals the one read later.
func (db *DB) now() time.Time {
	return db.Clock()().UTC().Truncate(time.Microsecond)
}

// today is the person's current calendar day, which bounds dates.
func (db *DB) today() upshot.Date {
	return upshot.DateOf(db.Clock()())
}

// Clock is the clock the store stamps and bounds records with: Now, or
// time.Now when Now is nil.
func (db *DB) Clock() upshot.Clock {
	if db.Now == nil {
		return time.Now
	}
	return db.Now
}

func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(timestampLayout)
}

// parseTime reads a stored timestamp. Every one is written by formatTime,
// fixed-width, so its fields are read by position: lists read two per
// record, and time.Parse's general walk of the layout cost more than all of
// a row's other numbers. Anything else (a field out of range included) goes
// to time.Parse, which refuses it or reads it as before.
func parseTime(s string) (time.Time, error) {
	if t, ok := parseStoredTime(s); ok {
		return t, nil
	}
	t, err := time.Parse(timestampLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored timestamp %q: %w", s, err)
	}
	return t, nil
}

// parseStoredTime reads s when it is exactly in timestampLayout
// ("2006-01-02T15:04:05.000000Z") with every field in range: the date by
// upshot.ParseDate, the time of day by position.
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) != len(timestampLayout) || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[26] != 'Z' {
		return time.Time{}, false
	}
	d, err := upshot.ParseDate(s[:10])
	if err != nil {
		return time.Time{}, false
	}
	ok := true
	num := func(from, to int) time.Duration {
		n := time.Duration(0)
		for _, c := range []byte(s[from:to]) {
			if c < '0' || c > '9' {
				ok = false
			}
			n = n*10 + time.Duration(c-'0')
		}
		return n
	}
	hour, minute, second, micro := num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	if !ok || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	return d.Time().Add(hour*time.Hour + minute*time.Minute + second*time.Second + micro*time.Microsecond), true
}

// tx runs queries written with ? placeholders in one transaction, each
// through the store's cached prepared statement.
type tx struct {
	tx *sql.Tx
	db *DB

	// ctx, when set, replaces the context each query is given: the
	// committer runs several writers' work in one transaction, which no one
	// writer's context may interrupt.
	ctx context.Context

	// changed gathers the kept lists (sessions, check-ins) that this
	// transaction's statements wrote to, for bumpRevision to stamp.
	changed listMask
}

// stmt is query's prepared statement bound to this transaction; the
// transaction closes it when it ends (the cached one stays).
func (t *tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	ctx = t.context(ctx)
	st, err := t.db.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return t.tx.StmtContext(ctx, st), nil
}

// On PostgreSQL a transaction's statements go straight to its connection:
// pgx prepares each on first use there and keeps it in that connection's
// statement cache, so they are prepared once per connection all the same.
// Preparing through the pool instead (prepared) would take a second
// connection while the transaction holds one: with the pool bounded
// (postgresMaxConns), as many transactions as connections, each at a
// statement not yet prepared, would wait for one another for ever
// (TestManyWritersOnAFreshHandle). SQLite's pool is not bounded that way.

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.changed |= listsWritten(query)
	if t.db.d.dollar {
		return t.tx.ExecContext(t.context(ctx), t.db.d.rebind(query), args...)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.context(ctx), args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.changed |= listsWritten(query)
	if t.db.d.dollar {
		return t.tx.QueryContext(t.context(ctx), t.db.d.rebind(query), args...)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.context(ctx), args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) row {
	t.changed |= listsWritten(query)
	if t.db.d.dollar {
		return row{row: t.tx.QueryRowContext(t.context(ctx), t.db.d.rebind(query), args...)}
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return row{err: err}
	}
	return row{row: st.QueryRowContext(t.context(ctx), args...)}
}

func (t *tx) context(ctx context.Context) context.Context {
	if t.ctx != nil {
		return t.ctx
	}
	return ctx
}

// row is a *sql.Row, or the error preparing its statement, which Scan
// returns as QueryRowContext would.
type row struct {
	row *sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}

// maxAttempts bounds how often a write is retried when the database reports
// contention that waiting did not resolve (SQLITE_BUSY after busy_timeout, a
// PostgreSQL serialization failure or deadlock).
const maxAttempts = 5

// write runs fn in a write transaction on owner's records, bumps the owner's
// revision in the same transaction and commits: an acknowledged write is a
// committed one, and a committed write always moves the revision (a failed
// one rolls back with it). fn may run more than once, so it must not change
// its inputs until write returns nil, and must not call the store itself. On
// SQLite the transaction may be shared with other writes (committer.go); fn's
// work is still all or nothing.
func (db *DB) write(ctx context.Context, owner upshot.OwnerID, fn func(*tx) error) error {
	if db.commits != nil {
		return db.publicError(db.commits.do(ctx, owner, fn))
	}
	return db.run(ctx, &sql.TxOptions{}, func(t *tx) error {
		if err := fn(t); err != nil {
			return err
		}
		if owner == 0 {
			return nil
		}
		// Last, so the row lock on users (PostgreSQL) is held only until the
		// commit that follows.
		return bumpRevision(ctx, t, owner, t.changed)
	})
}

// writeAll runs fn in a write transaction that is not about one owner's
// records (creating users); owner-scoped writes go through write.
func (db *DB) writeAll(ctx context.Context, fn func(*tx) error) error {
	return db.write(ctx, 0, fn)
}

// Revision returns the owner's data revision: a number that changes with
// every committed write to the owner's records, by this process or any other
// on the same database. A cache of something built from the records is
// current while the revision is unchanged; read the revision before the
// records, so that a write in between makes the cache look stale rather than
// current.
func (db *DB) Revision(ctx context.Context, owner upshot.OwnerID) (int64, error) {
	st, err := db.prepared(ctx, `SELECT revision FROM users WHERE id = ?`)
	if err != nil {
		return 0, db.publicError(err)
	}
	var rev int64
	err = st.QueryRowContext(ctx, int64(owner)).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, noOwner(owner)
	}
	if err != nil {
		return 0, db.publicError(err)
	}
	return rev, nil
}

// read runs fn in a read-only transaction, so that several queries see one
// consistent state (a snapshot on both databases).
func (db *DB) read(ctx context.Context, fn func(*tx) error) error {
	return db.run(ctx, db.d.readOptions, fn)
}

func (db *DB) run(ctx context.Context, opts *sql.TxOptions, fn func(*tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = db.attempt(ctx, opts, fn)
		if err == nil || !db.d.isRetryable(err) || attempt == maxAttempts {
			break
		}
		// Back off a little longer each time so competing writers spread out.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 20 * time.Millisecond):
		}
	}
	return db.publicError(err)
}

func (db *DB) attempt(ctx context.Context, opts *sql.TxOptions, fn func(*tx) error) (err error) {
	sqltx, err := db.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			sqltx.Rollback()
		}
	}()
	if err := fn(&tx{tx: sqltx, db: db}); err != nil {
		return err
	}
	return sqltx.Commit()
}

// publicError turns a driver error into one that is safe and useful to show:
// lock contention becomes a "busy, try again" message rather than "database is
// locked", a constraint violation a conflict. Domain errors pass through.
func (db *DB) publicError(err error) error {
	if err == nil {
		return nil
	}
	var ue *upshot.Error
	if errors.As(err, &ue) {
		return err
	}
	switch {
	case db.d.isRetryable(err):
		return &wrapped{upshot.Errorf(upshot.EINTERNAL, "", "the database is busy with another Upshot process; nothing was saved, try again in a moment"), err}
	case db.d.isConstraint(err):
		return &wrapped{upshot.Errorf(upshot.ECONFLICT, "", "the change conflicts with other records (they may have changed at the same time); nothing was saved, try again"), err}
	case db.d.isFull(err):
		return &wrapped{errDiskFull, err}
	}
	return fmt.Errorf("store: %w", err)
}

// errDiskFull answers a write the database refused for want of space. The
// transaction was rolled back whole, so nothing of it is stored.
var errDiskFull = upshot.Errorf(upshot.EFULL, "", "the disk is full; nothing was saved")

// wrapped shows a domain error to people while keeping the driver error in the
// chain for logs and tests.
type wrapped struct {
	public *upshot.Error
	cause  error
}

func (w *wrapped) Error() string   { return w.public.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.public, w.cause} }

// Record kinds with their own id counters.
const (
	kindTherapist = "therapist"
	kindGoal      = "goal"
	kindSession   = "session"
	kindCheckIn   = "checkin"
	kindAgenda    = "agenda" // agenda items, schema 7
)

var counterKinds = []string{kindTherapist, kindGoal, kindSession, kindCheckIn, kindAgenda}

// nextID allocates the owner's next id of a kind. The UPDATE takes a row lock
// (PostgreSQL) or runs under the write lock (SQLite), so concurrent creates
// never get the same id; ids only grow, so a deleted id is never reused.
// A counter never passes upshot.MaxID: at the limit the write is refused
// with a message, rather than failing inside the database (or, past 2^63,
// breaking every later write).
func nextID(ctx context.Context, t *tx, owner upshot.OwnerID, kind string) (int64, error) {
	var id int64
	err := t.queryRow(ctx, `UPDATE id_counters SET last_id = last_id + 1 WHERE owner_id = ? AND kind = ? AND last_id < ? RETURNING last_id`,
		int64(owner), kind, upshot.MaxID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM id_counters WHERE owner_id = ? AND kind = ?`, int64(owner), kind).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, noOwner(owner)
		}
		return 0, upshot.Errorf(upshot.ECONFLICT, "id", "no %s id is left: ids go up to %d and this database has used them all; nothing was saved", kind, upshot.MaxID)
	}
	return id, err
}

func noOwner(owner upshot.OwnerID) error {
	return upshot.Errorf(upshot.EUNAUTHORIZED, "owner", "no user with id %d", owner)
}

// ensureDefaultOwner creates the single-user owner on first open. It reads
// first so that opening an existing database takes no write lock.
func (db *DB) ensureDefaultOwner(ctx context.Context) error {
	var n int
	if err := db.db.QueryRowContext(ctx, db.d.rebind(`SELECT COUNT(*) FROM users WHERE id = ?`), int64(upshot.DefaultOwner)).Scan(&n); err != nil {
		return fmt.Errorf("store: look up the default user: %w", err)
	}
	if n > 0 {
		return nil
	}
	return db.writeAll(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `INSERT INTO users (id, name, created_at, login) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			int64(upshot.DefaultOwner), "me", formatTime(db.now()), upshot.LocalLogin); err != nil {
			return err
		}
		return insertCounters(ctx, t, upshot.DefaultOwner)
	})
}

func insertCounters(ctx context.Context, t *tx, owner upshot.OwnerID) error {
	for _, kind := range counterKinds {
		if _, err := t.exec(ctx, `INSERT INTO id_counters (owner_id, kind, last_id) VALUES (?, ?, 0) ON CONFLICT (owner_id, kind) DO NOTHING`,
			int64(owner), kind); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser adds a person with their own, empty set of records (hosted
// instances). The single-user owner, upshot.DefaultOwner, exists already.
func (db *DB) CreateUser(ctx context.Context, name string) (upshot.OwnerID, error) {
	if strings.TrimSpace(name) == "" {
		return 0, upshot.Invalid("name", "name is required")
	}
	if err := upshot.CheckText("name", name, upshot.MaxNameLen, false); err != nil {
		return 0, err
	}
	var id int64
	err := db.writeAll(ctx, func(t *tx) error {
		if err := t.queryRow(ctx, `INSERT INTO users (name, created_at) VALUES (?, ?) RETURNING id`,
			name, formatTime(db.now())).Scan(&id); err != nil {
			return err
		}
		return insertCounters(ctx, t, upshot.OwnerID(id))
	})
	return upshot.OwnerID(id), err
}
