package web

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// Issue 16 item 5: a chart's band names never cover its data, a chart takes
// its card's width on a wide screen, and pages write dates one way ("30 Nov
// 2026"), tooltips included.
func TestBrowserChartsFitAndDatesAgree(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := newBrowser(t, a, width, 844)
			for _, p := range []string{"/", "/checkins", "/review", "/report", "/sessions", "/sessions/1", "/checkins/1"} {
				do(t, ctx, p, chromedp.Navigate(a.ts.URL+p), chromedp.WaitReady(chromedp.CSS("body")))
				type look struct {
					Charts, Narrow, Covered int
					Covers                  []string
					ISO                     []string
				}
				got := run(t, ctx, p, chromedp.Evaluate[look](`(() => {
					const shown = e => e.getClientRects().length > 0;
					const charts = [...document.querySelectorAll("svg.chart")].filter(shown);
					const out = {Charts: charts.length, Narrow: 0, Covered: 0, Covers: [], ISO: []};
					for (const svg of charts) {
						// The card (or figure) the chart sits in, inside its padding.
						const box = svg.closest(".card, .figure, section");
						const cs = getComputedStyle(box);
						const inner = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
						if (svg.getBoundingClientRect().width < inner - 2) out.Narrow++;
						// No label over a data point.
						const marks = [...svg.querySelectorAll("circle, path")].map(m => m.getBoundingClientRect());
						for (const text of svg.querySelectorAll("text")) {
							const r = text.getBoundingClientRect();
							const hit = marks.find(m => m.width > 0 && r.left < m.right - 1 && r.right > m.left + 1 && r.top < m.bottom - 1 && r.bottom > m.top + 1);
							if (hit) { out.Covered++; out.Covers.push(text.textContent); }
						}
					}
					const iso = /\b\d{4}-\d{2}-\d{2}\b/g;
					const texts = [document.body.innerText, ...[...document.querySelectorAll("svg title")].map(t => t.textContent)];
					for (const s of texts) for (const m of s.match(iso) || []) out.ISO.push(m);
					return out;
				})()`))
				if got.Covered > 0 {
					t.Errorf("%s at %d px: %d chart labels cover data points: %q", p, width, got.Covered, got.Covers)
				}
				if got.Narrow > 0 {
					t.Errorf("%s at %d px: %d of %d charts narrower than their card", p, width, got.Narrow, got.Charts)
				}
				if len(got.ISO) > 0 {
					t.Errorf("%s at %d px: dates written as %q, want \"30 Nov 2026\"", p, width, got.ISO[:min(3, len(got.ISO))])
				}
			}
		})
	}
}
