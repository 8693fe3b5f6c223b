package web

import (
	"context"
	"net/http"

	"github.com/upshot-app/upshot/internal/upshot"
)

// pathRecord loads the record the path's {id} names with find, for the
// pages that show, edit or confirm deleting one. On an error it answers the
// request itself (404 for an unknown or malformed id) and ok is false.
func pathRecord[T any](s *Server, w http.ResponseWriter, r *http.Request, find func(context.Context, upshot.OwnerID, int64) (*T, error)) (rec *T, ok bool) {
	id, err := pathID(r)
	if err == nil {
		rec, err = find(r.Context(), ownerOf(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return rec, true
}

// pageDelete is the POST behind a delete confirmation page: it deletes the
// record the path's {id} names with del, then goes to done.
func (s *Server) pageDelete(w http.ResponseWriter, r *http.Request, del func(context.Context, upshot.OwnerID, int64) error, done string) {
	id, err := pathID(r)
	if err == nil {
		err = del(r.Context(), ownerOf(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, done, http.StatusSeeOther)
}
