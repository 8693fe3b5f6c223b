package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// clock is a settable "now" for the server under test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// dashApp is a server for owner on the database at dsn, with its own clock.
func dashApp(t *testing.T, dsn string, db *store.DB, owner upshot.OwnerID, now *clock) *app {
	t.Helper()
	reg := instrument.Builtin()
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := New(Config{Store: db, Registry: reg, Addr: "127.0.0.1:8080", Owner: owner, Now: now.Now, Logger: logger, LaunchToken: testToken})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &app{t: t, db: db, srv: srv, ts: ts, reg: reg}
}

// openStore opens another handle on the database at dsn: what the CLI,
// another process, does while the server runs.
func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	db.Now = testClock
	t.Cleanup(func() { db.Close() })
	return db
}

// cached returns the page the server keeps for its owner, or nil.
func (a *app) cached() *renderedPage {
	c := a.srv.dashboards
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages[a.srv.owner]
}

// The dashboard is rendered once per change, and changes right after every
// kind of write: through the API, through the store by another process (the
// CLI), a setting, and the date turning at midnight.
func TestDashboardFollowsEveryChange(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			db := openStore(t, dsn)
			now := &clock{now: testNow}
			a := dashApp(t, dsn, db, upshot.DefaultOwner, now)
			cli := openStore(t, dsn)
			therapist, _ := a.seed()

			first := a.get("/")
			if first.status != http.StatusOK {
				t.Fatalf("GET /: %d %s", first.status, first.body)
			}
			rendered := a.cached()
			again := a.get("/")
			if string(again.body) != string(first.body) {
				t.Fatal("two visits with nothing changed in between differ")
			}
			if a.cached() != rendered {
				t.Error("a second visit with nothing changed rendered the page again")
			}

			steps := []struct {
				name  string
				write func(t *testing.T)
				want  string // on the page after the write; "" checks the render alone
			}{
				{"session through the API", func(t *testing.T) {
					r := a.sendJSON("POST", "/api/v1/sessions", fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-02"}`, therapist))
					if r.status != http.StatusCreated {
						t.Fatalf("POST session: %d %s", r.status, r.body)
					}
				}, "2 Jun 2025"},
				{"session through the store, as the CLI", func(t *testing.T) {
					s := &upshot.Session{TherapistID: therapist, Date: upshot.NewDate(2025, time.June, 9)}
					if err := cli.CreateSession(context.Background(), upshot.DefaultOwner, s); err != nil {
						t.Fatal(err)
					}
				}, "9 Jun 2025"},
				{"check-in with the self-harm item, through the CLI", func(t *testing.T) {
					def, _ := a.reg.Get("phq9")
					c := &upshot.CheckIn{Instrument: def.ID, InstrumentVersion: def.Version, Date: upshot.NewDate(2025, time.June, 10), Answers: answers(0, 0, 0, 0, 0, 0, 0, 0, 1)}
					if err := cli.CreateCheckIn(context.Background(), upshot.DefaultOwner, c, upshot.Definition{Instrument: def.ID, Version: def.Version, Data: def.Raw()}); err != nil {
						t.Fatal(err)
					}
				}, "Support is available"},
				{"setting through the CLI", func(t *testing.T) {
					if err := cli.SetSetting(context.Background(), upshot.DefaultOwner, upshot.SettingCrisisContacts, "Call Ana on 555 0100"); err != nil {
						t.Fatal(err)
					}
				}, `Call Ana on <a href="tel:5550100">555 0100</a>`},
				{"midnight", func(t *testing.T) {
					now.set(time.Date(2025, time.June, 17, 0, 0, 1, 0, time.UTC))
				}, ""},
			}
			prev := first
			for _, st := range steps {
				t.Run(st.name, func(t *testing.T) {
					st.write(t)
					r := a.get("/")
					if r.status != http.StatusOK {
						t.Fatalf("GET /: %d %s", r.status, r.body)
					}
					if st.want != "" && !strings.Contains(r.text(), st.want) {
						t.Errorf("the page lacks %q right after the change", st.want)
					}
					if r.text() == prev.text() && st.want != "" {
						t.Error("the page did not change with the records")
					}
					p := a.cached()
					if p == rendered {
						t.Error("the page was not rendered again")
					}
					if !p.key.today.Equal(upshot.DateOf(now.Now())) {
						t.Errorf("page rendered for %s, today is %s", p.key.today, upshot.DateOf(now.Now()))
					}
					// The render took the sessions and check-ins it kept from
					// the last one where they had not changed: it must say
					// what a server reading everything afresh says.
					if fresh := dashApp(t, dsn, openStore(t, dsn), upshot.DefaultOwner, now).get("/"); fresh.text() != r.text() {
						t.Error("the page differs from one rendered by a fresh server")
					}
					rendered, prev = p, r
				})
			}
		})
	}
}

func answers(vs ...int) []*int {
	out := make([]*int, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// TestDashboardNoStore: the dashboard is sent no-store like every other
// private page (it was "private, no-cache" with an ETag, which left a copy of
// the therapy record in the browser's cache). Repeat visits stay cheap on the
// server: the rendered page is kept there and sent again without a render.
func TestDashboardNoStore(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	first := a.get("/")
	rendered := a.cached()
	for _, r := range []response{first, a.get("/", `If-None-Match: W/"0123456789abcdef0123456789abcdef"`), a.get("/", "If-None-Match: *")} {
		if r.status != http.StatusOK || string(r.body) != string(first.body) {
			t.Fatalf("status %d, or the page differs from the first visit", r.status)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		if etag := r.header.Get("ETag"); etag != "" {
			t.Errorf("ETag %q on a page no browser keeps", etag)
		}
	}
	if a.cached() != rendered {
		t.Error("repeat visits rendered the page again instead of sending the one kept")
	}
}

// A confirmation after a change is shown on the same rendered dashboard.
func TestDashboardFlash(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	plain := a.get("/")
	r := a.get("/?done=session-saved")
	if !strings.Contains(r.text(), `<p class="flash" role="status">Session saved.</p>`) {
		t.Error("no flash")
	}
	if strings.Contains(plain.text(), "Session saved.") {
		t.Error("the flash reached the page without one")
	}
	main := func(s string) string {
		_, after, _ := strings.Cut(s, `<main id="main" tabindex="-1">`)
		before, _, _ := strings.Cut(after, `</main>`)
		_, rest, _ := strings.Cut(before, "</p>") // the flash, where there is one
		if !strings.Contains(before, `class="flash"`) {
			return before
		}
		return rest
	}
	if strings.TrimSpace(main(r.text())) != strings.TrimSpace(main(plain.text())) {
		t.Error("the page with a flash differs from the page without one beyond the flash")
	}
	if a.get("/").text() != plain.text() {
		t.Error("a visit with a flash changed the page without one")
	}
}

// Concurrent visits get the same bytes, and concurrent misses render once.
func TestDashboardConcurrentRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	const n = 8
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { bodies[i] = a.get("/").text() })
	}
	wg.Wait()
	for i := range bodies {
		if bodies[i] != bodies[0] || !strings.Contains(bodies[i], "In one line") {
			t.Fatalf("visit %d got a different page (%d bytes, first %d)", i, len(bodies[i]), len(bodies[0]))
		}
	}

	// On the cache itself, with a render slow enough that every caller
	// arrives while it runs; the first caller leaves before it ends.
	c := newPageCache(4)
	key := pageKey{owner: upshot.DefaultOwner, revision: 7, today: upshot.DateOf(testNow)}
	var renders atomic.Int32
	release := make(chan struct{})
	render := func(ctx context.Context, owner upshot.OwnerID, today upshot.Date) (*renderedPage, error) {
		renders.Add(1)
		<-release
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		k := pageKey{owner: owner, revision: 7, today: today}
		return &renderedPage{key: k, page: []byte("page of " + k.String())}, nil
	}
	ctx, leave := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := c.get(ctx, key, render)
		firstErr <- err
	}()
	for renders.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	pages := make([]*renderedPage, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { pages[i], errs[i] = c.get(context.Background(), key, render) })
	}
	// Every caller has joined the running render (the cache counts those
	// waiting for it) before the first one leaves: a caller arriving later
	// would prove nothing about joining.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		joined := c.waits[key.owner]
		c.mu.Unlock()
		if joined == n+1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d callers joined the render", joined, n+1)
		}
		time.Sleep(time.Millisecond)
	}
	leave()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that left got %v", err)
	}
	close(release)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || pages[i] != pages[0] || string(pages[i].page) != "page of 1/7/2025-06-16" {
			t.Fatalf("caller %d: %v %v", i, pages[i], errs[i])
		}
	}
	if got := renders.Load(); got != 1 {
		t.Errorf("%d renders for %d concurrent callers, want 1", got, n+1)
	}
}

// Requests that read newer revisions while a render runs (writes and reads
// arriving together) do not start renders of their own: they wait for the
// running one and share the next, which reads the latest revision. Renders
// of different owners run at once only up to maxConcurrentRenders.
func TestDashboardRendersCoalesce(t *testing.T) {
	t.Parallel()
	c := newPageCache(8)
	today := upshot.DateOf(testNow)
	var (
		revision            atomic.Int64 // the owner's revision, as the store has it
		running, most, done atomic.Int32
		mu                  sync.Mutex
		release             = map[upshot.OwnerID]chan struct{}{}
	)
	gate := func(owner upshot.OwnerID) chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		if release[owner] == nil {
			release[owner] = make(chan struct{})
		}
		return release[owner]
	}
	render := func(ctx context.Context, owner upshot.OwnerID, today upshot.Date) (*renderedPage, error) {
		k := pageKey{owner: owner, revision: revision.Load(), today: today}
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-gate(owner)
		running.Add(-1)
		done.Add(1)
		return &renderedPage{key: k}, nil
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}

	// One owner: a render at revision 1 runs; requests that read 2 to 9
	// arrive while it runs.
	owner := upshot.OwnerID(1)
	revision.Store(1)
	var wg sync.WaitGroup
	got := make([]*renderedPage, 10)
	wg.Go(func() { got[0], _ = c.get(t.Context(), pageKey{owner, 1, today}, render) })
	waitFor("the first render", func() bool { return running.Load() == 1 })
	for i := 1; i < len(got); i++ {
		revision.Store(int64(i + 1))
		wg.Go(func() { got[i], _ = c.get(t.Context(), pageKey{owner, int64(i + 1), today}, render) })
	}
	// Let every request reach the cache; they all find a render running.
	waitFor("the requests to wait", func() bool { return c.waiting(owner) == len(got) })
	first := gate(owner)
	mu.Lock()
	release[owner] = nil // the next render waits for a gate of its own
	mu.Unlock()
	close(first)
	waitFor("the second render", func() bool { return done.Load() == 1 && running.Load() == 1 })
	close(gate(owner))
	wg.Wait()
	if n := done.Load(); n != 2 {
		t.Errorf("%d renders for ten requests over nine revisions, want 2", n)
	}
	if most.Load() != 1 {
		t.Errorf("%d renders of one owner at once, want 1", most.Load())
	}
	if got[0].key.revision != 1 {
		t.Errorf("the first request got revision %d", got[0].key.revision)
	}
	for i, p := range got[1:] {
		if p == nil || p.key.revision != 10 {
			t.Fatalf("request %d got %+v, want the page of revision 10", i+1, p)
		}
	}

	// Several owners at once: no more than maxConcurrentRenders run.
	most.Store(0)
	owners := []upshot.OwnerID{11, 12, 13, 14}
	for _, o := range owners {
		wg.Go(func() { c.get(t.Context(), pageKey{o, 10, today}, render) })
	}
	waitFor("the slots to fill", func() bool { return running.Load() == maxConcurrentRenders })
	for _, o := range owners {
		close(gate(o))
	}
	wg.Wait()
	if m := most.Load(); m != maxConcurrentRenders {
		t.Errorf("%d renders at once, want %d", m, maxConcurrentRenders)
	}
}

// Two people on one hosted instance never see each other's dashboard, even
// at the same revision on the same day and through one cache.
func TestDashboardOwnersApart(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			db := openStore(t, dsn)
			other, err := db.CreateUser(t.Context(), "second person")
			if err != nil {
				t.Fatal(err)
			}
			now := &clock{now: testNow}
			apps := map[upshot.OwnerID]*app{
				upshot.DefaultOwner: dashApp(t, dsn, db, upshot.DefaultOwner, now),
				other:               dashApp(t, dsn, db, other, now),
			}
			// One cache for both, as a server with logins would have.
			apps[other].srv.dashboards = apps[upshot.DefaultOwner].srv.dashboards
			names := map[upshot.OwnerID]string{upshot.DefaultOwner: "Dr. Primrose Aldana", other: "Dr. Quentin Oyelaran"}
			for owner, name := range names {
				th := &upshot.Therapist{Name: name}
				if err := db.CreateTherapist(t.Context(), owner, th); err != nil {
					t.Fatal(err)
				}
				if err := db.CreateSession(t.Context(), owner, &upshot.Session{TherapistID: th.ID, Date: upshot.DateOf(testNow)}); err != nil {
					t.Fatal(err)
				}
			}
			r1, err1 := db.Revision(t.Context(), upshot.DefaultOwner)
			r2, err2 := db.Revision(t.Context(), other)
			if err1 != nil || err2 != nil || r1 != r2 {
				t.Fatalf("revisions %d, %d (%v, %v): the test needs them equal", r1, r2, err1, err2)
			}
			for range 2 { // the second round is served from the cache
				for owner, a := range apps {
					r := a.get("/")
					if !strings.Contains(r.text(), names[owner]) {
						t.Errorf("owner %d does not see their own therapist", owner)
					}
					for o, name := range names {
						if o != owner && strings.Contains(r.text(), name) {
							t.Errorf("owner %d sees owner %d's records", owner, o)
						}
					}
				}
			}
		})
	}
}

// The cache holds one page per owner, for a bounded number of owners.
func TestDashboardCacheBounded(t *testing.T) {
	t.Parallel()
	c := newPageCache(3)
	today := upshot.DateOf(testNow)
	page := func(owner upshot.OwnerID, rev int64) *renderedPage {
		return &renderedPage{key: pageKey{owner: owner, revision: rev, today: today}}
	}
	c.put(page(1, 1))
	c.put(page(2, 1))
	c.put(page(3, 1))
	c.put(page(1, 2)) // replaces owner 1's page
	c.put(page(1, 1)) // an older render finishing late does not
	if len(c.pages) != 3 || c.pages[1].key.revision != 2 || c.lookup(page(1, 2).key) == nil || c.lookup(page(1, 3).key) != nil {
		t.Fatalf("owner 1 not replaced: %d pages", len(c.pages))
	}
	c.lookup(page(2, 1).key) // owner 3 is now the least recently served
	c.put(page(4, 1))
	if len(c.pages) != 3 {
		t.Errorf("%d pages, cap 3", len(c.pages))
	}
	if c.lookup(page(3, 1).key) != nil {
		t.Error("the least recently served owner's page was kept")
	}
	for _, o := range []upshot.OwnerID{1, 2, 4} {
		if c.pages[o] == nil {
			t.Errorf("owner %d's page was evicted", o)
		}
	}
}

// The dashboard of a ten-year record shows its last year and stays a page a
// phone can carry; every id on it is unique and every in-page link has its
// target.
func TestDashboardTenYears(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	if err := a.db.Import(t.Context(), upshot.DefaultOwner, history.TenYears(upshot.DateOf(testNow))); err != nil {
		t.Fatal(err)
	}
	r := a.get("/")
	if r.status != http.StatusOK {
		t.Fatalf("GET /: %d", r.status)
	}
	// The latest five sessions, newest first.
	snap := history.TenYears(upshot.DateOf(testNow))
	_, list, _ := strings.Cut(r.text(), `<h2 id="recent-title">Latest sessions</h2>`)
	list, _, _ = strings.Cut(list, "</ul>")
	var got, want []string
	for _, m := range regexp.MustCompile(`href="/sessions/(\d+)"`).FindAllStringSubmatch(list, -1) {
		got = append(got, m[1])
	}
	for i := range 5 {
		want = append(want, strconv.FormatInt(snap.Sessions[len(snap.Sessions)-1-i].ID, 10))
	}
	if !slices.Equal(got, want) {
		t.Errorf("latest sessions %v, want %v", got, want)
	}
	const limit = 200_000
	if len(r.body) > limit {
		t.Errorf("the dashboard is %d bytes, over %d", len(r.body), limit)
	}
	for _, want := range []string{"The last 12 months of your records", `<a href="/report">Full history in the report</a>`, "520 in all since"} {
		if !strings.Contains(r.text(), want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	// Each chart's table: a year of weekly rows, not ten.
	for _, table := range strings.Split(r.text(), "<table>")[1:] {
		table, _, _ = strings.Cut(table, "</table>")
		if rows := strings.Count(table, "<tr>") - 1; rows > 53 {
			t.Errorf("a chart table with %d rows", rows)
		}
	}
	ids := map[string]int{}
	for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(r.text(), -1) {
		ids[m[1]]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q appears %d times", id, n)
		}
	}
	if ids["chart-focus"] != 1 || ids["chart-focus-split"] != 1 {
		t.Errorf("the focus check's chart %d times, the focus split %d times; want 1 each", ids["chart-focus"], ids["chart-focus-split"])
	}
	for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(r.text(), -1) {
		if ids[m[1]] != 1 {
			t.Errorf("link to #%s has no target", m[1])
		}
	}
}

// BenchmarkDashboardRender is a dashboard rendered without the cache, as
// every visit cost before it and as the first visit after a change costs:
// read, review, charts and template. BenchmarkDashboard (bench_test.go)
// measures visits served from the cache.
func BenchmarkDashboardRender(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	now := time.Date(2026, time.March, 2, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	if err := db.Import(context.Background(), upshot.DefaultOwner, history.TenYears(upshot.DateOf(now))); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Store: db, Registry: instrument.Builtin(), Addr: "127.0.0.1:0", Owner: upshot.DefaultOwner, Now: db.Now, LaunchToken: testToken})
	if err != nil {
		b.Fatal(err)
	}
	p, err := srv.renderDashboard(context.Background(), upshot.DefaultOwner, upshot.DateOf(now))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(p.page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := srv.renderDashboard(context.Background(), upshot.DefaultOwner, upshot.DateOf(now)); err != nil {
			b.Fatal(err)
		}
	}
}
