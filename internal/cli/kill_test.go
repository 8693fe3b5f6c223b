package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
)

// TestKilledWritesLoseNothingAcknowledged adds sessions one process per
// write and SIGKILLs processes at random moments. Afterwards the SQLite file
// must pass integrity_check and hold every session whose command exited 0,
// whole (every field as written).
func TestKilledWritesLoseNothingAcknowledged(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.ok("therapist", "add", "Dr A")
	e.ok("goal", "add", "Sleep", "--domain", "health")

	const wantKills = 30
	deadline := time.Now().Add(60 * time.Second)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))

	argsFor := func(i int) []string {
		return []string{"session", "add", "--therapist", "1", "--date", "2024-03-05",
			"--minutes", strconv.Itoa(i%600 + 1), "--helpful", strconv.Itoa(i % 11),
			"--focus", fmt.Sprintf("life=%d,relationship=%d", i%50+1, i%7), "--goals", "1", "--progress", fmt.Sprintf("1=%+d", i%7-3),
			"--note", fmt.Sprintf("kill test %d", i)}
	}
	start := func(i int) (*exec.Cmd, *bytes.Buffer) {
		cmd := e.command(context.Background(), argsFor(i)...)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}

	// How long an undisturbed write takes, so kills can land anywhere in it.
	acked := map[int]int64{} // write number -> id it printed
	var typical time.Duration
	i := 0
	for ; i < 5; i++ {
		began := time.Now()
		cmd, out := start(i)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("undisturbed write %d: %v", i, err)
		}
		typical += time.Since(began)
		id, _ := strconv.ParseInt(strings.TrimSpace(out.String()), 10, 64)
		acked[i] = id
	}
	typical /= 5

	kills := 0
	for kills < wantKills && time.Now().Before(deadline) {
		cmd, out := start(i)
		// Most of the early part is process start-up; aim most kills at the
		// part where the database is open and the write is under way.
		time.Sleep(typical*3/10 + time.Duration(rng.Int64N(int64(typical)*9/10)))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		status, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		switch {
		case err == nil:
			id, perr := strconv.ParseInt(strings.TrimSpace(out.String()), 10, 64)
			if perr != nil {
				t.Fatalf("write %d exited 0 but printed %q", i, out.String())
			}
			acked[i] = id
		case status.Signaled() && status.Signal() == syscall.SIGKILL:
			kills++
		default:
			t.Fatalf("write %d failed on its own: %v", i, err)
		}
		i++
	}
	if kills < wantKills {
		t.Fatalf("only %d kills landed in the time allowed", kills)
	}

	db, err := store.Open(context.Background(), e.dsn)
	if err != nil {
		t.Fatalf("the database does not open after the kills: %v", err)
	}
	defer db.Close()
	var check string
	if err := db.SQL().QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}

	var sessions []sessionJSON
	e.jsonOf(&sessions, "session", "list", "--json")
	byID := map[int64]sessionJSON{}
	for _, s := range sessions {
		byID[s.ID] = s
	}
	lost := 0
	for n, id := range acked {
		s, ok := byID[id]
		if !ok {
			lost++
			t.Errorf("write %d was acknowledged with id %d but is missing", n, id)
			continue
		}
		want := fmt.Sprintf("kill test %d|%d|%d|%d|%d|%d", n, n%600+1, n%11, n%50+1, n%7, n%7-3)
		got := fmt.Sprintf("%s|%d|%d|%d|%d|%d", s.Note, deref(s.Minutes), deref(s.Helpful), s.Focus["life"], s.Focus["relationship"], progressOf(s))
		if got != want {
			t.Errorf("session %d is not whole: %s, want %s", id, got, want)
		}
	}
	// Every stored session is one the test started, complete or not at all.
	for _, s := range sessions {
		if !strings.HasPrefix(s.Note, "kill test ") || s.Minutes == nil || s.Focus == nil || len(s.Goals) != 1 {
			t.Errorf("half-written session %d: %+v", s.ID, s)
		}
	}
	t.Logf("kills: %d, writes started: %d, acknowledged: %d, stored: %d, lost: %d (a write takes about %v)",
		kills, i, len(acked), len(sessions), lost, typical.Round(time.Millisecond))
}

func deref(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func progressOf(s sessionJSON) int {
	if len(s.Goals) != 1 || s.Goals[0].Progress == nil {
		return -99
	}
	return *s.Goals[0].Progress
}
