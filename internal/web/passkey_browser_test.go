package web

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

// addVirtualAuthenticator gives the browser tab a platform authenticator
// made by Chromium's DevTools (WebAuthn domain): it keeps discoverable
// credentials, verifies the user (as a fingerprint would) and answers
// without a touch.
func addVirtualAuthenticator(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "add a virtual authenticator", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol:                    webauthn.AuthenticatorProtocolCtap2,
			Ctap2version:                webauthn.Ctap2versionCtap21,
			Transport:                   webauthn.AuthenticatorTransportInternal,
			HasResidentKey:              true,
			HasUserVerification:         true,
			IsUserVerified:              true,
			AutomaticPresenceSimulation: true,
		}})
		return err
	}))
}

// In real Chromium with a virtual authenticator (issue 13, done-when):
// sign in with a password, add a passkey from the account page, sign out,
// sign in with the passkey alone (no name, no password), see its last use,
// rename it and remove it. A second browser at 390 px adds its own. The
// sign-in and account pages, with passkeys listed, have no axe-core
// violations at 390 and 1280 px. The server is reached as localhost: the
// relying party of a loopback server.
func TestBrowserPasskeys(t *testing.T) {
	t.Parallel()
	axe, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	a := newAccountsApp(t, storetest.Open(t, "sqlite"), nil, "alice")
	u, err := url.Parse(a.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://localhost:" + u.Port()
	axeCheck := func(ctx context.Context, where string) {
		t.Helper()
		run(t, ctx, "load axe-core", chromedp.Evaluate[bool](string(axe)+"\n;typeof axe === 'object'"))
		for _, v := range run(t, ctx, "axe on "+where, chromedp.Evaluate[[]axeViolation](
			`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}).then(r => r.violations)`,
			chromedp.EvalAwaitPromise)) {
			t.Errorf("%s: axe %s (%s): %s", where, v.ID, v.Impact, v.Help)
		}
	}
	signInWithPassword := func(ctx context.Context) {
		t.Helper()
		do(t, ctx, "sign in with the password",
			chromedp.Navigate(base+"/signin"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), "alice"),
			chromedp.SendKeys(chromedp.ID("password"), passwordOf("alice")),
			chromedp.Click(chromedp.CSS(`main form[action="/signin"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`)),
		)
	}
	addPasskey := func(ctx context.Context, name string) {
		t.Helper()
		do(t, ctx, "add the passkey "+name,
			chromedp.Navigate(base+"/account"),
			chromedp.WaitVisible(chromedp.CSS(`#passkey-add button[data-passkey-button]`)),
			chromedp.SetValue(chromedp.ID("passkey-new-name"), name),
			chromedp.Click(chromedp.CSS(`#passkey-add button[data-passkey-button]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
			chromedp.WaitVisible(chromedp.CSS(`#passkey-list`)),
		)
		if list := run(t, ctx, "read the passkeys", chromedp.Text("#passkey-list")); !strings.Contains(list, name) {
			t.Fatalf("after adding %q the list says %q", name, list)
		}
	}
	passkeys := func() []string {
		list, err := a.db.Passkeys(context.Background(), 2) // alice is account 2
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range list {
			names = append(names, p.Name)
		}
		return names
	}

	laptop := startBrowser(t, 1280, 900)
	addVirtualAuthenticator(t, laptop)
	signInWithPassword(laptop)
	addPasskey(laptop, "laptop")
	axeCheck(laptop, "/account with a passkey at 1280 px")
	if got := passkeys(); len(got) != 1 || got[0] != "laptop" {
		t.Fatalf("stored passkeys: %v", got)
	}

	// Sign out, then in with the passkey alone.
	do(t, laptop, "sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.ID("login")))
	do(t, laptop, "open a page signed out", chromedp.Navigate(base+"/goals"), chromedp.WaitVisible(chromedp.CSS(`#passkey-signin button`)))
	axeCheck(laptop, "/signin with the passkey button at 1280 px")
	do(t, laptop, "sign in with the passkey",
		chromedp.Click(chromedp.CSS(`#passkey-signin button`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`)),
	)
	if h := run(t, laptop, "read the heading", chromedp.Text("h1")); h != "Goals" {
		t.Errorf("after the passkey sign-in the page is %q, want the goals it asked for", h)
	}
	do(t, laptop, "open the account page", chromedp.Navigate(base+"/account"), chromedp.WaitVisible(chromedp.CSS("#passkey-list")))
	if list := run(t, laptop, "read the passkeys", chromedp.Text("#passkey-list")); strings.Contains(list, "last used never") {
		t.Errorf("the passkey's last use is not shown after signing in with it: %q", list)
	}

	// A second device, a phone, adds its own passkey.
	phone := startBrowser(t, 390, 844)
	addVirtualAuthenticator(t, phone)
	signInWithPassword(phone)
	addPasskey(phone, "phone")
	axeCheck(phone, "/account with passkeys at 390 px")
	do(t, phone, "sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.CSS(`#passkey-signin button`)))
	axeCheck(phone, "/signin with the passkey button at 390 px")
	if got := passkeys(); len(got) != 2 {
		t.Fatalf("stored passkeys after the phone's: %v", got)
	}

	// Rename the laptop's passkey, then remove it.
	laptopID := run(t, laptop, "find the laptop's rename field", chromedp.Evaluate[string](
		`document.querySelector('#passkey-list input[value="laptop"]').id`))
	do(t, laptop, "rename the passkey",
		chromedp.Navigate(base+"/account"),
		chromedp.WaitVisible(chromedp.ID(laptopID)),
		chromedp.SetValue(chromedp.ID(laptopID), "work laptop"),
		chromedp.Click(chromedp.CSS(`#`+laptopID+` ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if got := passkeys(); len(got) != 2 || got[0] != "work laptop" {
		t.Fatalf("after renaming: %v", got)
	}
	do(t, laptop, "remove the passkey",
		chromedp.Click(chromedp.CSS(`button[aria-label="Remove the passkey work laptop"]`)),
		// Not the .flash: the rename's is still on the page until the
		// removal's answer replaces it (waiting for it raced the removal).
		chromedp.WaitNotPresent(chromedp.CSS(`button[aria-label="Remove the passkey work laptop"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if got := passkeys(); len(got) != 1 || got[0] != "phone" {
		t.Fatalf("after removing: %v", got)
	}
	if list := run(t, laptop, "read the passkeys", chromedp.Text("#passkey-list")); strings.Contains(list, "work laptop") {
		t.Errorf("the removed passkey is still listed: %q", list)
	}

	// The removed passkey signs no one in: the laptop's authenticator still
	// holds it, and the server refuses it with a message.
	do(t, laptop, "sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.CSS(`#passkey-signin button`)))
	do(t, laptop, "try the removed passkey",
		chromedp.Click(chromedp.CSS(`#passkey-signin button`)),
		chromedp.WaitVisible(chromedp.CSS(`#passkey-signin [data-passkey-status]`)),
	)
	msg := run(t, laptop, "wait for the refusal", chromedp.Poll[string](
		`(() => { const s = document.querySelector('#passkey-signin [data-passkey-status]').textContent; return s.includes("did not sign you in") ? s : ""; })()`))
	if !strings.Contains(msg, "not registered here") {
		t.Errorf("the removed passkey's refusal says %q", msg)
	}
}
