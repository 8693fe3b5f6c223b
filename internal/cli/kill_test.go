package cli_test

// The crash-safety proof: the real binary writes sessions and check-ins, one
// process per write (the CLI) or as a server taking requests (the API), and is
// SIGKILLed at random moments, hundreds of times, on both databases. After
// every kill the database is reopened and checked: SQLite's integrity_check
// is ok, every acknowledged write (exit 0, or 201 with its id) is there and
// whole, and every write that was cut off is either wholly there or absent.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The kill tests take minutes of two busy cores, so they run where the
// variable says (CI sets it; .ci/run), not in every local 'go test ./...',
// which reports them as skipped.
const (
	killTestsEnv = "UPSHOT_KILL_TESTS" // 1 runs them
	killSeedEnv  = "UPSHOT_KILL_SEED"  // replays a run's random choices
)

func killTestsOn() bool {
	v := os.Getenv(killTestsEnv)
	return v != "" && v != "0" && v != "false"
}

// killSeed is the seed of a kill run's random choices (when to kill, how
// long to wait), logged so that a failed run can be replayed with
// UPSHOT_KILL_SEED.
func killSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(killSeedEnv); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("%s=%q: want a whole number", killSeedEnv, v)
		}
	}
	t.Logf("random seed %d (replay with %s=%d)", seed, killSeedEnv, seed)
	return seed
}

// killsWanted is how many SIGKILLs each backend and path must take: 200 in a
// full run (CI), a quick 20 with -short.
func killsWanted() int {
	if testing.Short() {
		return 20
	}
	return 200
}

// Where the test's records start: sessions carry their write number in the
// note, check-ins in their date (one day per write), so a record found in
// the database says which write made it.
var (
	killSessionDay = upshot.NewDate(2020, 1, 1)
	killCheckInDay = upshot.NewDate(2012, 1, 1)
)

// killSession is what write n (even) records: every field set, all derived
// from n, and a note of varying length with multi-byte and markup characters,
// so that a torn write cannot pass for a whole one.
func killSession(n int) *upshot.Session {
	i, j := n%4, 4+n%4
	s := &upshot.Session{
		TherapistID: 1,
		Date:        killSessionDay.AddDays(n % 1500),
		Minutes:     upshot.Ptr(n%600 + 1),
		Fee:         upshot.Ptr(upshot.Money(n * 137 % 100000)),
		Format:      upshot.Formats[n%len(upshot.Formats)],
		Agenda:      upshot.Agendas[n%len(upshot.Agendas)],
		Focus:       &upshot.Focus{Life: n%50 + 1, Relationship: n % 7, Therapist: n % 3, Admin: n % 5, Other: n % 2},
		Goals:       []upshot.GoalProgress{{GoalID: 1, Progress: upshot.Ptr(n%7 - 3)}},
		Got:         []string{upshot.Inputs[i], upshot.Inputs[j]},
		Helpful:     upshot.Ptr(n % 11),
		After:       upshot.Afters[n%len(upshot.Afters)],
		Conduct:     upshot.Conduct{Empathy: upshot.Ptr(n%5 + 1), Respect: upshot.Ptr(n/5%5 + 1)},
		Flags:       []string{upshot.Flags[n%len(upshot.Flags)]},
		Note:        fmt.Sprintf("kill test %d: ", n) + strings.Repeat("<é&x> ", n%400),
	}
	return s
}

// killCheckIn is what write n (odd) records: a GAD-7 check-in dated by n.
func killCheckIn(n int) *upshot.CheckIn {
	answers := make([]*int, 7)
	for k := range answers {
		answers[k] = upshot.Ptr((n >> (2 * k)) & 3)
	}
	return &upshot.CheckIn{Instrument: "gad7", InstrumentVersion: 1, Date: killCheckInDay.AddDays(n), Answers: answers}
}

// killArgs is the command line of write n.
func killArgs(n int) []string {
	if n%2 == 1 {
		c := killCheckIn(n)
		answers := make([]string, len(c.Answers))
		for k, a := range c.Answers {
			answers[k] = strconv.Itoa(*a)
		}
		return []string{"check", c.Instrument, "--answers", strings.Join(answers, ","), "--date", c.Date.String(), "--json"}
	}
	s := killSession(n)
	f := s.Focus
	return []string{"session", "add", "--therapist", "1", "--date", s.Date.String(),
		"--minutes", strconv.Itoa(*s.Minutes), "--fee", s.Fee.String(), "--format", s.Format, "--agenda", s.Agenda,
		"--focus", fmt.Sprintf("life=%d,relationship=%d,therapist=%d,admin=%d,other=%d", f.Life, f.Relationship, f.Therapist, f.Admin, f.Other),
		"--goals", "1", "--progress", fmt.Sprintf("1=%+d", *s.Goals[0].Progress), "--got", strings.Join(s.Got, ","),
		"--helpful", strconv.Itoa(*s.Helpful), "--after", s.After,
		"--conduct", fmt.Sprintf("empathy=%d,respect=%d", *s.Conduct.Empathy, *s.Conduct.Respect),
		"--flags", strings.Join(s.Flags, ","), "--note", s.Note}
}

// killBody is the API request of write n: its path and JSON body.
func killBody(n int) (string, []byte) {
	if n%2 == 1 {
		c := killCheckIn(n)
		b, _ := json.Marshal(map[string]any{"instrument": c.Instrument, "answers": c.Answers, "date": c.Date})
		return "/api/v1/checkins", b
	}
	b, _ := json.Marshal(killSession(n))
	return "/api/v1/sessions", b
}

// ackedID reads the id a write printed (CLI) or returned (API): a bare
// number from 'session add', a JSON object from 'check --json' and the API.
func ackedID(out []byte) (int64, error) {
	if id, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil {
		return id, nil
	}
	var v struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.ID <= 0 {
		return 0, fmt.Errorf("no id in %.200q", out)
	}
	return v.ID, nil
}

// killLedger is what the test knows about the writes it started.
type killLedger struct {
	mu      sync.Mutex
	next    int
	started map[int]bool
	acked   map[int]int64 // write number -> the id acknowledged
}

func newKillLedger() *killLedger {
	return &killLedger{started: map[int]bool{}, acked: map[int]int64{}}
}

func (l *killLedger) start() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.next
	l.next++
	l.started[n] = true
	return n
}

// startSession is start for a write that must be a session (even number).
func (l *killLedger) startSession() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next += l.next % 2
	n := l.next
	l.next++
	l.started[n] = true
	return n
}

func (l *killLedger) ack(n int, id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acked[n] = id
}

// killStats are the figures a kill test reports.
type killStats struct {
	kills, integrityFailures, lost int
	// cutCommitted and cutAbsent count the unacknowledged writes found
	// wholly present or wholly absent at the last check: both must occur
	// for the kills to have landed on both sides of the commit.
	cutCommitted, cutAbsent, stored int
	checking                        time.Duration // spent checking after kills
}

// killChecker opens the database the way the next process would after a
// kill. SQLite is reopened every time: recovering the write-ahead log of a
// killed writer is part of what is tested. PostgreSQL keeps one handle, since
// the killed process was only a client and the server's state is the same
// through any connection (a new one per check would only time connecting).
type killChecker struct {
	dsn string
	pg  *store.DB
}

func newKillChecker(t *testing.T, e *env) *killChecker {
	c := &killChecker{dsn: e.dsn}
	if e.backend == "postgres" {
		c.pg = openStore(t, e.dsn)
	}
	return c
}

// verify checks the database against the ledger after a kill. It reports
// every violation with t.Errorf and updates the figures.
func (c *killChecker) verify(t *testing.T, l *killLedger, st *killStats) {
	t.Helper()
	defer func(t0 time.Time) { st.checking += time.Since(t0) }(time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := c.pg
	if db == nil {
		var err error
		if db, err = store.Open(ctx, c.dsn); err != nil {
			st.integrityFailures++
			t.Fatalf("the database does not open after kill %d: %v", st.kills, err)
		}
		defer db.Close()
	}

	if db.Dialect() == "sqlite" {
		var check string
		if err := db.SQL().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			st.integrityFailures++
			t.Errorf("after kill %d: integrity_check = %q, %v", st.kills, check, err)
		}
		rows, err := db.SQL().QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			t.Fatal(err)
		}
		if rows.Next() {
			st.integrityFailures++
			t.Errorf("after kill %d: foreign_key_check reports violations", st.kills)
		}
		rows.Close()
	}
	// On both databases: an id counter is never behind the ids it handed
	// out, or the next write would collide with a stored record.
	for _, c := range []struct{ kind, table string }{{"session", "sessions"}, {"checkin", "checkins"}} {
		var last, highest int64
		err := db.SQL().QueryRowContext(ctx, `SELECT (SELECT last_id FROM id_counters WHERE owner_id = 1 AND kind = '`+c.kind+`'),
			(SELECT COALESCE(MAX(id), 0) FROM `+c.table+` WHERE owner_id = 1)`).Scan(&last, &highest)
		if err != nil || last < highest {
			st.integrityFailures++
			t.Errorf("after kill %d: %s counter at %d, highest id %d (%v)", st.kills, c.kind, last, highest, err)
		}
	}

	snap, err := db.Export(ctx, upshot.DefaultOwner)
	if err != nil {
		st.integrityFailures++
		t.Fatalf("after kill %d: export: %v", st.kills, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	today := upshot.Today()
	found := map[int]int64{} // write number -> stored id
	for _, s := range snap.Sessions {
		var n int
		if _, err := fmt.Sscanf(s.Note, "kill test %d:", &n); err != nil || !l.started[n] || n%2 != 0 {
			t.Errorf("after kill %d: session %d was never written by the test (note %.40q)", st.kills, s.ID, s.Note)
			continue
		}
		if prev, dup := found[n]; dup {
			t.Errorf("after kill %d: write %d is stored twice (sessions %d and %d)", st.kills, n, prev, s.ID)
		}
		found[n] = s.ID
		want := killSession(n)
		if err := want.Validate(today); err != nil {
			t.Fatal(err)
		}
		if got, wantJSON := sessionContent(s), sessionContent(want); got != wantJSON {
			t.Errorf("after kill %d: session %d (write %d) is not whole:\n got %.300s\nwant %.300s", st.kills, s.ID, n, got, wantJSON)
		}
	}
	for _, c := range snap.CheckIns {
		n := c.Date.DaysSince(killCheckInDay)
		if !l.started[n] || n%2 != 1 {
			t.Errorf("after kill %d: check-in %d was never written by the test (date %s)", st.kills, c.ID, c.Date)
			continue
		}
		if prev, dup := found[n]; dup {
			t.Errorf("after kill %d: write %d is stored twice (check-ins %d and %d)", st.kills, n, prev, c.ID)
		}
		found[n] = c.ID
		want := killCheckIn(n)
		got, _ := json.Marshal([]any{c.Instrument, c.InstrumentVersion, c.Answers})
		exp, _ := json.Marshal([]any{want.Instrument, want.InstrumentVersion, want.Answers})
		if !bytes.Equal(got, exp) {
			t.Errorf("after kill %d: check-in %d (write %d) is not whole: %s, want %s", st.kills, c.ID, n, got, exp)
		}
	}
	st.lost, st.cutCommitted, st.cutAbsent = 0, 0, 0
	for n, id := range l.acked {
		if got, ok := found[n]; !ok || got != id {
			st.lost++
			t.Errorf("after kill %d: write %d was acknowledged with id %d but the database has %v", st.kills, n, id, found[n])
		}
	}
	for n := range l.started {
		if _, ok := l.acked[n]; ok {
			continue
		}
		if _, ok := found[n]; ok {
			st.cutCommitted++
		} else {
			st.cutAbsent++
		}
	}
	st.stored = len(snap.Sessions) + len(snap.CheckIns)
}

// sessionContent is a session without its id and timestamps, as JSON.
func sessionContent(s *upshot.Session) string {
	c := *s
	c.ID, c.Meta = 0, upshot.Meta{}
	b, _ := json.Marshal(&c)
	return string(b)
}

// killSetup gives the database the therapist and goal every session names.
func killSetup(e *env) {
	e.t.Helper()
	e.ok("therapist", "add", "Dr A", "--since", "2019-01-01")
	e.ok("goal", "add", "Sleep", "--domain", "health", "--opened", "2019-01-01")
}

func TestKilledWritesLoseNothingAcknowledged(t *testing.T) {
	t.Parallel()
	if !killTestsOn() {
		t.Skipf("kill tests skipped: set %s=1 to run them (CI does)", killTestsEnv)
	}
	seed := killSeed(t)
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			// The backends share no state, and a kill run mostly waits on
			// processes: side by side they take half the wall time.
			t.Parallel()
			t.Run("cli", func(t *testing.T) { killCLI(t, newBinaryEnv(t, backend), seed) })
			t.Run("api", func(t *testing.T) { killAPI(t, newBinaryEnv(t, backend), seed) })
		})
	}
}

// killCLI runs one process per write and SIGKILLs most of them part-way.
func killCLI(t *testing.T, e *env, seed uint64) {
	killSetup(e)
	began := time.Now()
	want := killsWanted()
	rng := rand.New(rand.NewPCG(seed, 1))
	l := newKillLedger()
	check := newKillChecker(t, e)

	start := func(n int) (*exec.Cmd, *bytes.Buffer) {
		cmd := e.command(context.Background(), killArgs(n)...)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}

	// How long an undisturbed write of each kind takes, so that kills can
	// land anywhere in one.
	var typical [2]time.Duration
	for k := 0; k < 6; k++ {
		n := l.start()
		t0 := time.Now()
		cmd, out := start(n)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("undisturbed write %d: %v", n, err)
		}
		typical[n%2] += time.Since(t0) / 3
		id, err := ackedID(out.Bytes())
		if err != nil {
			t.Fatalf("write %d: %v", n, err)
		}
		l.ack(n, id)
	}

	// Three writes in four are aimed at; a kill misses when the write
	// finishes first. The run is bounded by writes, not by the wall clock
	// (a loaded machine is slower, not wrong): four times the writes that
	// the kills need means most kills missed, and the run fails.
	var st killStats
	for writes := 0; st.kills < want; writes++ {
		if writes >= 4*want*4/3 {
			t.Fatalf("only %d of %d kills landed in %d writes: the writes finished before the kills", st.kills, want, writes)
		}
		n := l.start()
		t0 := time.Now()
		cmd, out := start(n)
		// One write in four (of each kind: writes alternate between sessions
		// and check-ins) runs undisturbed, so that acknowledged writes pile
		// up beside the killed ones and the typical time stays current as
		// the database grows; the others are killed at a random moment.
		// Most of a write's early part is process start-up, so most kills
		// aim at the part where the database is open and the write under way.
		if n/2%4 != 0 {
			typ := typical[n%2]
			time.Sleep(typ/5 + time.Duration(rng.Int64N(int64(typ))))
			cmd.Process.Signal(syscall.SIGKILL)
		}
		err := cmd.Wait()
		status, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		switch {
		case err == nil:
			id, perr := ackedID(out.Bytes())
			if perr != nil {
				t.Fatalf("write %d exited 0 but printed no id: %v", n, perr)
			}
			l.ack(n, id)
			typical[n%2] = (typical[n%2]*3 + time.Since(t0)) / 4
		case status.Signaled() && status.Signal() == syscall.SIGKILL:
			st.kills++
			check.verify(t, l, &st)
		default:
			t.Fatalf("write %d failed on its own: %v", n, err)
		}
		if t.Failed() {
			break
		}
	}
	reportKills(t, "cli", e.backend, want, &st, l, began)
}

// server is a running 'upshot serve'.
type server struct {
	cmd   *exec.Cmd
	url   string
	token string        // the launch token it printed
	done  chan struct{} // closed when its stderr ends
	mu    sync.Mutex
	log   []string // stderr lines: the address, then method/route/status per request
}

// servingAt is the address with the launch token that 'upshot serve' prints.
var servingAt = regexp.MustCompile(`^\s+(http://[^/\s]+)/\?token=(\S+)$`)

// serve starts 'upshot serve --addr 127.0.0.1:0' on e's database and waits
// until it says where it listens.
func (e *env) serve(t *testing.T) *server {
	t.Helper()
	return e.serveAt(t, "127.0.0.1:0")
}

// serveAt starts 'upshot serve --addr addr'.
func (e *env) serveAt(t *testing.T, addr string) *server {
	t.Helper()
	cmd := e.command(context.Background(), "serve", "--addr", addr)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	printed := make(chan []string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log = append(s.log, line)
			s.mu.Unlock()
			if m := servingAt.FindStringSubmatch(line); m != nil {
				printed <- m[1:]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case a := <-printed:
		s.url, s.token = a[0], a[1]
	case <-s.done:
		cmd.Wait()
		t.Fatalf("upshot serve stopped before listening:\n%s", strings.Join(s.lines(), "\n"))
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("upshot serve did not say where it listens within 30s:\n%s", strings.Join(s.lines(), "\n"))
	}
	return s
}

func (s *server) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// kill SIGKILLs the server and reports whether the signal is what ended it.
func (s *server) kill() bool {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	<-s.done
	status, _ := s.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return status.Signaled() && status.Signal() == syscall.SIGKILL
}

// stop ends the server as Ctrl-C would and waits for it.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- s.cmd.Wait() }()
	select {
	case err := <-errc:
		<-s.done
		if err != nil {
			t.Errorf("upshot serve did not stop cleanly: %v\n%s", err, strings.Join(s.lines(), "\n"))
		}
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("upshot serve did not stop within 20s of SIGINT")
	}
}

// client returns an HTTP client that sends the server's launch token with
// every request, as a script does.
func (s *server) client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: bearer{token: s.token}}
}

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// post sends a JSON body and returns the status and body.
func post(client *http.Client, url string, body []byte) (int, []byte, error) {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// killAPI runs the server, has clients POST writes to it without pause, and
// SIGKILLs it at a random moment; then checks the database and starts it again.
func killAPI(t *testing.T, e *env, seed uint64) {
	killSetup(e)
	began := time.Now()
	want := killsWanted()
	rng := rand.New(rand.NewPCG(seed, 2))
	l := newKillLedger()
	check := newKillChecker(t, e)
	const clients = 2

	var st killStats
	for st.kills < want {
		srv := e.serve(t)
		var killed atomic.Bool
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		// The kill waits for the round's first acknowledged write, so that
		// every round has writes to lose, and then lands at a random moment
		// within as long again: the clients write without pause, so it
		// cuts some write off, however slow the machine.
		firstAck, clientsGone := make(chan struct{}), make(chan struct{})
		var once sync.Once
		roundStart := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := srv.client(30 * time.Second)
				defer client.CloseIdleConnections()
				for !killed.Load() {
					n := l.start()
					path, body := killBody(n)
					status, out, err := post(client, srv.url+path, body)
					switch {
					case err == nil && status == http.StatusCreated:
						id, perr := ackedID(out)
						if perr != nil {
							errs <- fmt.Errorf("write %d: 201 without an id: %v", n, perr)
							return
						}
						l.ack(n, id)
						once.Do(func() { close(firstAck) })
					case killed.Load():
						return // cut off by the kill: unacknowledged
					case err != nil:
						errs <- fmt.Errorf("write %d failed before any kill: %v", n, err)
						return
					default:
						errs <- fmt.Errorf("write %d: status %d before any kill: %.300s", n, status, out)
						return
					}
				}
			}()
		}
		go func() { wg.Wait(); close(clientsGone) }()
		select {
		case <-firstAck:
			time.Sleep(time.Duration(rng.Int64N(int64(time.Since(roundStart)) + 1)))
		case <-clientsGone: // both failed: reported below
		}
		killed.Store(true)
		if !srv.kill() {
			t.Fatalf("upshot serve ended on its own:\n%s", strings.Join(srv.lines(), "\n"))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for _, line := range srv.lines() {
			if strings.Contains(line, "status=5") || strings.Contains(strings.ToLower(line), "locked") {
				t.Errorf("server error before the kill: %s", line)
			}
		}
		st.kills++
		check.verify(t, l, &st)
		if t.Failed() {
			break
		}
	}
	reportKills(t, "api", e.backend, want, &st, l, began)
}

// reportKills logs the figures and fails a run that fell short of the kills
// it promised.
func reportKills(t *testing.T, path, backend string, want int, st *killStats, l *killLedger, began time.Time) {
	t.Helper()
	l.mu.Lock()
	started, acked := len(l.started), len(l.acked)
	l.mu.Unlock()
	t.Logf("kill test %s/%s: kills: %d, writes started: %d, acknowledged: %d, cut off and found whole: %d, cut off and absent: %d, stored: %d, lost: %d, integrity failures: %d, took %v (checking %v)",
		backend, path, st.kills, started, acked, st.cutCommitted, st.cutAbsent, st.stored, st.lost, st.integrityFailures,
		time.Since(began).Round(100*time.Millisecond), st.checking.Round(100*time.Millisecond))
	if acked == 0 {
		t.Errorf("no write was acknowledged: a kill run with nothing to lose tested nothing")
	}
	if st.kills >= want && st.cutAbsent == 0 {
		t.Errorf("no kill cut a write off before its commit: the kills did not land inside writes")
	}
}
