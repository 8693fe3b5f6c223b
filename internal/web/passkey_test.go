package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The passkey tests reach the server as http://localhost:8080, the relying
// party of a loopback server.
const (
	pkHost   = "Host: localhost:8080"
	pkOrigin = "http://localhost:8080"
)

type ceremonyAnswer struct {
	Ceremony string          `json:"ceremony"`
	Options  json.RawMessage `json:"options"`
}

func (a *accountsApp) passkeyJSON(path string, body any, headers ...string) response {
	a.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.sendBody("POST", path, string(b), append([]string{"Content-Type: application/json", pkHost}, headers...)...)
}

func (a *accountsApp) begin(path string, body any, headers ...string) ceremonyAnswer {
	a.t.Helper()
	r := a.passkeyJSON(path, body, headers...)
	if r.status != http.StatusOK {
		a.t.Fatalf("POST %s: %d\n%.600s", path, r.status, r.text())
	}
	var c ceremonyAnswer
	decode(a.t, r, &c)
	if c.Ceremony == "" || len(c.Options) == 0 {
		a.t.Fatalf("POST %s: no ceremony in %s", path, r.text())
	}
	return c
}

// addPasskey registers key as a passkey called name for the signed-in
// cookie.
func (a *accountsApp) addPasskey(cookie, name string, key *softKey) {
	a.t.Helper()
	c := a.begin("/account/passkeys/options", map[string]string{"name": name}, cookie)
	r := a.passkeyJSON("/account/passkeys", map[string]any{"ceremony": c.Ceremony, "credential": key.create(a.t, c.Options, pkOrigin)}, cookie)
	if r.status != http.StatusCreated {
		a.t.Fatalf("add passkey %s: %d\n%.600s", name, r.status, r.text())
	}
}

// passkeySignIn signs in with key and returns the answer.
func (a *accountsApp) passkeySignIn(key *softKey, next string) response {
	a.t.Helper()
	c := a.begin("/signin/passkey/options", map[string]string{})
	return a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": c.Ceremony, "credential": key.get(a.t, c.Options, pkOrigin), "next": next})
}

func sessionCookieHeader(t *testing.T, r response) string {
	t.Helper()
	c := cookieOf(r, sessionCookiePlain)
	if c == nil || c.Value == "" {
		t.Fatalf("no session cookie in %q (%d %.300s)", r.header.Values("Set-Cookie"), r.status, r.text())
	}
	return "Cookie: " + c.Name + "=" + c.Value
}

// Register a passkey from the account page, sign out, sign in with it (no
// name, no password), see it listed with its last use, rename and remove it;
// a removed passkey signs no one in.
func TestPasskeyRegisterAndSignIn(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			a := newAccountsApp(t, db, nil, "anna", "bee")
			ctx := context.Background()
			anna, _ := db.FindAccount(ctx, "anna")
			cookie := a.signIn("anna")
			phone, laptop := newSoftKey(t), newSoftKey(t)
			a.addPasskey(cookie, "phone", phone)
			a.addPasskey(cookie, "laptop", laptop)
			list, err := db.Passkeys(ctx, anna.ID)
			must(t, err)
			if len(list) != 2 || list[0].Name != "phone" || list[1].Name != "laptop" || list[0].LastUsedAt != nil {
				t.Fatalf("anna's passkeys: %+v", list)
			}
			page := a.sendBody("GET", "/account", "", cookie, pkHost)
			if !strings.Contains(page.text(), "phone") || !strings.Contains(page.text(), "laptop") || !strings.Contains(page.text(), "last used never") {
				t.Errorf("the account page does not list the passkeys:\n%.2000s", page.text())
			}
			a.sendBody("POST", "/signout", "", cookie)

			r := a.passkeySignIn(phone, "/goals")
			if r.status != http.StatusOK || !strings.Contains(r.text(), `"redirect":"/goals"`) {
				t.Fatalf("passkey sign-in: %d %s", r.status, r.text())
			}
			signed := sessionCookieHeader(t, r)
			if page := a.sendBody("GET", "/account", "", signed, pkHost); page.status != http.StatusOK || !strings.Contains(page.text(), "Signed in as <strong>anna</strong>") {
				t.Fatalf("the passkey's session is not anna's: %d", page.status)
			}
			list, _ = db.Passkeys(ctx, anna.ID)
			if list[0].LastUsedAt == nil || list[0].SignCount != 1 || list[1].LastUsedAt != nil {
				t.Errorf("after signing in with the phone: %+v %+v", list[0], list[1])
			}
			// The list shows the last use; the session list shows the device.
			sessions, _ := db.AuthSessions(ctx, anna.ID)
			if len(sessions) != 1 {
				t.Errorf("anna has %d sessions, want 1 (the old one ended at sign-out)", len(sessions))
			}

			r = a.form("/account/passkeys/"+itoa(list[1].ID)+"/rename", url.Values{"name": {"work laptop"}}, signed)
			if r.status != http.StatusOK || !strings.Contains(r.text(), "work laptop") {
				t.Fatalf("rename: %d", r.status)
			}
			r = a.form("/account/passkeys/"+itoa(list[1].ID)+"/rename", url.Values{"name": {"phone"}}, signed)
			if r.status != http.StatusConflict || !strings.Contains(r.text(), "already") {
				t.Errorf("rename to a taken name: %d", r.status)
			}
			r = a.form("/account/passkeys/"+itoa(list[1].ID)+"/delete", nil, signed)
			before, activity, _ := strings.Cut(r.text(), `id="audit"`)
			if r.status != http.StatusOK || strings.Contains(before, "work laptop") {
				t.Fatalf("remove: %d", r.status)
			}
			// The account's activity says so, and when it was added.
			if !strings.Contains(activity, "Removed a passkey: work laptop") || !strings.Contains(activity, "Added a passkey: phone") || !strings.Contains(activity, "Signed in with a passkey") {
				t.Errorf("the account's activity after passkeys were added, used and removed:\n%s", activity)
			}
			if r := a.passkeySignIn(laptop, ""); r.status != http.StatusUnauthorized || cookieOf(r, sessionCookiePlain) != nil {
				t.Errorf("a removed passkey signs in: %d %s", r.status, r.text())
			}
			// A name is checked before the authenticator makes anything.
			if r := a.passkeyJSON("/account/passkeys/options", map[string]string{"name": "phone"}, signed); r.status != http.StatusConflict {
				t.Errorf("a second passkey named phone: %d %s", r.status, r.text())
			}
			if r := a.passkeyJSON("/account/passkeys/options", map[string]string{"name": " "}, signed); r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != "name" {
				t.Errorf("a passkey without a name: %d %s", r.status, r.text())
			}
		})
	}
}

// A forged answer, a replayed one, an answer for another origin, a
// passkey claimed for another account's user handle, another account's
// ceremony, a credential another account registered and an oversized body:
// each refused, with no session started and no passkey added or changed.
func TestPasskeyHostile(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			a := newAccountsApp(t, db, nil, "anna", "bee")
			ctx := context.Background()
			anna, _ := db.FindAccount(ctx, "anna")
			bee, _ := db.FindAccount(ctx, "bee")
			annaCookie, beeCookie := a.signIn("anna"), a.signIn("bee")
			annaKey, beeKey := newSoftKey(t), newSoftKey(t)
			a.addPasskey(annaCookie, "phone", annaKey)
			a.addPasskey(beeCookie, "phone", beeKey)
			state := func() string {
				var parts []string
				for _, o := range []upshot.OwnerID{anna.ID, bee.ID} {
					ps, err := db.Passkeys(ctx, o)
					must(t, err)
					ss, err := db.AuthSessions(ctx, o)
					must(t, err)
					b, _ := json.Marshal(struct {
						P []*upshot.Passkey
						N int
					}{ps, len(ss)})
					parts = append(parts, string(b))
				}
				return strings.Join(parts, "\n")
			}
			before := state()
			refused := func(what string, r response, status int) {
				t.Helper()
				if r.status != status {
					t.Errorf("%s: %d, want %d\n%.300s", what, r.status, status, r.text())
				}
				if c := cookieOf(r, sessionCookiePlain); c != nil && c.Value != "" {
					t.Errorf("%s set a session cookie", what)
				}
				if after := state(); after != before {
					t.Fatalf("%s changed passkeys or sessions:\n%s\nwas\n%s", what, after, before)
				}
			}
			// Each failed passkey answer counts against the address; waiting
			// out the throttle between them keeps each refusal about the
			// answer itself (TestPasskeyFailuresThrottled covers the throttle).
			unthrottle := func() { a.clock.advance(16 * time.Minute) }
			answer := func(key *softKey, edit func(map[string]any)) (string, json.RawMessage) {
				unthrottle()
				c := a.begin("/signin/passkey/options", map[string]string{})
				cred := key.get(t, c.Options, pkOrigin)
				var m map[string]any
				must(t, json.Unmarshal(cred, &m))
				if edit != nil {
					edit(m)
				}
				return c.Ceremony, rawJSON(t, m)
			}
			resp := func(m map[string]any) map[string]any { return m["response"].(map[string]any) }

			// Forged: the signature of other bytes.
			cer, cred := answer(annaKey, func(m map[string]any) {
				sig, _ := b64u.DecodeString(resp(m)["signature"].(string))
				sig[len(sig)-1] ^= 1
				resp(m)["signature"] = b64u.EncodeToString(sig)
			})
			refused("a forged signature", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": cer, "credential": cred}), http.StatusUnauthorized)
			// The ceremony was used up by the failed attempt.
			refused("a ceremony used by a failed attempt", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": cer, "credential": cred}), http.StatusUnauthorized)

			// Answered for another site.
			unthrottle()
			c := a.begin("/signin/passkey/options", map[string]string{})
			refused("an answer for another origin", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": c.Ceremony, "credential": annaKey.get(t, c.Options, "http://evil.example")}), http.StatusUnauthorized)

			// Bee's credential presented with anna's user handle.
			cer, cred = answer(beeKey, func(m map[string]any) { resp(m)["userHandle"] = b64u.EncodeToString(annaKey.userHandle) })
			refused("another account's user handle", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": cer, "credential": cred}), http.StatusUnauthorized)

			// Without user verification (a touch, no PIN or fingerprint):
			// refused, the passkey stands in for a password.
			annaKey.noUV = true
			cer, cred = answer(annaKey, nil)
			annaKey.noUV = false
			refused("an answer without user verification", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": cer, "credential": cred}), http.StatusUnauthorized)

			// Replayed: a good answer signs in once; sent again it is refused,
			// and so is the same signature under a new ceremony.
			cer, cred = answer(annaKey, nil)
			ok := a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": cer, "credential": cred})
			if ok.status != http.StatusOK {
				t.Fatalf("a good answer: %d %s", ok.status, ok.text())
			}
			before = state()
			// A copy of the key whose counter is behind the one the server
			// saw last: refused as a clone.
			clone := *annaKey
			clone.counter = 0
			cer2, cred2 := answer(&clone, nil)
			refused("a cloned key whose counter went backwards", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": cer2, "credential": cred2}), http.StatusUnauthorized)
			unthrottle()
			refused("a replayed answer", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": cer, "credential": cred}), http.StatusUnauthorized)
			unthrottle()
			c = a.begin("/signin/passkey/options", map[string]string{})
			refused("an old answer under a new ceremony", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": c.Ceremony, "credential": cred}), http.StatusUnauthorized)
			unthrottle()
			refused("a made-up ceremony", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": "nothing", "credential": cred}), http.StatusUnauthorized)
			unthrottle()
			c = a.begin("/signin/passkey/options", map[string]string{})
			refused("no answer", a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": c.Ceremony}), http.StatusUnauthorized)
			refused("a body that is not JSON", a.sendBody("POST", "/signin/passkey", "ceremony=x", "Content-Type: application/json", pkHost), http.StatusBadRequest)
			refused("an oversized body", a.sendBody("POST", "/signin/passkey", `{"ceremony":"`+strings.Repeat("x", maxPasskeyBody)+`"}`, "Content-Type: application/json", pkHost), http.StatusRequestEntityTooLarge)

			// Bee finishing anna's registration: not found, and anna's
			// ceremony is still hers to finish.
			annaCer := a.begin("/account/passkeys/options", map[string]string{"name": "laptop"}, annaCookie)
			third := newSoftKey(t)
			regBody := map[string]any{"ceremony": annaCer.Ceremony, "credential": third.create(t, annaCer.Options, pkOrigin)}
			refused("bee finishing anna's registration", a.passkeyJSON("/account/passkeys", regBody, beeCookie), http.StatusNotFound)
			// A registration answered for another origin.
			cc := a.begin("/account/passkeys/options", map[string]string{"name": "tablet"}, beeCookie)
			refused("a registration for another origin", a.passkeyJSON("/account/passkeys", map[string]any{"ceremony": cc.Ceremony, "credential": newSoftKey(t).create(t, cc.Options, "http://evil.example")}, beeCookie), http.StatusUnprocessableEntity)
			// Anna registering bee's credential (its id) as hers.
			cc = a.begin("/account/passkeys/options", map[string]string{"name": "stolen"}, annaCookie)
			stolen := newSoftKey(t)
			stolen.credID = beeKey.credID
			refused("anna registering bee's credential id", a.passkeyJSON("/account/passkeys", map[string]any{"ceremony": cc.Ceremony, "credential": stolen.create(t, cc.Options, pkOrigin)}, annaCookie), http.StatusConflict)
			// Bee removing or renaming anna's passkey: 404.
			annaList, _ := db.Passkeys(ctx, anna.ID)
			refused("bee removing anna's passkey", a.form("/account/passkeys/"+itoa(annaList[0].ID)+"/delete", nil, beeCookie), http.StatusNotFound)
			refused("bee renaming anna's passkey", a.form("/account/passkeys/"+itoa(annaList[0].ID)+"/rename", url.Values{"name": {"mine"}}, beeCookie), http.StatusNotFound)

			if r := a.passkeyJSON("/account/passkeys", regBody, annaCookie); r.status != http.StatusCreated {
				t.Errorf("anna finishing her own registration after bee's try: %d %s", r.status, r.text())
			}
		})
	}
}

// A stranger's 1,000 failed passwords on anna's name (and from the same
// address as anna) throttle password sign-ins, and leave anna's passkey
// sign-in working (issue 13: "owner still signs in with a passkey").
func TestPasskeySignInSurvivesPasswordStuffing(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, nil, "anna")
	cookie := a.signIn("anna")
	key := newSoftKey(t)
	a.addPasskey(cookie, "phone", key)
	a.sendBody("POST", "/signout", "", cookie)
	throttled := 0
	for i := range 1000 {
		r := a.form("/signin", url.Values{"login": {"anna"}, "password": {"guess number " + itoa(int64(i))}})
		switch r.status {
		case http.StatusTooManyRequests:
			throttled++
		case http.StatusUnauthorized:
		default:
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	if throttled < 990 {
		t.Fatalf("only %d of 1,000 guesses were throttled", throttled)
	}
	if r := a.form("/signin", url.Values{"login": {"anna"}, "password": {passwordOf("anna")}}); r.status != http.StatusTooManyRequests {
		t.Fatalf("the right password during the throttle: %d (want 429: the throttle does not check it)", r.status)
	}
	r := a.passkeySignIn(key, "")
	if r.status != http.StatusOK {
		t.Fatalf("passkey sign-in after 1,000 failed passwords: %d %s", r.status, r.text())
	}
	if page := a.sendBody("GET", "/account", "", sessionCookieHeader(t, r), pkHost); page.status != http.StatusOK {
		t.Fatalf("the passkey's session: %d", page.status)
	}
}

// Failed passkey answers are throttled by address, apart from passwords.
func TestPasskeyFailuresThrottled(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, nil, "anna")
	key := newSoftKey(t)
	a.addPasskey(a.signIn("anna"), "phone", key)
	for range 5 {
		c := a.begin("/signin/passkey/options", map[string]string{})
		a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": c.Ceremony, "credential": newSoftKey(t).get(t, c.Options, pkOrigin)})
	}
	r := a.passkeySignIn(key, "")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("a sixth passkey attempt after five failures: %d %s", r.status, r.text())
	}
	// The password is not held back by failed passkeys.
	a.signIn("anna")
}

// A passkey-only account: anna adds a passkey and removes her password;
// her password no longer signs in, her passkey does, and her last passkey
// cannot be removed. The one person of a loopback server adds a passkey
// from the launch-token session: sign-in turns on, and their browser gets
// a session of its own.
func TestPasskeyOnlyAccount(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			a := newAccountsApp(t, db, nil, "anna")
			ctx := context.Background()
			cookie := a.signIn("anna")
			if r := a.form("/account/password/remove", url.Values{"current": {passwordOf("anna")}}, cookie); r.status != http.StatusConflict {
				t.Errorf("removing the password without a passkey: %d", r.status)
			}
			key := newSoftKey(t)
			a.addPasskey(cookie, "phone", key)
			if r := a.form("/account/password/remove", url.Values{"current": {"wrong"}}, cookie); r.status != http.StatusUnprocessableEntity {
				t.Errorf("removing the password with a wrong one: %d", r.status)
			}
			if r := a.form("/account/password/remove", url.Values{"current": {passwordOf("anna")}}, cookie); r.status != http.StatusOK {
				t.Fatalf("removing the password: %d %.500s", r.status, r.text())
			}
			acc, _ := db.FindAccount(ctx, "anna")
			if acc.HasPassword {
				t.Fatal("the password is still there")
			}
			if r := a.form("/signin", url.Values{"login": {"anna"}, "password": {passwordOf("anna")}}); r.status != http.StatusUnauthorized {
				t.Errorf("the removed password: %d", r.status)
			}
			list, _ := db.Passkeys(ctx, acc.ID)
			r := a.form("/account/passkeys/"+itoa(list[0].ID)+"/delete", nil, cookie)
			if r.status != http.StatusConflict || !strings.Contains(r.text(), "only passkey") {
				t.Errorf("removing the last passkey of a passkey-only account: %d", r.status)
			}
			if r := a.passkeySignIn(key, ""); r.status != http.StatusOK {
				t.Errorf("passkey sign-in of a passkey-only account: %d %s", r.status, r.text())
			}
			// A disabled account's passkey signs no one in.
			if _, err := usecase.SetDisabled(ctx, db, "anna", true); err != nil {
				t.Fatal(err)
			}
			if r := a.passkeySignIn(key, ""); r.status != http.StatusUnauthorized {
				t.Errorf("passkey sign-in of a disabled account: %d", r.status)
			}
		})
	}
}

func TestPasskeyOnePersonMode(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, nil)
	launch := "Authorization: Bearer " + testToken
	page := a.sendBody("GET", "/account", "", launch, pkHost)
	if page.status != http.StatusOK || !strings.Contains(page.text(), "Adding a passkey turns sign-in on") {
		t.Fatalf("the one person's account page: %d", page.status)
	}
	key := newSoftKey(t)
	c := a.begin("/account/passkeys/options", map[string]string{"name": "laptop"}, launch)
	r := a.passkeyJSON("/account/passkeys", map[string]any{"ceremony": c.Ceremony, "credential": key.create(t, c.Options, pkOrigin)}, launch)
	if r.status != http.StatusCreated {
		t.Fatalf("adding the first passkey: %d %s", r.status, r.text())
	}
	signed := sessionCookieHeader(t, r)
	if r := a.sendBody("GET", "/account", "", launch, pkHost); r.status != http.StatusUnauthorized {
		t.Errorf("the launch token after the first passkey: %d, want 401", r.status)
	}
	if r := a.sendBody("GET", "/account", "", signed, pkHost); r.status != http.StatusOK {
		t.Errorf("the session given with the first passkey: %d", r.status)
	}
	if r := a.passkeySignIn(key, ""); r.status != http.StatusOK {
		t.Errorf("signing in with it: %d", r.status)
	}
}

// The relying party: the public URL when given (another address is told
// where passkeys work), else localhost; an IP address cannot be one.
func TestPasskeyRelyingParty(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		public, origin, id, err string
	}{
		{"", "http://localhost:8080", "localhost", ""},
		{"", "http://127.0.0.1:8080", "", "open http://localhost:8080"},
		{"", "http://[::1]:8080", "", "open http://localhost:8080"},
		{"", "http://192.168.1.5:8080", "", "HTTPS"},
		{"", "http://upshot.lan:8080", "", "HTTPS"},
		{"", "https://upshot.lan", "upshot.lan", ""},
		{"https://upshot.example.org", "https://upshot.example.org", "upshot.example.org", ""},
		{"https://upshot.example.org", "http://localhost:8080", "", "https://upshot.example.org"},
	} {
		rp, err := usecase.RelyingPartyFor(c.public, c.origin)
		if c.err != "" {
			if err == nil || !strings.Contains(upshot.ErrorMessage(err), c.err) {
				t.Errorf("%q at %s: %v, want an error naming %q", c.public, c.origin, err, c.err)
			}
			continue
		}
		if err != nil || rp.ID != c.id || rp.Origin != c.origin {
			t.Errorf("%q at %s: %+v, %v", c.public, c.origin, rp, err)
		}
	}
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, nil, "anna")
	cookie := a.signIn("anna")
	r := a.sendBody("POST", "/account/passkeys/options", `{"name":"x"}`, "Content-Type: application/json", cookie)
	if r.status != http.StatusConflict || !strings.Contains(r.text(), "localhost") {
		t.Errorf("passkey options at 127.0.0.1: %d %s", r.status, r.text())
	}
	if page := a.sendBody("GET", "/account", "", cookie); !strings.Contains(page.text(), "open http://localhost:"+strings.TrimPrefix(a.ts.URL, "http://127.0.0.1:")) {
		t.Error("the account page at 127.0.0.1 does not say where passkeys work")
	}
}

// Two servers on one database act as one for passkeys: a ceremony begun on
// one is finished on the other, and an answer used on one is refused on
// the other (issue 13 item 9).
func TestPasskeyCeremoniesAcrossTwoServers(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			one := newAccountsApp(t, openStore(t, dsn), nil, "alice")
			two := newAccountsApp(t, openStore(t, dsn), nil)
			cookie := one.signIn("alice")
			key := newSoftKey(t)
			c := one.begin("/account/passkeys/options", map[string]string{"name": "phone"}, cookie)
			if r := two.passkeyJSON("/account/passkeys", map[string]any{"ceremony": c.Ceremony, "credential": key.create(t, c.Options, pkOrigin)}, cookie); r.status != http.StatusCreated {
				t.Fatalf("a registration begun on one, finished on two: %d %s", r.status, r.text())
			}
			c = two.begin("/signin/passkey/options", map[string]string{})
			body := map[string]any{"ceremony": c.Ceremony, "credential": key.get(t, c.Options, pkOrigin)}
			r := one.passkeyJSON("/signin/passkey", body)
			if r.status != http.StatusOK {
				t.Fatalf("a sign-in begun on two, finished on one: %d %s", r.status, r.text())
			}
			if page := two.sendBody("GET", "/account", "", sessionCookieHeader(t, r), pkHost); page.status != http.StatusOK {
				t.Errorf("the passkey's session on the other server: %d", page.status)
			}
			if r := two.passkeyJSON("/signin/passkey", body); r.status != http.StatusUnauthorized {
				t.Errorf("the same answer replayed on the other server: %d", r.status)
			}
		})
	}
}

// A challenge is good for 5 minutes: an answer after that is refused, for a
// sign-in and for adding a passkey, and nothing is stored.
func TestPasskeyChallengeExpires(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, nil, "anna")
	cookie := a.signIn("anna")
	key := newSoftKey(t)
	c := a.begin("/account/passkeys/options", map[string]string{"name": "phone"}, cookie)
	a.clock.advance(5*time.Minute + time.Second)
	if r := a.passkeyJSON("/account/passkeys", map[string]any{"ceremony": c.Ceremony, "credential": key.create(t, c.Options, pkOrigin)}, cookie); r.status != http.StatusNotFound {
		t.Errorf("adding a passkey after the challenge expired: %d %s", r.status, r.text())
	}
	if list, _ := db.Passkeys(context.Background(), 2); len(list) != 0 {
		t.Fatalf("an expired registration stored %d passkeys", len(list))
	}
	a.addPasskey(cookie, "phone", key)
	c = a.begin("/signin/passkey/options", map[string]string{})
	a.clock.advance(5*time.Minute + time.Second)
	if r := a.passkeyJSON("/signin/passkey", map[string]any{"ceremony": c.Ceremony, "credential": key.get(t, c.Options, pkOrigin)}); r.status != http.StatusUnauthorized {
		t.Errorf("signing in after the challenge expired: %d %s", r.status, r.text())
	}
}

// The account's activity log records its passkeys: added (with the name),
// signed in with, removed, and the password removed; another account's log
// gets none of it, and no failed passkey answer names anyone.
func TestPasskeyAudit(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, nil, "anna", "bee")
	ctx := context.Background()
	anna, _ := db.FindAccount(ctx, "anna")
	bee, _ := db.FindAccount(ctx, "bee")
	cookie := a.signIn("anna")
	phone, laptop := newSoftKey(t), newSoftKey(t)
	a.addPasskey(cookie, "phone", phone)
	a.addPasskey(cookie, "laptop", laptop)
	if r := a.passkeySignIn(phone, ""); r.status != http.StatusOK {
		t.Fatalf("passkey sign-in: %d", r.status)
	}
	list, _ := db.Passkeys(ctx, anna.ID)
	if r := a.form("/account/passkeys/"+itoa(list[1].ID)+"/delete", nil, cookie); r.status != http.StatusOK {
		t.Fatalf("remove: %d", r.status)
	}
	if r := a.form("/account/password/remove", url.Values{"current": {passwordOf("anna")}}, cookie); r.status != http.StatusOK {
		t.Fatalf("remove the password: %d", r.status)
	}
	events, err := db.AuditEvents(ctx, anna.ID, 100)
	must(t, err)
	var got []string
	for _, e := range events {
		switch e.Kind {
		case upshot.AuditPasskeyAdded, upshot.AuditPasskeyRemoved, upshot.AuditPasskeySignIn, upshot.AuditPasswordRemoved:
			got = append([]string{string(e.Kind) + " " + e.Detail}, got...) // oldest first
		}
	}
	want := []string{"passkey_added phone", "passkey_added laptop", "passkey_sign_in ", "passkey_removed laptop", "password_removed "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("anna's passkey events: %q, want %q", got, want)
	}
	beeEvents, err := db.AuditEvents(ctx, bee.ID, 100)
	must(t, err)
	for _, e := range beeEvents {
		if strings.HasPrefix(string(e.Kind), "passkey") || e.Kind == upshot.AuditPasswordRemoved {
			t.Errorf("bee's log holds anna's %s", e.Kind)
		}
	}
}
