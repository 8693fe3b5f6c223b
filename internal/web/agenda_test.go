package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/upshot"
)

// TestAPIAgenda adds, reads, edits and deletes agenda items over the API on
// both databases; a session carries what became of each; the item's
// history and the unresolved state follow; bad input is refused naming the
// field, and nothing is written then.
func TestAPIAgenda(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		th, _ := a.seed()
		r := a.sendJSON("POST", "/api/v1/agenda", `{"text": "  ask why we talk about us  "}`)
		if r.status != http.StatusCreated || r.header.Get("Location") != "/api/v1/agenda/1" {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var it upshot.AgendaItem
		decode(t, r, &it)
		if it.Text != "ask why we talk about us" || it.Source != upshot.AgendaMine || it.Status != upshot.AgendaOpen || it.Opened.IsZero() {
			t.Fatalf("created %+v", it)
		}
		// Adopting the same open text again is the same item.
		if r := a.sendJSON("POST", "/api/v1/agenda", `{"text": "Ask why we talk about us", "source": "review"}`); r.status != http.StatusOK {
			t.Errorf("second add: %d %s", r.status, r.body)
		}
		for _, bad := range []struct{ body, field string }{
			{`{"text": " "}`, "text"},
			{`{"text": "x", "source": "friend"}`, "source"},
			{`{"text": "x", "status": "done"}`, "status"},
		} {
			if r := a.sendJSON("POST", "/api/v1/agenda", bad.body); r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != bad.field {
				t.Errorf("%s: %d %s", bad.body, r.status, r.body)
			}
		}
		if r := a.sendJSON("POST", "/api/v1/agenda", `{"text": "x", "mood": 1}`); r.status != http.StatusBadRequest {
			t.Errorf("unknown field: %d", r.status)
		}
		for i := range 3 {
			body := fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-0%d", "agenda_items": [{"item_id": %d, "mark": "raised"}]}`, th, i+2, it.ID)
			if r := a.sendJSON("POST", "/api/v1/sessions", body); r.status != http.StatusCreated {
				t.Fatalf("session: %d %s", r.status, r.body)
			}
		}
		r = a.sendJSON("POST", "/api/v1/sessions", fmt.Sprintf(`{"therapist_id": %d, "agenda_items": [{"item_id": 99, "mark": "raised"}]}`, th))
		if r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != "agenda_items" {
			t.Errorf("mark on an unknown item: %d %s", r.status, r.body)
		}
		var e upshot.AgendaEntry
		decode(t, a.get("/api/v1/agenda/1"), &e)
		if !e.Unresolved || e.Raised != 3 || len(e.History) != 3 || e.History[0].Date.String() != "2025-06-02" {
			t.Fatalf("entry %+v", e)
		}
		// The dashboard shows the open items, the unresolved one marked, and
		// the way to the safety plan.
		dash := a.get("/").text()
		for _, want := range []string{"My agenda", `<a href="/agenda#agenda-1">ask why we talk about us</a> <span class="tag tag-attention">raised 3 times, not dealt with</span>`, `<a href="/plan">Write a safety plan</a>`} {
			if !strings.Contains(dash, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		var list []upshot.AgendaEntry
		decode(t, a.get("/api/v1/agenda"), &list)
		if len(list) != 1 {
			t.Fatalf("list %+v", list)
		}
		// A replace that leaves out source, status and opening date keeps the
		// stored ones (a review suggestion stays one).
		var adopted upshot.AgendaItem
		decode(t, a.sendJSON("POST", "/api/v1/agenda", `{"text": "Say what has been helping", "source": "review", "opened": "2025-06-01"}`), &adopted)
		r = a.sendJSON("PUT", fmt.Sprintf("/api/v1/agenda/%d", adopted.ID), fmt.Sprintf(`{"text": "Say what helped", "version": %d}`, adopted.Version))
		var edited upshot.AgendaItem
		decode(t, r, &edited)
		if edited.Text != "Say what helped" || edited.Source != upshot.AgendaReview || edited.Status != upshot.AgendaOpen || edited.Opened != adopted.Opened {
			t.Errorf("a replace with only the words: %+v, was %+v", edited, adopted)
		}
		if r := a.do("DELETE", fmt.Sprintf("/api/v1/agenda/%d", adopted.ID), nil); r.status != http.StatusNoContent {
			t.Fatalf("delete the adopted item: %d %s", r.status, r.body)
		}

		it.Status = upshot.AgendaDropped
		if r := a.sendJSON("PUT", "/api/v1/agenda/1", mustJSON(t, it)); r.status != http.StatusOK {
			t.Fatalf("drop: %d %s", r.status, r.body)
		}
		if r := a.sendJSON("PUT", "/api/v1/agenda/1", mustJSON(t, it)); r.status != http.StatusConflict {
			t.Errorf("stale PUT: %d", r.status)
		}
		if r := a.do("DELETE", "/api/v1/agenda/1", nil); r.status != http.StatusConflict {
			t.Errorf("delete with history: %d", r.status)
		}
		if r := a.get("/api/v1/agenda/7"); r.status != http.StatusNotFound {
			t.Errorf("unknown item: %d", r.status)
		}
		var exp upshot.Snapshot
		decode(t, a.get("/api/v1/export"), &exp)
		if exp.Version != upshot.ExportVersion || len(exp.AgendaItems) != 1 || len(exp.Sessions) != 3 || len(exp.Sessions[0].AgendaItems) != 1 {
			t.Errorf("export: version %d, %d items", exp.Version, len(exp.AgendaItems))
		}
	})
}

// The agenda page adds an item, adopts a suggestion with one tap, closes
// and reopens; the log form shows each open item with raised / dealt with /
// not raised, and what is chosen is stored with the session.
func TestAgendaPages(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	th, _ := a.seed()
	page := a.get("/agenda").text()
	if !strings.Contains(page, "<h1>My agenda</h1>") || !strings.Contains(page, "Nothing open") {
		t.Fatalf("empty agenda page:\n%s", page)
	}
	r := a.postForm("/agenda", url.Values{"text": {"Ask for homework"}, "source": {"mine"}}.Encode())
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/agenda?done=agenda-added") {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	r = a.postForm("/agenda", url.Values{"text": {" "}, "source": {"mine"}}.Encode())
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), `aria-invalid="true"`) {
		t.Errorf("blank item: %d", r.status)
	}
	r = a.postForm("/agenda", url.Values{"text": {"Say what has been helping."}, "source": {"review"}, "back": {"review"}}.Encode())
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/review?done=agenda-added") {
		t.Fatalf("adopt: %d %s", r.status, r.body)
	}
	form := a.get("/sessions/new").text()
	for _, want := range []string{"Things I wanted to raise", `name="agenda_item_1" value="not_raised" checked`, `name="agenda_item_2" value="raised"`, "Ask for homework"} {
		if !strings.Contains(form, want) {
			t.Errorf("log form lacks %q", want)
		}
	}
	v := url.Values{"therapist": {fmt.Sprint(th)}, "date": {"2025-06-02"}, "agenda_item_1": {"dealt_with"}, "agenda_item_2": {"raised"}}
	if r := a.postForm("/sessions", v.Encode()); r.status != http.StatusSeeOther {
		t.Fatalf("log: %d %s", r.status, r.body)
	}
	v.Set("agenda_item_2", "shouted")
	v.Set("date", "2025-06-09")
	if r := a.postForm("/sessions", v.Encode()); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad mark: %d", r.status)
	}
	ss, err := a.db.ListSessions(context.Background(), upshot.DefaultOwner, upshot.SessionFilter{})
	if err != nil || len(ss) != 1 || len(ss[0].AgendaItems) != 2 || ss[0].AgendaItems[0].Mark != upshot.MarkDealtWith {
		t.Fatalf("stored sessions %+v, %v", ss, err)
	}
	// Dealt with, item 1 leaves the form; the edit form still shows it.
	if form := a.get("/sessions/new").text(); strings.Contains(form, "agenda_item_1") {
		t.Error("an item dealt with is still offered")
	}
	if form := a.get(fmt.Sprintf("/sessions/%d/edit", ss[0].ID)).text(); !strings.Contains(form, `name="agenda_item_1" value="dealt_with" checked`) {
		t.Error("the edit form does not show the session's own marks")
	}
	if page := a.get(fmt.Sprintf("/sessions/%d", ss[0].ID)).text(); !strings.Contains(page, `<a href="/agenda#agenda-1">Ask for homework</a>: dealt with`) {
		t.Error("the session page does not say what became of its agenda items")
	}
	page = a.get("/agenda").text()
	if !strings.Contains(page, "dealt with") || !strings.Contains(page, "raised 1 time") {
		t.Errorf("agenda page after the session:\n%s", page)
	}
	if r := a.postForm("/agenda/2/status", "status=dropped"); r.status != http.StatusSeeOther {
		t.Errorf("drop: %d", r.status)
	}
	if r := a.postForm("/agenda/2/status", "status=gone"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad status: %d", r.status)
	}
	if r := a.postForm("/agenda/9/status", "status=dropped"); r.status != http.StatusNotFound {
		t.Errorf("unknown item: %d", r.status)
	}
}

// TestBrowserAgenda: at phone and desktop width, one tap on the review
// adopts a suggestion; the log form shows it, one tap marks it raised, and
// the session is saved with it; axe finds nothing on the agenda page or the
// form.
func TestBrowserAgenda(t *testing.T) {
	t.Parallel()
	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			a := newApp(t, "sqlite")
			th, _ := a.seed()
			if r := a.sendJSON("POST", "/api/v1/sessions", fmt.Sprintf(`{"therapist_id": %d, "minutes": 50, "date": "%s"}`, th, upshot.DateOf(testNow).AddDays(-7))); r.status != http.StatusCreated {
				t.Fatalf("session: %d", r.status)
			}
			ctx := newBrowser(t, a, width, 844)
			do(t, ctx, "adopt the first suggestion on the review",
				chromedp.Navigate(a.ts.URL+"/review"),
				chromedp.WaitVisible(chromedp.CSS(`section.agenda form.adopt button`)),
				chromedp.Click(chromedp.CSS(`section.agenda form.adopt button`)),
				chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
			)
			items, err := a.db.ListAgendaItems(context.Background(), upshot.DefaultOwner)
			if err != nil || len(items) != 1 || items[0].Source != upshot.AgendaReview {
				t.Fatalf("adopted items %+v, %v", items, err)
			}
			id := items[0].ID
			axeClean(t, ctx, a, "/agenda")
			do(t, ctx, "mark it raised while logging a session",
				chromedp.Navigate(a.ts.URL+"/sessions/new"),
				chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#agenda-mark-%d`, id))),
				chromedp.ScrollIntoView(chromedp.CSS(fmt.Sprintf(`#agenda-mark-%d`, id))),
				chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="agenda_item_%d"][value="raised"] + span`, id))),
			)
			axeClean(t, ctx, a, "")
			if w := run(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > width {
				t.Errorf("log form scrolls sideways at %d px: %d", width, w)
			}
			do(t, ctx, "save the session",
				chromedp.Click(chromedp.CSS(`form.session-form button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
			)
			ss, err := a.db.ListSessions(context.Background(), upshot.DefaultOwner, upshot.SessionFilter{})
			if err != nil || len(ss) != 2 || len(ss[1].AgendaItems) != 1 || ss[1].AgendaItems[0] != (upshot.AgendaMark{ItemID: id, Mark: upshot.MarkRaised}) {
				t.Fatalf("stored sessions %+v, %v", ss, err)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// axeClean runs axe-core (WCAG 2.2 A and AA, and best practices) on path,
// or on the page the browser is on when path is empty, with every folded
// part open, and reports each violation.
func axeClean(t *testing.T, ctx context.Context, a *app, path string) {
	t.Helper()
	axe, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	if path != "" {
		do(t, ctx, path, chromedp.Navigate(a.ts.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
	}
	run(t, ctx, "open folded parts", chromedp.Evaluate[int](`document.querySelectorAll("details").forEach(d => d.open = true); 0`))
	run(t, ctx, "load axe-core", chromedp.Evaluate[bool](string(axe)+"\n;typeof axe === 'object'"))
	vs := run(t, ctx, "run axe-core", chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise))
	for _, v := range vs {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, strings.Join(n.Target, " ")+": "+n.Summary)
		}
		t.Errorf("%s: %s (%s): %s\n  %s", path, v.ID, v.Impact, v.Help, strings.Join(nodes, "\n  "))
	}
}
