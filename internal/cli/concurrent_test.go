package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// TestServeAndCLIWriteTogether runs 'upshot serve' on a database while a few
// dozen 'session add' processes write to it at once, beside clients of the
// API. Every write must succeed: lock waits are the program's business, and
// "database is locked" must never reach a person.
func TestServeAndCLIWriteTogether(t *testing.T) {
	t.Parallel()
	forEachBackendBinary(t, func(t *testing.T, e *env) {
		killSetup(e)
		srv := e.serve(t)
		l := newKillLedger()
		const processes, apiClients, apiWrites = 36, 2, 24

		type outcome struct {
			n              int
			code           int
			stdout, stderr string
		}
		outcomes := make(chan outcome, processes)
		var wg sync.WaitGroup
		startLine := make(chan struct{})
		for p := 0; p < processes; p++ {
			n := l.startSession()
			wg.Add(1)
			go func() {
				defer wg.Done()
				args := killArgs(n)
				cmd := e.command(context.Background(), args...)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				<-startLine
				err := cmd.Run()
				code := 0
				if err != nil {
					code = -1
					if ee, ok := err.(interface{ ExitCode() int }); ok {
						code = ee.ExitCode()
					}
				}
				outcomes <- outcome{n, code, stdout.String(), stderr.String()}
			}()
		}
		apiErrs := make(chan error, apiClients)
		for c := 0; c < apiClients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := srv.client(time.Minute)
				<-startLine
				for k := 0; k < apiWrites; k++ {
					n := l.start()
					path, body := killBody(n)
					status, out, err := post(client, srv.url+path, body)
					if err != nil || status != http.StatusCreated {
						apiErrs <- fmt.Errorf("API write %d: %v, status %d: %.300s", n, err, status, out)
						return
					}
					id, err := ackedID(out)
					if err != nil {
						apiErrs <- err
						return
					}
					l.ack(n, id)
				}
			}()
		}
		began := time.Now()
		close(startLine)
		wg.Wait()
		took := time.Since(began)
		close(outcomes)
		close(apiErrs)
		for err := range apiErrs {
			t.Error(err)
		}
		for o := range outcomes {
			if o.code != 0 || o.stderr != "" {
				t.Errorf("write %d: exit %d, stderr %q", o.n, o.code, o.stderr)
				continue
			}
			id, err := ackedID([]byte(o.stdout))
			if err != nil {
				t.Errorf("write %d: %v", o.n, err)
				continue
			}
			l.ack(o.n, id)
		}
		srv.stop(t)
		for _, line := range srv.lines() {
			if strings.Contains(line, "status=5") || strings.Contains(strings.ToLower(line), "locked") {
				t.Errorf("server: %s", line)
			}
		}
		var st killStats
		newKillChecker(t, e).verify(t, l, &st)
		if st.stored != processes+apiClients*apiWrites || st.lost != 0 {
			t.Errorf("stored %d records, lost %d; want %d stored", st.stored, st.lost, processes+apiClients*apiWrites)
		}
		t.Logf("%s: %d CLI processes and %d API writes at once: all acknowledged, all stored, in %v",
			e.backend, processes, apiClients*apiWrites, took.Round(time.Millisecond))
	})
}

// TestConcurrentEditsConflict: two edits of one session from the same
// version cannot both win; the second is told the record changed, and no
// change is silently lost.
func TestConcurrentEditsConflict(t *testing.T) {
	t.Parallel()
	forEachBackendBinary(t, func(t *testing.T, e *env) {
		killSetup(e)
		t.Run("api", func(t *testing.T) {
			srv := e.serve(t)
			defer srv.stop(t)
			client := srv.client(time.Minute)
			_, body := killBody(0)
			status, out, err := post(client, srv.url+"/api/v1/sessions", body)
			if err != nil || status != http.StatusCreated {
				t.Fatalf("create: %v %d %s", err, status, out)
			}
			var s upshot.Session
			if err := json.Unmarshal(out, &s); err != nil || s.Version != 1 {
				t.Fatalf("created session: %v, version %d", err, s.Version)
			}
			var wg sync.WaitGroup
			statuses := make([]int, 2)
			bodies := make([][]byte, 2)
			startLine := make(chan struct{})
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					edit := s
					edit.Helpful = upshot.Ptr(i * 9) // 0 or 9
					b, _ := json.Marshal(&edit)
					req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/api/v1/sessions/%d", srv.url, s.ID), bytes.NewReader(b))
					req.Header.Set("Content-Type", "application/json")
					<-startLine
					resp, err := client.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					defer resp.Body.Close()
					var buf bytes.Buffer
					buf.ReadFrom(resp.Body)
					statuses[i], bodies[i] = resp.StatusCode, buf.Bytes()
				}()
			}
			close(startLine)
			wg.Wait()
			winner, loser := 0, 1
			if statuses[1] == http.StatusOK {
				winner, loser = 1, 0
			}
			if statuses[winner] != http.StatusOK || statuses[loser] != http.StatusConflict {
				t.Fatalf("statuses %v, want one 200 and one 409: %s / %s", statuses, bodies[0], bodies[1])
			}
			var apiErr struct {
				Error struct{ Code, Message, Field string }
			}
			if err := json.Unmarshal(bodies[loser], &apiErr); err != nil || apiErr.Error.Code != upshot.ECONFLICT ||
				apiErr.Error.Field != "version" || !strings.Contains(apiErr.Error.Message, "changed since you read it") {
				t.Errorf("409 body: %s (%v)", bodies[loser], err)
			}
			stored := findSession(t, e, s.ID)
			if stored.Version != 2 || stored.Helpful == nil || *stored.Helpful != winner*9 {
				t.Errorf("stored version %d helpful %v, want version 2 and the winner's %d", stored.Version, stored.Helpful, winner*9)
			}
		})
		t.Run("cli", func(t *testing.T) { raceCLIEdits(t, e) })
	})
}

func findSession(t *testing.T, e *env, id int64) *upshot.Session {
	t.Helper()
	db := openStore(t, e.dsn)
	s, err := db.FindSession(context.Background(), upshot.DefaultOwner, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// raceCLIEdits runs two 'session edit' processes against one session. To
// make them overlap, the test holds the database's write lock (SQLite) or
// the session's row lock (PostgreSQL) while both start: each reads the
// session, then waits to write. When the lock goes, one must win and the
// other must be refused as a conflict. On PostgreSQL the lock is released
// once the server shows both edits waiting on it. SQLite shows no waiters, so
// there the lock is held for four times as long as starting up and reading takes
// on this machine, twice as long again each round: a process may still read
// only after the winner wrote (then both rightly succeed), so a round where
// both succeed must keep both changes, and at least one of five rounds must
// show the conflict.
func raceCLIEdits(t *testing.T, e *env) {
	db := openStore(t, e.dsn)
	conflicts := 0
	const rounds = 5
	for round := 0; round < rounds && conflicts == 0; round++ {
		id := e.ok("session", "add", "--therapist", "1", "--date", "2024-03-05", "--minutes", "50", "--helpful", "5")
		sid, _ := strconv.ParseInt(id, 10, 64)
		began := time.Now()
		e.ok("session", "show", id) // start up and read, as each edit will
		hold := 4 * time.Since(began) << round

		ctx := context.Background()
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var lock *sql.Tx
		if lock, err = conn.BeginTx(ctx, nil); err != nil { // immediate: takes the write lock
			t.Fatal(err)
		}
		if e.backend == "postgres" {
			if _, err := lock.ExecContext(ctx, `SELECT 1 FROM sessions WHERE owner_id = 1 AND id = $1 FOR UPDATE`, sid); err != nil {
				t.Fatal(err)
			}
		}
		type outcome struct {
			code   int
			stderr string
		}
		results := make([]outcome, 2)
		edits := [][]string{{"session", "edit", id, "--helpful", "9"}, {"session", "edit", id, "--minutes", "77"}}
		var wg sync.WaitGroup
		done := make(chan struct{})
		for i, args := range edits {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := e.command(ctx, args...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				code := 0
				if ee, ok := err.(interface{ ExitCode() int }); ok {
					code = ee.ExitCode()
				} else if err != nil {
					code = -1
				}
				results[i] = outcome{code, stderr.String()}
			}()
		}
		go func() { wg.Wait(); close(done) }()
		if e.backend == "postgres" {
			waitForWaiters(t, lock, 2, done)
		} else {
			select {
			case <-time.After(hold):
			case <-done:
			}
		}
		lock.Rollback()
		conn.Close()
		wg.Wait()

		s, err := db.FindSession(ctx, upshot.DefaultOwner, sid)
		if err != nil {
			t.Fatal(err)
		}
		helpful9 := s.Helpful != nil && *s.Helpful == 9
		minutes77 := s.Minutes != nil && *s.Minutes == 77
		switch {
		case results[0].code == 0 && results[1].code == 0:
			if s.Version != 3 || !helpful9 || !minutes77 {
				t.Fatalf("round %d: both edits succeeded but the session is version %d, helpful 9: %v, minutes 77: %v: a change was lost",
					round, s.Version, helpful9, minutes77)
			}
			t.Logf("round %d: the edits did not overlap; both kept", round)
		case results[0].code == 0 || results[1].code == 0:
			loser := 1
			if results[1].code == 0 {
				loser = 0
			}
			r := results[loser]
			if r.code != 1 || !strings.HasPrefix(r.stderr, "upshot: ") || !strings.Contains(r.stderr, "changed since you read it") {
				t.Fatalf("round %d: the losing edit: exit %d, stderr %q; want exit 1 saying the session changed since it was read", round, r.code, r.stderr)
			}
			wantHelpful9, wantMinutes77 := loser == 1, loser == 0
			if s.Version != 2 || helpful9 != wantHelpful9 || minutes77 != wantMinutes77 {
				t.Fatalf("round %d: after the conflict the session is version %d, helpful 9: %v, minutes 77: %v", round, s.Version, helpful9, minutes77)
			}
			conflicts++
		default:
			t.Fatalf("round %d: both edits failed: %+v", round, results)
		}
	}
	if conflicts == 0 {
		t.Fatalf("in %d rounds the two edits never overlapped; the test did not test the conflict", rounds)
	}
}

// waitForWaiters returns once n transactions wait for a lock that the
// transaction lock holds (on its id, or queued on a row of sessions behind
// the first waiter), or when done closes.
func waitForWaiters(t *testing.T, lock *sql.Tx, n int, done <-chan struct{}) {
	t.Helper()
	for {
		var waiting int
		err := lock.QueryRow(`SELECT count(*) FROM pg_locks WHERE NOT granted AND (
			(locktype = 'transactionid' AND transactionid::text = (txid_current() % 4294967296)::text) OR
			(locktype = 'tuple' AND relation = 'sessions'::regclass))`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting >= n {
			return
		}
		select {
		case <-done:
			return
		case <-time.After(20 * time.Millisecond): // polling the server's lock table
		}
	}
}
