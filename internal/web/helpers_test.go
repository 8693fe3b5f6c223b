package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// testNow is the fixed "now" of every test: dates in fixtures are valid
// against it and the demo history ends just before it.
var testNow = time.Date(2025, time.June, 16, 12, 0, 0, 0, time.UTC)

func testClock() time.Time { return testNow }

// testToken is the launch token of every test server; requests made with
// app.do carry it, as a script would.
const testToken = "test-launch-token-for-the-web-tests-0123456"

// app is a real server on a real database, reached over real HTTP.
type app struct {
	t   *testing.T
	db  *store.DB
	srv *Server
	ts  *httptest.Server
	reg *instrument.Registry
	// calendarToken is the secret of the calendar feed seedAll makes.
	calendarToken string
}

func newApp(t *testing.T, backend string) *app {
	t.Helper()
	return newAppOn(t, storetest.Open(t, backend))
}

// newAppOn is newApp on a database the test opened itself.
func newAppOn(t *testing.T, db *store.DB) *app {
	t.Helper()
	db.Now = testClock
	reg := instrument.Builtin()
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := New(Config{Store: db, Registry: reg, Addr: "127.0.0.1:8080", Owner: upshot.DefaultOwner, Now: testClock, Logger: logger,
		LaunchToken: testToken})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &app{t: t, db: db, srv: srv, ts: ts, reg: reg}
}

// loadDemo fills the database with the demo history.
func (a *app) loadDemo() {
	a.t.Helper()
	snap, err := demo.Build(upshot.DateOf(testNow), a.reg)
	if err != nil {
		a.t.Fatalf("demo: %v", err)
	}
	if err := a.db.Import(context.Background(), upshot.DefaultOwner, snap); err != nil {
		a.t.Fatalf("import demo: %v", err)
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) text() string { return string(r.body) }

// do sends a request with optional headers ("Name: value").
func (a *app) do(method, path string, body io.Reader, headers ...string) response {
	a.t.Helper()
	var sent []byte
	if body != nil {
		var err error
		if sent, err = io.ReadAll(body); err != nil {
			a.t.Fatal(err)
		}
		body = bytes.NewReader(sent)
	}
	req, err := http.NewRequest(method, a.ts.URL+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if k := "Host"; req.Header.Get(k) != "" {
		req.Host = req.Header.Get(k)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	checkContract(a.t, req, sent, resp, b)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (a *app) get(path string, headers ...string) response { return a.do("GET", path, nil, headers...) }

func (a *app) sendJSON(method, path, body string, headers ...string) response {
	return a.do(method, path, strings.NewReader(body), append([]string{"Content-Type: application/json"}, headers...)...)
}

func (a *app) postForm(path string, form string, headers ...string) response {
	return a.do("POST", path, strings.NewReader(form), append([]string{"Content-Type: application/x-www-form-urlencoded"}, headers...)...)
}

// decode reads a JSON response body into v.
func decode(t *testing.T, r response, v any) {
	t.Helper()
	if err := json.NewDecoder(bytes.NewReader(r.body)).Decode(v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// apiErr reads a JSON error response.
func apiErrOf(t *testing.T, r response) apiErrorBody {
	t.Helper()
	var e apiError
	decode(t, r, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body lacks code or message: %s", r.body)
	}
	return e.Error
}

// counts returns how many records of each kind the owner has, to check that
// a refused request wrote nothing.
func (a *app) counts() [4]int {
	a.t.Helper()
	snap, err := a.db.Export(context.Background(), upshot.DefaultOwner)
	if err != nil {
		a.t.Fatal(err)
	}
	return [4]int{len(snap.Therapists), len(snap.Goals), len(snap.Sessions), len(snap.CheckIns)}
}

// seed adds one therapist and one goal and returns their ids.
func (a *app) seed() (therapist, goal int64) {
	a.t.Helper()
	ctx := context.Background()
	th := &upshot.Therapist{Name: "Dr. A", Fee: upshot.Ptr(upshot.Money(8000)), Currency: "EUR"}
	if err := a.db.CreateTherapist(ctx, upshot.DefaultOwner, th); err != nil {
		a.t.Fatal(err)
	}
	g := &upshot.Goal{Title: "Sleep through the night", Domain: "health", Status: upshot.GoalOpen, Opened: upshot.DateOf(testNow).AddDays(-30)}
	if err := a.db.CreateGoal(ctx, upshot.DefaultOwner, g); err != nil {
		a.t.Fatal(err)
	}
	return th.ID, g.ID
}

// testLog sends the server's warnings and errors to the test output.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Helper()
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func newTestServer(t *testing.T, srv *Server) *httptest.Server {
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
