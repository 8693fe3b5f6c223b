package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The full lists (GET /api/v1/sessions and /api/v1/checkins without a
// filter) are what exports, backups by script and a phone's first sync ask
// for, again and again while nothing changed. Like the dashboard they are
// kept per owner, keyed by the owner's revision, in a pageCache each: a
// repeat costs one query for the revision and writing the bytes, and
// concurrent requests for one owner's list share one read. A filtered list
// is read and encoded for each request.

// maxCachedLists bounds each list cache to this many owners (a ten-year
// record's check-in list is about 0.9 MB, its session list 0.35 MB).
const maxCachedLists = 4

// writeList answers with the JSON list encode builds: from the owner's
// cache of it when full is true (the request has no filter), otherwise
// encoded for this request alone.
func (s *Server) writeList(w http.ResponseWriter, r *http.Request, cache *pageCache, full bool,
	encode func(context.Context) ([]byte, error)) {
	var body []byte
	if full {
		rev, err := s.store.Revision(r.Context(), ownerOf(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p, err := cache.get(r.Context(), pageKey{owner: ownerOf(r), revision: rev, today: s.today()},
			func(ctx context.Context, owner upshot.OwnerID, today upshot.Date) (*renderedPage, error) {
				// Read before the records, as for the dashboard: a write in
				// between makes the list look stale, never current.
				rev, err := s.store.Revision(ctx, owner)
				if err != nil {
					return nil, err
				}
				b, err := encode(ctx)
				if err != nil {
					return nil, err
				}
				return &renderedPage{key: pageKey{owner: owner, revision: rev, today: today}, page: b}, nil
			})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body = p.page
	} else {
		var err error
		if body, err = encode(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// encodeList encodes list as writeJSON does (a compact array, a newline
// after it), one element after another into one buffer: no second copy of
// the whole list as one value. The buffer is a pooled one, and what is
// returned a copy of exactly its length: a list grown from nothing would
// allocate about twice its size on the way.
func encodeList[T any](list []T) ([]byte, error) {
	buf := listBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledListBuffer {
			buf.Reset()
			listBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	buf.WriteByte('[')
	for i := range list {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(&list[i]); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	buf.WriteString("]\n")
	return bytes.Clone(buf.Bytes()), nil
}

// listBuffers are encodeList's buffers. One that grew past
// maxPooledListBuffer (a full list of many years) is left to the collector
// rather than kept.
var listBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledListBuffer = 1 << 20
