package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// keptEntry is an entry of the outbox (static/outbox.js) as IndexedDB holds it.
type keptEntry struct {
	Key     string          `json:"key"`
	Account string          `json:"account"`
	Kind    string          `json:"kind"`
	URL     string          `json:"url"`
	Body    json.RawMessage `json:"body"`
	Fields  string          `json:"fields"`
	Label   string          `json:"label"`
	State   string          `json:"state"`
	Message string          `json:"message"`
	Safety  bool            `json:"safety"`
}

const readOutbox = `new Promise((resolve, reject) => {
	const req = indexedDB.open("upshot", 1);
	req.onupgradeneeded = () => req.result.createObjectStore("outbox", {keyPath: "key"});
	req.onerror = () => reject(req.error);
	req.onsuccess = () => {
		const all = req.result.transaction("outbox").objectStore("outbox").getAll();
		all.onsuccess = () => { req.result.close(); resolve(all.result); };
	};
})`

// setOffline cuts or restores the tab's network the way DevTools'
// "Offline" does: the page's requests fail and navigator.onLine follows,
// with its offline and online events.
func setOffline(t *testing.T, ctx context.Context, offline bool) {
	t.Helper()
	do(t, ctx, "network offline="+map[bool]string{true: "yes", false: "no"}[offline], chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return chromedp.Void{}, err
	}), void(chromedp.Poll[bool](map[bool]string{true: `!navigator.onLine`, false: `navigator.onLine`}[offline])))
}

// TestBrowserOfflineLogging (issue 15 item 2, done-when), in real Chromium
// at 390 px, signed in with a password: the app is still installable; with
// the network cut, three sessions are logged (two with a therapist deleted
// meanwhile) and said to be waiting, each kept as the JSON API's body
// exactly as the server reads the form; the network returns and the good
// one is recorded once, the refused ones are shown with the server's
// message; a PHQ-9 answering item 9, logged offline, shows the safety
// notice at once and is recorded once when the network returns; each sent
// again with its Idempotency-Key records nothing more; a refused session is
// edited and saved; signing out clears the device. axe finds nothing on the
// pages that show kept entries.
func TestBrowserOfflineLogging(t *testing.T) {
	axe, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	a := newAccountsApp(t, storetest.Open(t, "sqlite"), nil, "alice")
	const alice = upshot.OwnerID(2)
	seedOwner(t, a.db, a.reg, alice, "Alice", true)
	bg := context.Background()
	gone := &upshot.Therapist{Name: "Dr Gone", Currency: "EUR"}
	must(t, a.db.CreateTherapist(bg, alice, gone))
	count := func() (sessions, phq9 int) {
		snap, err := a.db.Export(bg, alice)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range snap.CheckIns {
			if c.Instrument == "phq9" {
				phq9++
			}
		}
		return len(snap.Sessions), phq9
	}
	sessions0, phq90 := count()
	axeCheck := func(ctx context.Context, where string) {
		t.Helper()
		run(t, ctx, "load axe-core", chromedp.Evaluate[bool](string(axe)+"\n;typeof axe === 'object'"))
		for _, v := range run(t, ctx, "axe on "+where, chromedp.Evaluate[[]axeViolation](
			`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}).then(r => r.violations)`,
			chromedp.EvalAwaitPromise)) {
			t.Errorf("%s: axe %s (%s): %s", where, v.ID, v.Impact, v.Help)
		}
	}
	outbox := func(ctx context.Context) []keptEntry {
		t.Helper()
		return run(t, ctx, "read the outbox", chromedp.Evaluate[[]keptEntry](readOutbox, chromedp.EvalAwaitPromise))
	}

	// A profile of its own: a private browser context offers no install.
	phone := startOwnBrowser(t, 390, 844)
	do(t, phone, "sign in",
		chromedp.Navigate(a.ts.URL+"/signin"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "alice"),
		chromedp.SendKeys(chromedp.ID("password"), passwordOf("alice")),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`)),
	)
	run(t, phone, "service worker ready", chromedp.Evaluate[string](`navigator.serviceWorker.ready.then((r) => r.scope)`, chromedp.EvalAwaitPromise))
	do(t, phone, "open the log form", chromedp.Navigate(a.ts.URL+"/sessions/new"), chromedp.WaitVisible(chromedp.ID("focus_life")))
	installable := run(t, phone, "installability", chromedp.Action[cdppage.GetInstallabilityErrorsResult](func(ctx context.Context, tg *chromedp.Target) (cdppage.GetInstallabilityErrorsResult, error) {
		return cdp.Call(ctx, tg, cdppage.GetInstallabilityErrors, cdp.Empty{})
	}))
	for _, e := range installable.InstallabilityErrors {
		t.Errorf("not installable: %s", e.ErrorID)
	}
	therapists, err := a.db.ListTherapists(bg, alice)
	must(t, err)
	goals, err := a.db.ListGoals(bg, alice)
	must(t, err)
	waitingText := func() string {
		t.Helper()
		return run(t, phone, "the kept entries", chromedp.Text(chromedp.ID("outbox")))
	}

	// The network goes, with the log form open: three sessions are logged,
	// two of them with Dr Gone.
	setOffline(t, phone, true)
	logSession := func(therapist int64, note string) {
		t.Helper()
		do(t, phone, "log a session offline",
			void(chromedp.Evaluate[bool](`document.querySelector("details.offered").open = true`)),
			chromedp.SetValue(chromedp.ID("therapist"), itoa(therapist)),
			chromedp.SetValue(chromedp.ID("minutes"), "50"),
			chromedp.SetValue(chromedp.ID("fee"), "85.50"),
			chromedp.SendKeys(chromedp.ID("focus_life"), "40"),
			chromedp.Click(chromedp.CSS(`#focus_relationship + button`)),
			chromedp.Click(chromedp.CSS(`input[name="goal"][value="`+itoa(goals[0].ID)+`"]`)),
			chromedp.Click(chromedp.CSS(`input[name="progress_`+itoa(goals[0].ID)+`"][value="2"] + span`)),
			chromedp.Click(chromedp.CSS(`input[name="got"][value="insight"] + span`)),
			chromedp.Click(chromedp.CSS(`input[name="helpful"][value="7"] + span`)),
			chromedp.Click(chromedp.CSS(`input[name="after"][value="better"] + span`)),
			chromedp.SendKeys(chromedp.ID("note"), note),
			// Not a click: the split's warning, drawn as the minutes are
			// typed, may still move the button.
			void(chromedp.Evaluate[bool](`document.querySelector("form.session-form").requestSubmit(), true`)),
		)
		wait, cancel := context.WithTimeout(phone, browserStep)
		defer cancel()
		if err := chromedp.Do(wait, void(chromedp.Poll[bool](`document.getElementById("outbox-status").textContent.includes("Kept on this device")`))); err != nil {
			say := run(t, phone, "what the page says", chromedp.Evaluate[string](`navigator.onLine + " | " + document.getElementById("outbox-status").textContent + " | " + location.href`))
			t.Fatalf("the session was not kept (%v); online | status | page: %s", err, say)
		}
		run(t, phone, "clear the status", chromedp.Evaluate[bool](`(document.getElementById("outbox-status").textContent = "", true)`))
	}
	logSession(therapists[0].ID, "offline one\nline two")
	logSession(gone.ID, "for Dr Gone")
	logSession(gone.ID, "for Dr Gone again")
	if w := waitingText(); strings.Count(w, "waiting to send") != 3 || !strings.Contains(w, "Session with "+therapists[0].Name) {
		t.Errorf("the log form's page lists %q, want three sessions waiting to send", w)
	}
	if s, _ := count(); s != sessions0 {
		t.Fatalf("offline, the server already has %d sessions (had %d)", s, sessions0)
	}

	// Each kept session is the API's body for exactly what the server's
	// form parser reads from the same fields, each with its own key.
	kept := outbox(phone)
	keys := map[string]bool{}
	for _, e := range kept {
		keys[e.Key] = true
		if e.Account != "2" || e.State != "waiting" || len(e.Key) != 36 || e.URL != "/api/v1/sessions" || e.Kind != "session" {
			t.Errorf("entry %+v", e)
		}
		v, err := url.ParseQuery(e.Fields)
		must(t, err)
		fromForm, err := parseSessionForm(v)
		must(t, err)
		var in sessionJSON
		must(t, archive.UnmarshalStrict(e.Body, &in))
		fromBody := in.Session
		must(t, feeFrom(&fromBody.Fee, in.FeeAmount))
		for _, s := range []*upshot.Session{fromForm, &fromBody} {
			must(t, s.Validate(upshot.DateOf(testNow)))
			if len(s.Got) == 0 {
				s.Got = nil
			}
			if len(s.Flags) == 0 {
				s.Flags = nil
			}
			if len(s.AgendaItems) == 0 {
				s.AgendaItems = nil
			}
		}
		if !reflect.DeepEqual(fromForm, &fromBody) {
			f, _ := json.Marshal(fromForm)
			b, _ := json.Marshal(&fromBody)
			t.Errorf("the kept body is not the form:\nform %s\nbody %s", f, b)
		}
	}
	if len(kept) != 3 || len(keys) != 3 {
		t.Fatalf("the outbox holds %d entries with %d keys, want 3", len(kept), len(keys))
	}

	// The offline page (what any page opened offline shows instead, see
	// TestBrowserInstallable) lists what waits. DevTools' offline switch
	// does not reach the service worker's fetches, so it is opened here by
	// its own address.
	do(t, phone, "open the offline page", chromedp.Navigate(a.ts.URL+offlinePath), chromedp.WaitVisible(chromedp.ID("outbox")))
	if w := waitingText(); strings.Count(w, "waiting to send") != 3 {
		t.Errorf("the offline page lists %q, want three sessions waiting to send", w)
	}

	// Meanwhile Dr Gone is deleted (on another device, say). The network
	// returns, and the next page opened sends what waits.
	must(t, a.db.DeleteTherapist(bg, alice, gone.ID))
	setOffline(t, phone, false)
	do(t, phone, "open the dashboard", chromedp.Navigate(a.ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`)))
	left := run(t, phone, "the refusals", chromedp.Poll[string](`(() => {
		const items = [...document.querySelectorAll("#outbox-list li")];
		return items.length === 2 && items.every((li) => li.className === "refused") ? document.getElementById("outbox").textContent : "";
	})()`))
	if strings.Count(left, "not saved") != 2 || !strings.Contains(left, "therapist") {
		t.Errorf("the refused sessions say %q, want the server's message", left)
	}
	if s, _ := count(); s != sessions0+1 {
		t.Errorf("after the network returned the server has %d sessions, want %d", s, sessions0+1)
	}
	snap, err := a.db.Export(bg, alice)
	must(t, err)
	fee, err := upshot.ParseMoney("fee", "85.50")
	must(t, err)
	var logged *upshot.Session
	for _, s := range snap.Sessions {
		if s.Note == "offline one\nline two" {
			logged = s
		}
	}
	if logged == nil || logged.TherapistID != therapists[0].ID || *logged.Minutes != 50 || logged.Fee.String() != fee.String() || len(logged.Goals) != 1 || *logged.Goals[0].Progress != 2 {
		t.Errorf("the session sent is %+v", logged)
	}
	axeCheck(phone, "the dashboard with refused entries")

	// The PHQ-9, answered with the network cut: item 9 above 0 shows the
	// safety notice at once, in the server's words with the person's
	// crisis contacts, and the plan's link.
	do(t, phone, "open the PHQ-9", chromedp.Navigate(a.ts.URL+"/checkin/phq9"), chromedp.WaitVisible(chromedp.ID("item-9")))
	setOffline(t, phone, true)
	for i := 1; i <= 9; i++ {
		score := "0"
		if i == 1 || i == 9 {
			score = "1"
		}
		do(t, phone, "answer item "+itoa(int64(i)), chromedp.Click(chromedp.CSS(`input[name="item_`+itoa(int64(i))+`"][value="`+score+`"] + span`)))
	}
	do(t, phone, "send the PHQ-9 offline",
		chromedp.Click(chromedp.CSS(`form.checkin-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main aside.safety`)),
	)
	notice := run(t, phone, "the safety notice", chromedp.Text(chromedp.CSS(`main aside.safety`)))
	settings, err := a.db.Settings(bg, alice)
	must(t, err)
	contacts := settings.Get(upshot.SettingCrisisContacts)
	if first, _, _ := strings.Cut(checkin.SafetyNotice(contacts), "\n"); !strings.Contains(notice, first) || !strings.Contains(notice, contacts) {
		t.Errorf("offline, the PHQ-9 with item 9 shows the notice %q", notice)
	}
	if href := run(t, phone, "the plan link", chromedp.AttributeValue(chromedp.CSS(`main aside.safety a`), "href")); href.Value != "/plan" {
		t.Errorf("the notice links to %q", href.Value)
	}
	if w := waitingText(); !strings.Contains(w, "PHQ-9") || strings.Count(w, "waiting to send") != 1 {
		t.Errorf("the PHQ-9's page lists %q, want the PHQ-9 waiting to send", w)
	}
	axeCheck(phone, "/checkin/phq9 with a kept PHQ-9 and its notice")
	var phq keptEntry
	var replayed []keptEntry
	for _, e := range outbox(phone) {
		if e.Kind == "checkin" {
			phq = e
		}
	}
	v, err := url.ParseQuery(phq.Fields)
	must(t, err)
	def, _ := a.reg.Get("phq9")
	answers, date, err := parseCheckinForm(v, def)
	must(t, err)
	var body checkinRequest
	must(t, archive.UnmarshalStrict(phq.Body, &body))
	if !reflect.DeepEqual(answers, body.Answers) || date != body.Date || body.Instrument != "phq9" || phq.URL != "/api/v1/checkins" || !phq.Safety {
		t.Errorf("the kept check-in %s is not the form's %v %s", phq.Body, answers, date)
	}
	// The network returns: the online event sends it, and the page links
	// to its result.
	setOffline(t, phone, false)
	do(t, phone, "wait for the PHQ-9 to be sent", chromedp.WaitVisible(chromedp.CSS(`#outbox-status a[href^="/checkins/"]`)))
	if _, p := count(); p != phq90+1 {
		t.Errorf("after the network returned the server has %d PHQ-9s, want %d", p, phq90+1)
	}

	// A second send with the same key (an answer lost on the way, another
	// tab) records nothing more: the server gives the first answer again.
	for _, e := range kept {
		if strings.Contains(e.Label, "Dr Gone") {
			continue
		}
		replayed = append(replayed, e)
	}
	for _, e := range append(replayed, phq) {
		got := run(t, phone, "send "+e.Label+" again", chromedp.Evaluate[string](`fetch(`+jsString(e.URL)+`, {method: "POST", credentials: "same-origin",
			headers: {"Content-Type": "application/json", "Idempotency-Key": `+jsString(e.Key)+`}, body: `+jsString(string(e.Body))+`})
			.then((r) => r.status + " " + r.headers.get("Idempotent-Replayed"))`, chromedp.EvalAwaitPromise))
		if got != "201 true" {
			t.Errorf("%s sent again: %s, want 201 replayed", e.Label, got)
		}
	}
	if s, p := count(); s != sessions0+1 || p != phq90+1 {
		t.Errorf("sent twice, the server has %d sessions and %d PHQ-9s, want %d and %d", s, p, sessions0+1, phq90+1)
	}
	do(t, phone, "the dashboard again", chromedp.Navigate(a.ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("outbox")))
	if n := len(outbox(phone)); n != 2 {
		t.Errorf("after sending, the device keeps %d entries, want the 2 refused", n)
	}

	// One refused session is edited: the form fills in again, another
	// therapist is chosen, and it is saved.
	edit := run(t, phone, "the edit link", chromedp.AttributeValue(chromedp.CSS(`#outbox-list li:first-child a`), "href"))
	do(t, phone, "edit a refused session",
		chromedp.Navigate(a.ts.URL+edit.Value),
		void(chromedp.Poll[bool](`document.getElementById("note").value.startsWith("for Dr Gone")`)),
		chromedp.SetValue(chromedp.ID("therapist"), itoa(therapists[1].ID)),
		chromedp.Click(chromedp.CSS(`form.session-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	if s, _ := count(); s != sessions0+2 {
		t.Errorf("after the edit the server has %d sessions, want %d", s, sessions0+2)
	}
	if n := len(outbox(phone)); n != 1 {
		t.Errorf("after the edit, the device keeps %d entries, want 1", n)
	}

	// Signing out leaves nothing on the device; the button says so first.
	do(t, phone, "open the account page", chromedp.Navigate(a.ts.URL+"/account"), chromedp.WaitVisible(chromedp.ID("signout-warning")))
	if w := run(t, phone, "the warning", chromedp.Text(chromedp.ID("signout-warning"))); !strings.Contains(w, "1 entry kept on this device is not sent yet") {
		t.Errorf("the sign-out button warns %q", w)
	}
	axeCheck(phone, "/account with the sign-out warning")
	do(t, phone, "sign out",
		chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)),
		chromedp.WaitVisible(chromedp.ID("login")),
	)
	names := run(t, phone, "databases", chromedp.Evaluate[[]struct{ Name string }](`indexedDB.databases()`, chromedp.EvalAwaitPromise))
	if len(names) != 0 {
		t.Errorf("after signing out the device keeps the databases %v", names)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// void runs an action for its effect alone, as a step of do.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := a(ctx, tg)
		return err
	})
}

// TestOfflinePieces: the check-in form of a questionnaire with a safety
// item carries the person's notice for the outbox and names the item; the
// offline page carries the default one; signing out asks the browser to
// clear what the site keeps (Clear-Site-Data), as does deleting the account.
func TestOfflinePieces(t *testing.T) {
	a := newAccountsApp(t, storetest.Open(t, "sqlite"), nil, "alice")
	cookie := a.signIn("alice")
	must(t, a.db.SetSetting(context.Background(), 2, upshot.SettingCrisisContacts, "Call Alice's line 0800 000"))
	form := a.send("GET", "/checkin/phq9", cookie).text()
	if !strings.Contains(form, `data-safety-items="9"`) || !strings.Contains(form, `<template id="offline-safety">`) || !strings.Contains(form, "Call Alice&#39;s line") {
		t.Errorf("the PHQ-9 form lacks the offline notice or its safety item:\n%s", form)
	}
	if who5 := a.send("GET", "/checkin/who5", cookie).text(); !strings.Contains(who5, `data-safety-items=""`) || strings.Contains(who5, "Alice&#39;s line") {
		t.Errorf("the WHO-5 form names a safety item or the person's contacts")
	}
	if !strings.Contains(form, `data-account="2"`) {
		t.Errorf("the form's page does not name its account for the outbox")
	}
	off := a.send("GET", offlinePath).text()
	if !strings.Contains(off, `<template id="offline-safety">`) || !strings.Contains(off, "call your local emergency number") || strings.Contains(off, "data-account") {
		t.Errorf("the offline page lacks the default notice or names an account:\n%.2000s", off)
	}
	out := a.form("/signout", url.Values{}, cookie)
	if out.status != http.StatusSeeOther || out.header.Get("Clear-Site-Data") != `"storage"` {
		t.Errorf("sign-out: %d, Clear-Site-Data %q", out.status, out.header.Get("Clear-Site-Data"))
	}
}
