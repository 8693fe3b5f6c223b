package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// GET /api/v1/compare on the demo year: both courses, or those asked for
// (therapist=ID, repeated), each answer checked against openapi.json by the
// test client; a therapist that is not there is 404, an id that is no id
// 422, and other parameters are ignored as everywhere in the API.
func TestAPICompare(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		a.loadDemo()
		var c struct {
			Courses []struct {
				Therapist struct{ ID int64 }
				Cost      struct {
					Money                  map[string]any `json:"money"`
					PerReliableImprovement map[string]any `json:"per_reliable_improvement"`
				}
				Pair *struct{ Outcomes []string } `json:"nhs_talking_therapies"`
			}
		}
		r := a.get("/api/v1/compare")
		decode(t, r, &c)
		if r.status != http.StatusOK || len(c.Courses) != 2 || c.Courses[0].Therapist.ID != 1 || c.Courses[1].Therapist.ID != 2 {
			t.Fatalf("compare: %d %+v", r.status, c)
		}
		if c.Courses[0].Cost.PerReliableImprovement != nil || c.Courses[0].Pair == nil || c.Courses[0].Pair.Outcomes[0] != "reliable_deterioration" {
			t.Errorf("first course: %+v", c.Courses[0])
		}
		// Money is an exact decimal number, as everywhere in the API.
		if !strings.Contains(r.text(), `"money":{"EUR":3600}`) {
			t.Errorf("first course's cost is not written as the exact amount: %.400s", r.text()[strings.Index(r.text(), `"cost"`):])
		}
		for _, q := range []struct {
			query  string
			status int
			n      int
		}{
			{"?therapist=2", 200, 1}, {"?therapist=2&therapist=1&therapist=2", 200, 2}, {"?therapist=1&colour=blue", 400, 0},
			{"?therapist=abc", 422, 0}, {"?therapist=0", 422, 0}, {"?therapist=1&therapist=99", 404, 0},
		} {
			r := a.get("/api/v1/compare" + q.query)
			if r.status != q.status {
				t.Errorf("compare%s: %d, want %d", q.query, r.status, q.status)
				continue
			}
			if r.status != http.StatusOK {
				if e := apiErrOf(t, r); e.Field != "therapist" && e.Field != "id" && e.Field != "colour" {
					t.Errorf("compare%s: error names %q", q.query, e.Field)
				}
				continue
			}
			c.Courses = nil
			decode(t, r, &c)
			if len(c.Courses) != q.n {
				t.Errorf("compare%s: %d courses, want %d", q.query, len(c.Courses), q.n)
			}
		}
	})
}

// The comparison page: a table of both courses whose cells link to their
// evidence (the review of that therapist at a finding, a check-in, the
// therapist's sessions), one chart, a picker; reached from the therapists
// page and the review. A therapist that is not there is a 404 that still
// shows the picker; the sessions list the cells link to is filtered. On
// SQLite and PostgreSQL.
func TestComparePage(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		a.loadDemo()
		r := a.get("/compare")
		page := r.text()
		for _, want := range []string{
			`<th scope="col">Dr. Alex Morgan`, `<th scope="col">Sam Rivera`, "no reliable improvement", "reliable deterioration", "reliable recovery",
			`href="/review?therapist=1#finding-reliable_deterioration-1-phq9&#43;gad7"`, `href="/sessions?therapist=2"`, `href="/checkins/`,
			`id="chart-compare-focus"`, `name="therapist" value="1" checked`, `name="therapist" value="2" checked`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("/compare does not hold %s", want)
			}
		}
		if r.status != http.StatusOK || strings.Contains(page, "better therapist") {
			t.Errorf("/compare: %d", r.status)
		}
		// The anchor a cell links to is on the review it names.
		if review := a.get("/review?therapist=1").text(); !strings.Contains(review, `id="finding-reliable_deterioration-1-phq9&#43;gad7"`) {
			t.Error("the review of therapist 1 has no anchor finding-reliable_deterioration-1-phq9+gad7")
		}
		one := a.get("/compare?therapist=2").text()
		if strings.Contains(one, `<th scope="col">Dr. Alex Morgan`) || !strings.Contains(one, `<th scope="col">Sam Rivera`) || !strings.Contains(one, `name="therapist" value="1">`) {
			t.Error("/compare?therapist=2 does not show Sam Rivera alone with Dr. Alex Morgan unticked")
		}
		if r := a.get("/compare?therapist=99"); r.status != http.StatusNotFound || !strings.Contains(r.text(), "no therapist with id 99") || !strings.Contains(r.text(), `name="therapist"`) {
			t.Errorf("/compare?therapist=99: %d", r.status)
		}
		if r := a.get("/compare?therapist=x"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("/compare?therapist=x: %d", r.status)
		}
		sessions := a.get("/sessions?therapist=2")
		if sessions.status != http.StatusOK || strings.Contains(sessions.text(), "with Dr. Alex Morgan") || !strings.Contains(sessions.text(), "Sessions with Sam Rivera") {
			t.Errorf("/sessions?therapist=2: %d", sessions.status)
		}
		if r := a.get("/sessions?therapist=99"); r.status != http.StatusNotFound {
			t.Errorf("/sessions?therapist=99: %d", r.status)
		}
		for _, p := range []string{"/therapists", "/review"} {
			if !strings.Contains(a.get(p).text(), `href="/compare"`) {
				t.Errorf("%s does not link to /compare", p)
			}
		}
	})
}

// TestBrowserCompare: the comparison page with the demo's two therapists in
// Chromium, at phone and desktop width: reached from the therapists page,
// a column for each, no sideways scroll of the page, the picker narrows it
// to one, a cell's link lands on the review finding it rests on, and axe
// finds nothing.
func TestBrowserCompare(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	ctx := newBrowser(t, a, 390, 844)
	for _, width := range []int{390, 1280} {
		do(t, ctx, fmt.Sprintf("open the comparison from the therapists page at %d px", width),
			chromedp.EmulateViewport(int64(width), 844),
			chromedp.Navigate(a.ts.URL+"/therapists"),
			chromedp.Click(chromedp.CSS(`main a[href="/compare"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table.compare-table`)),
		)
		heads := run(t, ctx, "column heads", chromedp.Evaluate[int](`document.querySelectorAll("table.compare-table thead th").length`))
		if heads != 2 {
			t.Errorf("%d px: %d therapist columns, want 2", width, heads)
		}
		if w := run(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > width {
			t.Errorf("the comparison scrolls sideways at %d px: scrollWidth %d", width, w)
		}
		axeClean(t, ctx, a, "")
	}
	do(t, ctx, "compare Sam Rivera alone",
		chromedp.Click(chromedp.CSS(`input[name="therapist"][value="1"] + span`)),
		// Marked, so the wait below is for the page the form brings.
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.before = "1"`),
		chromedp.Click(chromedp.CSS(`form.compare-picker button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`body[data-before]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.compare-table`)),
	)
	if heads := run(t, ctx, "heads", chromedp.Evaluate[string](`[...document.querySelectorAll("table.compare-table thead th")].map(h => h.firstChild.textContent).join("|")`)); heads != "Sam Rivera" {
		t.Errorf("after unticking Dr. Alex Morgan the columns are %q", heads)
	}
	link := chromedp.CSS(`table.compare-table a[href*="#finding-reliable_improvement-2-"]`)
	do(t, ctx, "follow a cell to its evidence", chromedp.Click(link), chromedp.WaitVisible(chromedp.ID("findings-title")))
	loc := run(t, ctx, "location", chromedp.Location())
	found := run(t, ctx, "anchor", chromedp.Evaluate[bool](`!!document.getElementById(decodeURIComponent(location.hash.slice(1)))`))
	if !strings.Contains(loc, "/review?therapist=2#finding-reliable_improvement-2-") || !found {
		t.Errorf("the cell led to %s (anchor on the page: %v)", loc, found)
	}
}

// The report's comparison is opt-in from its form (compare=1), on the page
// and in the download, with the comparison page's figures; the person's
// open agenda items are on its "what to bring"; on SQLite and PostgreSQL.
func TestReportCompareAndAgenda(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		a.loadDemo()
		for _, path := range []string{"/report", "/report/download"} {
			if plain := a.get(path).text(); strings.Contains(plain, `id="compare"`) {
				t.Errorf("%s holds the comparison without being asked", path)
			}
			r := a.get(path + "?compare=1")
			page := r.text()
			i := strings.Index(page, `id="compare"`)
			if r.status != http.StatusOK || i < 0 {
				t.Fatalf("%s?compare=1: %d, comparison %v", path, r.status, i >= 0)
			}
			sec := page[i : i+strings.Index(page[i:], "</section>")]
			for _, want := range []string{`<th scope="col">Dr. Alex Morgan`, `<th scope="col">Sam Rivera`, "reliable deterioration", "reliable recovery",
				"Who set the agenda", "me 11, the therapist 14, both 5", "Helpfulness (0-10)", `id="chart-compare-focus"`} {
				if !strings.Contains(sec, want) {
					t.Errorf("%s?compare=1 lacks %s", path, want)
				}
			}
		}
		page := a.get("/report?compare=1&plan=1").text()
		if !strings.Contains(page, `name="compare" value="1" checked`) || !strings.Contains(page, "/report/download?compare=1&amp;plan=1") {
			t.Error("the report form does not keep the choice of the comparison")
		}
		if !strings.Contains(a.get("/report").text(), `name="compare" value="1">`) {
			t.Error("the report form offers no comparison")
		}

		if r := a.sendJSON("POST", "/api/v1/agenda", `{"text": "Ask for <homework>"}`); r.status != http.StatusCreated {
			t.Fatalf("adding an agenda item: %d %s", r.status, r.text())
		}
		for _, path := range []string{"/report", "/report/download"} {
			page := a.get(path).text()
			i := strings.Index(page, `id="agenda-title"`)
			if i < 0 || !strings.Contains(page[i:], "On my own agenda") || !strings.Contains(page[i:], "Ask for &lt;homework&gt; <span class=\"agenda-state\">(on my agenda since") {
				t.Errorf("%s does not list the open agenda item", path)
			}
		}
	})
}
