// Command loadtest measures the web app under load, beside baselines measured
// in the same run on the same machine, for BENCHMARKS.md (issue 5).
//
// Run from the repository root:
//
//	go run ./tools/loadtest [-clients 4] [-write-clients 1,4,16] [-duration 8s] [-max 50000] [-rounds 3]
//
// In one run it
//
//  1. builds cmd/upshot (or uses -bin) and writes the ten-year history
//     (internal/demo/history) into a fresh SQLite file;
//  2. starts the real `upshot serve --addr 127.0.0.1:0` on it as a separate
//     process and reads its resident memory from /proc/<pid>/status once it
//     is idle;
//  3. alternates, -rounds times, a bare net/http handler (this program run
//     again as a child process, serving the dashboard's own bytes) and the
//     dashboard (GET /), with the same client and concurrency;
//  4. for each number of concurrent writers in -write-clients, alternates,
//     -rounds times, raw INSERTs of a session-sized row into SQLite at the
//     same durability (WAL, synchronous=FULL, one transaction each, the
//     store's own connection settings) and logging sessions through the API
//     (POST /api/v1/sessions), with that many clients each; the rate each
//     reaches at its best concurrency (its capacity) is compared, and the
//     ratio at every equal concurrency is shown beside it;
//  5. reads the server's peak (VmHWM) and settled resident memory, stops
//     everything and prints the figures as Markdown.
//
// Traffic goes only to 127.0.0.1. Every measurement stops after -duration or
// -max requests, whichever comes first, and the whole run after -timeout;
// the child processes end with it.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

type config struct {
	bin      string
	clients  int
	writers  []int // concurrent clients in each write measurement
	duration time.Duration
	max      int
	rounds   int
	settle   time.Duration
	timeout  time.Duration
	dir      string
	pages    bool
	writes   bool
}

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "", "upshot binary to test (default: build ./cmd/upshot into a temporary directory)")
	flag.IntVar(&cfg.clients, "clients", 4, "concurrent clients in the dashboard measurements")
	writeClients := flag.String("write-clients", "1,4,16", "comma-separated numbers of concurrent clients for the write measurements")
	flag.DurationVar(&cfg.duration, "duration", 8*time.Second, "length of each measurement")
	flag.IntVar(&cfg.max, "max", 50000, "most requests (or inserts) in each measurement")
	flag.IntVar(&cfg.rounds, "rounds", 3, "times each subject and its baseline are measured, alternating; medians are reported")
	flag.DurationVar(&cfg.settle, "settle", 3*time.Second, "idle time before reading the server's resident memory")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Minute, "the whole run stops after this long")
	flag.StringVar(&cfg.dir, "dir", "", "directory for the temporary databases (default: the system's temporary directory)")
	flag.BoolVar(&cfg.pages, "pages", true, "measure the dashboard against the bare handler")
	flag.BoolVar(&cfg.writes, "writes", true, "measure logging sessions against raw inserts")
	barePage := flag.String("bare-page", "", "internal: serve this file as the bare baseline handler")
	flag.Parse()

	if *barePage != "" {
		if err := serveBare(*barePage); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest bare server:", err)
			os.Exit(1)
		}
		return
	}
	if cfg.clients < 1 || cfg.rounds < 1 || cfg.max < 1 || cfg.duration <= 0 {
		fmt.Fprintln(os.Stderr, "loadtest: -clients, -rounds, -max and -duration must be positive")
		os.Exit(2)
	}
	for _, f := range strings.Split(*writeClients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 {
			fmt.Fprintf(os.Stderr, "loadtest: -write-clients: %q is not a number of clients from 1 to 256\n", f)
			os.Exit(2)
		}
		cfg.writers = append(cfg.writers, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// serveBare is the baseline server: the plainest net/http handler writing a
// fixed page. It listens on loopback, prints its address, and exits when its
// standard input closes (the parent ended) so it never outlives the run.
func serveBare(path string) error {
	page, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
}

// measurement is one bounded run of one operation.
type measurement struct {
	n, errs  int
	firstErr error
	elapsed  time.Duration
	lat      []time.Duration // sorted
}

func (m measurement) rate() float64 { return float64(m.n) / m.elapsed.Seconds() }

func (m measurement) pct(p float64) time.Duration {
	if len(m.lat) == 0 {
		return 0
	}
	return m.lat[min(len(m.lat)-1, int(float64(len(m.lat))*p))]
}

// measure runs op from clients goroutines until d has passed or max
// operations have started, and times each. Operations in flight at the end
// finish (within the run's own deadline): cutting them off would make the
// server log cancelled requests and leave their cost out of the time.
func measure(ctx context.Context, clients int, d time.Duration, max int, op func(ctx context.Context) error) measurement {
	var (
		budget  atomic.Int64
		mu      sync.Mutex
		m       measurement
		wg      sync.WaitGroup
		started = time.Now()
	)
	budget.Store(int64(max))
	for range clients {
		wg.Go(func() {
			var lat []time.Duration
			var errs int
			var firstErr error
			for ctx.Err() == nil && time.Since(started) < d && budget.Add(-1) >= 0 {
				t0 := time.Now()
				err := op(ctx)
				if ctx.Err() != nil {
					break // the whole run timed out: neither a result nor an error
				}
				if err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			m.lat = append(m.lat, lat...)
			m.errs += errs
			if m.firstErr == nil {
				m.firstErr = firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	m.elapsed = time.Since(started)
	m.n = len(m.lat)
	slices.Sort(m.lat)
	return m
}

// subject is one thing measured over the rounds.
type subject struct {
	name   string
	rounds []measurement
}

func (s *subject) median(f func(measurement) float64) float64 {
	vs := make([]float64, len(s.rounds))
	for i, m := range s.rounds {
		vs[i] = f(m)
	}
	slices.Sort(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2]
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
}

func (s *subject) rate() float64 { return s.median(measurement.rate) }
func (s *subject) p(q float64) time.Duration {
	return time.Duration(s.median(func(m measurement) float64 { return float64(m.pct(q)) }))
}
func (s *subject) total() (n, errs int, first error) {
	for _, m := range s.rounds {
		n, errs = n+m.n, errs+m.errs
		if first == nil {
			first = m.firstErr
		}
	}
	return n, errs, first
}

type memory struct{ rss, hwm int64 } // kB

func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	var m memory
	for _, line := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			m.rss = kb
		case "VmHWM":
			m.hwm = kb
		}
	}
	return m, nil
}

func run(ctx context.Context, cfg config) error {
	loadBefore := loadavg()
	startedAt := time.Now()
	tmp, err := os.MkdirTemp(cfg.dir, "upshot-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	bin := cfg.bin
	if bin == "" {
		bin = filepath.Join(tmp, "upshot")
		fmt.Fprintln(os.Stderr, "building cmd/upshot ...")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/upshot-app/upshot/cmd/upshot")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build upshot: %w", err)
		}
	}

	today := upshot.Today()
	dbPath := filepath.Join(tmp, "upshot.db")
	fmt.Fprintln(os.Stderr, "writing the ten-year history ...")
	if err := importHistory(ctx, dbPath, today); err != nil {
		return err
	}

	srv, err := startServer(ctx, bin, dbPath, tmp)
	if err != nil {
		return err
	}
	defer srv.stop()
	base := "http://" + srv.addr

	sleep(ctx, cfg.settle)
	idle, err := readMemory(srv.pid)
	if err != nil {
		return err
	}

	// Every request carries the launch token, the bare baseline's too, so
	// both read the same request.
	client := &http.Client{Transport: bearer{token: srv.token, next: &http.Transport{
		Proxy:               nil, // never a proxy: loopback only
		MaxIdleConnsPerHost: max(cfg.clients, slices.Max(cfg.writers)),
		MaxConnsPerHost:     max(cfg.clients, slices.Max(cfg.writers)),
		DisableCompression:  true,
	}}, Timeout: time.Minute}
	defer client.CloseIdleConnections()

	// The dashboard's own bytes are the bare handler's page.
	page, err := get(ctx, client, base+"/")
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	pageFile := filepath.Join(tmp, "dashboard.html")
	if err := os.WriteFile(pageFile, page, 0o600); err != nil {
		return err
	}
	bare, err := startBare(ctx, pageFile)
	if err != nil {
		return err
	}
	defer bare.stop()

	getOp := func(url string) func(context.Context) error {
		return func(ctx context.Context) error {
			body, err := get(ctx, client, url)
			if err == nil && len(body) != len(page) {
				err = fmt.Errorf("GET %s: %d bytes, want %d", url, len(body), len(page))
			}
			return err
		}
	}
	bareS, dashS := &subject{name: "bare handler, same page"}, &subject{name: "dashboard GET /"}
	for r := range cfg.rounds * btoi(cfg.pages) {
		fmt.Fprintf(os.Stderr, "round %d/%d: pages ...\n", r+1, cfg.rounds)
		measure(ctx, cfg.clients, time.Second, cfg.clients*2, getOp("http://"+bare.addr+"/")) // warm-up
		bareS.rounds = append(bareS.rounds, measure(ctx, cfg.clients, cfg.duration, cfg.max, getOp("http://"+bare.addr+"/")))
		measure(ctx, cfg.clients, time.Second, cfg.clients*2, getOp(base+"/"))
		dashS.rounds = append(dashS.rounds, measure(ctx, cfg.clients, cfg.duration, cfg.max, getOp(base+"/")))
	}
	bareMem, _ := readMemory(bare.pid)

	raw, err := openRaw(ctx, filepath.Join(tmp, "raw.db"))
	if err != nil {
		return err
	}
	defer raw.Close()
	var seq atomic.Int64
	postOp := func(ctx context.Context) error {
		return postSession(ctx, client, base, today, int(seq.Add(1)))
	}
	// Two floors: the clients' connections waiting for SQLite's write lock
	// in its busy handler, as any program would; and queued in process
	// first. The faster one is the baseline.
	rawOp := func(ctx context.Context) error { return rawInsert(ctx, raw, int(seq.Add(1))) }
	queue := make(chan struct{}, 1)
	queuedOp := func(ctx context.Context) error {
		queue <- struct{}{}
		defer func() { <-queue }()
		return rawInsert(ctx, raw, int(seq.Add(1)))
	}
	var sweep []writeLevel
	for _, clients := range cfg.writers {
		if !cfg.writes {
			break
		}
		lv := writeLevel{
			clients: clients,
			raw:     &subject{name: "raw INSERT, SQLite WAL + synchronous=FULL, writers wait in SQLite's busy handler"},
			queued:  &subject{name: "raw INSERT, same, writers queued in process"},
			post:    &subject{name: "log a session: POST /api/v1/sessions"},
		}
		for r := range cfg.rounds {
			fmt.Fprintf(os.Stderr, "round %d/%d: writes, %s ...\n", r+1, cfg.rounds, clientsLabel(clients))
			for _, x := range []struct {
				s  *subject
				op func(context.Context) error
			}{{lv.raw, rawOp}, {lv.queued, queuedOp}, {lv.post, postOp}} {
				measure(ctx, clients, time.Second, clients*2, x.op) // warm-up
				x.s.rounds = append(x.s.rounds, measure(ctx, clients, cfg.duration, cfg.max, x.op))
			}
		}
		sweep = append(sweep, lv)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("the run hit -timeout %s before it finished", cfg.timeout)
	}

	peak, err := readMemory(srv.pid)
	if err != nil {
		return err
	}
	sleep(ctx, cfg.settle)
	after, _ := readMemory(srv.pid)
	stopErr := srv.stop()

	all := []*subject{bareS, dashS}
	for _, lv := range sweep {
		all = append(all, lv.raw, lv.queued, lv.post)
	}
	for _, s := range all {
		if _, errs, first := s.total(); errs > 0 {
			return fmt.Errorf("%s: %d failed requests, first: %v", s.name, errs, first)
		}
	}
	if stopErr != nil {
		return fmt.Errorf("server did not stop cleanly: %w", stopErr)
	}

	report(os.Stdout, reportData{
		cfg: cfg, started: startedAt, loadBefore: loadBefore, loadAfter: loadavg(), pageBytes: len(page),
		bare: bareS, dash: dashS, writes: sweep, idle: idle, peak: peak, after: after, bareMem: bareMem,
		errLines: srv.errLines.Load(),
	})
	srv.mu.Lock()
	for _, line := range srv.firstErr {
		fmt.Fprintln(os.Stderr, "server log:", line)
	}
	srv.mu.Unlock()
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func importHistory(ctx context.Context, path string, today upshot.Date) error {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := db.Import(ctx, upshot.DefaultOwner, history.TenYears(today)); err != nil {
		db.Close()
		return fmt.Errorf("import the history: %w", err)
	}
	return db.Close()
}

// process is a child server.
type process struct {
	cmd      *exec.Cmd
	pid      int
	addr     string
	token    string // the launch token, sent as "Authorization: Bearer"
	stdin    io.Closer
	errLines atomic.Int64 // WARN/ERROR lines in the server's log
	mu       sync.Mutex
	firstErr []string // the first few of them (the log holds no record data)
	done     chan error
	once     sync.Once
	stopErr  error
}

// stop asks the process to end (SIGINT: the server shuts down gracefully)
// and waits for it, killing it if it takes too long.
func (p *process) stop() error {
	p.once.Do(func() {
		if p.stdin != nil {
			p.stdin.Close()
		}
		p.cmd.Process.Signal(os.Interrupt)
		select {
		case p.stopErr = <-p.done:
		case <-time.After(20 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
			p.stopErr = errors.New("killed after 20s")
		}
	})
	return p.stopErr
}

// servingRe is the address with the launch token that 'upshot serve' prints.
var servingRe = regexp.MustCompile(`http://(\S+)/\?token=(\S+)`)

func startServer(ctx context.Context, bin, dbPath, home string) (*process, error) {
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"UPSHOT_DB=" + dbPath,
		"PATH=" + os.Getenv("PATH"),
		"TZ=" + os.Getenv("TZ"),
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 20 * time.Second
	endWithParent(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start upshot serve: %w", err)
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, done: make(chan error, 1)}
	addr := make(chan []string, 1)
	go func() {
		// Keep reading to the end: a server blocked on a full log pipe
		// would measure the pipe.
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if m := servingRe.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1:]:
				default:
				}
			}
			if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
				if p.errLines.Add(1) <= 5 {
					p.mu.Lock()
					p.firstErr = append(p.firstErr, line)
					p.mu.Unlock()
				}
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	select {
	case a := <-addr:
		if err := requireLoopback(a[0]); err != nil {
			p.stop()
			return nil, err
		}
		p.addr, p.token = a[0], a[1]
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("upshot serve exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		return nil, errors.New("upshot serve did not start within 30s")
	}
}

func startBare(ctx context.Context, pageFile string) (*process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-bare-page", pageFile)
	cmd.Stderr = os.Stderr
	endWithParent(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, stdin: stdin, done: make(chan error, 1)}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	go func() { p.done <- cmd.Wait() }()
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("bare server: %w", err)
	}
	p.addr = strings.TrimSpace(line)
	if err := requireLoopback(p.addr); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// requireLoopback refuses to send load anywhere but this machine.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to load %s: not a loopback address", addr)
	}
	return nil
}

// bearer sends the launch token with every request, as a script does.
type bearer struct {
	token string
	next  *http.Transport
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

func (b bearer) CloseIdleConnections() { b.next.CloseIdleConnections() }

func get(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, nil
}

// A session as the log form or a phone client sends it: every field a person
// fills in, and notes of the lengths people write.
var sessionNotes = []string{
	"Talked through the Monday meeting and planned one thing to say.",
	"We went through the week's sleep diary. Two nights were better after I stopped reading news in bed; " +
		"the plan is to keep the phone in the kitchen and see whether it holds for another week.",
	"Practised the conversation with my manager about workload. Role-play felt awkward at first but helped. " +
		"Homework: write down three concrete examples of the overtime before Thursday.",
}

func sessionBody(today upshot.Date, i int) []byte {
	body, err := json.Marshal(map[string]any{
		"therapist_id": 2, "date": today, "minutes": 50, "fee": 90, "format": "in_person", "agenda": "me",
		"focus": map[string]int{"life": 38, "relationship": 4, "therapist": 1, "admin": 5, "other": 2},
		"goals": []map[string]any{{"goal_id": 11, "progress": i%7 - 3}, {"goal_id": 13, "progress": nil}},
		"got":   []string{"insight", "strategy"}, "helpful": i % 11, "after": upshot.Afters[i%3],
		"conduct": map[string]int{"empathy": 4, "respect": 5, "honesty": 4, "judgment": 1 + i%5},
		"flags":   []string{},
		"note":    sessionNotes[i%len(sessionNotes)],
	})
	if err != nil {
		panic(err)
	}
	return body
}

func postSession(ctx context.Context, client *http.Client, base string, today upshot.Date, i int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/sessions", bytes.NewReader(sessionBody(today, i)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST /api/v1/sessions: %s: %.200s", resp.Status, body)
	}
	return nil
}

// openRaw opens a SQLite file through the store, so the baseline has the
// same driver, pragmas (WAL, synchronous=FULL, immediate write transactions)
// and connection pool as the server, and adds a table shaped like sessions.
func openRaw(ctx context.Context, path string) (*store.DB, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE raw_sessions (id INTEGER PRIMARY KEY, therapist_id INTEGER, date TEXT,
		minutes INTEGER, fee INTEGER, format TEXT, agenda TEXT, focus TEXT, got TEXT, helpful INTEGER, felt_after TEXT,
		conduct TEXT, flags TEXT, note TEXT, version INTEGER, created_at TEXT, updated_at TEXT)`); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// rawInsert is the floor of logging a session: one INSERT of a similar row in
// its own durable transaction.
func rawInsert(ctx context.Context, db *store.DB, i int) error {
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	_, err = tx.ExecContext(ctx, `INSERT INTO raw_sessions (therapist_id, date, minutes, fee, format, agenda, focus, got,
		helpful, felt_after, conduct, flags, note, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		2, upshot.Today().String(), 50, 9000, "in_person", "me", "38,4,1,5,2", "insight,strategy", i%11, upshot.Afters[i%3],
		"4,,5,,"+strconv.Itoa(1+i%5)+",4,,", "", sessionNotes[i%len(sessionNotes)], 1, now, now)
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func clientsLabel(n int) string {
	if n == 1 {
		return "1 client"
	}
	return strconv.Itoa(n) + " clients"
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown"
}

type reportData struct {
	cfg                   config
	started               time.Time
	loadBefore, loadAfter string
	pageBytes             int
	bare, dash            *subject
	writes                []writeLevel
	idle, peak, after     memory
	bareMem               memory
	errLines              int64
}

// writeLevel is the write measurements at one number of concurrent clients.
type writeLevel struct {
	clients           int
	raw, queued, post *subject
}

// floor is the faster of the two raw INSERT baselines.
func (lv writeLevel) floor() *subject {
	if lv.queued.rate() > lv.raw.rate() {
		return lv.queued
	}
	return lv.raw
}

// capacity returns the level at which pick's subject is fastest.
func capacity(levels []writeLevel, pick func(writeLevel) *subject) writeLevel {
	best := levels[0]
	for _, lv := range levels[1:] {
		if pick(lv).rate() > pick(best).rate() {
			best = lv
		}
	}
	return best
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
func mb(kb int64) string        { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func report(w io.Writer, d reportData) {
	fmt.Fprintf(w, "## Load test, %s\n\n", d.started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %d CPUs (%s), %s %s/%s\n", runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "- load average (1, 5, 15 min) before: %s; after: %s\n", d.loadBefore, d.loadAfter)
	fmt.Fprintf(w, "- dashboard: %d concurrent clients; writes: %s concurrent clients in turn; each measurement %s or %d requests, whichever first; %d rounds alternating subject and baseline; medians of the rounds\n",
		d.cfg.clients, joinInts(d.cfg.writers), d.cfg.duration, d.cfg.max, d.cfg.rounds)
	fmt.Fprintf(w, "- data: ten-year history, %d sessions, %d check-ins per instrument (%s), %d goals; dashboard page %d bytes\n\n",
		history.Weeks, history.Weeks, strings.Join(history.Instruments, ", "), history.NumGoals, d.pageBytes)

	fmt.Fprintln(w, "| measurement | requests | per second | p50 | p99 | baseline | baseline per second | baseline p50 | baseline p99 | ratio | target | |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|")
	row := func(name string, s *subject, bname string, b *subject, target float64) {
		if len(s.rounds) == 0 || len(b.rounds) == 0 {
			return
		}
		n, _, _ := s.total()
		ratio := s.rate() / b.rate()
		fmt.Fprintf(w, "| %s | %d | %.1f | %s | %s | %s | %.1f | %s | %s | %.3f | ≥ %.2f | %s |\n",
			name, n, s.rate(), ms(s.p(0.50)), ms(s.p(0.99)), bname, b.rate(), ms(b.p(0.50)), ms(b.p(0.99)), ratio, target, met(ratio >= target))
	}
	if len(d.writes) > 0 {
		post := capacity(d.writes, func(lv writeLevel) *subject { return lv.post })
		raw := capacity(d.writes, writeLevel.floor)
		row(fmt.Sprintf("%s, capacity (best rate, at %s)", post.post.name, clientsLabel(post.clients)), post.post,
			fmt.Sprintf("%s, capacity (best rate, at %s)", raw.floor().name, clientsLabel(raw.clients)), raw.floor(), 0.8)
	}
	row(d.dash.name, d.dash, d.bare.name, d.bare, 0.5)

	if len(d.writes) > 0 {
		fmt.Fprintln(w, "\nLogging a session against raw INSERTs at each number of concurrent clients (the raw figure is the faster of its two floors):")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| clients | raw INSERT per second | raw p50 | raw p99 | POST /api/v1/sessions per second | POST p50 | POST p99 | ratio at equal concurrency |")
		fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, lv := range d.writes {
			f := lv.floor()
			fmt.Fprintf(w, "| %d | %.1f | %s | %s | %.1f | %s | %s | %.3f |\n", lv.clients, f.rate(), ms(f.p(0.5)), ms(f.p(0.99)),
				lv.post.rate(), ms(lv.post.p(0.5)), ms(lv.post.p(0.99)), lv.post.rate()/f.rate())
		}
	}

	fmt.Fprintln(w, "\n| upshot serve memory (separate process, /proc/<pid>/status) | value | target | |")
	fmt.Fprintln(w, "|---|---:|---|---|")
	fmt.Fprintf(w, "| idle after start-up with the ten-year DB (VmRSS, after %s) | %s | < 30 MB | %s |\n", d.cfg.settle, mb(d.idle.rss), met(d.idle.rss < 30*1024))
	fmt.Fprintf(w, "| peak during the whole load test (VmHWM) | %s | | |\n", mb(d.peak.hwm))
	fmt.Fprintf(w, "| resident %s after the load ended (VmRSS) | %s | | |\n", d.cfg.settle, mb(d.after.rss))
	fmt.Fprintf(w, "| for comparison: bare handler process peak (VmHWM) | %s | | |\n", mb(d.bareMem.hwm))

	fmt.Fprintln(w, "\nPer round (requests per second, p50, p99):")
	fmt.Fprintln(w)
	perRound := func(label string, s *subject) {
		if len(s.rounds) == 0 {
			return
		}
		var parts []string
		for _, m := range s.rounds {
			parts = append(parts, fmt.Sprintf("%.1f/s %s %s", m.rate(), ms(m.pct(0.5)), ms(m.pct(0.99))))
		}
		fmt.Fprintf(w, "- %s: %s\n", label, strings.Join(parts, "; "))
	}
	for _, lv := range d.writes {
		for _, s := range []*subject{lv.raw, lv.queued, lv.post} {
			perRound(fmt.Sprintf("%s, %s", clientsLabel(lv.clients), s.name), s)
		}
	}
	perRound(d.bare.name, d.bare)
	perRound(d.dash.name, d.dash)
	if d.errLines > 0 {
		fmt.Fprintf(w, "\nThe server logged %d warnings or errors during the run.\n", d.errLines)
	}
}
