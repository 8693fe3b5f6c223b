package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Browser tests drive the real server with headless Chromium (Debian's
// package). Without a browser they fail, saying how to install one, unless
// UPSHOT_SKIP_BROWSER_TESTS=1 asks to skip them (never under CI): a run
// without Chromium does not pass for a run of the browser tests. The
// variable and the browser file are both read inside the tests, so go test's
// cache keys on them: a result cached without Chromium is not reused once it
// is installed.

const skipBrowserEnv = "UPSHOT_SKIP_BROWSER_TESTS"

// browserSkipped is set when a browser test skipped, for the summary line.
var browserSkipped atomic.Bool

func TestMain(m *testing.M) {
	code := m.Run()
	sharedBrowser.stop()
	if browserSkipped.Load() {
		fmt.Fprintf(os.Stderr, "SKIPPED: the browser tests (%s is set; no Chromium at %s)\n", skipBrowserEnv, chromiumFile())
	}
	os.Exit(code)
}

// chromiumFile is $CHROMIUM, else Debian's /usr/bin/chromium.
func chromiumFile() string {
	if path := os.Getenv("CHROMIUM"); path != "" {
		return path
	}
	return "/usr/bin/chromium"
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	path := chromiumFile()
	if _, err := os.Stat(path); err != nil {
		if v := os.Getenv(skipBrowserEnv); v != "" && v != "0" && !storetest.InCI() {
			browserSkipped.Store(true)
			t.Skipf("browser test skipped (%s is set): no Chromium at %s", skipBrowserEnv, path)
		}
		t.Fatalf("browser tests need Chromium at %s (install Debian's chromium, set CHROMIUM to its path, or set %s=1 to skip them): %v",
			path, skipBrowserEnv, err)
	}
	return path
}

// browserStep bounds one step of a browser test (a page load, a script, a
// few clicks), so that a test's deadline grows with the steps it takes
// instead of one fixed figure for a whole test on a machine of any load.
const browserStep = 60 * time.Second

// artifactsDir is where screenshots of failed browser tests go.
func artifactsDir() string {
	if d := os.Getenv("UPSHOT_TEST_ARTIFACTS"); d != "" {
		return d
	}
	return "test-artifacts"
}

// newBrowser starts a private headless Chromium for one test and lets it into
// a's server the way a person does: by opening the address with the launch
// token, which leaves the cookie behind. When the test fails, a screenshot of
// the page it was on is saved as an artifact.
func newBrowser(t *testing.T, a *app, width, height int) context.Context {
	t.Helper()
	ctx := startBrowser(t, width, height)
	do(t, ctx, "open the launch address", chromedp.Navigate(a.ts.URL+"/?token="+testToken), chromedp.WaitReady(chromedp.CSS("body")))
	return ctx
}

// sharedBrowser is one headless Chromium for the whole test binary, started
// by the first browser test. Each test gets a browser context of its own in
// it (its own cookies, storage, cache and service workers, as a separate
// profile has), which costs a tab rather than a browser start: about 2 s of
// CPU each, which on two cores was a good part of the package's run.
var sharedBrowser browserProcess

type browserProcess struct {
	once   sync.Once
	ctx    context.Context // the browser's first tab; its end ends the browser
	cancel context.CancelFunc
	dir    string // the profile directory
	err    error
}

// browserRoot returns the shared browser's context, starting it once.
func browserRoot(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	b := &sharedBrowser
	b.once.Do(func() {
		b.dir, b.err = os.MkdirTemp("", "upshot-chromium")
		if b.err != nil {
			return
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(path, b.dir)...)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		b.ctx, b.cancel = ctx, func() { cancelCtx(); cancelAlloc() }
		b.err = chromedp.Do(ctx) // starts the browser, tied to ctx
	})
	if b.err != nil {
		t.Fatalf("start Chromium: %v", b.err)
	}
	return b.ctx
}

// chromiumOptions are the flags every Chromium of the tests runs with.
func chromiumOptions(path, profile string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Tests run side by side in tabs of one browser: none may be
		// slowed as a tab in the background.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
}

// stop ends the shared browser, if a test started it.
func (b *browserProcess) stop() {
	if b.cancel != nil {
		b.cancel()
	}
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
}

// startBrowser opens a private browser context of the shared Chromium (no
// cookie, storage or cache of another test) at width x height, let in
// nowhere.
func startBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserRoot(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first action opens the tab and ties it to ctx: it runs under the
	// test's own bound (go test -timeout), later steps under browserStep.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("open a tab in Chromium: %v", err)
	}
	screenshotOnFailure(t, ctx)
	return ctx
}

// screenshotOnFailure saves a picture of the page when the test fails. Call
// it last after opening ctx: cleanups run in reverse, so the page is still
// open when it runs.
func screenshotOnFailure(t *testing.T, ctx context.Context) {
	t.Cleanup(func() {
		if t.Failed() {
			screenshot(t, ctx, "failed")
		}
	})
}

// startOwnBrowser starts a Chromium of the test's own with an ordinary
// profile, for what a browser context of the shared one cannot show: such a
// context is private ("incognito"), and Chromium offers no install there.
func startOwnBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(chromiumPath(t), t.TempDir())...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	screenshotOnFailure(t, ctx)
	return ctx
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// screenshot saves the whole page as <artifacts>/<test>-<label>.png.
func screenshot(t *testing.T, ctx context.Context, label string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot: %v", err)
		return ""
	}
	dir := artifactsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot: %v", err)
		return ""
	}
	path := filepath.Join(dir, unsafeName.ReplaceAllString(t.Name(), "_")+"-"+label+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot: %v", err)
		return ""
	}
	t.Logf("screenshot saved: %s", path)
	return path
}

// run runs an action that gives a value, failing the test on error.
func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// do runs steps, failing the test on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, browserStep)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestBrowserLogSessionShowsOnDashboard(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	_, goal := a.seed()
	ctx := newBrowser(t, a, 1100, 900)
	do(t, ctx, "log a session in the browser",
		chromedp.Navigate(a.ts.URL+"/sessions/new"),
		chromedp.WaitVisible(chromedp.ID("focus_life")),
		chromedp.Click(chromedp.CSS(`details.offered > summary`)), // the offered values, unfolded
		chromedp.SetValue(chromedp.ID("minutes"), "50"),
		chromedp.SendKeys(chromedp.ID("focus_life"), "40"),
		chromedp.Click(chromedp.CSS(`#focus_relationship + button`)), // the + stepper: 5 minutes
		chromedp.SendKeys(chromedp.ID("focus_admin"), "5"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="goal"][value="%d"]`, goal))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="progress_%d"][value="2"] + span`, goal))),
		chromedp.Click(chromedp.CSS(`input[name="after"][value="better"] + span`)),
		chromedp.Click(chromedp.CSS(`form.session-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	flashText := run(t, ctx, "flash", chromedp.Text(chromedp.CSS(`p.flash`)))
	latest := run(t, ctx, "latest sessions", chromedp.Text(chromedp.CSS(`#recent-title + ul`)))
	focusChart := run(t, ctx, "focus chart", chromedp.AttributeValue(chromedp.CSS(`#chart-focus-split svg`), "role"))
	if flashText != "Session saved." {
		t.Errorf("flash %q", flashText)
	}
	if !strings.Contains(latest, "16 Jun 2025") || !strings.Contains(latest, "Dr. A") {
		t.Errorf("dashboard's latest sessions lack the new one: %q", latest)
	}
	if !strings.Contains(latest, "my life 80%") || !strings.Contains(latest, "the relationship 10%") {
		t.Errorf("focus split (40 life, 5 relationship via the stepper, 5 admin) not shown: %q", latest)
	}
	if focusChart.Value != "img" {
		t.Errorf("dashboard has no focus chart after logging a focus")
	}
	if n := a.counts()[2]; n != 1 {
		t.Errorf("%d sessions stored, want 1", n)
	}
}

func TestBrowserPHQ9SafetyNotice(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	ctx := newBrowser(t, a, 1100, 900)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(a.ts.URL + "/checkin/phq9"),
		chromedp.WaitVisible(chromedp.ID("item-1")),
	}
	// Items 1-8 "Not at all", item 9 "Several days": a minimal total that
	// must still bring the notice.
	for i := 1; i <= 9; i++ {
		score := 0
		if i == 9 {
			score = 1
		}
		steps = append(steps, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#item-%d input[value="%d"] + span`, i, score))))
	}
	steps = append(steps,
		chromedp.Click(chromedp.CSS(`form.checkin-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`aside.safety`)),
	)
	do(t, ctx, "answer a PHQ-9 in the browser", steps...)
	notice := run(t, ctx, "safety notice", chromedp.Text(chromedp.CSS(`aside.safety`)))
	band := run(t, ctx, "band", chromedp.Text(chromedp.CSS(`.result .band`)))
	for _, want := range []string{"Support is available", "you don't have to face it alone", "Upshot is not a crisis service"} {
		if !strings.Contains(notice, want) {
			t.Errorf("safety notice lacks %q: %q", want, notice)
		}
	}
	if !strings.Contains(band, "minimal") {
		t.Errorf("band %q, want minimal (total 1)", band)
	}
}

func TestBrowserReviewEvidenceLink(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	ctx := newBrowser(t, a, 1100, 900)
	link := chromedp.CSS(`.finding-concern details.evidence a[href^="/sessions/"]`)
	do(t, ctx, "open the review",
		chromedp.Navigate(a.ts.URL+"/review"),
		chromedp.WaitVisible(chromedp.ID("findings-title")),
		// The demo's concerns are about the ended therapy: its group is folded.
		chromedp.Click(chromedp.CSS(`details.past-group > summary`)),
		chromedp.Click(chromedp.CSS(`.finding-concern details.evidence summary`)),
	)
	href := run(t, ctx, "evidence link", chromedp.AttributeValue(link, "href"))
	do(t, ctx, "follow the evidence", chromedp.Click(link), chromedp.WaitVisible(chromedp.CSS(`h1[id^="session-"]`)))
	heading := run(t, ctx, "heading", chromedp.Text(chromedp.CSS(`h1`)))
	location := run(t, ctx, "location", chromedp.Location())
	if href.Value == "" || !strings.HasSuffix(location, href.Value) || !strings.HasPrefix(heading, "Session of") {
		t.Errorf("followed %q, landed on %s with heading %q", href.Value, location, heading)
	}
}

func TestBrowserMobileLogFormFits(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	ctx := newBrowser(t, a, 390, 844)
	do(t, ctx, "open the log form at 390 px", chromedp.Navigate(a.ts.URL+"/sessions/new"), chromedp.WaitVisible(chromedp.ID("focus_life")))
	width := run(t, ctx, "scroll width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	openWidth := run(t, ctx, "scroll width, details open", chromedp.Evaluate[int](
		`document.querySelectorAll("details.optional").forEach(d => d.open = true); document.documentElement.scrollWidth`))
	if width > 390 || openWidth > 390 {
		t.Errorf("log form scrolls sideways at 390 px: scrollWidth %d (%d with the optional parts open)", width, openWidth)
	}
	// UPSHOT_SCREENSHOTS=DIR keeps pictures of the main pages at phone size,
	// for looking at the design.
	if dir := os.Getenv("UPSHOT_SCREENSHOTS"); dir != "" {
		t.Setenv("UPSHOT_TEST_ARTIFACTS", dir)
		screens(t, ctx, dir, "log-form")
		for _, p := range []string{"/", "/review", "/checkin/phq9", "/report"} {
			do(t, ctx, p, chromedp.Navigate(a.ts.URL+p), chromedp.WaitReady(chromedp.CSS("body")))
			screens(t, ctx, dir, "page"+strings.ReplaceAll(p, "/", "-"))
		}
	}
}

func TestBrowserMobilePagesFit(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	ctx := newBrowser(t, a, 390, 844)
	for _, p := range []string{"/", "/review", "/checkin/phq9", "/sessions/1", "/checkins", "/settings", "/report?compare=1"} {
		do(t, ctx, p, chromedp.Navigate(a.ts.URL+p), chromedp.WaitReady(chromedp.CSS("body")))
		if w := run(t, ctx, p, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
			t.Errorf("%s scrolls sideways at 390 px: scrollWidth %d", p, w)
		}
	}
}

// screens saves the page one screenful at a time, as a person scrolling
// on a phone sees it.
func screens(t *testing.T, ctx context.Context, dir, label string) {
	t.Helper()
	height := run(t, ctx, "page height", chromedp.Evaluate[int](`document.documentElement.scrollHeight`))
	view := run(t, ctx, "view height", chromedp.Evaluate[int](`window.innerHeight`))
	for i, y := 0, 0; y < height && i < 12; i, y = i+1, y+view {
		run(t, ctx, "scroll", chromedp.Evaluate[int](fmt.Sprintf("window.scrollTo(0, %d), window.scrollY", y)))
		png := run(t, ctx, "screenshot", chromedp.CaptureScreenshot())
		path := filepath.Join(dir, fmt.Sprintf("%s-%02d.png", label, i))
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBrowserAccessibility checks every kind of page against WCAG 2.2 A and
// AA and axe's best practices with axe-core (testdata/axe), in the real
// browser so that contrast is judged on the colours actually rendered:
// labelled inputs, contrast, target sizes, landmarks, names of links and
// buttons, valid ARIA. The delete confirmation and the check-in result stand
// for the pages like them; the main pages are checked again at phone width.
func TestBrowserAccessibility(t *testing.T) {
	t.Parallel()
	axe, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	// The demo as it is, and the demo after a PHQ-9 with item 9 above 0 for
	// the pages that show the safety notice (its result and the dashboard),
	// a form sent back with an error, and the main pages at phone width.
	a := newApp(t, "sqlite")
	a.loadDemo()
	safety := newApp(t, "sqlite")
	safety.loadDemo()
	result := safety.postCheckin("phq9", "2025-06-16", 0, 0, 0, 0, 0, 0, 0, 0, 1)
	pages := []string{"/", "/sessions", "/sessions/new", "/sessions/1", "/sessions/1/edit", "/sessions/1/delete",
		"/checkins", "/checkin/phq9", "/checkin/who5", "/checkins/1", "/therapists", "/therapists/new", "/therapists/1/edit",
		"/goals", "/goals/new", "/goals/1/edit", "/settings", "/review", "/report", "/report?plan=1&compare=1", "/plan", offlinePath, "/account", "/signin", "/agenda"}
	notice := []string{result, "/", "/therapists/new#invalid"}
	phone := []string{"/", "/sessions/new", "/checkin/phq9", "/review", "/report?compare=1", "/checkins", "/sessions", "/sessions/1", "/goals", "/therapists", "/settings", "/plan", "/agenda"}
	type screen struct {
		width, height int
		paths         []string
	}
	// Four parts of about ten pages, each in a browser of its own, side by
	// side: the checks are Chromium's work, and two run at once on two cores.
	for _, part := range []struct {
		name    string
		app     *app
		screens []screen
	}{
		{"desktop-1", a, []screen{{1100, 900, pages[:12]}}},
		{"desktop-2", a, []screen{{1100, 900, pages[12:]}}},
		{"notice-and-phone-1", safety, []screen{{1100, 900, notice}, {390, 844, phone[:6]}}},
		{"phone-2", safety, []screen{{390, 844, phone[6:]}}},
	} {
		t.Run(part.name, func(t *testing.T) {
			t.Parallel()
			ctx := newBrowser(t, part.app, part.screens[0].width, part.screens[0].height)
			check := func(p string) []axeViolation {
				// Evaluated through DevTools, so the page's Content-Security-Policy
				// (no inline or injected script) still holds for the page itself.
				run(t, ctx, "load axe-core", chromedp.Evaluate[bool](string(axe)+"\n;typeof axe === 'object'"))
				return run(t, ctx, "run axe-core on "+p, chromedp.Evaluate[[]axeViolation](
					`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}).then(r => r.violations)`,
					chromedp.EvalAwaitPromise))
			}
			if part.name == "desktop-1" {
				// First, that the check can fail: an unlabelled input and
				// pale text added to a page are found.
				do(t, ctx, "/", chromedp.Navigate(part.app.ts.URL+"/"), chromedp.WaitReady(chromedp.CSS("body")))
				run(t, ctx, "spoil the page", chromedp.Evaluate[int](`
					const m = document.querySelector("main");
					m.appendChild(document.createElement("input"));
					const p = document.createElement("p"); p.textContent = "pale"; p.style.color = "#cccccc"; m.appendChild(p); 0`))
				found := map[string]bool{}
				for _, v := range check("/ (spoilt)") {
					found[v.ID] = true
				}
				if !found["label"] || !found["color-contrast"] {
					t.Fatalf("axe-core did not find an unlabelled input and pale text: %v", found)
				}
			}
			for _, sc := range part.screens {
				do(t, ctx, "set the screen size", chromedp.EmulateViewport(int64(sc.width), int64(sc.height)))
				for _, p := range sc.paths {
					where := fmt.Sprintf("%s at %d px", p, sc.width)
					do(t, ctx, where, chromedp.Navigate(part.app.ts.URL+p), chromedp.WaitReady(chromedp.CSS("body")))
					if strings.HasSuffix(p, "#invalid") {
						do(t, ctx, "send the form without a name",
							chromedp.Evaluate[chromedp.Void](`const f = document.querySelector("main form"); f.noValidate = true; f.querySelector("#name").value = ""; f.requestSubmit()`),
							chromedp.WaitVisible(chromedp.CSS(`[aria-invalid="true"]`)),
						)
					}
					// Open the collapsed parts so that what they hold is checked too.
					run(t, ctx, where, chromedp.Evaluate[int](`document.querySelectorAll("details").forEach(d => d.open = true); 0`))
					for _, v := range check(where) {
						var nodes []string
						for i, n := range v.Nodes {
							if i == 3 {
								nodes = append(nodes, fmt.Sprintf("and %d more", len(v.Nodes)-3))
								break
							}
							nodes = append(nodes, strings.Join(n.Target, " ")+": "+n.Summary)
						}
						t.Errorf("%s: %s (%s): %s\n  %s", where, v.ID, v.Impact, v.Help, strings.Join(nodes, "\n  "))
					}
				}
			}
		})
	}
}

// axeViolation is the part of an axe-core result the test reports.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []string `json:"target"`
		Summary string   `json:"failureSummary"`
	} `json:"nodes"`
}

// TestBrowserKeyboardLogForm walks the log form with the Tab key alone: every
// field is reached, each shows a visible focus ring when it is (on itself,
// or on the label beside a visually hidden radio or checkbox), and the form
// is sent with Enter.
func TestBrowserKeyboardLogForm(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.seed()
	ctx := newBrowser(t, a, 1100, 900)
	do(t, ctx, "open the log form",
		chromedp.Navigate(a.ts.URL+"/sessions/new"),
		chromedp.WaitVisible(chromedp.ID("minutes")),
	)
	run(t, ctx, "open the optional parts", chromedp.Evaluate[int](`document.querySelectorAll("form.session-form details").forEach(d => d.open = true); 0`))
	type focused struct {
		Name    string `json:"name"`
		InForm  bool   `json:"inForm"`
		Visible bool   `json:"visible"`
	}
	const probe = `(() => {
		const e = document.activeElement;
		const ring = el => { const s = getComputedStyle(el); return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2; };
		const next = e.nextElementSibling;
		// Focus on the calendar button inside a date field is in the
		// browser's own part of it, which page styles and :focus do not
		// reach; Chromium draws its own ring there.
		const browserPart = e.type === "date" && !e.matches(":focus");
		return {name: e.id || e.name || e.tagName.toLowerCase(), inForm: !!e.closest("form.session-form"),
			visible: browserPart || ring(e) || (next !== null && next.tagName === "SPAN" && ring(next))};
	})()`
	seen := map[string]bool{}
	for i := 0; i < 80; i++ {
		do(t, ctx, "Tab", chromedp.KeyEvent("\t"))
		f := run(t, ctx, "focused element", chromedp.Evaluate[focused](probe))
		if f.Name == "body" {
			break
		}
		if !f.Visible {
			t.Errorf("Tab %d: %s has no visible focus ring", i+1, f.Name)
		}
		if f.InForm {
			seen[f.Name] = true
		}
	}
	for _, want := range []string{"therapist", "date", "minutes", "fee", "format", "focus_life", "focus_relationship",
		"focus_therapist", "focus_admin", "focus_other", "goal", "after", "helpful", "conduct_respect", "flag", "note"} {
		if !seen[want] {
			t.Errorf("Tab never reaches %s; reached %v", want, seen)
		}
	}
	do(t, ctx, "fill in and send with Enter",
		chromedp.Focus(chromedp.ID("minutes")),
		chromedp.KeyEvent("50"),
		chromedp.Focus(chromedp.ID("focus_life")),
		chromedp.KeyEvent("45"),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	if n := a.counts()[2]; n != 1 {
		t.Errorf("%d sessions stored after Enter, want 1", n)
	}
}

// A goal's progress choices show once the goal is ticked, and unticking it
// clears the progress, so a goal is never sent as worked on by accident.
func TestBrowserGoalProgressFollowsTick(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	_, goal := a.seed()
	ctx := newBrowser(t, a, 390, 844)
	box := chromedp.CSS(fmt.Sprintf(`input[name="goal"][value="%d"]`, goal))
	progress := fmt.Sprintf("progress_%d", goal)
	hidden := fmt.Sprintf(`document.getElementById(%q).hidden`, progress)
	chosen := fmt.Sprintf(`document.querySelector('input[name=%q]:checked').value`, progress)
	do(t, ctx, "open the log form", chromedp.Navigate(a.ts.URL+"/sessions/new"), chromedp.WaitVisible(chromedp.ID("focus_life")))
	if !run(t, ctx, "before ticking", chromedp.Evaluate[bool](hidden)) {
		t.Error("the progress choices show before their goal is ticked")
	}
	do(t, ctx, "tick the goal and rate it", chromedp.Click(box),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=%q][value="2"] + span`, progress))))
	if run(t, ctx, "after ticking", chromedp.Evaluate[bool](hidden)) {
		t.Error("the progress choices stay hidden after their goal is ticked")
	}
	if v := run(t, ctx, "chosen", chromedp.Evaluate[string](chosen)); v != "2" {
		t.Errorf("progress %q after choosing +2", v)
	}
	do(t, ctx, "untick the goal", chromedp.Click(box))
	if v := run(t, ctx, "after unticking", chromedp.Evaluate[string](chosen)); v != "" {
		t.Errorf("unticking left progress %q, which would send the goal as worked on", v)
	}
	do(t, ctx, "send", chromedp.Evaluate[chromedp.Void](`document.querySelector("details.offered").open = true`), chromedp.SetValue(chromedp.ID("minutes"), "50"),
		chromedp.Click(chromedp.CSS(`form.session-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
	list, err := a.db.ListSessions(t.Context(), upshot.DefaultOwner, upshot.SessionFilter{})
	if err != nil || len(list) != 1 || len(list[0].Goals) != 0 {
		t.Errorf("stored %+v (%v), want one session with no goal", list, err)
	}
}
