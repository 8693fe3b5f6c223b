package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/upshot"
)

// TestAPISafetyPlan reads and replaces the plan over the API on both
// databases: version 0 before the first save, stale versions refused with
// 409, bad items refused with 422 naming the item, nothing written then.
func TestAPISafetyPlan(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		var p upshot.SafetyPlan
		decode(t, a.get("/api/v1/plan"), &p)
		if p.Version != 0 || p.WarningSigns == nil || !p.Empty() {
			t.Fatalf("plan before any save: %+v", p)
		}
		r := a.sendJSON("PUT", "/api/v1/plan", `{"version": 0, "coping_steps": ["walk"], "reasons_to_live": ["my niece"]}`)
		if r.status != http.StatusOK {
			t.Fatalf("first PUT: %d %s", r.status, r.body)
		}
		decode(t, r, &p)
		if p.Version != 1 || p.CopingSteps[0] != "walk" || p.AskForHelp == nil {
			t.Fatalf("saved: %+v", p)
		}
		if r := a.sendJSON("PUT", "/api/v1/plan", `{"version": 0, "coping_steps": ["other tab"]}`); r.status != http.StatusConflict {
			t.Errorf("stale PUT: %d %s", r.status, r.body)
		}
		r = a.sendJSON("PUT", "/api/v1/plan", `{"version": 1, "coping_steps": ["walk", "  "]}`)
		if r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != "coping_steps[1]" {
			t.Errorf("blank item: %d %s", r.status, r.body)
		}
		if r := a.sendJSON("PUT", "/api/v1/plan", `{"version": 1, "hobbies": ["x"]}`); r.status != http.StatusBadRequest {
			t.Errorf("unknown section: %d %s", r.status, r.body)
		}
		var now upshot.SafetyPlan
		decode(t, a.get("/api/v1/plan"), &now)
		if now.Version != 1 || len(now.CopingSteps) != 1 {
			t.Errorf("refused PUTs wrote: %+v", now)
		}
		var exp upshot.Snapshot
		decode(t, a.get("/api/v1/export"), &exp)
		if exp.Version != upshot.ExportVersion || exp.SafetyPlan == nil || exp.SafetyPlan.ReasonsToLive[0] != "my niece" {
			t.Errorf("export lacks the plan: %+v", exp.SafetyPlan)
		}
	})
}

// The plan has the sync contract of a record: its version is its ETag
// ("0" before the first save), GET honours If-None-Match (304), PUT honours
// If-Match (the body may leave version out; 412 when stale, and nothing is
// written), on both databases.
func TestAPISafetyPlanETag(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		r := a.get("/api/v1/plan")
		if r.status != http.StatusOK || r.header.Get("ETag") != `"0"` {
			t.Fatalf("GET /api/v1/plan before any save: %d ETag %q", r.status, r.header.Get("ETag"))
		}
		if r := a.get("/api/v1/plan", `If-None-Match: "0"`); r.status != http.StatusNotModified || len(r.body) != 0 {
			t.Errorf("GET If-None-Match its ETag: %d %s", r.status, r.body)
		}
		put := func(body, match string) response {
			t.Helper()
			return a.do("PUT", "/api/v1/plan", strings.NewReader(body), "Content-Type: application/json", "If-Match: "+match)
		}
		r = put(`{"coping_steps": ["walk"]}`, `"0"`)
		if r.status != http.StatusOK || r.header.Get("ETag") != `"1"` {
			t.Fatalf("PUT If-Match \"0\" without a version: %d %s ETag %q", r.status, r.body, r.header.Get("ETag"))
		}
		if r := a.get("/api/v1/plan", `If-None-Match: "0"`); r.status != http.StatusOK || r.header.Get("ETag") != `"1"` {
			t.Errorf("GET If-None-Match an old ETag: %d ETag %q", r.status, r.header.Get("ETag"))
		}
		if r := put(`{"coping_steps": ["lost"]}`, `"0"`); r.status != http.StatusPreconditionFailed || apiErrOf(t, r).Code != codePrecondition {
			t.Errorf("PUT with a stale If-Match: %d %s, want 412", r.status, r.body)
		}
		if r := put(`{"coping_steps": ["lost"], "version": 1}`, `"2"`); r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != "version" {
			t.Errorf("PUT If-Match 2 with version 1: %d %s, want 422 on version", r.status, r.body)
		}
		if r := put(`{"coping_steps": ["lost"]}`, `W/"1"`); r.status != http.StatusPreconditionFailed {
			t.Errorf("PUT with an If-Match that is no ETag of the plan: %d %s, want 412", r.status, r.body)
		}
		if r := put(`{"coping_steps": ["walk", "call Sam"], "version": 1}`, `"1"`); r.status != http.StatusOK || r.header.Get("ETag") != `"2"` {
			t.Errorf("PUT If-Match and the same version: %d %s", r.status, r.body)
		}
		var p upshot.SafetyPlan
		decode(t, a.get("/api/v1/plan"), &p)
		if p.Version != 2 || len(p.CopingSteps) != 2 || p.CopingSteps[1] != "call Sam" {
			t.Errorf("after the refused PUTs: %+v", p)
		}
	})
}

// The plan page saves a form of one text box per section, shows what was
// typed again when refused, and every safety notice links to it.
func TestPlanPage(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	if dash := a.get("/").text(); !strings.Contains(dash, `<a href="/plan">Write a safety plan</a>`) {
		t.Error("the dashboard does not offer to write a safety plan")
	}
	page := a.get("/plan").text()
	for _, want := range []string{"<h1>My safety plan</h1>", "Warning signs", "Samaritans", `href="tel:116123"`, "Write my plan"} {
		if !strings.Contains(page, want) {
			t.Errorf("empty plan page lacks %q", want)
		}
	}
	form := url.Values{"version": {"0"}, "warning_signs": {"I stop answering\r\n\r\n  I sleep all day "}, "ask_for_help": {"Jo 0123 456"}}
	r := a.postForm("/plan", form.Encode())
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/plan?done=plan-saved" {
		t.Fatalf("POST /plan: %d %s", r.status, r.body)
	}
	p, err := a.db.SafetyPlan(context.Background(), upshot.DefaultOwner)
	if err != nil || strings.Join(p.WarningSigns, "|") != "I stop answering|I sleep all day" || p.Version != 1 {
		t.Fatalf("stored plan %+v, %v", p, err)
	}
	// Once written, the dashboard links to it by its name.
	if dash := a.get("/").text(); !strings.Contains(dash, `<a href="/plan">My safety plan</a>`) {
		t.Error("the dashboard does not link to the written safety plan")
	}
	page = a.get("/plan?done=plan-saved").text()
	if !strings.Contains(page, "Your safety plan is saved.") || !strings.Contains(page, `<a href="tel:0123456">0123 456</a>`) {
		t.Errorf("saved plan page:\n%s", page)
	}
	// A stale form (another tab saved first) is refused and shows the plan as it is.
	form.Set("warning_signs", "overwrite")
	r = a.postForm("/plan", form.Encode())
	if r.status != http.StatusConflict || !strings.Contains(r.text(), "Nothing was saved") || !strings.Contains(r.text(), "I sleep all day") {
		t.Errorf("stale POST /plan: %d", r.status)
	}
	form.Set("version", "1")
	form.Set("coping_steps", strings.Repeat("x", upshot.MaxTextLen+1))
	r = a.postForm("/plan", form.Encode())
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `aria-invalid="true"`) || !strings.Contains(r.text(), "overwrite") {
		t.Errorf("too long an item: %d", r.status)
	}
	if p2, _ := a.db.SafetyPlan(context.Background(), upshot.DefaultOwner); p2.Version != 1 {
		t.Errorf("refused forms wrote: %+v", p2)
	}

	// Every page that shows the notice links to the plan.
	result := a.postCheckin("phq9", "2025-06-16", 0, 0, 0, 0, 0, 0, 0, 0, 1)
	for _, path := range []string{result, "/", "/review", "/checkins"} {
		if page := a.get(path).text(); !strings.Contains(page, `<a href="/plan">Open my safety plan</a>`) {
			t.Errorf("%s: the safety notice does not link to the plan", path)
		}
	}
	// The report includes the plan only when asked.
	if page := a.get("/report").text(); strings.Contains(page, "I sleep all day") {
		t.Error("report shows the plan unasked")
	}
	if page := a.get("/report?plan=1").text(); !strings.Contains(page, "I sleep all day") || !strings.Contains(page, `href="/report/download?plan=1"`) {
		t.Error("report with plan=1 lacks the plan or keeps it out of the download")
	}
}

// TestBrowserSafetyPlan: at phone and desktop width, a PHQ-9 with item 9
// above 0 shows the notice; one tap on its link opens the plan, which is
// written and saved in the browser.
func TestBrowserSafetyPlan(t *testing.T) {
	t.Parallel()
	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			a := newApp(t, "sqlite")
			result := a.postCheckin("phq9", "2025-06-16", 0, 0, 0, 0, 0, 0, 0, 0, 1)
			ctx := newBrowser(t, a, width, 844)
			do(t, ctx, "reach the plan from the notice",
				chromedp.Navigate(a.ts.URL+result),
				chromedp.WaitVisible(chromedp.CSS(`aside.safety a[href="/plan"]`)),
				chromedp.Click(chromedp.CSS(`aside.safety a[href="/plan"]`)),
				chromedp.WaitVisible(chromedp.ID("plan-field-warning_signs")),
			)
			if w := run(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > width {
				t.Errorf("plan page scrolls sideways at %d px: %d", width, w)
			}
			do(t, ctx, "write and save the plan",
				chromedp.SendKeys(chromedp.ID("plan-field-warning_signs"), "I stop answering messages"),
				chromedp.SendKeys(chromedp.ID("plan-field-reasons_to_live"), "my niece\nthe sea"),
				chromedp.Click(chromedp.CSS(`form.plan-form button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
			)
			reasons := run(t, ctx, "reasons", chromedp.Text(chromedp.CSS(`#plan-reasons_to_live`)))
			if !strings.Contains(reasons, "my niece") || !strings.Contains(reasons, "the sea") {
				t.Errorf("saved plan shows %q", reasons)
			}
			p, err := a.db.SafetyPlan(context.Background(), upshot.DefaultOwner)
			if err != nil || len(p.ReasonsToLive) != 2 || p.WarningSigns[0] != "I stop answering messages" {
				t.Errorf("stored plan %+v, %v", p, err)
			}
		})
	}
}
