package web

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// reviewHeightBefore is the review page's height on the demo year at 390 px
// before issue 16 (one card per finding, every detail open): 10,428 px.
const reviewHeightBefore = 10428

// The answer first, at phone and desktop width: the dashboard opens with a
// status that takes one line, then at most three findings, and the ended
// therapy's findings as one folded group; the review of the demo year fits
// in a third of its old height on a phone and still holds every finding.
func TestBrowserAnswerFirst(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	var api struct {
		Findings []struct{ Code string } `json:"findings"`
	}
	decode(t, a.get("/api/v1/review"), &api)
	for _, width := range []int64{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := newBrowser(t, a, int(width), 844)
			do(t, ctx, "dashboard", chromedp.Navigate(a.ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".verdict-card .status")))
			type look struct {
				Lines, Pressing, PastGroups, PastOpen int
				First, Status                         string
			}
			got := run(t, ctx, "dashboard", chromedp.Evaluate[look](`(() => {
				const s = document.querySelector(".verdict-card .status");
				const lh = parseFloat(getComputedStyle(s).lineHeight);
				const main = document.querySelector("main");
				return {Lines: Math.round(s.getBoundingClientRect().height / lh), Status: s.textContent,
					First: main.querySelector("section, aside").className,
					Pressing: document.querySelectorAll("#pressing-title ~ ul.pressing > li").length,
					PastGroups: document.querySelectorAll("#pressing-title ~ details.past-group").length,
					PastOpen: document.querySelectorAll("#pressing-title ~ details.past-group[open]").length};
			})()`))
			if got.Lines != 1 || got.Status != "Working: 3 scores better" {
				t.Errorf("status %q takes %d lines, want one line saying the therapy works", got.Status, got.Lines)
			}
			if got.First != "card verdict-card tone-good" {
				t.Errorf("the dashboard opens with %q, not the answer", got.First)
			}
			if got.Pressing > 3 || got.PastGroups != 1 || got.PastOpen != 0 {
				t.Errorf("%d current findings (at most 3), %d ended-therapy groups (%d open), want one folded", got.Pressing, got.PastGroups, got.PastOpen)
			}

			do(t, ctx, "review", chromedp.Navigate(a.ts.URL+"/review"), chromedp.WaitVisible(chromedp.ID("findings-title")))
			height := run(t, ctx, "height", chromedp.Evaluate[int](`document.documentElement.scrollHeight`))
			ids := run(t, ctx, "findings", chromedp.Evaluate[int](`document.querySelectorAll(".review-findings [id^='finding-']").length`))
			t.Logf("review at %d px: %d px tall (%d before issue 16 at 390 px)", width, height, reviewHeightBefore)
			if width == 390 && height > reviewHeightBefore/3 {
				t.Errorf("review is %d px tall at 390 px, want at most a third of %d", height, reviewHeightBefore)
			}
			if ids != len(api.Findings) {
				t.Errorf("review shows %d findings, the review has %d", ids, len(api.Findings))
			}
		})
	}
}
