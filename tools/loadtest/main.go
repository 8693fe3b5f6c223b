// Command loadtest measures the web app under load, beside limits measured
// in the same run on the same machine, for BENCHMARKS.md (issues 5 and 17).
//
// Run from the repository root:
//
//	go run ./tools/loadtest [-clients 8] [-write-clients 1,4,16] [-years 1,10,30] [-duration 8s] [-rounds 3]
//
// In one run it
//
//  1. builds cmd/upshot (or uses -bin) and writes the ten-year history
//     (internal/demo/history) into a fresh SQLite file;
//  2. starts the real `upshot serve --addr 127.0.0.1:0` on it as a separate
//     process and reads its resident memory from /proc/<pid>/status once it
//     is idle;
//  3. alternates, -rounds times, a bare net/http handler (this program run
//     again as a child process, serving the server's own bytes) and the
//     dashboard (GET /), the full session list and the full check-in list,
//     with the same client and concurrency;
//  4. for each length of record in -years, starts a server of its own and
//     times the dashboard rendered after a write (uncached), the lengths
//     taking turns each round; then has -clients clients each write and read
//     the dashboard, so that renders overlap, and reads the server's peak
//     memory;
//  5. the stress: on a server of its own, -clients writers log -stress
//     sessions (or stop after -stress-for) while -clients others read the
//     dashboard; then the dashboard of the grown record; the server's peak
//     memory;
//  6. for each number of concurrent writers in -write-clients, alternates,
//     -rounds times, raw INSERTs of a session-sized row into SQLite at the
//     same durability (WAL, synchronous=FULL, one transaction each, the
//     store's own connection settings) and logging sessions through the API
//     (POST /api/v1/sessions), with that many clients each; the rate each
//     reaches at its best concurrency (its capacity) is compared, and the
//     ratio at every equal concurrency is shown beside it; for comparison
//     only, the same raw INSERT behind the bare handler (the same POST body
//     to another process), which shows how much of the distance is the
//     HTTP round trip;
//  7. reads the servers' peak (VmHWM) and settled resident memory, stops
//     everything and prints the figures as Markdown, each beside its target.
//
// Traffic goes only to 127.0.0.1. Every measurement stops after -duration or
// -max requests, whichever comes first, and the whole run after -timeout;
// the child processes end with it.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
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
	bin       string
	clients   int
	writers   []int // concurrent clients in each write measurement
	duration  time.Duration
	max       int
	rounds    int
	settle    time.Duration
	timeout   time.Duration
	dir       string
	pages     bool
	writes    bool
	lists     bool
	years     []int // lengths of record for the uncached dashboard and memory
	uncached  int   // uncached dashboard renders per history and round
	stress    int   // sessions logged in the stress, while the dashboard is read
	stressFor time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "", "upshot binary to test (default: build ./cmd/upshot into a temporary directory)")
	flag.IntVar(&cfg.clients, "clients", 8, "concurrent clients in the dashboard, list and memory measurements")
	writeClients := flag.String("write-clients", "1,4,16", "comma-separated numbers of concurrent clients for the write measurements")
	flag.DurationVar(&cfg.duration, "duration", 8*time.Second, "length of each measurement")
	flag.IntVar(&cfg.max, "max", 50000, "most requests (or inserts) in each measurement")
	flag.IntVar(&cfg.rounds, "rounds", 3, "times each subject and its baseline are measured, alternating; medians are reported")
	flag.DurationVar(&cfg.settle, "settle", 3*time.Second, "idle time before reading the server's resident memory")
	flag.DurationVar(&cfg.timeout, "timeout", 30*time.Minute, "the whole run stops after this long")
	flag.StringVar(&cfg.dir, "dir", "", "directory for the temporary databases (default: the system's temporary directory)")
	flag.BoolVar(&cfg.pages, "pages", true, "measure the dashboard against the bare handler")
	flag.BoolVar(&cfg.writes, "writes", true, "measure logging sessions against raw inserts")
	flag.BoolVar(&cfg.lists, "lists", true, "measure the session and check-in lists against the bare handler")
	years := flag.String("years", "1,10,30", "comma-separated lengths of record, in years, for the uncached dashboard and its memory (the first is the baseline of the last)")
	flag.IntVar(&cfg.uncached, "uncached", 10, "uncached dashboard renders per history and round")
	flag.IntVar(&cfg.stress, "stress", 14000, "sessions logged by -clients writers in the stress while -clients read the dashboard (0: no stress)")
	flag.DurationVar(&cfg.stressFor, "stress-for", time.Minute, "the stress's writers stop after this long if they have not logged -stress sessions")
	bareDir := flag.String("bare-dir", "", "internal: serve the files of this directory as the bare baseline handler")
	var acc accountsConfig
	flag.IntVar(&acc.accounts, "accounts", 0, "run only the accounts mode: this many accounts with -accounts-years of records each on PostgreSQL (-pg), -accounts-clients signed-in clients logging sessions and opening dashboards, beside one account under the same clients")
	flag.IntVar(&acc.clients, "accounts-clients", 200, "signed-in clients in the accounts mode, each its own account")
	flag.IntVar(&acc.years, "accounts-years", 1, "years of records of each account in the accounts mode")
	flag.IntVar(&acc.seeders, "accounts-seeders", 4, "concurrent imports while seeding the accounts")
	flag.StringVar(&acc.pg, "pg", os.Getenv("UPSHOT_TEST_POSTGRES_URL"), "PostgreSQL server URL for the accounts mode (a schema of its own is made and dropped)")
	flag.Parse()

	if *bareDir != "" {
		if err := serveBare(*bareDir); err != nil {
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
	for _, f := range strings.Split(*years, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 50 {
			fmt.Fprintf(os.Stderr, "loadtest: -years: %q is not a number of years from 1 to 50\n", f)
			os.Exit(2)
		}
		cfg.years = append(cfg.years, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	if acc.accounts > 0 {
		acc.bin, acc.duration, acc.dir = cfg.bin, cfg.duration, cfg.dir
		if err := runAccounts(ctx, acc); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// serveBare is the baseline server: the plainest net/http handler writing
// fixed bytes, the files of dir, each at /<its name>, read into memory at
// start. It listens on loopback, prints its address, and exits when its
// standard input closes (the parent ended) so it never outlives the run.
func serveBare(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type file struct {
		body  []byte
		ctype string
	}
	files := map[string]file{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		ctype := "text/html; charset=utf-8"
		if strings.HasSuffix(e.Name(), ".json") {
			ctype = "application/json; charset=utf-8"
		}
		files["/"+e.Name()] = file{b, ctype}
	}
	// POST /raw-sessions is the raw INSERT behind the plainest handler: the
	// same request body as a logged session, read and decoded, one row
	// inserted in its own durable transaction, a small 201. It is the floor
	// of a session logged over HTTP by another process, where the in-process
	// raw INSERT leaves out the round trip.
	raw, err := openRaw(context.Background(), filepath.Join(dir, "raw.db"))
	if err != nil {
		return err
	}
	var seq atomic.Int64
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
		if r.Method == http.MethodPost && r.URL.Path == "/raw-sessions" {
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			i := int(seq.Add(1))
			if err := rawInsert(r.Context(), raw, i); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":%d}`, i)
			return
		}
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.ctype)
		w.Write(f.body)
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

// upshotBinary is bin when given, else cmd/upshot built into dir.
func upshotBinary(ctx context.Context, bin, dir string) (string, error) {
	if bin != "" {
		return bin, nil
	}
	bin = filepath.Join(dir, "upshot")
	fmt.Fprintln(os.Stderr, "building cmd/upshot ...")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/upshot-app/upshot/cmd/upshot")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build upshot: %w", err)
	}
	return bin, nil
}

func run(ctx context.Context, cfg config) error {
	loadBefore := loadavg()
	startedAt := time.Now()
	tmp, err := os.MkdirTemp(cfg.dir, "upshot-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	bin, err := upshotBinary(ctx, cfg.bin, tmp)
	if err != nil {
		return err
	}

	today := upshot.Today()
	// Every server has its own database and process, so that each one's
	// peak memory (VmHWM) is that of its own load, and its own launch token.
	auth := &bearer{tokens: map[string]string{}}
	newServer := func(name string, years int) (*process, error) {
		fmt.Fprintf(os.Stderr, "writing %d years of history for %s ...\n", years, name)
		dbPath := filepath.Join(tmp, name+".db")
		if err := importHistory(ctx, dbPath, history.Years(today, years)); err != nil {
			return nil, err
		}
		home := filepath.Join(tmp, name)
		if err := os.Mkdir(home, 0o700); err != nil {
			return nil, err
		}
		p, err := startServer(ctx, bin, dbPath, home)
		if err != nil {
			return nil, err
		}
		auth.add(p.addr, p.token)
		return p, nil
	}
	srv, err := newServer("main", 10)
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

	// Every request carries a launch token, the bare baseline's too (the
	// main server's), so both read the same request.
	conns := max(cfg.clients, slices.Max(cfg.writers)) * 2
	auth.fallback = srv.token
	auth.next = &http.Transport{
		Proxy:               nil, // never a proxy: loopback only
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: auth, Timeout: time.Minute}
	defer client.CloseIdleConnections()

	// The bare handler serves the server's own bytes: the dashboard and the
	// two lists of the ten-year history.
	bareDir := filepath.Join(tmp, "bare")
	if err := os.Mkdir(bareDir, 0o700); err != nil {
		return err
	}
	type fixed struct {
		path, file string
		body       []byte
	}
	pages := []*fixed{{path: "/", file: "dashboard.html"}, {path: "/api/v1/sessions", file: "sessions.json"},
		{path: "/api/v1/checkins", file: "checkins.json"}}
	for _, p := range pages {
		if p.body, err = get(ctx, client, base+p.path); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(bareDir, p.file), p.body, 0o600); err != nil {
			return err
		}
	}
	bare, err := startBare(ctx, bareDir)
	if err != nil {
		return err
	}
	defer bare.stop()

	getOp := func(url string, want int) func(context.Context) error {
		return func(ctx context.Context) error {
			body, err := get(ctx, client, url)
			if err == nil && want >= 0 && len(body) != want {
				err = fmt.Errorf("GET %s: %d bytes, want %d", url, len(body), want)
			}
			return err
		}
	}
	// pairs alternate a subject and its bare baseline, round after round.
	type pair struct {
		subject, baseline *subject
		path, bareURL     string
		size              int
	}
	var pairs []pair
	for i, p := range pages {
		if (i == 0 && !cfg.pages) || (i > 0 && !cfg.lists) {
			continue
		}
		name := "dashboard GET /"
		if i > 0 {
			name = "full list GET " + p.path
		}
		pairs = append(pairs, pair{&subject{name: name}, &subject{name: "bare handler, same bytes (" + p.file + ")"},
			p.path, "http://" + bare.addr + "/" + p.file, len(p.body)})
	}
	for r := range cfg.rounds {
		for _, p := range pairs {
			fmt.Fprintf(os.Stderr, "round %d/%d: %s ...\n", r+1, cfg.rounds, p.subject.name)
			for _, x := range []struct {
				s   *subject
				url string
			}{{p.baseline, p.bareURL}, {p.subject, base + p.path}} {
				op := getOp(x.url, p.size)
				measure(ctx, cfg.clients, time.Second, cfg.clients*2, op) // warm-up
				x.s.rounds = append(x.s.rounds, measure(ctx, cfg.clients, cfg.duration, cfg.max, op))
			}
		}
	}
	bareMem, _ := readMemory(bare.pid)
	peak, err := readMemory(srv.pid)
	if err != nil {
		return err
	}

	// The uncached dashboard, as the first visit after a change: a write
	// (a setting unset, which moves the revision), then GET /, timed alone.
	// Each history has its own server; the histories take turns each round.
	var ages []*age
	for _, y := range cfg.years {
		if !cfg.pages {
			break
		}
		p, err := newServer(fmt.Sprintf("years%d", y), y)
		if err != nil {
			return err
		}
		defer p.stop()
		ages = append(ages, &age{years: y, srv: p, render: &subject{name: fmt.Sprintf("uncached dashboard, %d years", y)}})
	}
	for r := range cfg.rounds * btoi(len(ages) > 0) {
		for _, a := range ages {
			fmt.Fprintf(os.Stderr, "round %d/%d: uncached dashboard, %d years ...\n", r+1, cfg.rounds, a.years)
			url := "http://" + a.srv.addr
			a.render.rounds = append(a.render.rounds, measureUncached(ctx, client, url, cfg.uncached))
		}
	}
	// Memory at each length of record: -clients each write and then read the
	// dashboard, so that nearly every read renders and renders overlap.
	for _, a := range ages {
		fmt.Fprintf(os.Stderr, "memory: %d clients writing and reading the dashboard, %d years ...\n", cfg.clients, a.years)
		url := "http://" + a.srv.addr
		a.churn = measure(ctx, cfg.clients, cfg.duration, cfg.max, func(ctx context.Context) error {
			if err := unsetSetting(ctx, client, url); err != nil {
				return err
			}
			_, err := get(ctx, client, url+"/")
			return err
		})
		if a.mem, err = readMemory(a.srv.pid); err != nil {
			return err
		}
		a.srv.stop()
	}

	// The stress: -stress sessions logged by -clients writers as fast as they
	// go, while -clients others read the dashboard; then the dashboard of the
	// grown record under -clients readers.
	var st *stressResult
	if cfg.stress > 0 && cfg.pages {
		p, err := newServer("stress", 10)
		if err != nil {
			return err
		}
		defer p.stop()
		fmt.Fprintf(os.Stderr, "stress: %d sessions by %d writers while %d clients read the dashboard ...\n", cfg.stress, cfg.clients, cfg.clients)
		st = &stressResult{}
		url := "http://" + p.addr
		var seq atomic.Int64
		readCtx, stopReads := context.WithCancel(ctx)
		reads := make(chan measurement, 1)
		go func() {
			reads <- measure(readCtx, cfg.clients, cfg.timeout, math.MaxInt, func(ctx context.Context) error {
				_, err := get(ctx, client, url+"/")
				return err
			})
		}()
		st.writes = measure(ctx, cfg.clients, cfg.stressFor, cfg.stress, func(ctx context.Context) error {
			return postSession(ctx, client, url, today, int(seq.Add(1)))
		})
		stopReads()
		st.reads = <-reads
		st.after = measure(ctx, cfg.clients, cfg.duration, cfg.max, getOp(url+"/", -1))
		if st.mem, err = readMemory(p.pid); err != nil {
			return err
		}
		p.stop()
	}

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
	bareInsertOp := func(ctx context.Context) error {
		return postBody(ctx, client, "http://"+bare.addr+"/raw-sessions", sessionBody(today, int(seq.Add(1))))
	}
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
			clients:  clients,
			raw:      &subject{name: "raw INSERT, SQLite WAL + synchronous=FULL, writers wait in SQLite's busy handler"},
			queued:   &subject{name: "raw INSERT, same, writers queued in process"},
			post:     &subject{name: "log a session: POST /api/v1/sessions"},
			overHTTP: &subject{name: "raw INSERT behind a bare HTTP handler in its own process, the same POST body"},
		}
		for r := range cfg.rounds {
			fmt.Fprintf(os.Stderr, "round %d/%d: writes, %s ...\n", r+1, cfg.rounds, clientsLabel(clients))
			for _, x := range []struct {
				s  *subject
				op func(context.Context) error
			}{{lv.raw, rawOp}, {lv.queued, queuedOp}, {lv.overHTTP, bareInsertOp}, {lv.post, postOp}} {
				measure(ctx, clients, time.Second, clients*2, x.op) // warm-up
				x.s.rounds = append(x.s.rounds, measure(ctx, clients, cfg.duration, cfg.max, x.op))
			}
		}
		sweep = append(sweep, lv)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("the run hit -timeout %s before it finished", cfg.timeout)
	}

	end, err := readMemory(srv.pid)
	if err != nil {
		return err
	}
	sleep(ctx, cfg.settle)
	after, _ := readMemory(srv.pid)
	stopErr := srv.stop()

	var all []*subject
	for _, p := range pairs {
		all = append(all, p.subject, p.baseline)
	}
	for _, a := range ages {
		all = append(all, a.render, &subject{name: a.render.name + ", memory load", rounds: []measurement{a.churn}})
	}
	if st != nil {
		all = append(all, &subject{name: "stress writes", rounds: []measurement{st.writes}},
			&subject{name: "stress reads", rounds: []measurement{st.reads}},
			&subject{name: "dashboard after the stress", rounds: []measurement{st.after}})
	}
	for _, lv := range sweep {
		all = append(all, lv.raw, lv.queued, lv.overHTTP, lv.post)
	}
	for _, s := range all {
		if _, errs, first := s.total(); errs > 0 {
			return fmt.Errorf("%s: %d failed requests, first: %v", s.name, errs, first)
		}
	}
	if stopErr != nil {
		return fmt.Errorf("server did not stop cleanly: %w", stopErr)
	}

	var pairRows []pairRow
	for _, p := range pairs {
		pairRows = append(pairRows, pairRow{p.subject, p.baseline, p.size})
	}
	report(os.Stdout, reportData{
		cfg: cfg, started: startedAt, loadBefore: loadBefore, loadAfter: loadavg(),
		pairs: pairRows, ages: ages, stress: st, writes: sweep, idle: idle, peak: peak, end: end, after: after, bareMem: bareMem,
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

func importHistory(ctx context.Context, path string, snap *upshot.Snapshot) error {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := db.Import(ctx, upshot.DefaultOwner, snap); err != nil {
		db.Close()
		return fmt.Errorf("import the history: %w", err)
	}
	return db.Close()
}

// age is the dashboard on a record of one length: its uncached render, and
// its server's memory under writes and reads that make renders overlap.
type age struct {
	years  int
	srv    *process
	render *subject
	churn  measurement
	mem    memory
}

// stressResult is the stress: sessions logged while the dashboard is read,
// then the dashboard of the grown record.
type stressResult struct {
	writes, reads, after measurement
	mem                  memory
}

// measureUncached times n dashboard renders on the server at url, one at a
// time, each after a write that moves the owner's revision, so that none
// is served from the server's cache. Only the GET is timed.
func measureUncached(ctx context.Context, client *http.Client, url string, n int) measurement {
	var m measurement
	for range n {
		if ctx.Err() != nil {
			break
		}
		if err := unsetSetting(ctx, client, url); err != nil {
			m.errs++
			m.firstErr = cmp.Or(m.firstErr, err)
			continue
		}
		t0 := time.Now()
		if _, err := get(ctx, client, url+"/"); err != nil {
			m.errs++
			m.firstErr = cmp.Or(m.firstErr, err)
			continue
		}
		d := time.Since(t0)
		m.lat = append(m.lat, d)
		m.elapsed += d
	}
	m.n = len(m.lat)
	slices.Sort(m.lat)
	return m
}

// unsetSetting is the cheapest write there is: it changes nothing a page
// shows (the crisis contacts stay unset) but moves the revision.
func unsetSetting(ctx context.Context, client *http.Client, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, base+"/api/v1/settings/"+string(upshot.SettingCrisisContacts), nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("DELETE setting: %s", resp.Status)
	}
	return nil
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
	return startServerMatching(ctx, bin, dbPath, home, servingRe)
}

// startServerMatching starts the server and reads its address (and launch
// token, when re has a second group) from the line re matches.
func startServerMatching(ctx context.Context, bin, dbPath, home string, re *regexp.Regexp) (*process, error) {
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"UPSHOT_DB=" + dbPath,
		"PATH=" + os.Getenv("PATH"),
		"TZ=" + os.Getenv("TZ"),
	}
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+v) // to try another limit than serve's own
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
			if m := re.FindStringSubmatch(line); m != nil {
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
		p.addr = a[0]
		if len(a) > 1 {
			p.token = a[1]
		}
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("upshot serve exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		return nil, errors.New("upshot serve did not start within 30s")
	}
}

func startBare(ctx context.Context, dir string) (*process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-bare-dir", dir)
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

// bearer sends each server's launch token with every request to it, as a
// script does; fallback goes to any other address (the bare baseline).
type bearer struct {
	mu       sync.Mutex
	tokens   map[string]string // by host:port
	fallback string
	next     *http.Transport
}

func (b *bearer) add(addr, token string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens[addr] = token
}

func (b *bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	b.mu.Lock()
	token, ok := b.tokens[r.URL.Host]
	b.mu.Unlock()
	if !ok {
		token = b.fallback
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+token)
	return b.next.RoundTrip(r)
}

func (b *bearer) CloseIdleConnections() { b.next.CloseIdleConnections() }

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
	return postBody(ctx, client, base+"/api/v1/sessions", sessionBody(today, i))
}

// postBody POSTs a JSON body and wants 201 Created.
func postBody(ctx context.Context, client *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST %s: %s: %.200s", url, resp.Status, out)
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
	cfg                    config
	started                time.Time
	loadBefore, loadAfter  string
	pairs                  []pairRow
	ages                   []*age
	stress                 *stressResult
	writes                 []writeLevel
	idle, peak, end, after memory
	bareMem                memory
	errLines               int64
}

// pairRow is a GET measured against the bare handler serving its bytes.
type pairRow struct {
	subject, baseline *subject
	size              int
}

// writeLevel is the write measurements at one number of concurrent clients.
type writeLevel struct {
	clients           int
	raw, queued, post *subject
	// overHTTP is not a floor: it shows how much of the distance between
	// the floor and a logged session is the HTTP round trip to another
	// process, which the in-process raw INSERT does not make.
	overHTTP *subject
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

// Targets (issue 17), each a ratio against a limit measured in the same run.
const (
	dashboardTarget   = 0.5 // dashboard GET / against the bare handler
	listTarget        = 0.5 // a full list against the bare handler
	writeTarget       = 0.8 // logging a session against a raw insert (capacity, and one client)
	uncachedTarget    = 1.5 // uncached dashboard on the longest record against the shortest, at most
	peakMemoryTargetK = 64 << 10
)

func report(w io.Writer, d reportData) {
	fmt.Fprintf(w, "## Load test, %s\n\n", d.started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %d CPUs (%s), %s %s/%s\n", runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "- load average (1, 5, 15 min) before: %s; after: %s\n", d.loadBefore, d.loadAfter)
	fmt.Fprintf(w, "- pages and lists: %d concurrent clients; writes: %s concurrent clients in turn; each measurement %s or %d requests, whichever first; %d rounds alternating subject and baseline; medians of the rounds\n",
		d.cfg.clients, joinInts(d.cfg.writers), d.cfg.duration, d.cfg.max, d.cfg.rounds)
	fmt.Fprintf(w, "- data: ten-year history, %d sessions, %d check-ins per instrument (%s), %d goals; for the uncached dashboard, %s years of the same weekly record\n\n",
		history.Weeks, history.Weeks, strings.Join(history.Instruments, ", "), history.NumGoals, joinInts(d.cfg.years))

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
			fmt.Sprintf("%s, capacity (best rate, at %s)", raw.floor().name, clientsLabel(raw.clients)), raw.floor(), writeTarget)
		if lv := d.writes[0]; lv.clients == 1 {
			row(lv.post.name+", 1 client", lv.post, lv.floor().name+", 1 client", lv.floor(), writeTarget)
			n, _, _ := lv.overHTTP.total()
			fmt.Fprintf(w, "| for comparison, not a target: %s, 1 client | %d | %.1f | %s | %s | %s, 1 client | %.1f | %s | %s | %.3f | | |\n",
				lv.overHTTP.name, n, lv.overHTTP.rate(), ms(lv.overHTTP.p(0.50)), ms(lv.overHTTP.p(0.99)),
				lv.floor().name, lv.floor().rate(), ms(lv.floor().p(0.50)), ms(lv.floor().p(0.99)), lv.overHTTP.rate()/lv.floor().rate())
		}
	}
	for i, p := range d.pairs {
		target := listTarget
		if i == 0 && strings.HasPrefix(p.subject.name, "dashboard") {
			target = dashboardTarget
		}
		row(fmt.Sprintf("%s (%d bytes)", p.subject.name, p.size), p.subject, p.baseline.name, p.baseline, target)
	}

	if len(d.ages) > 0 {
		fmt.Fprintln(w, "\nThe dashboard rendered after every write (uncached), one request at a time, and its server's memory while "+
			strconv.Itoa(d.cfg.clients)+" clients each write and read it (so that renders overlap):")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| record | uncached p50 | uncached p99 | against the shortest record | write + read per second | peak memory (VmHWM) |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
		first := d.ages[0]
		for _, a := range d.ages {
			fmt.Fprintf(w, "| %d years | %s | %s | %.2f | %.1f | %s |\n", a.years, ms(a.render.p(0.5)), ms(a.render.p(0.99)),
				float64(a.render.p(0.5))/float64(first.render.p(0.5)), a.churn.rate(), mb(a.mem.hwm))
		}
		last := d.ages[len(d.ages)-1]
		ratio := float64(last.render.p(0.5)) / float64(first.render.p(0.5))
		fmt.Fprintf(w, "\nTarget: the uncached dashboard at %d years within %.1fx its cost at %d years: %.2f, %s.\n",
			last.years, uncachedTarget, first.years, ratio, met(ratio <= uncachedTarget))
	}
	if st := d.stress; st != nil {
		fmt.Fprintf(w, "\nStress (ten-year record): %d sessions logged by %d writers in %.1f s (%.1f/s, p50 %s, p99 %s) while %d clients read the dashboard "+
			"(%d pages, %.1f/s, p50 %s, p99 %s); then the dashboard of the grown record, %d clients: %.1f/s, p50 %s, p99 %s; peak memory (VmHWM) %s.\n",
			st.writes.n, d.cfg.clients, st.writes.elapsed.Seconds(), st.writes.rate(), ms(st.writes.pct(0.5)), ms(st.writes.pct(0.99)),
			d.cfg.clients, st.reads.n, st.reads.rate(), ms(st.reads.pct(0.5)), ms(st.reads.pct(0.99)),
			d.cfg.clients, st.after.rate(), ms(st.after.pct(0.5)), ms(st.after.pct(0.99)), mb(st.mem.hwm))
	}
	if len(d.ages) > 0 || d.stress != nil {
		worst := memory{}
		for _, a := range d.ages {
			worst.hwm = max(worst.hwm, a.mem.hwm)
		}
		if d.stress != nil {
			worst.hwm = max(worst.hwm, d.stress.mem.hwm)
		}
		worst.hwm = max(worst.hwm, d.peak.hwm)
		fmt.Fprintf(w, "\nTarget: peak resident memory at most %s under %d clients at every length of record and in the stress: worst %s, %s.\n",
			mb(peakMemoryTargetK), d.cfg.clients, mb(worst.hwm), met(worst.hwm <= peakMemoryTargetK))
	}

	if len(d.writes) > 0 {
		fmt.Fprintln(w, "\nLogging a session against raw INSERTs at each number of concurrent clients (the raw figure is the faster of its two floors):")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| clients | raw INSERT per second | raw p50 | raw p99 | POST /api/v1/sessions per second | POST p50 | POST p99 | ratio at equal concurrency | raw INSERT behind a bare HTTP handler per second | its p50 | POST /api/v1/sessions against it |")
		fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, lv := range d.writes {
			f := lv.floor()
			fmt.Fprintf(w, "| %d | %.1f | %s | %s | %.1f | %s | %s | %.3f | %.1f | %s | %.3f |\n", lv.clients, f.rate(), ms(f.p(0.5)), ms(f.p(0.99)),
				lv.post.rate(), ms(lv.post.p(0.5)), ms(lv.post.p(0.99)), lv.post.rate()/f.rate(),
				lv.overHTTP.rate(), ms(lv.overHTTP.p(0.5)), lv.post.rate()/lv.overHTTP.rate())
		}
	}

	fmt.Fprintln(w, "\n| upshot serve memory, ten-year record (separate process, /proc/<pid>/status) | value | target | |")
	fmt.Fprintln(w, "|---|---:|---|---|")
	fmt.Fprintf(w, "| idle after start-up (VmRSS, after %s) | %s | < 30 MB | %s |\n", d.cfg.settle, mb(d.idle.rss), met(d.idle.rss < 30*1024))
	fmt.Fprintf(w, "| peak after the dashboard and list measurements (VmHWM) | %s | ≤ %s | %s |\n", mb(d.peak.hwm), mb(peakMemoryTargetK), met(d.peak.hwm <= peakMemoryTargetK))
	fmt.Fprintf(w, "| peak after the write measurements too (VmHWM) | %s | | |\n", mb(d.end.hwm))
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
		for _, s := range []*subject{lv.raw, lv.queued, lv.overHTTP, lv.post} {
			perRound(fmt.Sprintf("%s, %s", clientsLabel(lv.clients), s.name), s)
		}
	}
	for _, p := range d.pairs {
		perRound(p.baseline.name, p.baseline)
		perRound(p.subject.name, p.subject)
	}
	for _, a := range d.ages {
		perRound(a.render.name, a.render)
	}
	if d.errLines > 0 {
		fmt.Fprintf(w, "\nThe server logged %d warnings or errors during the run.\n", d.errLines)
	}
}
