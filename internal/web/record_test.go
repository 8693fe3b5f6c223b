package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/guide"
)

// TestRecordPagesAndAPI on both databases: the record page and GET
// /api/v1/record list the flagged, low-rated and worse-after sessions with
// the person's notes, filtered by therapist and kind; a bad filter is
// refused naming it (the page then shows the whole record); the report
// holds the record only when asked, and note text only with notes=1.
func TestRecordPagesAndAPI(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		th, _ := a.seed()
		r := a.sendJSON("POST", "/api/v1/therapists", `{"name": "Dr. B"}`)
		if r.status != http.StatusCreated {
			t.Fatalf("therapist: %d %s", r.status, r.body)
		}
		const rewrote, shaking, good = "She said it never happened & I imagined it", "Left <shaking>", "A good session"
		for _, body := range []string{
			fmt.Sprintf(`{"therapist_id": %d, "date": "2025-05-01", "flags": ["dismissed_account"], "note": %q}`, th, rewrote),
			fmt.Sprintf(`{"therapist_id": %d, "date": "2025-05-08", "after": "better", "note": %q}`, th, good),
			fmt.Sprintf(`{"therapist_id": %d, "date": "2025-05-15", "conduct": {"respect": 1, "empathy": 4}}`, th),
			`{"therapist_id": 2, "date": "2025-05-22", "after": "worse", "note": "` + shaking + `"}`,
		} {
			if r := a.sendJSON("POST", "/api/v1/sessions", body); r.status != http.StatusCreated {
				t.Fatalf("session %s: %d %s", body, r.status, r.body)
			}
		}

		var rec struct {
			ConductMax float64 `json:"conduct_max"`
			Entries    []struct {
				SessionID  int64    `json:"session_id"`
				Kinds      []string `json:"kinds"`
				Note       string   `json:"note"`
				LowConduct []struct {
					Quality string `json:"quality"`
					Rating  int    `json:"rating"`
				} `json:"low_conduct"`
			} `json:"entries"`
		}
		r = a.get("/api/v1/record")
		decode(t, r, &rec)
		if r.status != http.StatusOK || len(rec.Entries) != 3 || rec.Entries[0].Note != rewrote || rec.Entries[2].Note != shaking || rec.ConductMax != 2 {
			t.Fatalf("GET /api/v1/record: %d %s", r.status, r.body)
		}
		if low := rec.Entries[1].LowConduct; len(low) != 1 || low[0].Quality != "respect" || low[0].Rating != 1 {
			t.Errorf("low conduct %+v", low)
		}
		decode(t, a.get("/api/v1/record?therapist=2"), &rec)
		if len(rec.Entries) != 1 || rec.Entries[0].SessionID != 4 {
			t.Errorf("therapist 2: %+v", rec.Entries)
		}
		decode(t, a.get("/api/v1/record?kind=conduct"), &rec)
		if len(rec.Entries) != 1 || rec.Entries[0].SessionID != 3 {
			t.Errorf("kind conduct: %+v", rec.Entries)
		}
		for _, bad := range []struct {
			query, field string
			status       int
		}{
			{"kind=angry", "kind", http.StatusUnprocessableEntity},
			{"therapist=x", "therapist", http.StatusUnprocessableEntity},
			{"since=May", "since", http.StatusUnprocessableEntity},
			{"therapist=9", "id", http.StatusNotFound},
		} {
			r := a.get("/api/v1/record?" + bad.query)
			if r.status != bad.status || apiErrOf(t, r).Field != bad.field {
				t.Errorf("%s: %d %s, want %d naming %s", bad.query, r.status, r.body, bad.status, bad.field)
			}
		}

		page := a.get("/record")
		if page.status != http.StatusOK {
			t.Fatalf("/record: %d", page.status)
		}
		for _, want := range []string{"She said it never happened &amp; I imagined it", "Left &lt;shaking&gt;", "Conduct rated low (of 5): respect 1",
			`href="/sessions/1"`, `href="/report?record=1#my-record"`, `href="/report?notes=1&amp;record=1#my-record"`} {
			if !strings.Contains(page.text(), want) {
				t.Errorf("/record lacks %q", want)
			}
		}
		if strings.Contains(page.text(), good) {
			t.Error("/record shows a session that is not in the record")
		}
		if p := a.get("/record?therapist=1&kind=flag"); !strings.Contains(p.text(), "imagined it") || strings.Contains(p.text(), "shaking") || strings.Contains(p.text(), "respect 1") {
			t.Errorf("/record?therapist=1&kind=flag shows the wrong sessions")
		}
		if p := a.get("/record?kind=angry"); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), "kind must be one of flag, conduct, worse") || !strings.Contains(p.text(), "shaking") {
			t.Errorf("/record?kind=angry: %d", p.status)
		}
		if p := a.get("/record?therapist=9"); p.status != http.StatusNotFound || !strings.Contains(p.text(), "no therapist with id 9") {
			t.Errorf("/record?therapist=9: %d", p.status)
		}

		// The report: the record is opt-in, and so are the notes in it.
		for _, path := range []string{"/report", "/report/download"} {
			plain := a.get(path).text()
			if strings.Contains(plain, `id="my-record"`) || strings.Contains(plain, "imagined it") || strings.Contains(plain, "shaking") {
				t.Errorf("%s holds the record or a note without being asked", path)
			}
			bare := a.get(path + "?record=1").text()
			if !strings.Contains(bare, `id="my-record"`) || strings.Contains(bare, "imagined it") || strings.Contains(bare, "shaking") {
				t.Errorf("%s?record=1: the record without notes expected", path)
			}
			notes := a.get(path + "?record=1&notes=1").text()
			if !strings.Contains(notes, "She said it never happened &amp; I imagined it") || !strings.Contains(notes, "Left &lt;shaking&gt;") || strings.Contains(notes, good) {
				t.Errorf("%s?record=1&notes=1: the record's notes expected, and only those", path)
			}
		}
		if r := a.get("/report?record=1&notes=1"); !strings.Contains(r.text(), `name="notes" value="1" checked`) || !strings.Contains(r.text(), "/report/download?notes=1&amp;record=1") {
			t.Errorf("the report form does not keep the choice of notes")
		}
		if r := a.get("/report?therapist=2&notes=1"); strings.Contains(r.text(), "imagined it") || !strings.Contains(r.text(), "shaking") {
			t.Errorf("the report's record does not follow its scope")
		}
	})
}

// TestBrowserRecordAndGuide: on the demo at phone and desktop width, the
// record page fits the screen, narrows to one kind with its filter form, and
// the complaint guide (the longest, with the regulators) fits too; axe finds
// nothing on either.
func TestBrowserRecordAndGuide(t *testing.T) {
	t.Parallel()
	// One demo and one browser, resized: starting either is most of the cost.
	a := newApp(t, "sqlite")
	a.loadDemo()
	ctx := newBrowser(t, a, 390, 844)
	for _, width := range []int{390, 1280} {
		do(t, ctx, "set the screen size", chromedp.EmulateViewport(int64(width), 844))
		axeClean(t, ctx, a, "/record")
		if w := run(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > width {
			t.Errorf("/record scrolls sideways at %d px: %d", width, w)
		}
		all := run(t, ctx, "entries", chromedp.Evaluate[int](`document.querySelectorAll(".record-entry").length`))
		do(t, ctx, "show only the worse-after sessions",
			chromedp.SetValue(chromedp.ID("record-kind"), "worse"),
			chromedp.Click(chromedp.CSS(`form.record-filter button[type="submit"]`)),
			chromedp.WaitReady(chromedp.CSS(`#record-kind option[value="worse"][selected]`)),
		)
		worse := run(t, ctx, "worse entries", chromedp.Evaluate[int](`document.querySelectorAll(".record-entry").length`))
		if all == 0 || worse == 0 || worse >= all {
			t.Errorf("the demo record at %d px: %d entries, %d worse after", width, all, worse)
		}
		axeClean(t, ctx, a, "/guides/complain")
		if w := run(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > width {
			t.Errorf("/guides/complain scrolls sideways at %d px: %d", width, w)
		}
	}
}

// TestGuidePages: the index lists every guide; a guide's page renders its
// Markdown (the complaint guide with the regulators from regulators.json,
// linked to their sources); an unknown guide is a 404 page; the review
// links the guide of each kind of finding it makes (the demo's conduct
// findings lead to the conduct guide); every page's footer links the
// index.
func TestGuidePages(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	index := a.get("/guides")
	if index.status != http.StatusOK {
		t.Fatalf("/guides: %d", index.status)
	}
	for _, g := range guide.All() {
		if !strings.Contains(index.text(), `href="/guides/`+g.Slug+`"`) {
			t.Errorf("the index does not link %s", g.Slug)
		}
		r := a.get("/guides/" + g.Slug)
		if r.status != http.StatusOK || !strings.Contains(r.text(), `id="sources"`) {
			t.Errorf("/guides/%s: %d, or no Sources heading", g.Slug, r.status)
		}
	}
	complain := a.get("/guides/complain").text()
	for _, want := range []string{`<a href="https://www.hcpc-uk.org">Health and Care Professions Council (HCPC)</a>`, `<a href="https://www.coru.ie">`, `<a href="https://www.ahpra.gov.au">`, `<a href="https://www.asppb.net">`} {
		if !strings.Contains(complain, want) {
			t.Errorf("the complaint guide lacks %s", want)
		}
	}
	if r := a.get("/guides/no-such-guide"); r.status != http.StatusNotFound {
		t.Errorf("an unknown guide: %d", r.status)
	}
	review := a.get("/review").text()
	for _, want := range []string{`href="/guides/good-conduct"`, `href="/guides/transference-dependency-boundaries"`, `href="/guides">Guides</a>`} {
		if !strings.Contains(review, want) {
			t.Errorf("the review lacks %s", want)
		}
	}
}
