package store_test

import (
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The benchmarks run on a SQLite file with the production pragmas
// (WAL, synchronous=FULL), so each write pays for a real fsync: the number
// a person waits for after "session add". BenchmarkRawInsert is the floor
// for that: one plain INSERT of a similar row per transaction.

func benchSession(therapist, goal int64, n int) *upshot.Session {
	return &upshot.Session{TherapistID: therapist, Date: day(2015, 1, 5).AddDays(7 * (n % 520)), Minutes: ptr(50),
		Fee: ptr(upshot.Money(9000)), Format: "in_person", Agenda: "me",
		Focus: &upshot.Focus{Life: 30, Relationship: 10, Therapist: 2, Admin: 5, Other: 3},
		Goals: []upshot.GoalProgress{{GoalID: goal, Progress: ptr(1)}}, Got: []string{"insight", "strategy"},
		Helpful: ptr(7), After: upshot.AfterBetter,
		Conduct: upshot.Conduct{Empathy: ptr(4), Respect: ptr(5), Honesty: ptr(4), Judgment: ptr(4)},
		Note:    "We went through the Monday meeting plan step by step and agreed on one thing to try."}
}

func benchDB(b *testing.B) (*store.DB, int64, int64) {
	db := storetest.Open(b, "sqlite")
	th := &upshot.Therapist{Name: "Dr. Bench", Started: day(2015, 1, 1)}
	must(b, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
	g := &upshot.Goal{Title: "bench goal", Domain: "work", Status: upshot.GoalOpen, Opened: day(2015, 1, 1)}
	must(b, db.CreateGoal(ctx, upshot.DefaultOwner, g))
	return db, th.ID, g.ID
}

func BenchmarkCreateSession(b *testing.B) {
	db, th, g := benchDB(b)
	for i := 0; b.Loop(); i++ {
		if err := db.CreateSession(ctx, upshot.DefaultOwner, benchSession(th, g, i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListSessions lists ten years of weekly sessions.
func BenchmarkListSessions(b *testing.B) {
	db, th, g := benchDB(b)
	snap, err := db.Export(ctx, upshot.DefaultOwner)
	must(b, err)
	other, err := db.CreateUser(ctx, "bench")
	must(b, err)
	now := time.Now().UTC()
	for i := range 520 {
		s := benchSession(th, g, i)
		s.ID, s.Meta = int64(i+1), upshot.Meta{Version: 1, CreatedAt: now, UpdatedAt: now}
		snap.Sessions = append(snap.Sessions, s)
	}
	must(b, db.Import(ctx, other, snap)) // one transaction instead of 520 fsyncs
	for b.Loop() {
		list, err := db.ListSessions(ctx, other, upshot.SessionFilter{})
		if err != nil || len(list) != 520 {
			b.Fatalf("listed %d sessions: %v", len(list), err)
		}
	}
}

// BenchmarkRawInsert is the floor: one INSERT of a session-sized row per
// transaction, through the same connection pool and pragmas.
func BenchmarkRawInsert(b *testing.B) {
	sqldb := rawDB(b)
	for b.Loop() {
		if err := rawInsert(sqldb); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateSessionParallel and BenchmarkRawInsertParallel are the same
// with four writers at once (two per core), as the load test's four clients:
// writers queue for SQLite's one write lock, so what a write does while it
// holds the lock sets the rate.
func BenchmarkCreateSessionParallel(b *testing.B) {
	db, th, g := benchDB(b)
	var n atomic.Int64
	b.SetParallelism(2)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := db.CreateSession(ctx, upshot.DefaultOwner, benchSession(th, g, int(n.Add(1)))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkRawInsertParallel(b *testing.B) {
	sqldb := rawDB(b)
	b.SetParallelism(2)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := rawInsert(sqldb); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func rawDB(b *testing.B) *sql.DB {
	db := storetest.Open(b, "sqlite")
	sqldb := db.SQL()
	if _, err := sqldb.ExecContext(ctx, `CREATE TABLE raw_sessions (id INTEGER PRIMARY KEY, therapist_id INTEGER, date TEXT,
		minutes INTEGER, fee INTEGER, format TEXT, agenda TEXT, focus TEXT, got TEXT, helpful INTEGER, felt_after TEXT,
		conduct TEXT, flags TEXT, note TEXT, version INTEGER, created_at TEXT, updated_at TEXT)`); err != nil {
		b.Fatal(err)
	}
	return sqldb
}

func rawInsert(sqldb *sql.DB) error {
	tx, err := sqldb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO raw_sessions (therapist_id, date, minutes, fee, format, agenda, focus, got,
		helpful, felt_after, conduct, flags, note, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		1, "2024-01-01", 50, 9000, "in_person", "me", "30,10,2,5,3", "insight,strategy", 7, "better", "4,,5,,4,4,,",
		"", "We went through the Monday meeting plan step by step and agreed on one thing to try.", 1,
		"2025-06-01T12:00:00.000000Z", "2025-06-01T12:00:00.000000Z")
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// BenchmarkSessionPage reads one page of 50 of 520 sessions by time of
// change (the sync API's page), beside the same 520 read whole.
func BenchmarkSessionPage(b *testing.B) {
	db, th, g := benchDB(b)
	snap, err := db.Export(ctx, upshot.DefaultOwner)
	must(b, err)
	other, err := db.CreateUser(ctx, "bench")
	must(b, err)
	now := time.Now().UTC()
	for i := range 520 {
		s := benchSession(th, g, i)
		s.ID, s.Meta = int64(i+1), upshot.Meta{Version: 1, CreatedAt: now, UpdatedAt: now.Add(time.Duration(i) * time.Second)}
		snap.Sessions = append(snap.Sessions, s)
	}
	must(b, db.Import(ctx, other, snap))
	for _, skip := range []int{0, 250} {
		q := upshot.ChangeQuery{Limit: 50}
		if skip > 0 {
			q.AfterAt, q.AfterID = now.Add(time.Duration(skip-1)*time.Second), int64(skip)
		}
		b.Run(fmt.Sprintf("after-%d", skip), func(b *testing.B) {
			for b.Loop() {
				list, err := db.SessionChanges(ctx, other, q)
				if err != nil || len(list) != 50 {
					b.Fatalf("a page of %d sessions: %v", len(list), err)
				}
			}
		})
	}
}
