package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The accounts mode (issue 13, done-when): many accounts on PostgreSQL, each
// with its own year of records, and many signed-in clients each logging
// sessions and opening its dashboard, beside the same clients on a server
// whose database holds one account (the single-owner figure), in the same
// run:
//
//	go run ./tools/loadtest -accounts 2000 -accounts-clients 200 -duration 30s -pg postgres://...
//
// Seeding imports the ten-year generator's year (internal/demo/history)
// into each account through the store (store.Import, one transaction per
// account), -accounts-seeders at once, and times it. Every account has the
// same password, hashed once: a sign-in still runs argon2id at the real
// parameters, and seeding does not spend 2,000 hashes.

type accountsConfig struct {
	accounts, clients, years, seeders int
	pg, bin, dir                      string
	duration                          time.Duration
}

const loadPassword = "load test passphrase, long enough"

var signInRe = regexp.MustCompile(`signs in at http://(\S+)/signin`)

// pgSchema makes a schema of its own on the server at base and returns the
// URL that uses it and a function that drops it.
func pgSchema(ctx context.Context, base, name string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "upshot_load_" + name + "_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			fmt.Fprintf(os.Stderr, "loadtest: drop schema %s: %v\n", schema, err)
		}
		admin.Close()
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// seed makes n accounts (load0001 ...) with the records of snap each and
// returns how long it took.
func seed(ctx context.Context, dsn string, n, workers int, snap *upshot.Snapshot) (time.Duration, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	hash, err := auth.HashPassword(loadPassword)
	if err != nil {
		return 0, err
	}
	started := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1))
				if i > n || ctx.Err() != nil {
					return
				}
				id, err := db.CreateAccount(ctx, loginOf(i), hash)
				if err == nil {
					err = db.Import(ctx, id, snap)
				}
				if err != nil {
					errs <- fmt.Errorf("seed account %d: %w", i, err)
					return
				}
				if i%250 == 0 {
					fmt.Fprintf(os.Stderr, "  %d accounts seeded (%s)\n", i, time.Since(started).Round(time.Second))
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return 0, err
	default:
	}
	return time.Since(started), ctx.Err()
}

func loginOf(i int) string { return fmt.Sprintf("load%04d", i) }

// opStats is one kind of request over a run: latencies and errors.
type opStats struct {
	mu    sync.Mutex
	lat   []time.Duration
	errs  int
	first error
}

func (o *opStats) add(d time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err != nil {
		o.errs++
		if o.first == nil {
			o.first = err
		}
		return
	}
	o.lat = append(o.lat, d)
}

func (o *opStats) pct(p float64) time.Duration {
	if len(o.lat) == 0 {
		return 0
	}
	slices.Sort(o.lat)
	return o.lat[min(len(o.lat)-1, int(float64(len(o.lat))*p))]
}

// loadRun is one server's figures under the clients.
type loadRun struct {
	name                  string
	serverErrs            int64
	serverFirst           []string
	signIn, writes, reads opStats
	elapsed               time.Duration
	load                  string
	peak                  memory
}

// cookieClient sends one session cookie with every request.
type cookieClient struct {
	c      *http.Client
	cookie string
}

func (c cookieClient) do(ctx context.Context, method, url string, body []byte) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.StatusCode, err
}

// signIn posts the sign-in form and returns the session cookie.
func signIn(ctx context.Context, hc *http.Client, base, login string) (string, error) {
	form := url.Values{"login": {login}, "password": {loadPassword}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in %s: %s", login, resp.Status)
	}
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, "upshot_session") {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("sign in %s: no session cookie", login)
}

// drive signs clients in (logins(i) for client i, at most 4 at once: each
// is an argon2id of 19 MiB) and then has each alternate logging a session
// and opening its dashboard for d.
func drive(ctx context.Context, r *loadRun, srv *process, clients int, logins func(int) string, d time.Duration, body []byte) error {
	base := "http://" + srv.addr
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cookies := make([]string, clients)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t0 := time.Now()
			c, err := signIn(ctx, hc, base, logins(i))
			r.signIn.add(time.Since(t0), err)
			cookies[i] = c
		})
	}
	wg.Wait()
	if r.signIn.errs > 0 {
		return fmt.Errorf("%s: %d sign-ins failed: %v", r.name, r.signIn.errs, r.signIn.first)
	}
	started := time.Now()
	for i := range clients {
		wg.Go(func() {
			c := cookieClient{hc, cookies[i]}
			for ctx.Err() == nil && time.Since(started) < d {
				t0 := time.Now()
				b, code, err := c.do(ctx, http.MethodPost, base+"/api/v1/sessions", body)
				if err == nil && code != http.StatusCreated {
					err = fmt.Errorf("POST /api/v1/sessions: %d %.200s", code, b)
				}
				r.writes.add(time.Since(t0), err)
				t0 = time.Now()
				b, code, err = c.do(ctx, http.MethodGet, base+"/", nil)
				if err == nil && (code != http.StatusOK || !bytes.Contains(b, []byte(`aria-label="Main"`))) {
					err = fmt.Errorf("GET /: %d", code)
				}
				r.reads.add(time.Since(t0), err)
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(started)
	r.load = loadavg()
	var err error
	r.peak, err = readMemory(srv.pid)
	return err
}

func runAccounts(ctx context.Context, cfg accountsConfig) error {
	if cfg.pg == "" {
		return fmt.Errorf("the accounts mode needs PostgreSQL: -pg postgres://... (or UPSHOT_TEST_POSTGRES_URL)")
	}
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
	snap := history.Years(today, cfg.years)
	therapist := snap.Therapists[len(snap.Therapists)-1].ID
	body, err := json.Marshal(map[string]any{
		"therapist_id": therapist, "date": today, "minutes": 50, "format": "video", "agenda": "me",
		"focus": map[string]int{"life": 40, "relationship": 5, "admin": 5},
		"got":   []string{"insight"}, "helpful": 7, "after": "better",
		"conduct": map[string]int{"empathy": 4, "respect": 5}, "flags": []string{},
		"note": "A load-test session.",
	})
	if err != nil {
		return err
	}
	records := len(snap.Sessions) + len(snap.CheckIns) + len(snap.Goals) + len(snap.Therapists)

	type setup struct {
		name     string
		accounts int
		dsn      string
		seedTime time.Duration
	}
	setups := []*setup{{name: "many", accounts: cfg.accounts}, {name: "one", accounts: 1}}
	for _, s := range setups {
		dsn, drop, err := pgSchema(ctx, cfg.pg, s.name)
		if err != nil {
			return err
		}
		defer drop()
		s.dsn = dsn
		fmt.Fprintf(os.Stderr, "seeding %d accounts with %d year(s) of records each (%d records) ...\n", s.accounts, cfg.years, records)
		if s.seedTime, err = seed(ctx, dsn, s.accounts, cfg.seeders, snap); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "  seeded in %s\n", s.seedTime.Round(time.Millisecond))
	}

	var runs []*loadRun
	for _, s := range setups {
		home := filepath.Join(tmp, s.name)
		if err := os.Mkdir(home, 0o700); err != nil {
			return err
		}
		srv, err := startServerMatching(ctx, bin, s.dsn, home, signInRe)
		if err != nil {
			return err
		}
		r := &loadRun{name: s.name}
		logins := func(i int) string { return loginOf(1 + i*(s.accounts/cfg.clients)) }
		if s.accounts < cfg.clients {
			logins = func(i int) string { return loginOf(1 + i%s.accounts) }
		}
		fmt.Fprintf(os.Stderr, "%d clients on the server with %d accounts for %s ...\n", cfg.clients, s.accounts, cfg.duration)
		err = drive(ctx, r, srv, cfg.clients, logins, cfg.duration, body)
		srv.stop()
		r.serverErrs = srv.errLines.Load()
		srv.mu.Lock()
		r.serverFirst = slices.Clone(srv.firstErr)
		srv.mu.Unlock()
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}

	w := os.Stdout
	fmt.Fprintf(w, "### Accounts on PostgreSQL (issue 13), %s\n\n", startedAt.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "Load average before: %s; after each part: %s (%d accounts), %s (one account). CPU: %s, %d cores.\n\n",
		loadBefore, runs[0].load, cfg.accounts, runs[1].load, cpuModel(), runtime.NumCPU())
	fmt.Fprintf(w, "Seeding %d accounts with %d year(s) of records each (%d records: therapists, goals, sessions, check-ins; store.Import per account, %d at once): %s (%.1f accounts/s); one account: %s.\n\n",
		cfg.accounts, cfg.years, records, cfg.seeders, setups[0].seedTime.Round(time.Millisecond), float64(cfg.accounts)/setups[0].seedTime.Seconds(), setups[1].seedTime.Round(time.Millisecond))
	fmt.Fprintf(w, "| %d signed-in clients, %s each alternating | %d accounts, each client its own | one account, every client signed in to it |\n|---|---|---|\n", cfg.clients, cfg.duration, cfg.accounts)
	row := func(label string, f func(*loadRun) string) {
		fmt.Fprintf(w, "| %s | %s | %s |\n", label, f(runs[0]), f(runs[1]))
	}
	row("sign-in (POST /signin, 4 at once) p50 / p99", func(r *loadRun) string { return ms(r.signIn.pct(0.5)) + " / " + ms(r.signIn.pct(0.99)) })
	row("log a session (POST /api/v1/sessions) p50 / p99", func(r *loadRun) string { return ms(r.writes.pct(0.5)) + " / " + ms(r.writes.pct(0.99)) })
	row("open the dashboard (GET /) p50 / p99", func(r *loadRun) string { return ms(r.reads.pct(0.5)) + " / " + ms(r.reads.pct(0.99)) })
	row("sessions logged / s", func(r *loadRun) string { return fmt.Sprintf("%.1f", float64(len(r.writes.lat))/r.elapsed.Seconds()) })
	row("dashboards / s", func(r *loadRun) string { return fmt.Sprintf("%.1f", float64(len(r.reads.lat))/r.elapsed.Seconds()) })
	row("requests / s (both)", func(r *loadRun) string {
		return fmt.Sprintf("%.1f", float64(len(r.writes.lat)+len(r.reads.lat))/r.elapsed.Seconds())
	})
	row("errors", func(r *loadRun) string { return fmt.Sprintf("%d", r.writes.errs+r.reads.errs) })
	row("server peak memory (VmHWM)", func(r *loadRun) string { return mb(r.peak.hwm) })
	for _, r := range runs {
		if r.writes.first != nil || r.reads.first != nil {
			fmt.Fprintf(w, "\nFirst errors (%s): %v; %v\n", r.name, r.writes.first, r.reads.first)
		}
		if r.serverErrs > 0 {
			fmt.Fprintf(w, "\nThe server (%s) logged %d warnings or errors; the first:\n\n", r.name, r.serverErrs)
			for _, l := range r.serverFirst {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
	}
	return nil
}
