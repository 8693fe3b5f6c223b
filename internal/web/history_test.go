package web

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// checkinsHeightBefore is the check-in history's height on the demo year at
// 390 px before issue 16 item 4 (one table of every check-in): 13,364 px.
const checkinsHeightBefore = 13364

// Issue 16 item 4: on a phone each questionnaire's history is its chart,
// then a compact list that fits the screen; a wide screen keeps the full
// table. Every check-in is in both.
func TestBrowserCheckinHistory(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	var api []struct{ ID int64 }
	decode(t, a.get("/api/v1/checkins"), &api)
	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := newBrowser(t, a, width, 844)
			do(t, ctx, "history", chromedp.Navigate(a.ts.URL+"/checkins"), chromedp.WaitVisible(chromedp.CSS("section.history")))
			type look struct {
				ScrollWidth, Height, Sections, ChartFirst, Listed, Tabled, ListShown, TableShown int
			}
			got := run(t, ctx, "look", chromedp.Evaluate[look](`(() => {
				const shown = e => e !== null && e.getClientRects().length > 0;
				const secs = [...document.querySelectorAll("section.history")];
				return {ScrollWidth: document.documentElement.scrollWidth, Height: document.documentElement.scrollHeight,
					Sections: secs.length,
					ChartFirst: secs.filter(s => {
						const chart = s.querySelector("svg.chart"), list = s.querySelector(".history-list"), table = s.querySelector(".history-table");
						const next = shown(list) ? list : table;
						// First in reading order, and above the list on a phone
						// (beside the table, at its top, on a wide screen).
						const c = chart.closest("figure").getBoundingClientRect(), n = next.getBoundingClientRect();
						return chart && (chart.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING) &&
							(c.bottom <= n.top || (innerWidth > 700 && c.top <= n.top + 1 && c.right <= n.left));
					}).length,
					Listed: document.querySelectorAll(".compact-history li").length,
					Tabled: document.querySelectorAll(".history-table tbody tr").length,
					ListShown: secs.filter(s => shown(s.querySelector(".history-list"))).length,
					TableShown: secs.filter(s => shown(s.querySelector(".history-table"))).length};
			})()`))
			t.Logf("check-in history at %d px: %d px tall (%d before issue 16 at 390 px), %d questionnaires", width, got.Height, checkinsHeightBefore, got.Sections)
			if got.ScrollWidth > width {
				t.Errorf("history scrolls sideways at %d px: scrollWidth %d", width, got.ScrollWidth)
			}
			if got.Sections < 2 || got.ChartFirst != got.Sections {
				t.Errorf("%d questionnaires, %d with the chart first", got.Sections, got.ChartFirst)
			}
			if got.Listed != len(api) || got.Tabled != len(api) {
				t.Errorf("%d check-ins listed and %d in tables, want all %d in each", got.Listed, got.Tabled, len(api))
			}
			list, table := 0, got.Sections // a wide screen: the full table
			if width == 390 {
				list, table = got.Sections, 0 // a phone: the compact list
			}
			if got.ListShown != list || got.TableShown != table {
				t.Errorf("lists shown %d, tables shown %d; want %d and %d", got.ListShown, got.TableShown, list, table)
			}
			if width == 390 && got.Height > checkinsHeightBefore/3 {
				t.Errorf("history is %d px tall at 390 px, want at most a third of %d", got.Height, checkinsHeightBefore)
			}
		})
	}
}
