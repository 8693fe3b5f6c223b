package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/store/storetest"
)

// In real Chromium on a phone's width (390 px): a person opens an
// invitation link, chooses a name and a password, lands on their own empty
// dashboard signed in, and their Account page says how the account was
// made. The sign-up page (at 1280 px too, and showing a refused password)
// has no axe-core violations.
func TestBrowserSignUpWithInvite(t *testing.T) {
	t.Parallel()
	axe, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	a := newAccountsApp(t, storetest.Open(t, "sqlite"), func(c *Config) { c.Registration = usecase.RegistrationInvite }, "alice")
	seedOwner(t, a.db, a.reg, 2, "Alice-record", false) // alice is account 2
	token, _, err := usecase.NewInvite(context.Background(), a.db, a.clock.Now, 7)
	if err != nil {
		t.Fatal(err)
	}
	axeCheck := func(ctx context.Context, where string) {
		t.Helper()
		run(t, ctx, "load axe-core", chromedp.Evaluate[bool](string(axe)+"\n;typeof axe === 'object'"))
		for _, v := range run(t, ctx, "axe on "+where, chromedp.Evaluate[[]axeViolation](
			`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}).then(r => r.violations)`,
			chromedp.EvalAwaitPromise)) {
			t.Errorf("%s: axe %s (%s): %s", where, v.ID, v.Impact, v.Help)
		}
	}
	fill := func(ctx context.Context, what, login, password string) {
		t.Helper()
		do(t, ctx, what, chromedp.WaitVisible(chromedp.ID("login")))
		run(t, ctx, "clear the form", chromedp.Evaluate[bool](`for (const id of ["login", "password", "again"]) document.getElementById(id).value = ""; true`))
		do(t, ctx, what,
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.SendKeys(chromedp.ID("again"), password),
			chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
		)
	}

	laptop := startBrowser(t, 1280, 900)
	do(t, laptop, "open the invitation at 1280 px", chromedp.Navigate(a.ts.URL+"/signup?invite="+token), chromedp.WaitVisible(chromedp.ID("login")))
	axeCheck(laptop, "/signup at 1280 px")

	phone := startBrowser(t, 390, 844)
	do(t, phone, "open the invitation", chromedp.Navigate(a.ts.URL+"/signup?invite="+token), chromedp.WaitVisible(chromedp.ID("login")))
	axeCheck(phone, "/signup at 390 px")
	if w := run(t, phone, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the sign-up page is %d px wide on a 390 px screen", w)
	}
	fill(phone, "sign up with a common password", "dana", "password1234")
	do(t, phone, "wait for the error", chromedp.WaitVisible(chromedp.CSS("#form-error")))
	axeCheck(phone, "/signup with an error at 390 px")
	fill(phone, "sign up", "dana", "a long walk by the river")
	do(t, phone, "wait for the dashboard", chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`)))
	if body := run(t, phone, "read the dashboard", chromedp.Text("main")); strings.Contains(body, "Alice-record") {
		t.Fatalf("the new account sees alice's records:\n%.400s", body)
	}
	do(t, phone, "open the account page", chromedp.Navigate(a.ts.URL+"/account"), chromedp.WaitVisible(chromedp.ID("audit-log")))
	if body := run(t, phone, "read the account page", chromedp.Text("main")); !strings.Contains(body, "dana") || !strings.Contains(body, "signed up with an invitation") {
		t.Fatalf("dana's account page:\n%.1500s", body)
	}
	axeCheck(phone, "/account with activity at 390 px")
}
