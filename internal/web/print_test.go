package web

import (
	"context"
	"os"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// reportPagesBefore is what the demo report printed to before issue 16: 21
// A4 pages.
const reportPagesBefore = 21

var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// The demo report prints in Chromium on at most 10 A4 pages. The picture of
// the first page is kept when UPSHOT_REPORT_PNG names a file.
func TestBrowserReportPrints(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	ctx := newBrowser(t, a, 1280, 900)
	do(t, ctx, "report", chromedp.Navigate(a.ts.URL+"/report"), chromedp.WaitVisible(chromedp.ID("findings-title")))
	pdf := run(t, ctx, "print to PDF", chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
	n := len(pdfPage.FindAll(pdf, -1))
	t.Logf("the demo report prints on %d A4 pages (%d before issue 16)", n, reportPagesBefore)
	if n == 0 || n > 10 {
		t.Errorf("the demo report prints on %d A4 pages, want 1 to 10", n)
	}
	// The focus column prints as a small bar and one short line, not the
	// split wrapped over six lines; on screen the bar sits above the split.
	type focusLook struct{ Cells, Bars, Full, Short, MaxShortLines int }
	const lookFocus = `(() => {
		const shown = e => e !== null && e.getClientRects().length > 0;
		const cells = [...document.querySelectorAll("td.focus")].filter(c => c.textContent.trim() !== "");
		let max = 0;
		for (const c of cells) {
			const s = c.querySelector(".focus-short");
			if (shown(s)) max = Math.max(max, Math.round(s.getBoundingClientRect().height / parseFloat(getComputedStyle(s).lineHeight)));
		}
		return {Cells: cells.length, Bars: cells.filter(c => shown(c.querySelector("svg.focus-bar"))).length,
			Full: cells.filter(c => shown(c.querySelector(".focus-full"))).length,
			Short: cells.filter(c => shown(c.querySelector(".focus-short"))).length, MaxShortLines: max};
	})()`
	for _, width := range []int64{390, 1280} {
		do(t, ctx, "screen width", chromedp.EmulateViewport(width, 900))
		if got := run(t, ctx, "focus cells on screen", chromedp.Evaluate[focusLook](lookFocus)); got.Cells == 0 || got.Bars != got.Cells || got.Full != got.Cells || got.Short != 0 {
			t.Errorf("report at %d px: %+v, want every focus cell with its bar and its split in words", width, got)
		}
	}
	printMedia := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return chromedp.Void{}, err
	})
	do(t, ctx, "print media", chromedp.EmulateViewport(703, 1032), printMedia)
	if got := run(t, ctx, "focus cells in print", chromedp.Evaluate[focusLook](lookFocus)); got.Cells == 0 || got.Bars != got.Cells || got.Short != got.Cells || got.Full != 0 || got.MaxShortLines > 3 {
		t.Errorf("printed report: %+v, want every focus cell as a bar and at most three short lines (6.5 pt)", got)
	}
	// Printed, the evidence is in one compact appendix, not in each card.
	type evidence struct{ Entries, InCards, Shown int }
	ev := run(t, ctx, "evidence in print", chromedp.Evaluate[evidence](`(() => {
		const shown = e => e.getClientRects().length > 0;
		return {Entries: document.querySelectorAll(".evidence-appendix li").length,
			InCards: [...document.querySelectorAll(".finding-detail .cites, .finding-detail .numbers")].filter(shown).length,
			Shown: [...document.querySelectorAll(".evidence-appendix li")].filter(shown).length};
	})()`))
	if ev.Entries == 0 || ev.Shown != ev.Entries || ev.InCards != 0 {
		t.Errorf("printed evidence: %+v, want every entry in the appendix and none in the cards", ev)
	}
	if out := os.Getenv("UPSHOT_REPORT_PDF"); out != "" {
		if err := os.WriteFile(out, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// UPSHOT_REPORT_PNG=FILE keeps a picture of the first printed page: the
	// print styles at the width of A4 inside its margins.
	if out := os.Getenv("UPSHOT_REPORT_PNG"); out != "" {
		run(t, ctx, "top", chromedp.Evaluate[int](`window.scrollTo(0, 0), 0`))
		png := run(t, ctx, "first page", chromedp.CaptureScreenshot())
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
