package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// tick makes the app's clock (server and store) advance a second on every
// reading, so records changed one after another have distinct updated_at.
func (a *app) tick() {
	var mu sync.Mutex
	now := testNow
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	a.db.Now, a.srv.now = clock, clock
}

var linkNext = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// pages follows a list's Link headers from path to the end and returns
// every record it read, in order, and how many pages that took.
func (a *app) pages(path string) ([]map[string]any, int) {
	a.t.Helper()
	var all []map[string]any
	n := 0
	for path != "" {
		r := a.get(path)
		if r.status != http.StatusOK {
			a.t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		var page []map[string]any
		decode(a.t, r, &page)
		all = append(all, page...)
		n++
		path = ""
		if l := r.header.Get("Link"); l != "" {
			m := linkNext.FindStringSubmatch(l)
			if m == nil {
				a.t.Fatalf("Link %q", l)
			}
			path = m[1]
		}
		if n > 100 {
			a.t.Fatal("more than 100 pages")
		}
	}
	return all, n
}

func ids(list []map[string]any) string {
	var out []string
	for _, m := range list {
		out = append(out, fmt.Sprint(m["id"]))
	}
	return strings.Join(out, ",")
}

// Lists page in the order records changed; the whole list stays the
// default; updated_since gives what changed after a time; deletions are
// listed by GET /deletions (issue 15 item 5).
func TestAPIPagesAndChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *app) {
		a.tick()
		var created []map[string]any
		for i := range 7 {
			r := a.sendJSON("POST", "/api/v1/therapists", fmt.Sprintf(`{"name": "Dr. %c"}`, 'A'+i))
			var m map[string]any
			decode(t, r, &m)
			created = append(created, m)
		}
		full := a.get("/api/v1/therapists")
		var whole []map[string]any
		decode(t, full, &whole)
		if full.header.Get("Link") != "" || len(whole) != 7 {
			t.Fatalf("the whole list: %d records, Link %q", len(whole), full.header.Get("Link"))
		}
		got, n := a.pages("/api/v1/therapists?limit=3")
		if ids(got) != ids(created) || n != 3 {
			t.Errorf("pages of 3: %s in %d pages, want %s in 3", ids(got), n, ids(created))
		}

		// Two change, one goes: updated_since after the creations gives the
		// two, in the order they changed, and the deletion is listed.
		mark := created[6]["updated_at"].(string)
		for _, i := range []int{4, 1} {
			m := created[i]
			m["approach"] = "CBT"
			body, _ := json.Marshal(m)
			if r := a.sendJSON("PUT", fmt.Sprintf("/api/v1/therapists/%v", m["id"]), string(body)); r.status != http.StatusOK {
				t.Fatalf("PUT: %d %s", r.status, r.body)
			}
		}
		if r := a.do("DELETE", fmt.Sprintf("/api/v1/therapists/%v", created[2]["id"]), nil); r.status != http.StatusNoContent {
			t.Fatalf("DELETE: %d %s", r.status, r.body)
		}
		since := url.QueryEscape(mark)
		got, _ = a.pages("/api/v1/therapists?updated_since=" + since + "&limit=1")
		if want := ids([]map[string]any{created[4], created[1]}); ids(got) != want {
			t.Errorf("changed since the creations: %s, want %s", ids(got), want)
		}
		dead, _ := a.pages("/api/v1/deletions?kind=therapist&updated_since=" + since)
		if len(dead) != 1 || dead[0]["id"] != created[2]["id"] || dead[0]["kind"] != "therapist" || dead[0]["deleted_at"] == nil {
			t.Errorf("deletions since the creations: %v", dead)
		}
		if dead, _ := a.pages("/api/v1/deletions?kind=goal"); len(dead) != 0 {
			t.Errorf("goal deletions: %v", dead)
		}
		// Every kind at once, a page of one at a time.
		goal := a.sendJSON("POST", "/api/v1/goals", `{"title": "gone soon", "domain": "work"}`)
		var gm map[string]any
		decode(t, goal, &gm)
		a.do("DELETE", fmt.Sprintf("/api/v1/goals/%v", gm["id"]), nil)
		if dead, n := a.pages("/api/v1/deletions?limit=1"); len(dead) != 2 || n != 3 || dead[0]["kind"] != "therapist" || dead[1]["kind"] != "goal" {
			t.Errorf("every deletion, one a page: %v in %d pages", dead, n)
		}

		for _, c := range []struct{ path, field string }{
			{"/api/v1/therapists?limit=0", "limit"},
			{"/api/v1/therapists?limit=1001", "limit"},
			{"/api/v1/therapists?cursor=nonsense", "cursor"},
			{"/api/v1/goals?updated_since=yesterday", "updated_since"},
			{"/api/v1/sessions?therapist=1&limit=5", "limit"},
			{"/api/v1/deletions?kind=therapists", "kind"},
		} {
			if r := a.get(c.path); r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != c.field {
				t.Errorf("GET %s: %d %s, want 422 on %s", c.path, r.status, r.body, c.field)
			}
		}
		// A page asked again after a change shows it (built pages are kept
		// by the owner's revision).
		const again = "/api/v1/therapists?limit=50"
		before := a.get(again)
		var fresh map[string]any
		decode(t, a.get(fmt.Sprintf("/api/v1/therapists/%v", created[0]["id"])), &fresh)
		fresh["approach"] = "asked again"
		body, _ := json.Marshal(fresh)
		if r := a.sendJSON("PUT", fmt.Sprintf("/api/v1/therapists/%v", fresh["id"]), string(body)); r.status != http.StatusOK {
			t.Fatalf("PUT: %d %s", r.status, r.body)
		}
		if after := a.get(again); string(after.body) == string(before.body) || !strings.Contains(string(after.body), "asked again") {
			t.Errorf("the page asked again after a change: %s", after.body)
		}

		// Deletions are kept tombstone_days: from before then, the client
		// must read everything again.
		old := url.QueryEscape(testNow.Add(-91 * 24 * time.Hour).Format(time.RFC3339))
		if r := a.get("/api/v1/deletions?kind=therapist&updated_since=" + old); r.status != http.StatusGone || apiErrOf(t, r).Field != "updated_since" {
			t.Errorf("deletions from 91 days back: %d %s, want 410", r.status, r.body)
		}
	})
}

// Every record has an ETag; GET honours If-None-Match, PUT and DELETE
// honour If-Match.
func TestAPIETags(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *app) {
		a.tick()
		therapist, _ := a.seed()
		checkin := a.sendJSON("POST", "/api/v1/checkins", `{"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0], "date": "2025-06-01"}`)
		var ci map[string]any
		decode(t, checkin, &ci)
		item := a.sendJSON("POST", "/api/v1/agenda", `{"text": "ask about the plan"}`)
		var ai map[string]any
		decode(t, item, &ai)
		for _, path := range []string{
			fmt.Sprintf("/api/v1/therapists/%d", therapist),
			fmt.Sprintf("/api/v1/checkins/%v", ci["id"]),
			fmt.Sprintf("/api/v1/agenda/%v", ai["id"]),
		} {
			r := a.get(path)
			etag := r.header.Get("ETag")
			if r.status != http.StatusOK || !strings.HasPrefix(etag, `"`) {
				t.Fatalf("GET %s: %d ETag %q", path, r.status, etag)
			}
			if r := a.get(path, "If-None-Match: "+etag); r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != etag {
				t.Errorf("GET %s If-None-Match its ETag: %d %q", path, r.status, r.body)
			}
			if r := a.get(path, `If-None-Match: "0"`); r.status != http.StatusOK {
				t.Errorf("GET %s If-None-Match another: %d", path, r.status)
			}
		}
		if checkin.header.Get("ETag") == "" {
			t.Error("POST check-in: no ETag")
		}

		// PUT with If-Match and no version in the body; then the old ETag
		// is stale: 412, and nothing changes.
		path := fmt.Sprintf("/api/v1/therapists/%d", therapist)
		r := a.get(path)
		etag := r.header.Get("ETag")
		put := func(body, match string) response {
			return a.do("PUT", path, strings.NewReader(body), "Content-Type: application/json", "If-Match: "+match)
		}
		if r := put(`{"name": "Dr. A", "approach": "CBT"}`, etag); r.status != http.StatusOK || r.header.Get("ETag") == etag || r.header.Get("ETag") == "" {
			t.Fatalf("PUT If-Match %s: %d %s ETag %q", etag, r.status, r.body, r.header.Get("ETag"))
		}
		if r := put(`{"name": "Dr. A", "approach": "lost"}`, etag); r.status != http.StatusPreconditionFailed || apiErrOf(t, r).Code != codePrecondition {
			t.Errorf("PUT with a stale If-Match: %d %s, want 412", r.status, r.body)
		}
		if r := put(`{"name": "Dr. A", "version": 1}`, `"2"`); r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != "version" {
			t.Errorf("PUT If-Match 2 with version 1: %d %s, want 422", r.status, r.body)
		}
		if r := a.do("DELETE", path, nil, "If-Match: "+etag); r.status != http.StatusPreconditionFailed {
			t.Errorf("DELETE with a stale If-Match: %d %s, want 412", r.status, r.body)
		}
		var th upshot.Therapist
		decode(t, a.get(path), &th)
		if th.Approach != "CBT" || th.Version != 2 {
			t.Errorf("after refused changes: %+v", th)
		}

		// A check-in's ETag covers its scores: correcting an earlier one
		// changes it, so a PUT or DELETE holding the old one is refused.
		cpath := fmt.Sprintf("/api/v1/checkins/%v", ci["id"])
		cr := a.get(cpath)
		cetag := cr.header.Get("ETag")
		earlier := a.sendJSON("POST", "/api/v1/checkins", `{"instrument": "phq9", "answers": [3, 3, 3, 3, 3, 3, 3, 3, 0], "date": "2025-05-01"}`)
		if earlier.status != http.StatusCreated {
			t.Fatalf("POST: %d %s", earlier.status, earlier.body)
		}
		if now := a.get(cpath).header.Get("ETag"); now == cetag {
			t.Errorf("a check-in's ETag did not change when an earlier check-in changed its change: %s", now)
		}
		if r := a.do("DELETE", cpath, nil, "If-Match: "+cetag); r.status != http.StatusPreconditionFailed {
			t.Errorf("DELETE check-in with its old ETag: %d %s", r.status, r.body)
		}
		cetag = a.get(cpath).header.Get("ETag")
		if r := a.do("DELETE", cpath, nil, "If-Match: "+cetag); r.status != http.StatusNoContent {
			t.Errorf("DELETE check-in with its ETag: %d %s", r.status, r.body)
		}
		if r := a.do("DELETE", fmt.Sprintf("/api/v1/agenda/%v", ai["id"]), nil, `If-Match: "1"`); r.status != http.StatusPreconditionFailed {
			t.Errorf("DELETE agenda item with a version ETag: %d %s, want 412 (its ETag is the entry's)", r.status, r.body)
		}
	})
}

// syncClient is a program that keeps a copy of the therapists, as a phone
// or a sync tool would: it reads pages by time of change, applies
// deletions, and changes records with If-Match.
type syncClient struct {
	a    *app
	t    *testing.T
	name string
	kind syncKind
	recs map[int64]map[string]any
	mark time.Time // the latest change it has read
	// etags are the ETags GET gave for the records of a kind whose ETag is
	// more than the version (an agenda entry's covers its history).
	etags map[int64]string
}

// syncKind is the kind of record a syncClient keeps a copy of.
type syncKind struct {
	path      string // the list's
	tombstone string // the kind its deletions are listed as
	field     string // the one a new record is created with
	entry     bool   // lists and GET give the record inside an entry's "item"
}

var (
	syncTherapists = syncKind{path: "/api/v1/therapists", tombstone: "therapist", field: "name"}
	syncAgenda     = syncKind{path: "/api/v1/agenda", tombstone: "agenda_item", field: "text", entry: true}
)

func newSyncClient(t *testing.T, a *app, name string) *syncClient {
	return newSyncClientOf(t, a, name, syncTherapists)
}

func newSyncClientOf(t *testing.T, a *app, name string, kind syncKind) *syncClient {
	return &syncClient{a: a, t: t, name: name, kind: kind, recs: map[int64]map[string]any{}, etags: map[int64]string{}}
}

// read GETs a record afresh, with its ETag; false when it is gone.
func (c *syncClient) read(id int64) bool {
	c.t.Helper()
	r := c.a.get(fmt.Sprintf("%s/%d", c.kind.path, id))
	if r.status == http.StatusNotFound {
		delete(c.recs, id)
		delete(c.etags, id)
		return false
	}
	var m map[string]any
	decode(c.t, r, &m)
	c.recs[id], c.etags[id] = c.record(m), r.header.Get("ETag")
	return true
}

// ifMatch is what the client sends as If-Match for its copy: the version
// (a therapist's ETag), or the ETag GET gave.
func (c *syncClient) ifMatch(id int64) string {
	if c.kind.entry {
		return c.etags[id]
	}
	return fmt.Sprintf(`"%v"`, c.recs[id]["version"])
}

// record is the record in what a list or GET gave.
func (c *syncClient) record(m map[string]any) map[string]any {
	if c.kind.entry {
		return m["item"].(map[string]any)
	}
	return m
}

func idOf(m map[string]any) int64 { return int64(m["id"].(float64)) }

func timeOf(t *testing.T, v any) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, v.(string))
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// sync reads what changed since the last sync, a page of two at a time
// (from a minute before, as the document advises; versions it holds
// already are skipped), then the deletions.
func (c *syncClient) sync() {
	c.t.Helper()
	q := "limit=2"
	if !c.mark.IsZero() {
		q += "&updated_since=" + url.QueryEscape(c.mark.Add(-time.Minute).Format(time.RFC3339Nano))
	}
	mark := c.mark
	list, _ := c.a.pages(c.kind.path + "?" + q)
	for _, m := range list {
		m = c.record(m)
		if have, ok := c.recs[idOf(m)]; !ok || have["version"].(float64) < m["version"].(float64) {
			c.recs[idOf(m)] = m
			if c.kind.entry { // a list has no ETags: read the changed ones'
				c.read(idOf(m))
			}
		}
		if at := timeOf(c.t, m["updated_at"]); at.After(mark) {
			mark = at
		}
	}
	dead, _ := c.a.pages("/api/v1/deletions?kind=" + c.kind.tombstone + "&" + q)
	for _, d := range dead {
		delete(c.recs, idOf(d))
		delete(c.etags, idOf(d))
		if at := timeOf(c.t, d["deleted_at"]); at.After(mark) {
			mark = at
		}
	}
	c.mark = mark
}

// edit changes a field of its copy and sends it with If-Match. When the
// record changed meanwhile (412) it reads it again and makes its change
// on the fresh copy; when it was deleted (404) it drops its copy: an edit
// never brings a deleted record back.
func (c *syncClient) edit(id int64, field, value string) (status int) {
	c.t.Helper()
	for range 3 {
		m, ok := c.recs[id]
		if !ok {
			c.t.Fatalf("%s has no record %d", c.name, id)
		}
		body := map[string]any{}
		for k, v := range m {
			body[k] = v
		}
		delete(body, "version") // If-Match names it
		body[field] = value
		b, _ := json.Marshal(body)
		path := fmt.Sprintf("%s/%d", c.kind.path, id)
		r := c.a.do("PUT", path, strings.NewReader(string(b)), "Content-Type: application/json", "If-Match: "+c.ifMatch(id))
		switch r.status {
		case http.StatusOK:
			var got map[string]any
			decode(c.t, r, &got)
			c.recs[id], c.etags[id] = got, r.header.Get("ETag")
			return r.status
		case http.StatusNotFound:
			delete(c.recs, id)
			return r.status
		case http.StatusPreconditionFailed:
			if !c.read(id) {
				return http.StatusNotFound
			}
		default:
			c.t.Fatalf("%s PUT %s: %d %s", c.name, path, r.status, r.body)
		}
	}
	c.t.Fatalf("%s could not edit record %d in 3 tries", c.name, id)
	return 0
}

// remove deletes with If-Match; a record changed since it was read is read
// again first (the person sees the change), then deleted.
func (c *syncClient) remove(id int64) int {
	c.t.Helper()
	path := fmt.Sprintf("%s/%d", c.kind.path, id)
	for range 3 {
		r := c.a.do("DELETE", path, nil, "If-Match: "+c.ifMatch(id))
		switch r.status {
		case http.StatusNoContent, http.StatusNotFound:
			delete(c.recs, id)
			return r.status
		case http.StatusPreconditionFailed:
			c.read(id)
		default:
			c.t.Fatalf("%s DELETE %s: %d %s", c.name, path, r.status, r.body)
		}
	}
	c.t.Fatalf("%s could not delete record %d", c.name, id)
	return 0
}

// create POSTs a record with an Idempotency-Key, sent twice as after a
// lost answer.
func (c *syncClient) create(name, key string) int64 {
	c.t.Helper()
	var id int64
	for range 2 {
		r := c.a.do("POST", c.kind.path, strings.NewReader(fmt.Sprintf(`{%q: %q}`, c.kind.field, name)),
			"Content-Type: application/json", "Idempotency-Key: "+key)
		if r.status != http.StatusCreated {
			c.t.Fatalf("%s POST: %d %s", c.name, r.status, r.body)
		}
		var m map[string]any
		decode(c.t, r, &m)
		if id != 0 && idOf(m) != id {
			c.t.Fatalf("a retried POST made record %d beside %d", idOf(m), id)
		}
		id = idOf(m)
		c.recs[id], c.etags[id] = m, r.header.Get("ETag")
	}
	return id
}

// The sync test of issue 15: two clients edit and delete the same records
// with ETags, cursors and updated_since, and converge with no lost update
// and no resurrected deletion, on SQLite and PostgreSQL.
func TestSyncTwoClients(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *app) {
		a.tick()
		phone, laptop := newSyncClient(t, a, "phone"), newSyncClient(t, a, "laptop")
		var tid []int64
		for i := range 5 {
			tid = append(tid, phone.create(fmt.Sprintf("Dr. %c", 'A'+i), fmt.Sprintf("seed-%d", i)))
		}
		phone.sync()
		laptop.sync()
		if len(laptop.recs) != 5 {
			t.Fatalf("laptop after its first sync: %d therapists, want 5", len(laptop.recs))
		}

		// Both change therapist 0, each a different field, from the same
		// copy: the second is told (412), reads again, and both changes stay.
		if st := phone.edit(tid[0], "approach", "CBT"); st != http.StatusOK {
			t.Fatalf("phone edit: %d", st)
		}
		if st := laptop.edit(tid[0], "credentials", "PhD"); st != http.StatusOK {
			t.Fatalf("laptop edit: %d", st)
		}
		// The phone deletes therapist 1; the laptop, not yet told, edits it:
		// 404, and it drops its copy instead of bringing it back.
		if st := phone.remove(tid[1]); st != http.StatusNoContent {
			t.Fatalf("phone delete: %d", st)
		}
		if st := laptop.edit(tid[1], "approach", "stale"); st != http.StatusNotFound {
			t.Errorf("laptop edit of a deleted therapist: %d, want 404", st)
		}
		// The phone edits therapist 2; the laptop deletes it from its old
		// copy: 412, it reads the edit, then deletes. The phone's next edit
		// finds it gone.
		phone.edit(tid[2], "approach", "schema therapy")
		if st := laptop.remove(tid[2]); st != http.StatusNoContent {
			t.Fatalf("laptop delete: %d", st)
		}
		if st := phone.edit(tid[2], "approach", "after"); st != http.StatusNotFound {
			t.Errorf("phone edit of a therapist the laptop deleted: %d, want 404", st)
		}
		// New ones on both, one of them retried.
		phone.create("Dr. F", "phone-new")
		laptop.create("Dr. G", "laptop-new")
		// The laptop edits therapist 3 twice, the phone once later.
		laptop.edit(tid[3], "approach", "ACT")
		laptop.edit(tid[3], "credentials", "MSc")
		phone.edit(tid[3], "currency", "EUR")

		phone.sync()
		laptop.sync()
		var server []map[string]any
		decode(t, a.get("/api/v1/therapists"), &server)
		want := map[int64]map[string]any{}
		for _, m := range server {
			want[idOf(m)] = m
		}
		for _, c := range []*syncClient{phone, laptop} {
			if len(c.recs) != len(want) {
				t.Errorf("%s holds %d therapists, the server %d", c.name, len(c.recs), len(want))
			}
			for id, m := range want {
				got, _ := json.Marshal(c.recs[id])
				exp, _ := json.Marshal(m)
				if string(got) != string(exp) {
					t.Errorf("%s's therapist %d:\n got %s\nwant %s", c.name, id, got, exp)
				}
			}
			for _, gone := range []int64{tid[1], tid[2]} {
				if _, ok := c.recs[gone]; ok {
					t.Errorf("%s still holds deleted therapist %d", c.name, gone)
				}
			}
		}
		if len(want) != 5 {
			t.Errorf("the server holds %d therapists, want 5 (5 + 2 new - 2 deleted)", len(want))
		}
		t0, t3 := want[tid[0]], want[tid[3]]
		if t0["approach"] != "CBT" || t0["credentials"] != "PhD" {
			t.Errorf("a lost update on therapist 0: %v", t0)
		}
		if t3["approach"] != "ACT" || t3["credentials"] != "MSc" || t3["currency"] != "EUR" {
			t.Errorf("a lost update on therapist 3: %v", t3)
		}
		// A third client that synced before the deletions and comes back
		// learns of them and keeps nothing deleted.
		late := newSyncClient(t, a, "late")
		late.mark = testNow
		late.recs[tid[1]] = map[string]any{"id": float64(tid[1]), "version": float64(1)}
		late.sync()
		if _, ok := late.recs[tid[1]]; ok || len(late.recs) != 5 {
			t.Errorf("a client back after the deletions holds %d therapists (deleted %d: %v)", len(late.recs), tid[1], ok)
		}

		if dead, _ := a.pages("/api/v1/deletions?kind=therapist"); len(dead) != 2 {
			t.Errorf("this account's deletions: %v", dead)
		}
	})
}

// TestSyncTwoClients for agenda items: two clients edit and delete the same
// items with If-Match (the ETag a GET, POST or PUT gave: an entry's covers
// its history, so a list's version is not enough), cursors and
// updated_since, and converge with no lost update and no
// resurrected deletion, on SQLite and PostgreSQL.
func TestSyncTwoClientsAgenda(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *app) {
		a.tick()
		phone, laptop := newSyncClientOf(t, a, "phone", syncAgenda), newSyncClientOf(t, a, "laptop", syncAgenda)
		var ids []int64
		for i := range 5 {
			ids = append(ids, phone.create(fmt.Sprintf("Bring up point %d", i), fmt.Sprintf("agenda-seed-%d", i)))
		}
		phone.sync()
		laptop.sync()
		if len(laptop.recs) != 5 {
			t.Fatalf("laptop after its first sync: %d items, want 5", len(laptop.recs))
		}
		// Both change item 0 from the same copy, each a different field:
		// the second is told (412), reads again, and both changes stay.
		if st := phone.edit(ids[0], "text", "Bring up the homework"); st != http.StatusOK {
			t.Fatalf("phone edit: %d", st)
		}
		if st := laptop.edit(ids[0], "status", "dealt_with"); st != http.StatusOK {
			t.Fatalf("laptop edit: %d", st)
		}
		// The phone deletes item 1; the laptop, not yet told, edits it: 404,
		// and it drops its copy instead of bringing it back.
		if st := phone.remove(ids[1]); st != http.StatusNoContent {
			t.Fatalf("phone delete: %d", st)
		}
		if st := laptop.edit(ids[1], "text", "stale"); st != http.StatusNotFound {
			t.Errorf("laptop edit of a deleted item: %d, want 404", st)
		}
		// The phone edits item 2; the laptop deletes it from its old copy:
		// 412, it reads the edit, then deletes. The phone's next edit finds
		// it gone.
		phone.edit(ids[2], "text", "Ask about the fee")
		if st := laptop.remove(ids[2]); st != http.StatusNoContent {
			t.Fatalf("laptop delete: %d", st)
		}
		if st := phone.edit(ids[2], "text", "after"); st != http.StatusNotFound {
			t.Errorf("phone edit of an item the laptop deleted: %d, want 404", st)
		}
		phone.create("Say what helped", "agenda-phone-new")
		laptop.create("Ask for the reading list", "agenda-laptop-new")
		// The laptop edits item 3 twice, the phone once later.
		laptop.edit(ids[3], "text", "Ask about sleep")
		laptop.edit(ids[3], "source", "review")
		phone.edit(ids[3], "status", "dropped")

		phone.sync()
		laptop.sync()
		var server []map[string]any
		decode(t, a.get("/api/v1/agenda"), &server)
		want := map[int64]map[string]any{}
		for _, e := range server {
			it := e["item"].(map[string]any)
			want[idOf(it)] = it
		}
		for _, c := range []*syncClient{phone, laptop} {
			if len(c.recs) != len(want) {
				t.Errorf("%s holds %d items, the server %d", c.name, len(c.recs), len(want))
			}
			for id, m := range want {
				got, _ := json.Marshal(c.recs[id])
				exp, _ := json.Marshal(m)
				if string(got) != string(exp) {
					t.Errorf("%s's item %d:\n got %s\nwant %s", c.name, id, got, exp)
				}
			}
			for _, gone := range []int64{ids[1], ids[2]} {
				if _, ok := c.recs[gone]; ok {
					t.Errorf("%s still holds deleted item %d", c.name, gone)
				}
			}
		}
		if len(want) != 5 {
			t.Errorf("the server holds %d items, want 5 (5 + 2 new - 2 deleted)", len(want))
		}
		i0, i3 := want[ids[0]], want[ids[3]]
		if i0["text"] != "Bring up the homework" || i0["status"] != "dealt_with" {
			t.Errorf("a lost update on item 0: %v", i0)
		}
		if i3["text"] != "Ask about sleep" || i3["source"] != "review" || i3["status"] != "dropped" {
			t.Errorf("a lost update on item 3: %v", i3)
		}
		// A client back after the deletions learns of them.
		late := newSyncClientOf(t, a, "late", syncAgenda)
		late.mark = testNow
		late.recs[ids[1]] = map[string]any{"id": float64(ids[1]), "version": float64(1)}
		late.sync()
		if _, ok := late.recs[ids[1]]; ok || len(late.recs) != 5 {
			t.Errorf("a client back after the deletions holds %d items (deleted %d: %v)", len(late.recs), ids[1], ok)
		}
		if dead, _ := a.pages("/api/v1/deletions?kind=agenda_item"); len(dead) != 2 {
			t.Errorf("this account's agenda deletions: %v", dead)
		}
	})
}

// GET /api/v1/agenda pages like the other lists: limit, cursor and
// updated_since give entries in the order their items last changed, each
// with its history, a Link to the next page while one came back full; the
// whole list without them is the agenda in its own order, as before.
func TestAPIAgendaPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *app) {
		a.tick()
		therapist, _ := a.seed()
		var created []map[string]any
		for i := range 5 {
			r := a.sendJSON("POST", "/api/v1/agenda", fmt.Sprintf(`{"text": "Point %d"}`, i))
			var m map[string]any
			decode(t, r, &m)
			created = append(created, m)
		}
		if r := a.sendJSON("POST", "/api/v1/sessions", fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-16", "agenda_items": [{"item_id": %v, "mark": "raised"}]}`,
			therapist, created[0]["id"])); r.status != http.StatusCreated {
			t.Fatalf("POST session: %d %s", r.status, r.body)
		}
		items := func(entries []map[string]any) string {
			var out []map[string]any
			for _, e := range entries {
				out = append(out, e["item"].(map[string]any))
			}
			return ids(out)
		}
		whole := a.get("/api/v1/agenda")
		if whole.header.Get("Link") != "" {
			t.Errorf("the whole agenda has a Link: %q", whole.header.Get("Link"))
		}
		got, n := a.pages("/api/v1/agenda?limit=2")
		if items(got) != ids(created) || n != 3 {
			t.Errorf("pages of 2: %s in %d pages, want %s in 3", items(got), n, ids(created))
		}
		if got[0]["raised"] != float64(1) || len(got[0]["history"].([]any)) != 1 {
			t.Errorf("a paged entry without its history: %v", got[0])
		}
		mark := url.QueryEscape(created[4]["updated_at"].(string))
		m := created[2]
		m["text"] = "Point 2, reworded"
		body, _ := json.Marshal(m)
		if r := a.sendJSON("PUT", fmt.Sprintf("/api/v1/agenda/%v", m["id"]), string(body)); r.status != http.StatusOK {
			t.Fatalf("PUT: %d %s", r.status, r.body)
		}
		got, _ = a.pages("/api/v1/agenda?updated_since=" + mark)
		if len(got) != 1 || got[0]["item"].(map[string]any)["text"] != "Point 2, reworded" {
			t.Errorf("changed since the creations: %v", got)
		}
		for _, q := range []string{"limit=0", "cursor=nonsense", "updated_since=yesterday"} {
			if r := a.get("/api/v1/agenda?" + q); r.status != http.StatusUnprocessableEntity {
				t.Errorf("GET /api/v1/agenda?%s: %d %s, want 422", q, r.status, r.body)
			}
		}
	})
}
