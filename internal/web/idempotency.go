package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"

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
			case kept.Status == 0:
				s.fail(w, r, upshot.Errorf(upshot.ECONFLICT, idempotencyHeader,
					"the first request with %s %q is still being answered; try again in a moment", idempotencyHeader, key))
			default:
				if kept.Location != "" {
					w.Header().Set("Location", kept.Location)
				}
				w.Header().Set(replayedHeader, "true")
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(kept.Status)
				io.WriteString(w, kept.Body)
			}
			return
		}
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
			err = s.store.FinishIdempotent(ctx, owner, key, status, rec.header.Get("Location"), rec.body.String())
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
