package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestInstallableFiles: the manifest names the app and icons that exist at
// the sizes it says, all answered without a token; the service worker caches
// only static files and the offline page; the offline page holds no record.
func TestInstallableFiles(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.seed()

	dash := a.send("GET", "/", "Authorization: Bearer "+testToken)
	if !strings.Contains(dash.text(), `<link rel="manifest" href="/manifest.webmanifest">`) {
		t.Errorf("the dashboard links no manifest")
	}

	res := a.send("GET", "/manifest.webmanifest")
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/manifest+json" {
		t.Fatalf("manifest: %d %q", res.status, res.header.Get("Content-Type"))
	}
	var m webManifest
	if err := json.Unmarshal([]byte(res.text()), &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.Name != "Upshot" || m.StartURL != "/" || m.Scope != "/" || m.Display != "standalone" {
		t.Errorf("manifest %+v", m)
	}
	sizes := map[string]bool{}
	for _, icon := range m.Icons {
		got := a.send("GET", icon.Src)
		if got.status != http.StatusOK || got.header.Get("Content-Type") != icon.Type {
			t.Errorf("icon %s: %d %q, want 200 %q", icon.Src, got.status, got.header.Get("Content-Type"), icon.Type)
			continue
		}
		if icon.Type != "image/png" {
			continue
		}
		img, err := png.Decode(bytes.NewReader([]byte(got.text())))
		if err != nil {
			t.Errorf("icon %s: %v", icon.Src, err)
			continue
		}
		b := img.Bounds()
		if want := icon.Sizes; want != fmt.Sprintf("%dx%d", b.Dx(), b.Dy()) {
			t.Errorf("icon %s is %dx%d, the manifest says %s", icon.Src, b.Dx(), b.Dy(), want)
		}
		sizes[icon.Purpose+" "+icon.Sizes] = true
	}
	for _, want := range []string{"any 192x192", "any 512x512", "maskable 192x192", "maskable 512x512"} {
		if !sizes[want] {
			t.Errorf("no %s icon", want)
		}
	}

	sw := a.send("GET", "/sw.js")
	if sw.status != http.StatusOK || !strings.HasPrefix(sw.header.Get("Content-Type"), "text/javascript") || sw.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("sw.js: %d %q %q", sw.status, sw.header.Get("Content-Type"), sw.header.Get("Cache-Control"))
	}
	m2 := regexp.MustCompile(`const FILES = (\[.*\]);`).FindStringSubmatch(sw.text())
	if m2 == nil || strings.Contains(sw.text(), "__") {
		t.Fatalf("sw.js has no file list or an unfilled name:\n%s", sw.text())
	}
	var files []string
	if err := json.Unmarshal([]byte(m2[1]), &files); err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 {
		t.Errorf("the worker caches %d files", len(files))
	}
	for _, f := range files {
		if !strings.HasPrefix(f, "/static/") {
			t.Errorf("the worker caches %s, which is not a static file", f)
		}
		if got := a.send("GET", f).status; got != http.StatusOK {
			t.Errorf("%s: %d", f, got)
		}
	}

	off := a.send("GET", offlinePath)
	if off.status != http.StatusOK || !strings.Contains(off.text(), "No connection") {
		t.Fatalf("offline page: %d\n%.300s", off.status, off.text())
	}
	if strings.Contains(off.text(), "Dr. A") || strings.Contains(off.text(), "Sleep through") {
		t.Errorf("the offline page shows a record")
	}
}

// TestBrowserInstallable: at 390 px, Chromium finds the app installable (its
// own installability check, as behind "Add to home screen") once the service
// worker runs; the worker's cache holds static files and the offline page
// only; and with the server gone, a page opens as the offline page instead of
// the browser's error, showing no record.
func TestBrowserInstallable(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.seed()
	// A Chromium of its own: the shared one's private contexts offer no install.
	ctx := startOwnBrowser(t, 390, 844)
	do(t, ctx, "open the launch address", chromedp.Navigate(a.ts.URL+"/?token="+testToken), chromedp.WaitReady(chromedp.CSS("body")))
	do(t, ctx, "dashboard", chromedp.Navigate(a.ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("main")))
	scope := run(t, ctx, "service worker ready", chromedp.Evaluate[string](
		`navigator.serviceWorker.ready.then((r) => r.scope)`, chromedp.EvalAwaitPromise))
	if scope != a.ts.URL+"/" {
		t.Errorf("service worker scope %q", scope)
	}
	// A page loaded after the worker took charge, as a person's next visit.
	do(t, ctx, "reload", chromedp.Navigate(a.ts.URL+"/sessions"), chromedp.WaitVisible(chromedp.ID("main")))

	manifest := run(t, ctx, "manifest", chromedp.Action[cdppage.GetAppManifestResult](func(ctx context.Context, tg *chromedp.Target) (cdppage.GetAppManifestResult, error) {
		return cdp.Call(ctx, tg, cdppage.GetAppManifest, cdppage.GetAppManifestParams{})
	}))
	for _, e := range manifest.Errors {
		t.Errorf("manifest error: %s (line %d)", e.Message, e.Line)
	}
	installable := run(t, ctx, "installability", chromedp.Action[cdppage.GetInstallabilityErrorsResult](func(ctx context.Context, tg *chromedp.Target) (cdppage.GetInstallabilityErrorsResult, error) {
		return cdp.Call(ctx, tg, cdppage.GetInstallabilityErrors, cdp.Empty{})
	}))
	for _, e := range installable.InstallabilityErrors {
		t.Errorf("not installable: %s", e.ErrorID)
	}

	cached := run(t, ctx, "cache contents", chromedp.Evaluate[[]string](`(async () => {
		const urls = [];
		for (const name of await caches.keys()) {
			for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
		}
		return urls;
	})()`, chromedp.EvalAwaitPromise))
	if len(cached) < 5 {
		t.Errorf("the worker cached %d files: %v", len(cached), cached)
	}
	for _, u := range cached {
		if !strings.HasPrefix(u, "/static/") && u != offlinePath {
			t.Errorf("the device keeps %s, which may hold a record", u)
		}
	}

	// The server goes away: a real outage, not an emulated one (DevTools'
	// offline switch on the page does not reach its worker's fetches).
	a.ts.CloseClientConnections()
	a.ts.Close()
	do(t, ctx, "open a page offline", chromedp.Navigate(a.ts.URL+"/goals"), chromedp.WaitVisible(chromedp.CSS("h1")))
	h1 := run(t, ctx, "heading", chromedp.Text(chromedp.CSS("h1")))
	body := run(t, ctx, "page", chromedp.Text(chromedp.CSS("body")))
	if h1 != "No connection" {
		t.Errorf("offline, /goals shows %q, want the offline page", h1)
	}
	if strings.Contains(body, "Sleep through") || strings.Contains(body, "Dr. A") {
		t.Errorf("the offline page shows a record: %q", body)
	}
	// The stylesheet still comes from the device: the page is styled.
	styled := run(t, ctx, "styles", chromedp.Evaluate[bool](`document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0`))
	if !styled {
		t.Errorf("the offline page has no stylesheet from the cache")
	}
}
