package store

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
)

// dialect is everything that differs between the two databases outside the
// migrations. The SQL itself is shared: both accept ON CONFLICT, RETURNING and
// the same types (dates and timestamps are TEXT, money integer cents).
type dialect struct {
	name   string
	goose  goose.Dialect
	dollar bool // placeholders are $1, $2, ... instead of ?

	// readOptions start a transaction that sees one consistent snapshot.
	readOptions *sql.TxOptions

	isRetryable  func(error) bool
	isConstraint func(error) bool
	// isFull reports a write refused because the disk, a quota or the
	// database's size limit is full: the write was rolled back whole.
	isFull func(error) bool

	rebound sync.Map // query with ? -> query with $n
}

var sqliteDialect = &dialect{
	name:  "sqlite",
	goose: goose.DialectSQLite3,
	// A deferred (read-only) transaction in WAL mode reads one snapshot and
	// takes no write lock, unlike the immediate ones writes use.
	readOptions:  &sql.TxOptions{ReadOnly: true},
	isRetryable:  func(err error) bool { return sqliteCode(err) == 5 || sqliteCode(err) == 6 }, // SQLITE_BUSY, SQLITE_LOCKED
	isConstraint: func(err error) bool { return sqliteCode(err) == 19 },                        // SQLITE_CONSTRAINT
	isFull:       func(err error) bool { return sqliteCode(err) == sqliteFull },
}

var postgresDialect = &dialect{
	name:        "postgres",
	goose:       goose.DialectPostgres,
	dollar:      true,
	readOptions: &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
	isRetryable: func(err error) bool {
		c := pgCode(err)
		return c == "40001" || c == "40P01" // serialization_failure, deadlock_detected
	},
	isConstraint: func(err error) bool { return strings.HasPrefix(pgCode(err), "23") }, // integrity_constraint_violation
	isFull:       func(err error) bool { return pgCode(err) == "53100" },               // disk_full
}

// SQLite result codes Upshot tells apart.
const (
	sqliteFull         = 13             // SQLITE_FULL: the disk (or max_page_count) is full
	sqliteIOErrShmSize = 10 | (19 << 8) // SQLITE_IOERR_SHMSIZE: the -shm file could not grow
)

// sqliteCode returns the primary result code of a SQLite error (extended codes
// such as SQLITE_BUSY_SNAPSHOT carry it in the low byte), or 0.
func sqliteCode(err error) int {
	return sqliteExtendedCode(err) & 0xff
}

// sqliteExtendedCode returns the extended result code of a SQLite error, or 0.
func sqliteExtendedCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// rebind rewrites ? placeholders to $1, $2, ... for PostgreSQL. Queries here
// are constants without ? inside string literals, which keeps this simple;
// the results are cached because the same few queries run all the time.
func (d *dialect) rebind(query string) string {
	if !d.dollar {
		return query
	}
	if q, ok := d.rebound.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	q := b.String()
	d.rebound.Store(query, q)
	return q
}
