package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a client
// that may send a POST twice (a phone whose connection dropped before the
// answer came, an offline queue sent again) names the request with a key it
// makes up, and a retry with the same key gets the first answer instead of
// a second record. The answer is kept per owner for idempotencyTTL. The
// same key with another body is refused (422): the client has a bug, and
// guessing which request it meant would lose one. A retry while the first
// is still being answered is refused (409), to be tried again later. Only
// successes are kept: a refused request (4xx) wrote nothing, and a retry
// of it is answered afresh.
//
// The record a request creates and its key are committed together: the
// store notes the record on the key in the transaction that creates it
// (upshot.WithIdempotencyKey), and the answer, built after that commit, is
// kept in a second one. A server that stops between the two leaves a key
// naming its record without an answer; a retry is answered 201 from the
// record (answerRecorded), never by recording it again.

// idempotencyTTL is how long an answer is kept for its key: a day covers a
// phone that comes back online the next morning.
const idempotencyTTL = 24 * time.Hour

// maxIdempotencyKey bounds a key's length; a UUID is 36 characters.
const maxIdempotencyKey = 255

// idempotencyHeader is the request header naming the key; replayedHeader
// marks an answer given again from what was kept.
const (
	idempotencyHeader = "Idempotency-Key"
	replayedHeader    = "Idempotent-Replayed"
)

// idempotencyKey reads the header: a Structured Field string ("...") as the
// draft has it, or the same characters unquoted, as most clients send it.
func idempotencyKey(r *http.Request) (string, bool, error) {
	values := r.Header.Values(idempotencyHeader)
	if len(values) == 0 {
		return "", false, nil
	}
	bad := upshot.Invalid(idempotencyHeader, "%s must be one string of 1 to %d visible ASCII characters, such as a UUID", idempotencyHeader, maxIdempotencyKey)
	if len(values) > 1 {
		return "", true, bad
	}
	key := strings.TrimSpace(values[0])
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	if key == "" || len(key) > maxIdempotencyKey {
		return "", true, bad
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return "", true, bad
		}
	}
	return key, true, nil
}

// idempotent wraps a POST handler: without the header it runs as before.
func (s *Server) idempotent(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, has, err := idempotencyKey(r)
		if !has {
			h(w, r)
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// The body is read here to fingerprint the request, then given to
		// the handler as it came; one over the limit goes on to the
		// handler's own 413.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			s.fail(w, r, jsonError(err))
			return
		}
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
		if len(body) > maxBody {
			h(w, r)
			return
		}
		sum := sha256.New()
		io.WriteString(sum, r.Method+" "+r.URL.Path+"\n")
		sum.Write(body)
		hash := hex.EncodeToString(sum.Sum(nil))

		owner := ownerOf(r)
		kept, err := s.store.BeginIdempotent(r.Context(), owner, key, hash, idempotencyTTL)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if kept != nil {
			switch {
			case kept.RequestHash != hash:
				s.fail(w, r, upshot.Invalid(idempotencyHeader,
					"%s %q was used for another request (another path or body) in the last 24 hours; make a new key for each new request", idempotencyHeader, key))
			case kept.Status == 0 && kept.RecordID == 0:
				s.fail(w, r, upshot.Errorf(upshot.ECONFLICT, idempotencyHeader,
					"the first request with %s %q is still being answered; try again in a moment", idempotencyHeader, key))
			case kept.Status == 0:
				// The first request created its record (the key names it,
				// written in the same transaction) but its answer was never
				// kept: its server stopped in between, or is just keeping it.
				s.answerRecorded(w, r, owner, key, kept)
			default:
				if kept.Location != "" {
					w.Header().Set("Location", kept.Location)
				}
				if kept.ETag != "" {
					w.Header().Set("ETag", kept.ETag)
				}
				w.Header().Set(replayedHeader, "true")
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(kept.Status)
				io.WriteString(w, kept.Body)
			}
			return
		}
		// The store notes the record the handler creates on the key, in the
		// record's own transaction (upshot.WithIdempotencyKey).
		r = r.WithContext(upshot.WithIdempotencyKey(r.Context(), key))
		rec := &bufferedResponse{header: http.Header{}}
		h(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		// The key's fate is settled whatever the client's connection does
		// now: the record exists (or not) either way.
		ctx := context.WithoutCancel(r.Context())
		if status >= 200 && status < 300 {
			err = s.store.FinishIdempotent(ctx, owner, key, upshot.IdempotentAnswer{Status: status, Location: rec.header.Get("Location"),
				ETag: rec.header.Get("ETag"), Body: rec.body.String()})
		} else {
			err = s.store.AbandonIdempotent(ctx, owner, key)
		}
		if err != nil {
			// The answer stands; a retry with this key finds it in flight
			// (409) until the key expires, which is the safe side.
			s.log.Error("idempotency key not settled", "pattern", r.Pattern, "err", err)
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		w.Write(rec.body.Bytes())
	}
}

// answerRecorded answers a retry whose first request created a record but
// whose answer was not kept: 201 with the record as it is now (what the
// first answer held, unless it changed since), which is then kept for the
// key's further retries. A record deleted since is a conflict: it was
// recorded, once.
func (s *Server) answerRecorded(w http.ResponseWriter, r *http.Request, owner upshot.OwnerID, key string, kept *upshot.IdempotentAnswer) {
	location, etag, body, err := s.createdAnswer(r.Context(), owner, kept.RecordKind, kept.RecordID)
	if upshot.ErrorCode(err) == upshot.ENOTFOUND {
		err = upshot.Errorf(upshot.ECONFLICT, idempotencyHeader,
			"the request with %s %q was recorded (%s %d), and that record has since been deleted", idempotencyHeader, key, kept.RecordKind, kept.RecordID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answer := upshot.IdempotentAnswer{Status: http.StatusCreated, Location: location, ETag: etag, Body: string(body) + "\n"}
	if err := s.store.FinishIdempotent(context.WithoutCancel(r.Context()), owner, key, answer); err != nil {
		s.log.Error("idempotency key not settled", "pattern", r.Pattern, "err", err)
	}
	w.Header().Set("Location", location)
	w.Header().Set("ETag", etag)
	w.Header().Set(replayedHeader, "true")
	writeRawJSON(w, http.StatusCreated, body)
}

// createdAnswer is what a POST that created the record of kind and id
// answers: its Location, ETag and body (without the final newline).
func (s *Server) createdAnswer(ctx context.Context, owner upshot.OwnerID, kind string, id int64) (location, etag string, body []byte, err error) {
	var (
		v       any
		version int
		path    string
	)
	switch kind {
	case upshot.KindTherapist:
		t, err := s.store.FindTherapist(ctx, owner, id)
		if err != nil {
			return "", "", nil, err
		}
		v, version, path = newTherapistJSON(t), t.Version, "therapists"
	case upshot.KindGoal:
		g, err := s.store.FindGoal(ctx, owner, id)
		if err != nil {
			return "", "", nil, err
		}
		v, version, path = g, g.Version, "goals"
	case upshot.KindSession:
		ss, err := s.store.FindSession(ctx, owner, id)
		if err != nil {
			return "", "", nil, err
		}
		out, err := s.sessionOut(ctx, owner, ss)
		if err != nil {
			return "", "", nil, err
		}
		v, version, path = out, ss.Version, "sessions"
	case upshot.KindCheckIn:
		res, err := usecase.ScoreCheckIn(ctx, s.store, s.reg, owner, id)
		if err != nil {
			return "", "", nil, err
		}
		etag, body, err := contentETag(res.Version, res)
		return fmt.Sprintf("/api/v1/checkins/%d", id), etag, body, err
	case upshot.KindAgendaItem:
		e, err := usecase.AgendaEntryOf(ctx, s.store, owner, id)
		if err != nil {
			return "", "", nil, err
		}
		etag, _, err := contentETag(e.Item.Version, e) // an agenda item's ETag is its entry's, as GET gives it
		if err != nil {
			return "", "", nil, err
		}
		body, err := json.Marshal(e.Item)
		return fmt.Sprintf("/api/v1/agenda/%d", id), etag, body, err
	default:
		return "", "", nil, fmt.Errorf("idempotency key names a record of unknown kind %q", kind)
	}
	body, err = json.Marshal(v)
	return fmt.Sprintf("/api/v1/%s/%d", path, id), versionETag(version), body, err
}

// bufferedResponse holds a handler's answer until its key is settled.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
