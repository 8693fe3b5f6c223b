package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// What a client that keeps a copy of the records needs (issue 15 item 5):
//
//   - lists by time of change: limit, cursor and updated_since on every
//     list. Without them a list is what it always was (the whole list, in
//     its own order); with any of them it is one page in the order records
//     last changed (updated_at, then id), and a Link header (rel="next")
//     names the next page while the page came back full;
//   - deletions: GET /api/v1/deletions lists the tombstones of one kind;
//   - ETag on every record, If-None-Match on GET (304), If-Match on PUT and
//     DELETE (412 when the record changed since).

// pageParams are the query parameters every list takes beside its filters.
var pageParams = []string{"limit", "cursor", "updated_since"}

// maxPageLimit bounds a page.
const maxPageLimit = 1000

// pageQuery reads limit, cursor and updated_since; paged reports whether
// any was given.
func pageQuery(r *http.Request) (q upshot.ChangeQuery, paged bool, err error) {
	v := r.URL.Query()
	if s := v.Get("limit"); v.Has("limit") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageLimit {
			return q, true, upshot.Invalid("limit", "limit must be a whole number from 1 to %d, got %q", maxPageLimit, s)
		}
		q.Limit, paged = n, true
	}
	if s := v.Get("updated_since"); v.Has("updated_since") {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return q, true, upshot.Invalid("updated_since", "updated_since must be a date and time such as 2026-01-31T18:00:00Z (RFC 3339), got %q", s)
		}
		q.Since, paged = t.UTC(), true
	}
	if s := v.Get("cursor"); v.Has("cursor") {
		at, id, kind, ok := decodeCursor(s)
		if !ok {
			return q, true, upshot.Invalid("cursor", "cursor is not one this server gave; start again without it")
		}
		q.AfterAt, q.AfterID, q.AfterKind, paged = at, id, kind, true
	}
	return q, paged, nil
}

// A cursor is where a page ended: the last record's updated_at and id (and
// a tombstone's kind), opaque to clients (base64url), so its form may
// change.
func encodeCursor(at time.Time, id int64, kind string) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d.%s", at.UnixNano(), id, kind))
}

func decodeCursor(s string) (time.Time, int64, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, "", false
	}
	parts := strings.SplitN(string(b), ".", 3)
	if len(parts) != 3 {
		return time.Time{}, 0, "", false
	}
	n, err1 := strconv.ParseInt(parts[0], 10, 64)
	i, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || i < 0 || n < 0 {
		return time.Time{}, 0, "", false
	}
	return time.Unix(0, n).UTC(), i, parts[2], true
}

// writeListPage answers one page and, when it came back full, the Link to the
// next: the same request with the cursor after its last record.
func writeListPage[T any](s *Server, w http.ResponseWriter, r *http.Request, q upshot.ChangeQuery, list []T, last func(T) (time.Time, int64, string)) {
	p, err := buildPage(r, q, list, last)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.write(w)
}

// listPage is a page as sent: its body and its Link header.
type listPage struct {
	body []byte
	link string
}

func buildPage[T any](r *http.Request, q upshot.ChangeQuery, list []T, last func(T) (time.Time, int64, string)) (listPage, error) {
	var p listPage
	if q.Limit > 0 && len(list) == q.Limit {
		at, id, kind := last(list[len(list)-1])
		next := r.URL.Query()
		next.Set("cursor", encodeCursor(at, id, kind))
		u := url.URL{Path: r.URL.Path, RawQuery: next.Encode()}
		p.link = fmt.Sprintf(`<%s>; rel="next"`, u.String())
	}
	var err error
	p.body, err = encodeList(list)
	return p, err
}

func (p listPage) write(w http.ResponseWriter) {
	if p.link != "" {
		w.Header().Set("Link", p.link)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(p.body)
}

// pageCache keeps built pages by owner, revision and request, as the full
// lists are kept (lists.go): a client that asks for the same page again
// while nothing changed (a phone polling for what changed since) gets the
// bytes, not another read and encoding. Bounded: when full it starts over.
type listPages struct {
	mu sync.Mutex
	m  map[listPageKey]listPage
}

type listPageKey struct {
	owner    upshot.OwnerID
	revision int64
	request  string // path and query, the query in a canonical order
}

// maxCachedPages bounds the page cache (a page of 50 sessions is 35 KB).
const maxCachedPages = 64

func (c *listPages) get(k listPageKey) (listPage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[k]
	return p, ok
}

func (c *listPages) put(k listPageKey, p listPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedPages {
		c.m = map[listPageKey]listPage{}
	}
	c.m[k] = p
}

// changed answers a list's page when the request asks for one, and reports
// whether it did.
func changed[T any](s *Server, w http.ResponseWriter, r *http.Request,
	page func(context.Context, upshot.OwnerID, upshot.ChangeQuery) ([]T, error), meta func(T) upshot.Meta, id func(T) int64) bool {
	q, paged, err := pageQuery(r)
	if !paged {
		return false
	}
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	// The revision is read before the records: a write in between makes
	// the page look stale, never current.
	rev, err := s.store.Revision(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	key := listPageKey{owner: ownerOf(r), revision: rev, request: r.URL.Path + "?" + r.URL.Query().Encode()}
	if p, ok := s.pages.get(key); ok {
		p.write(w)
		return true
	}
	list, err := page(r.Context(), ownerOf(r), q)
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	p, err := buildPage(r, q, list, func(v T) (time.Time, int64, string) { return meta(v).UpdatedAt, id(v), "" })
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	s.pages.put(key, p)
	p.write(w)
	return true
}

// apiDeletions lists the tombstones of one kind of record, or of all.
func (s *Server) apiDeletions(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("kind")
	switch kind {
	case "", upshot.KindTherapist, upshot.KindGoal, upshot.KindSession, upshot.KindCheckIn, upshot.KindAgendaItem:
	default:
		s.fail(w, r, upshot.Invalid("kind", "kind must be one of therapist, goal, session, checkin, agenda_item (or left out for all), got %q", kind))
		return
	}
	q, _, err := pageQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !r.URL.Query().Has("updated_since") {
		// Every deletion still kept: a client starting out needs none.
		s.listTombstones(w, r, kind, q)
		return
	}
	settings, err := s.store.Settings(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	days := settings.Int(upshot.SettingTombstoneDays)
	if horizon := s.now().Add(-time.Duration(days) * 24 * time.Hour); q.Since.Before(horizon) {
		// Deletions before the horizon are forgotten, so a list from
		// further back would be incomplete: the client must read
		// everything again rather than keep records deleted long ago.
		s.fail(w, r, upshot.Errorf(codeGone, "updated_since",
			"deletions are kept for %d days (the setting tombstone_days); updated_since must be after %s: read the whole lists again (without updated_since), then ask for deletions since then",
			days, horizon.UTC().Format(time.RFC3339)))
		return
	}
	s.listTombstones(w, r, kind, q)
}

func (s *Server) listTombstones(w http.ResponseWriter, r *http.Request, kind string, q upshot.ChangeQuery) {
	list, err := s.store.Tombstones(r.Context(), ownerOf(r), kind, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeListPage(s, w, r, q, list, func(t upshot.Tombstone) (time.Time, int64, string) { return t.DeletedAt, t.ID, t.Kind })
}

// ETags. A therapist's, goal's, session's or agenda item's ETag is its
// version, so that a client holding a record from a list can send If-Match
// without reading it again. A check-in's also covers its scores, which
// change when an earlier check-in of the same questionnaire is corrected:
// "version-hash".

func versionETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// contentETag is the ETag of a representation that is more than its
// version: the version and a hash of the JSON body, which it returns too.
func contentETag(version int, v any) (string, []byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(body)
	return fmt.Sprintf(`"%d-%s"`, version, base64.RawURLEncoding.EncodeToString(sum[:9])), body, nil
}

// writeRawJSON answers with a body already encoded, as writeJSON would.
func writeRawJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// ifMatch reads If-Match and whether it was given.
func ifMatch(r *http.Request) (etag string, given bool) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	return v, v != ""
}

func preconditionFailed(sent, current string) error {
	return upshot.Errorf(codePrecondition, "If-Match",
		"the record changed since you read it: If-Match is %s, the record's ETag is now %s; read it again and redo your change", sent, current)
}

// notModified answers 304 when If-None-Match names etag (or is "*").
func notModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, e := range strings.Split(inm, ",") {
		e = strings.TrimPrefix(strings.TrimSpace(e), "W/") // If-None-Match compares weakly
		if e == etag || e == "*" {
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

// pagedRequest reports whether the request asks for a page.
func pagedRequest(r *http.Request) bool {
	q := r.URL.Query()
	return q.Has("limit") || q.Has("cursor") || q.Has("updated_since")
}

// filterAndPage refuses a list's filters combined with paging: a page is
// of the records in the order they changed, which a client keeps whole.
func filterAndPage(filters string) error {
	return upshot.Invalid("limit", "%s cannot be combined with limit, cursor or updated_since: pages are of every record, in the order they changed; filter your copy", filters)
}
