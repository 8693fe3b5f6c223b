package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Issue 16 item 3: a typical session is logged in at most this many taps and
// scrolls at 390 x 844 (it took 23 taps and 5 scrolls before).
const (
	maxLogTaps    = 15
	maxLogScrolls = 2
)

// seedUsual records a therapist, three open goals and one earlier session
// (50 minutes, video, a fee of 70.00): what a person has after a few weeks,
// so that the form has usual values to offer. It returns the therapist and
// the first goal.
func (a *app) seedUsual() (therapist, goal int64) {
	a.t.Helper()
	ctx := context.Background()
	therapist, goal = a.seed()
	for _, title := range []string{"Stop dreading Monday meetings", "Call my sister again"} {
		g := &upshot.Goal{Title: title, Domain: "work", Status: upshot.GoalOpen, Opened: upshot.DateOf(testNow).AddDays(-30)}
		if err := a.db.CreateGoal(ctx, upshot.DefaultOwner, g); err != nil {
			a.t.Fatal(err)
		}
	}
	last := &upshot.Session{TherapistID: therapist, Date: upshot.DateOf(testNow).AddDays(-7), Minutes: upshot.Ptr(50),
		Fee: upshot.Ptr(upshot.Money(7000)), Format: "video"}
	if err := a.db.CreateSession(ctx, upshot.DefaultOwner, last); err != nil {
		a.t.Fatal(err)
	}
	return therapist, goal
}

// tapper taps controls as a person on a phone does, and counts: a tap is a
// click at the control's place on the screen (never a script setting a
// value), and a control not wholly on the screen first takes one scroll,
// which brings it to the top of the screen, as a flick of the thumb does.
type tapper struct {
	t             *testing.T
	ctx           context.Context
	taps, scrolls int
}

type box struct{ Top, Bottom, X, Y, Height float64 }

func (tp *tapper) tap(what, sel string) {
	tp.t.Helper()
	where := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return null;
		const r = e.getBoundingClientRect(); return {Top: r.top, Bottom: r.bottom, X: r.left + r.width / 2, Y: r.top + r.height / 2, Height: innerHeight}; })()`, sel)
	b := run(tp.t, tp.ctx, what, chromedp.Evaluate[*box](where))
	if b == nil {
		tp.t.Fatalf("%s: no %s on the page", what, sel)
	}
	if b.Top < 0 || b.Bottom > b.Height {
		tp.scrolls++
		run(tp.t, tp.ctx, "scroll to "+what, chromedp.Evaluate[int](fmt.Sprintf(`window.scrollBy(0, %f - 8), 0`, b.Top)))
		b = run(tp.t, tp.ctx, what, chromedp.Evaluate[*box](where))
	}
	// The control must be what is under the finger, not covered by another.
	hit := run(tp.t, tp.ctx, what, chromedp.Evaluate[bool](fmt.Sprintf(
		`(() => { const e = document.querySelector(%q), h = document.elementFromPoint(%f, %f); return h !== null && (e === h || e.contains(h) || h.contains(e)); })()`,
		sel, b.X, b.Y)))
	if !hit {
		tp.t.Fatalf("%s: %s is covered at (%.0f, %.0f)", what, sel, b.X, b.Y)
	}
	tp.taps++
	do(tp.t, tp.ctx, what, chromedp.MouseClickXY(b.X, b.Y))
}

// TestBrowserLogTypicalSessionInFewTaps logs a typical session, counting
// every tap and scroll: therapist and date as offered, the focus (5 minutes
// on the relationship, the rest on my life), one goal with its progress,
// what I got, helpfulness, after, three conduct ratings, no note.
func TestBrowserLogTypicalSessionInFewTaps(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{390, 844}, {1280, 900}} {
		t.Run(fmt.Sprint(size[0]), func(t *testing.T) {
			a := newApp(t, "sqlite")
			therapist, goal := a.seedUsual()
			ctx := newBrowser(t, a, size[0], size[1])
			do(t, ctx, "open the log form", chromedp.Navigate(a.ts.URL+"/sessions/new"), chromedp.WaitVisible(chromedp.CSS(".focus-row .rest")))
			tp := &tapper{t: t, ctx: ctx}
			tp.tap("5 minutes on the relationship", `.focus-row:has(#focus_relationship) .stepper button:last-child`)
			tp.tap("the rest on my life", `.focus-row:has(#focus_life) .rest`)
			tp.tap("the goal", fmt.Sprintf(`input[name="goal"][value="%d"] + span`, goal))
			tp.tap("its progress +2", fmt.Sprintf(`input[name="progress_%d"][value="2"] + span`, goal))
			tp.tap("what I got: a strategy", `input[name="got"][value="strategy"] + span`)
			tp.tap("helpfulness 7", `input[name="helpful"][value="7"] + span`)
			tp.tap("after: better", `input[name="after"][value="better"] + span`)
			tp.tap("open conduct", `details.conduct > summary`)
			tp.tap("empathy 4", `input[name="conduct_empathy"][value="4"] + span`)
			tp.tap("respect 5", `input[name="conduct_respect"][value="5"] + span`)
			tp.tap("honesty 4", `input[name="conduct_honesty"][value="4"] + span`)
			tp.tap("save", `form.session-form button[type="submit"]`)
			do(t, ctx, "saved", chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
			t.Logf("a typical session at %d x %d: %d taps, %d scrolls (23 taps and 5 scrolls before issue 16)", size[0], size[1], tp.taps, tp.scrolls)
			if tp.taps > maxLogTaps || tp.scrolls > maxLogScrolls {
				t.Errorf("a typical session took %d taps and %d scrolls, want at most %d and %d", tp.taps, tp.scrolls, maxLogTaps, maxLogScrolls)
			}

			list, err := a.db.ListSessions(t.Context(), upshot.DefaultOwner, upshot.SessionFilter{})
			if err != nil || len(list) != 2 {
				t.Fatalf("%d sessions (%v), want the earlier one and the new one", len(list), err)
			}
			s := list[1]
			got := fmt.Sprintf("therapist %d, %s, %s min, fee %s, %s; focus life %d, relationship %d; goals %d; got %v; helpful %s; after %s; empathy %s respect %s honesty %s",
				s.TherapistID, s.Date, deref(s.Minutes), s.Fee, s.Format, s.Focus.Get("life"), s.Focus.Get("relationship"),
				len(s.Goals), s.Got, deref(s.Helpful), s.After, deref(s.Conduct.Empathy), deref(s.Conduct.Respect), deref(s.Conduct.Honesty))
			want := fmt.Sprintf("therapist %d, 2025-06-16, 50 min, fee 70, video; focus life 45, relationship 5; goals 1; got [strategy]; helpful 7; after better; empathy 4 respect 5 honesty 4", therapist)
			if got != want || s.Goals[0].GoalID != goal || deref(s.Goals[0].Progress) != "2" {
				t.Errorf("stored %s (goal %+v)\nwant   %s (goal %d, +2)", got, s.Goals, want, goal)
			}
		})
	}
}

func deref(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

// The focus split shows its total against the session's minutes as it is
// typed, and warns, without refusing, when they differ.
func TestBrowserFocusTotalWarns(t *testing.T) {
	t.Parallel()
	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			a := newApp(t, "sqlite")
			a.seedUsual()
			ctx := newBrowser(t, a, width, 844)
			do(t, ctx, "open the log form", chromedp.Navigate(a.ts.URL+"/sessions/new"), chromedp.WaitVisible(chromedp.CSS(".focus-row .rest")))
			state := func() (string, string, bool) {
				text := run(t, ctx, "split text", chromedp.Text(chromedp.ID("split-text")))
				warn := run(t, ctx, "warning", chromedp.Evaluate[string](`document.getElementById("split-warn").textContent`))
				hidden := run(t, ctx, "warning hidden", chromedp.Evaluate[bool](`document.getElementById("split-warn").hidden`))
				return text, warn, hidden
			}
			if text, _, hidden := state(); text != "0 of 50 minutes given." || !hidden {
				t.Errorf("before: %q, warning hidden %v", text, hidden)
			}
			do(t, ctx, "+5 on my life", chromedp.Click(chromedp.CSS(`.focus-row:has(#focus_life) .stepper button:last-child`)))
			text, warn, hidden := state()
			if text != "my life 100% · 5 of 50 minutes" || hidden || warn != "The parts add up to 5 minutes; the session was 50. It is saved as you give it." {
				t.Errorf("after +5: %q, warning %q (hidden %v)", text, warn, hidden)
			}
			do(t, ctx, "the rest on admin", chromedp.Click(chromedp.CSS(`.focus-row:has(#focus_admin) .rest`)))
			if text, _, hidden := state(); text != "my life 10%, admin 90% · 50 of 50 minutes" || !hidden {
				t.Errorf("after the rest: %q, warning hidden %v", text, hidden)
			}
			// A split that does not add up is saved as given.
			do(t, ctx, "+5 on the therapist, then save",
				chromedp.Click(chromedp.CSS(`.focus-row:has(#focus_therapist) .stepper button:last-child`)),
				chromedp.Click(chromedp.CSS(`form.session-form button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
			list, err := a.db.ListSessions(t.Context(), upshot.DefaultOwner, upshot.SessionFilter{})
			if err != nil || len(list) != 2 || list[1].Focus.Total() != 55 {
				t.Errorf("the split of 55 minutes in a 50-minute session was not saved as given: %d sessions (%v)", len(list), err)
			}
		})
	}
}

// Without script, the page says the same: a saved split that does not add
// up shows the warning on its edit form.
func TestFocusTotalWarnsWithoutScript(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	therapist, _ := a.seed()
	if r := a.postForm("/sessions", fmt.Sprintf("therapist=%d&date=2025-06-10&minutes=50&focus_life=30&focus_admin=5", therapist)); r.status != 303 {
		t.Fatalf("log: %d", r.status)
	}
	body := a.get("/sessions/1/edit").text()
	for _, want := range []string{"my life 86%, admin 14% · 35 of 50 minutes", `id="split-warn">The parts add up to 35 minutes; the session was 50.`} {
		if !strings.Contains(body, want) {
			t.Errorf("edit form lacks %q", want)
		}
	}
}

// A second session with the same therapist on the same day is asked about,
// not saved at once and not refused: nothing is written until the person
// says yes.
func TestSameDaySessionAsks(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	therapist, _ := a.seed()
	form := fmt.Sprintf("therapist=%d&date=2025-06-10&minutes=50&note=second", therapist)
	if r := a.postForm("/sessions", form); r.status != 303 {
		t.Fatalf("first: %d", r.status)
	}
	r := a.postForm("/sessions", form)
	if r.status != 409 || !strings.Contains(r.text(), "Another session on this day?") || !strings.Contains(r.text(), ">second</textarea>") {
		t.Errorf("second on the same day: %d, want 409 asking, the note kept", r.status)
	}
	if n := a.counts()[2]; n != 1 {
		t.Errorf("%d sessions after asking, want 1", n)
	}
	if r := a.postForm("/sessions", strings.Replace(form, "2025-06-10", "2025-06-11", 1)); r.status != 303 {
		t.Errorf("another day: %d, want saved at once", r.status)
	}
	if r := a.postForm("/sessions", form+"&another=yes"); r.status != 303 {
		t.Errorf("confirmed: %d", r.status)
	}
	if n := a.counts()[2]; n != 3 {
		t.Errorf("%d sessions, want 3", n)
	}
}

func TestBrowserSameDaySessionAsks(t *testing.T) {
	t.Parallel()
	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			a := newApp(t, "sqlite")
			a.seedUsual()
			ctx := newBrowser(t, a, width, 844)
			save := chromedp.Click(chromedp.CSS(`form.session-form button[type="submit"]:not([name])`))
			do(t, ctx, "log a session today",
				chromedp.Navigate(a.ts.URL+"/sessions/new"), chromedp.WaitVisible(chromedp.CSS(".focus-row .rest")),
				save, chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
			do(t, ctx, "log another today",
				chromedp.Navigate(a.ts.URL+"/sessions/new"), chromedp.WaitVisible(chromedp.CSS(".focus-row .rest")),
				save, chromedp.WaitVisible(chromedp.ID("same-day")))
			if n := a.counts()[2]; n != 2 {
				t.Errorf("%d sessions while asking, want 2", n)
			}
			do(t, ctx, "yes", chromedp.Click(chromedp.CSS(`button[name="another"]`)), chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
			if n := a.counts()[2]; n != 3 {
				t.Errorf("%d sessions after yes, want 3", n)
			}
		})
	}
}
