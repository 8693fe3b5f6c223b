package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Owner isolation, proven route by route (issue 13 item 6). Two accounts are
// signed in on one server; B walks every route the router knows (read from
// the router, so a route added later without a case here fails the test)
// and tries to read, list, change, delete or reference A's records. Each
// route is one of:
//
//   - isoForeign: the path names A's record (A's id 2 of its kind, which B
//     does not have; B's own record of the same kind has id 1). The answer
//     is 404, never 403 (which would say the record exists).
//   - isoOwn: the route acts on B's own data (a list, a form, B's settings,
//     plan or sessions). Whatever it answers, it shows nothing of A's.
//   - isoReference: the body names A's records (a session with A's
//     therapist or goal). It is refused with 404 or 422 and nothing is made.
//
// After every request A's records, settings, safety plan, calendar address
// and signed-in sessions are exactly as before, and no answer holds A's
// marker text.
type isoKind int

const (
	isoForeign isoKind = iota + 1
	isoOwn
	isoReference
)

type isoCase struct {
	kind isoKind
	// bodies sent in turn (one request each); none means one request
	// without a body. A body starting with "{" is JSON, else a form.
	bodies []string
	// query is added to the path: a route that names A's records in its
	// query rather than its path ("?therapist=2").
	query string
}

// isolationCases has a case for every route but the public ones and the
// sign-in pages. {A} in a body is A's id 2 of the route's kind.
var isolationCases = map[string]isoCase{
	"GET /{$}": {kind: isoOwn},

	"GET /sessions":                {kind: isoOwn},
	"GET /sessions/new":            {kind: isoOwn},
	"POST /sessions":               {kind: isoReference, bodies: []string{"therapist=2&date=2025-06-10&minutes=50", "therapist=1&date=2025-06-10&goal=2", "therapist=1&date=2025-06-10&progress_2=1", "therapist=1&date=2025-06-11&agenda_item_2=raised"}},
	"GET /sessions/{id}":           {kind: isoForeign},
	"GET /sessions/{id}/edit":      {kind: isoForeign},
	"POST /sessions/{id}":          {kind: isoForeign, bodies: []string{"therapist=1&date=2025-06-10&minutes=50&version=1&note=Bee+was+here"}},
	"GET /sessions/{id}/delete":    {kind: isoForeign},
	"POST /sessions/{id}/delete":   {kind: isoForeign},
	"GET /checkins":                {kind: isoOwn},
	"GET /checkin/{instrument}":    {kind: isoOwn},
	"POST /checkins":               {kind: isoOwn, bodies: []string{"instrument=phq9&date=2025-06-10&item_1=0&item_2=0&item_3=0&item_4=0&item_5=0&item_6=0&item_7=0&item_8=0&item_9=0"}},
	"GET /checkins/{id}":           {kind: isoForeign},
	"GET /checkins/{id}/delete":    {kind: isoForeign},
	"POST /checkins/{id}/delete":   {kind: isoForeign},
	"GET /therapists":              {kind: isoOwn},
	"GET /therapists/new":          {kind: isoOwn},
	"POST /therapists":             {kind: isoOwn, bodies: []string{"name=Bee+two&currency=EUR"}},
	"GET /therapists/{id}/edit":    {kind: isoForeign},
	"POST /therapists/{id}":        {kind: isoForeign, bodies: []string{"name=Bee+renamed&currency=EUR&version=1"}},
	"GET /therapists/{id}/delete":  {kind: isoForeign},
	"POST /therapists/{id}/delete": {kind: isoForeign},
	"GET /goals":                   {kind: isoOwn},
	"GET /goals/new":               {kind: isoOwn},
	"POST /goals":                  {kind: isoOwn, bodies: []string{"title=Bee+goal+two&domain=health&status=open&opened=2025-06-01"}},
	"GET /goals/{id}/edit":         {kind: isoForeign},
	"POST /goals/{id}":             {kind: isoForeign, bodies: []string{"title=Bee+renamed&domain=health&status=open&opened=2025-06-01&version=1"}},
	"GET /goals/{id}/delete":       {kind: isoForeign},
	"POST /goals/{id}/delete":      {kind: isoForeign},

	"GET /settings":                  {kind: isoOwn},
	"POST /settings":                 {kind: isoOwn, bodies: []string{"crisis_contacts=Bee+contacts"}},
	"POST /settings/{name}/reset":    {kind: isoOwn},
	"POST /settings/calendar":        {kind: isoOwn},
	"POST /settings/calendar/delete": {kind: isoOwn},
	"GET /plan":                      {kind: isoOwn},
	"POST /plan":                     {kind: isoOwn, bodies: []string{"version=0&warning_signs=Bee+plan"}},
	"GET /agenda":                    {kind: isoOwn},
	"POST /agenda":                   {kind: isoOwn, bodies: []string{"text=Bee+item+two&source=mine"}},
	"POST /agenda/{id}/status":       {kind: isoForeign, bodies: []string{"status=dropped"}},
	"GET /record":                    {kind: isoOwn},
	"GET /guides":                    {kind: isoOwn},
	"GET /guides/{slug}":             {kind: isoOwn},
	"GET /review":                    {kind: isoOwn},
	"GET /compare":                   {kind: isoForeign, query: "?therapist=2"},
	"GET /report":                    {kind: isoOwn},
	"GET /report/download":           {kind: isoOwn},
	"GET /summary":                   {kind: isoOwn, query: "?sections=courses,notes"},
	"GET /summary/download":          {kind: isoOwn, query: "?sections=goals&sections=notes"},

	"GET /account":                       {kind: isoOwn},
	"POST /account/password":             {kind: isoOwn, bodies: []string{"current=wrong&new=a+new+long+passphrase&again=a+new+long+passphrase"}},
	"POST /account/sessions/{id}/end":    {kind: isoForeign},
	"POST /account/sessions/end-others":  {kind: isoOwn},
	"GET /account/delete":                {kind: isoOwn},
	"POST /account/tokens":               {kind: isoOwn, bodies: []string{"name=script&expires=30"}},
	"POST /account/tokens/revoke":        {kind: isoOwn, bodies: []string{"name=script"}},
	"POST /account/delete":               {kind: isoOwn, bodies: []string{"confirm=anna&password=anna+has+a+long+passphrase", "confirm=bee&password=wrong"}},
	"POST /account/passkeys/options":     {kind: isoOwn, bodies: []string{`{"name": "Bee laptop"}`}},
	"POST /account/passkeys":             {kind: isoOwn, bodies: []string{`{"ceremony": "A-s-ceremony", "credential": {}}`}},
	"POST /account/passkeys/{id}/rename": {kind: isoForeign, bodies: []string{"name=Bee+renamed"}},
	"POST /account/passkeys/{id}/delete": {kind: isoForeign},
	"POST /account/password/remove":      {kind: isoOwn, bodies: []string{"current=wrong", "current=bee+has+a+long+passphrase"}},

	"GET /api/v1/therapists":         {kind: isoOwn},
	"POST /api/v1/therapists":        {kind: isoOwn, bodies: []string{`{"name": "Bee three"}`}},
	"GET /api/v1/therapists/{id}":    {kind: isoForeign},
	"PUT /api/v1/therapists/{id}":    {kind: isoForeign, bodies: []string{`{"name": "Bee renamed", "version": 1}`}},
	"DELETE /api/v1/therapists/{id}": {kind: isoForeign},
	"GET /api/v1/goals":              {kind: isoOwn},
	"POST /api/v1/goals":             {kind: isoOwn, bodies: []string{`{"title": "Bee goal three", "domain": "health"}`}},
	"GET /api/v1/goals/{id}":         {kind: isoForeign},
	"PUT /api/v1/goals/{id}":         {kind: isoForeign, bodies: []string{`{"title": "Bee renamed", "domain": "health", "status": "open", "opened": "2025-06-01", "version": 1}`}},
	"DELETE /api/v1/goals/{id}":      {kind: isoForeign},
	"GET /api/v1/sessions":           {kind: isoOwn},
	"POST /api/v1/sessions":          {kind: isoReference, bodies: []string{`{"therapist_id": 2, "minutes": 50}`, `{"therapist_id": 1, "goals": [{"goal_id": 2}]}`, `{"therapist_id": 1, "date": "2025-06-11", "agenda_items": [{"item_id": 2, "mark": "raised"}]}`}},
	"GET /api/v1/sessions/{id}":      {kind: isoForeign},
	"PUT /api/v1/sessions/{id}":      {kind: isoForeign, bodies: []string{`{"therapist_id": 1, "date": "2025-06-10", "version": 1}`}},
	"DELETE /api/v1/sessions/{id}":   {kind: isoForeign},
	"GET /api/v1/checkins":           {kind: isoOwn},
	"POST /api/v1/checkins":          {kind: isoOwn, bodies: []string{`{"instrument": "phq9", "answers": [0,0,0,0,0,0,0,0,0]}`}},
	"GET /api/v1/checkins/{id}":      {kind: isoForeign},
	"PUT /api/v1/checkins/{id}":      {kind: isoForeign, bodies: []string{`{"answers": [1,1,1,1,1,1,1,1,0], "date": "2025-06-10", "version": 1}`}},
	"DELETE /api/v1/checkins/{id}":   {kind: isoForeign},
	"GET /api/v1/settings":           {kind: isoOwn},
	"PUT /api/v1/settings/{name}":    {kind: isoOwn, bodies: []string{`{"value": "Bee's contacts"}`}},
	"DELETE /api/v1/settings/{name}": {kind: isoOwn},
	"GET /api/v1/plan":               {kind: isoOwn},
	"PUT /api/v1/plan":               {kind: isoOwn, bodies: []string{`{"warning_signs": ["Bee"], "version": 0}`}},
	"GET /api/v1/agenda":             {kind: isoOwn},
	"POST /api/v1/agenda":            {kind: isoOwn, bodies: []string{`{"text": "Bee item three"}`}},
	"GET /api/v1/agenda/{id}":        {kind: isoForeign},
	"PUT /api/v1/agenda/{id}":        {kind: isoForeign, bodies: []string{`{"text": "Bee renamed", "source": "mine", "status": "dropped", "opened": "2025-06-01", "version": 1}`}},
	"DELETE /api/v1/agenda/{id}":     {kind: isoForeign},
	"GET /api/v1/instruments":        {kind: isoOwn},
	"GET /api/v1/record":             {kind: isoOwn},
	"GET /api/v1/deletions":          {kind: isoOwn}, // TestAPISyncIsolation: B never sees A's
	"GET /api/v1/review":             {kind: isoOwn},
	"GET /api/v1/compare":            {kind: isoForeign, query: "?therapist=2"},
	"GET /api/v1/summary":            {kind: isoOwn, query: "?sections=courses,scores,notes"},
	"GET /api/v1/export":             {kind: isoOwn},
	"/api/":                          {kind: isoOwn},
	"/":                              {kind: isoOwn},
}

// markerA is in A's therapist names, goal titles, session notes, agenda
// items, safety plan and crisis contacts: an answer to B holding it shows A's data.
const markerA = "Marker-of-A"

// seedOwner gives owner two therapists, goals, sessions and check-ins (ids
// 1 and 2) when two is true, else one of each, every text carrying tag.
func seedOwner(t *testing.T, db *store.DB, reg *instrument.Registry, owner upshot.OwnerID, tag string, two bool) {
	t.Helper()
	ctx := context.Background()
	n := 1
	if two {
		n = 2
	}
	for i := range n {
		th := &upshot.Therapist{Name: "Dr " + tag + " " + itoa(int64(i)), Currency: "EUR"}
		must(t, db.CreateTherapist(ctx, owner, th))
		g := &upshot.Goal{Title: tag + " goal " + itoa(int64(i)), Domain: "health", Status: upshot.GoalOpen, Opened: upshot.DateOf(testNow).AddDays(-30)}
		must(t, db.CreateGoal(ctx, owner, g))
		s := &upshot.Session{TherapistID: th.ID, Date: upshot.DateOf(testNow).AddDays(-7 + i), Note: tag + " note", Goals: []upshot.GoalProgress{{GoalID: g.ID}}}
		must(t, db.CreateSession(ctx, owner, s))
		def, ok := reg.Get("phq9")
		if !ok {
			t.Fatal("no phq9")
		}
		zero := 0
		answers := []*int{&zero, &zero, &zero, &zero, &zero, &zero, &zero, &zero, &zero}
		if _, err := usecase.RecordCheckIn(ctx, db, reg, owner, db.Now, def, answers, upshot.DateOf(testNow).AddDays(-7+i)); err != nil {
			t.Fatal(err)
		}
		item := &upshot.AgendaItem{Text: tag + " agenda item " + itoa(int64(i))}
		if _, err := usecase.AddAgendaItem(ctx, db, owner, db.Now, item); err != nil {
			t.Fatal(err)
		}
	}
	must(t, db.SetSetting(ctx, owner, upshot.SettingCrisisContacts, tag+" contacts"))
	if _, err := usecase.SavePlanText(ctx, db, owner, 0, map[string]string{upshot.PlanSections[0].Key: tag + " warning sign"}); err != nil {
		t.Fatal(err)
	}
	if _, err := usecase.NewCalendarFeed(ctx, db, owner); err != nil {
		t.Fatal(err)
	}
	must(t, db.CreateAPIToken(ctx, &upshot.APIToken{Owner: owner, Name: "script", TokenHash: "hash-of-" + tag, CreatedAt: db.Now()}))
	must(t, db.CreatePasskey(ctx, &upshot.Passkey{Owner: owner, CredentialID: []byte("credential-of-" + tag), UserHandle: []byte("handle-of-" + tag),
		PublicKey: []byte("key-of-" + tag), Authenticator: []byte(`{}`), Name: tag + " phone", CreatedAt: db.Now()}))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ownerState is everything of owner the walk must leave alone.
func ownerState(t *testing.T, db *store.DB, owner upshot.OwnerID) string {
	t.Helper()
	ctx := context.Background()
	snap, err := db.Export(ctx, owner)
	must(t, err)
	snap.ExportedAt = time.Time{} // the export's own time, not the owner's data
	sessions, err := db.AuthSessions(ctx, owner)
	must(t, err)
	feed, err := db.CalendarFeedSince(ctx, owner)
	must(t, err)
	tokens, err := db.APITokens(ctx, owner)
	must(t, err)
	passkeys, err := db.Passkeys(ctx, owner)
	must(t, err)
	acc, err := db.AccountByID(ctx, owner)
	must(t, err)
	b, err := json.Marshal(struct {
		Snap     *upshot.Snapshot
		Sessions []*upshot.AuthSession
		Feed     any
		Tokens   []*upshot.APIToken
		Passkeys []*upshot.Passkey
		Password string
	}{snap, sessions, feed, tokens, passkeys, acc.PasswordHash})
	must(t, err)
	return string(b)
}

func TestOwnerIsolationEveryRoute(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			a := newAccountsApp(t, db, nil, "anna", "bee")
			ctx := context.Background()
			anna, _ := db.FindAccount(ctx, "anna")
			bee, _ := db.FindAccount(ctx, "bee")
			seedOwner(t, db, a.reg, anna.ID, markerA, true)
			seedOwner(t, db, a.reg, bee.ID, "Bee", false)
			// A's sessions are in A's record (a red flag, worse after), so
			// that a record showing A's would show A's notes.
			annaSessionList, err := db.ListSessions(ctx, anna.ID, upshot.SessionFilter{})
			must(t, err)
			for _, s := range annaSessionList {
				s.Flags, s.After = []string{upshot.FlagBoundary}, upshot.AfterWorse
				must(t, db.UpdateSession(ctx, anna.ID, s))
			}
			a.signIn("anna")
			annaSessions, _ := db.AuthSessions(ctx, anna.ID)
			annaPasskeys, _ := db.Passkeys(ctx, anna.ID)
			b := a.signIn("bee")
			before := ownerState(t, db, anna.ID)
			if !strings.Contains(before, markerA) {
				t.Fatal("A's state does not hold the marker; the test would prove nothing")
			}

			routes := slices.Clone(a.srv.router.routes)
			// Reads first, then changes to A's records, then references to
			// them, then B's own writes: B's creates take B's next ids, which would then name
			// B's own records rather than A's.
			order := func(r route) int {
				switch {
				case strings.HasPrefix(r.pattern, "GET "):
					return 0
				case isolationCases[r.pattern].kind == isoForeign:
					return 1
				case isolationCases[r.pattern].kind == isoReference:
					return 2
				}
				return 3
			}
			slices.SortStableFunc(routes, func(x, y route) int { return order(x) - order(y) })
			// The record narrowed to A's therapist is not found, as a review is
			// (before the walk: B's writes make B a therapist 2).
			for _, p := range []string{"/record?therapist=2", "/api/v1/record?therapist=2", "/report?therapist=2&record=1&notes=1"} {
				r := a.sendBody("GET", p, "", b)
				if r.status != http.StatusNotFound || strings.Contains(r.text(), markerA) {
					t.Errorf("GET %s as B: %d, want 404 without A's data", p, r.status)
				}
			}
			covered := 0
			for _, rt := range routes {
				if rt.public || rt.signIn {
					continue
				}
				c, ok := isolationCases[rt.pattern]
				if !ok {
					t.Errorf("route %q has no owner-isolation case: add one to isolationCases", rt.pattern)
					continue
				}
				covered++
				method, path := isoRequest(t, rt.pattern, annaSessions[0].ID, annaPasskeys[0].ID)
				path += c.query
				bodies := c.bodies
				if len(bodies) == 0 {
					bodies = []string{""}
				}
				for _, body := range bodies {
					headers := []string{b}
					switch {
					case strings.HasPrefix(body, "{"):
						headers = append(headers, "Content-Type: application/json")
					case body != "":
						headers = append(headers, "Content-Type: application/x-www-form-urlencoded")
					}
					r := a.sendBody(method, path, body, headers...)
					what := method + " " + path + " " + body
					switch c.kind {
					case isoForeign:
						if r.status != http.StatusNotFound {
							t.Errorf("%s as B on A's record: %d, want 404", what, r.status)
						}
					case isoReference:
						if r.status != http.StatusNotFound && r.status != http.StatusUnprocessableEntity {
							t.Errorf("%s as B naming A's records: %d, want 404 or 422", what, r.status)
						}
					case isoOwn:
						if r.status >= 500 || r.status == http.StatusForbidden || r.status == http.StatusUnauthorized {
							t.Errorf("%s as B on B's own data: %d", what, r.status)
						}
					}
					if strings.Contains(r.text(), markerA) {
						t.Errorf("%s as B shows A's data:\n%.600s", what, r.text())
					}
					if after := ownerState(t, db, anna.ID); after != before {
						t.Fatalf("%s as B changed A's records, settings, plan, calendar or sessions", what)
					}
				}
			}
			if covered < 60 {
				t.Fatalf("only %d routes walked", covered)
			}
			t.Logf("%d gated routes walked as B against A's records", covered)
			// The cases name no route the router does not have.
			for p := range isolationCases {
				if !slices.ContainsFunc(a.srv.router.routes, func(r route) bool { return r.pattern == p }) {
					t.Errorf("isolationCases names %q, which the router does not have", p)
				}
			}
		})
	}
}

// isoRequest makes a concrete request for a pattern: {id} is A's id 2 (or
// A's signed-in session or passkey for the account routes).
func isoRequest(t *testing.T, pattern string, annaSession, annaPasskey int64) (method, path string) {
	t.Helper()
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern
	}
	var parts []string
	for _, p := range strings.Split(path, "/") {
		switch p {
		case "{$}":
			p = ""
		case "{id}":
			p = "2"
			if strings.HasPrefix(path, "/account/passkeys/") {
				p = itoa(annaPasskey)
			} else if strings.HasPrefix(path, "/account/") {
				p = itoa(annaSession)
			}
		case "{instrument}":
			p = "phq9"
		case "{slug}":
			p = "complain"
		case "{name}":
			p = string(upshot.SettingCrisisContacts)
		default:
			if strings.HasPrefix(p, "{") {
				t.Fatalf("route %q: no value for %s; teach isoRequest one", pattern, p)
			}
		}
		parts = append(parts, p)
	}
	path = strings.Join(parts, "/")
	switch path {
	case "/":
		if pattern == "/" {
			path = "/no-such-page"
		}
	case "/api/":
		path = "/api/v1/no-such-thing"
	}
	return method, path
}

// One server, three signed-in owners reading their cached pages (dashboard,
// session and check-in lists), the review and the export while each keeps
// writing (which moves their revision, so pages are rendered again at the
// same time as others are served): every answer shows its own owner's
// records and never another's (issue 13 item 6, the caches keyed by owner
// and revision).
func TestNoPageShowsAnotherOwnerUnderConcurrency(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			logins := []string{"alpha", "beta", "gamma"}
			a := newAccountsApp(t, db, nil, logins...)
			ctx := context.Background()
			marker := map[string]string{}
			cookie := map[string]string{}
			for _, l := range logins {
				acc, _ := db.FindAccount(ctx, l)
				marker[l] = "Owner-" + strings.ToUpper(l[:1]) + l[1:] + "-record"
				seedOwner(t, db, a.reg, acc.ID, marker[l], false)
				cookie[l] = a.signIn(l)
			}
			pages := []string{"/", "/api/v1/sessions", "/sessions", "/checkins", "/review", "/therapists", "/api/v1/export", "/api/v1/therapists", "/api/v1/checkins"}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			fetch := func(method, path, body, login string) (int, string, error) {
				req, err := http.NewRequest(method, a.ts.URL+path, strings.NewReader(body))
				if err != nil {
					return 0, "", err
				}
				k, v, _ := strings.Cut(cookie[login], ":")
				req.Header.Set(k, strings.TrimSpace(v))
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := client.Do(req)
				if err != nil {
					return 0, "", err
				}
				defer resp.Body.Close()
				var sb strings.Builder
				_, err = copyAll(&sb, resp)
				return resp.StatusCode, sb.String(), err
			}
			const rounds = 12
			var wg sync.WaitGroup
			for _, l := range logins {
				for g := range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range rounds {
							if (i+g)%3 == 0 {
								body := `{"name": "Dr ` + marker[l] + ` ` + itoa(int64(g*100+i)) + `"}`
								if st, _, err := fetch("POST", "/api/v1/therapists", body, l); err != nil || st != http.StatusCreated {
									t.Errorf("%s writes: %d, %v", l, st, err)
								}
								continue
							}
							p := pages[(i*2+g)%len(pages)]
							st, text, err := fetch("GET", p, "", l)
							if err != nil || st != http.StatusOK {
								t.Errorf("%s GET %s: %d, %v", l, p, st, err)
								continue
							}
							if p != "/checkins" && p != "/api/v1/checkins" && p != "/review" && !strings.Contains(text, marker[l]) {
								t.Errorf("%s GET %s does not show their own records", l, p)
							}
							for _, o := range logins {
								if o != l && strings.Contains(text, marker[o]) {
									t.Errorf("%s GET %s shows %s's records", l, p, o)
								}
							}
						}
					}()
				}
			}
			wg.Wait()
		})
	}
}
