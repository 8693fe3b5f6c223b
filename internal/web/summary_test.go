package web

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The summary page: the default sections with their boxes ticked and notes
// left out; boxes that choose; no box or an unknown section is refused
// (422) with the form and the reason; the download is the standalone file
// with the same sections; the safety notice, with its link to the plan,
// once the latest PHQ-9's item 9 is above 0.
func TestSummaryPage(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, backend)
			tid, gid := a.seed()
			const note = "Told me my memory of it was wrong"
			s := &upshot.Session{TherapistID: tid, Date: upshot.DateOf(testNow).AddDays(-2), Minutes: upshot.Ptr(50),
				Goals: []upshot.GoalProgress{{GoalID: gid, Progress: upshot.Ptr(1)}}, Note: note}
			if err := a.db.CreateSession(context.Background(), upshot.DefaultOwner, s); err != nil {
				t.Fatal(err)
			}
			box := func(name string, checked bool) string {
				b := `name="sections" value="` + name + `"`
				if checked {
					b += " checked"
				}
				return b + ">"
			}

			r := a.get("/summary")
			page := r.text()
			if r.status != http.StatusOK {
				t.Fatalf("GET /summary: %d", r.status)
			}
			for _, want := range []string{"Summary of my therapy records", "Courses of therapy", "Dr. A", "Open goals", "Sleep through the night",
				"My private session notes are not included", `href="/guides/second-opinion"`, `href="/guides/ending-therapy"`, box("courses", true), box("goals", true), box("notes", false),
				`href="/summary/download"`} {
				if !strings.Contains(page, want) {
					t.Errorf("GET /summary lacks %q", want)
				}
			}
			for _, g := range []string{"/guides/second-opinion", "/guides/ending-therapy"} {
				if r := a.get(g); r.status != http.StatusOK {
					t.Errorf("the summary page links to %s: %d", g, r.status)
				}
			}
			if strings.Contains(page, note) || strings.Contains(page, "Support is available") {
				t.Error("GET /summary shows the note or a safety notice")
			}

			r = a.get("/summary?chosen=1&sections=goals&sections=notes")
			page = r.text()
			if r.status != http.StatusOK || !strings.Contains(page, note) || strings.Contains(page, `id="sum-courses"`) ||
				!strings.Contains(page, box("notes", true)) || !strings.Contains(page, box("courses", false)) ||
				!strings.Contains(page, `href="/summary/download?sections=goals&amp;sections=notes"`) {
				t.Errorf("goals and notes: %d\n%s", r.status, page)
			}

			for q, want := range map[string]string{
				"?chosen=1":                           "sections must name at least one of courses, scores, tried, helped, concerns, goals, notes",
				"?chosen=1&sections=goals&sections=x": "sections must be one or more of courses, scores, tried, helped, concerns, goals, notes, got &#34;x&#34;",
			} {
				r := a.get("/summary" + q)
				page := r.text()
				if r.status != http.StatusUnprocessableEntity || !strings.Contains(page, want) || strings.Contains(page, "Summary of my therapy records") ||
					!strings.Contains(page, `id="form-error"`) {
					t.Errorf("GET /summary%s: %d, want 422 with %q and no summary\n%.2000s", q, r.status, want, page)
				}
			}
			if r := a.get("/summary?chosen=1&sections=goals&sections=x"); !strings.Contains(r.text(), box("goals", true)) || !strings.Contains(r.text(), box("courses", false)) {
				t.Error("a refused choice does not come back with its boxes as sent")
			}

			r = a.get("/summary/download?sections=courses")
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Disposition"), `attachment; filename="upshot-summary-`) ||
				!strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'none'") ||
				!strings.HasPrefix(r.text(), "<!doctype html>") || !strings.Contains(r.text(), `id="sum-courses"`) || strings.Contains(r.text(), `id="sum-goals"`) {
				t.Errorf("download: %d %v\n%.500s", r.status, r.header, r.text())
			}
			if r := a.get("/summary/download?sections=x"); r.status != http.StatusUnprocessableEntity {
				t.Errorf("download of an unknown section: %d, want 422", r.status)
			}

			a.postCheckin("phq9", upshot.DateOf(testNow).String(), 0, 0, 0, 0, 0, 0, 0, 0, 1)
			page = a.get("/summary?chosen=1&sections=goals").text()
			if !strings.Contains(page, "Support is available") || !strings.Contains(page, `<a href="/plan">Open my safety plan</a>`) {
				t.Errorf("with item 9 at 1 the summary has no safety notice linking to the plan:\n%s", page)
			}
			if dl := a.get("/summary/download").text(); !strings.Contains(dl, "Support is available") || strings.Contains(dl, `href="/plan"`) {
				t.Error("the downloaded summary lacks the safety notice, or links to a plan it does not hold")
			}
		})
	}
}

// The demo's summary prints on at most two A4 pages in Chromium, and the
// page is axe-clean at 390 and 1280 px.
func TestBrowserSummaryPrints(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	ctx := newBrowser(t, a, 1280, 900)
	do(t, ctx, "summary", chromedp.Navigate(a.ts.URL+"/summary"), chromedp.WaitVisible(chromedp.ID("sum-courses")))
	pdf := run(t, ctx, "print to PDF", chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
	n := len(pdfPage.FindAll(pdf, -1))
	t.Logf("the demo summary prints on %d A4 pages", n)
	if n == 0 || n > 2 {
		t.Errorf("the demo summary prints on %d A4 pages, want 1 or 2", n)
	}
	// What prints is the summary alone: the boxes and buttons are the app's.
	type look struct{ Tools, Sections int }
	if got := run(t, ctx, "sections", chromedp.Evaluate[look](`({Tools: document.querySelectorAll(".report-tools.no-print").length,
		Sections: document.querySelectorAll(".summary-section").length})`)); got.Tools != 1 || got.Sections != 6 {
		t.Errorf("summary page: %+v, want the tools hidden in print and 6 sections", got)
	}
	// UPSHOT_SUMMARY_PDF=FILE keeps the printed summary, to read it as a
	// clinician would.
	if out := os.Getenv("UPSHOT_SUMMARY_PDF"); out != "" {
		if err := os.WriteFile(out, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	axeClean(t, ctx, a, "")
	do(t, ctx, "phone width", chromedp.EmulateViewport(390, 844))
	axeClean(t, ctx, a, "")
}

// GET /api/v1/summary on the demo year (every answer checked against
// openapi.json by the test server): the default sections without notes,
// both courses and the review's outcomes; sections chosen repeated or
// comma-separated, notes only then; an unknown section refused (422) naming
// the field.
func TestAPISummary(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		a.loadDemo()
		var doc struct {
			Sections []string `json:"sections"`
			Safety   *string  `json:"safety"`
			Courses  []struct {
				Therapist string `json:"therapist"`
				Sessions  int    `json:"sessions"`
			} `json:"courses"`
			Outcomes []struct{ Course, Text string } `json:"outcomes"`
			Notes    []struct{ Note string }         `json:"notes"`
		}
		r := a.get("/api/v1/summary")
		decode(t, r, &doc)
		if r.status != http.StatusOK || len(doc.Sections) != 6 || len(doc.Courses) != 2 || doc.Courses[0].Sessions+doc.Courses[1].Sessions != 49 ||
			len(doc.Outcomes) == 0 || len(doc.Notes) != 0 || doc.Safety != nil {
			t.Errorf("GET /api/v1/summary: %d %+v", r.status, doc)
		}
		for _, q := range []string{"?sections=courses&sections=notes", "?sections=courses,notes"} {
			doc.Notes, doc.Outcomes = nil, nil
			r := a.get("/api/v1/summary" + q)
			decode(t, r, &doc)
			if r.status != http.StatusOK || strings.Join(doc.Sections, ",") != "courses,notes" || len(doc.Notes) == 0 || len(doc.Outcomes) != 0 {
				t.Errorf("GET /api/v1/summary%s: %d, sections %v, %d notes, %d outcomes", q, r.status, doc.Sections, len(doc.Notes), len(doc.Outcomes))
			}
		}
		for _, q := range []string{"?sections=courses,diagnosis", "?sections="} {
			r := a.get("/api/v1/summary" + q)
			if e := apiErrOf(t, r); r.status != http.StatusUnprocessableEntity || e.Field != "sections" || !strings.Contains(e.Message, "courses, scores, tried") {
				t.Errorf("GET /api/v1/summary%s: %d %+v, want 422 naming sections", q, r.status, e)
			}
		}
	})
}
