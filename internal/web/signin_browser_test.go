package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

// In real Chromium (issue 13, done-when): sign in with a password and land
// where the sign-in page was asked for; a second browser signs in as the
// same person; the first ends the second's session from the Account page
// and the second, on its next page, is asked to sign in; sign out; the
// throttle's message after repeated failures. The sign-in and account pages
// have no axe-core violations at 390 and 1280 px.
func TestBrowserSignInAndSessions(t *testing.T) {
	t.Parallel()
	axe, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	a := newAccountsApp(t, storetest.Open(t, "sqlite"), nil, "alice")
	seedOwner(t, a.db, a.reg, 2, "Alice-record", false) // alice is account 2

	// signIn fills the form and waits for what follows: the app's
	// navigation when it succeeds, the form's error when it fails.
	signIn := func(ctx context.Context, login, password string) {
		t.Helper()
		after := chromedp.CSS(`nav[aria-label="Main"]`)
		if password != passwordOf(login) {
			after = chromedp.CSS("#form-error")
		}
		do(t, ctx, "sign in as "+login,
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
			chromedp.WaitVisible(after),
		)
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

	laptop := startBrowser(t, 1280, 900)
	do(t, laptop, "open a page before signing in", chromedp.Navigate(a.ts.URL+"/therapists"), chromedp.WaitVisible(chromedp.ID("login")))
	axeCheck(laptop, "/signin at 1280 px")
	signIn(laptop, "alice", passwordOf("alice"))
	if h := run(t, laptop, "read the heading", chromedp.Text("h1")); h != "Therapists" {
		t.Fatalf("after signing in the laptop shows %q, want the page it asked for", h)
	}
	if body := run(t, laptop, "read the page", chromedp.Text("main")); !strings.Contains(body, "Alice-record") {
		t.Errorf("alice does not see her therapist:\n%.400s", body)
	}

	phone := startBrowser(t, 390, 844)
	do(t, phone, "open the phone's sign-in", chromedp.Navigate(a.ts.URL+"/signin"), chromedp.WaitVisible(chromedp.ID("login")))
	axeCheck(phone, "/signin at 390 px")
	signIn(phone, "alice", passwordOf("alice"))
	do(t, phone, "open the account page", chromedp.Navigate(a.ts.URL+"/account"), chromedp.WaitVisible(chromedp.CSS("#sessions")))
	axeCheck(phone, "/account at 390 px")
	do(t, phone, "open the delete page", chromedp.Navigate(a.ts.URL+"/account/delete"), chromedp.WaitVisible(chromedp.ID("confirm")))
	axeCheck(phone, "/account/delete at 390 px")

	// The laptop sees two sessions and ends the other one.
	do(t, laptop, "open the account page", chromedp.Navigate(a.ts.URL+"/account"), chromedp.WaitVisible(chromedp.CSS("#sessions")))
	axeCheck(laptop, "/account at 1280 px")
	if n := run(t, laptop, "count the sessions", chromedp.Evaluate[int](`document.querySelectorAll("#sessions > li").length`)); n != 2 {
		t.Fatalf("the account page lists %d sessions, want 2", n)
	}
	do(t, laptop, "end the phone's session", chromedp.Click(chromedp.CSS(`#sessions button[data-other]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if n := run(t, laptop, "count the sessions", chromedp.Evaluate[int](`document.querySelectorAll("#sessions > li").length`)); n != 1 {
		t.Errorf("after ending the phone's session the page lists %d", n)
	}
	do(t, phone, "the phone opens a page", chromedp.Navigate(a.ts.URL+"/sessions"), chromedp.WaitReady(chromedp.CSS("body")))
	if h := run(t, phone, "read the heading", chromedp.Text("h1")); h != "Sign in" {
		t.Errorf("the signed-out phone shows %q, want the sign-in page", h)
	}

	// Sign out on the laptop.
	do(t, laptop, "open the account page", chromedp.Navigate(a.ts.URL+"/account"), chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"] button`)))
	do(t, laptop, "sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.ID("login")))
	do(t, laptop, "open a page after signing out", chromedp.Navigate(a.ts.URL+"/"), chromedp.WaitReady(chromedp.CSS("body")))
	if h := run(t, laptop, "read the heading", chromedp.Text("h1")); h != "Sign in" {
		t.Errorf("after signing out the laptop shows %q", h)
	}

	// The throttle: five wrong passwords, then the sixth says to wait.
	for i := range 6 {
		do(t, phone, "open the sign-in page", chromedp.Navigate(a.ts.URL+"/signin"), chromedp.WaitVisible(chromedp.ID("login")))
		signIn(phone, "alice", fmt.Sprintf("wrong password %d", i))
	}
	msg := run(t, phone, "read the error", chromedp.Text("#form-error"))
	if !strings.Contains(msg, "Too many failed sign-ins") || !strings.Contains(msg, "wait") {
		t.Errorf("after six failures the page says %q", msg)
	}
	axeCheck(phone, "/signin throttled at 390 px")
}
