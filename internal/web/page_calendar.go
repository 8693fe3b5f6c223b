package web

import (
	"net/http"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

// calendarView is the settings page's calendar section. Address is set only
// on the page that answers the request that made it: the secret is shown
// once and never stored, so it cannot be shown again.
type calendarView struct {
	Since   upshot.Date // when the current address was made; zero: none
	Address string
}

func (s *Server) calendarSection(r *http.Request) (calendarView, error) {
	since, err := s.store.CalendarFeedSince(r.Context(), ownerOf(r))
	if err != nil || since == nil {
		return calendarView{}, err
	}
	return calendarView{Since: upshot.DateOf(*since)}, nil
}

// siteURL is the address this request reached the app at, for the links a
// person copies elsewhere (a calendar app). The Host header has passed the
// host check, so it names this server; behind a trusted proxy the scheme is
// the one the browser used.
func (s *Server) siteURL(r *http.Request) string {
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// calendarCreate makes a new secret address for the feed and shows it once.
func (s *Server) calendarCreate(w http.ResponseWriter, r *http.Request) {
	if _, err := readForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	token, err := usecase.NewCalendarFeed(r.Context(), s.store, ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views, err := s.settingViews(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSettings(w, r, http.StatusOK, "Your calendar address is ready: copy it now, it is shown only this once.",
		views, s.siteURL(r)+usecase.CalendarFeedPath(token), nil)
}

// calendarDelete ends the feed: its address stops working at once.
func (s *Server) calendarDelete(w http.ResponseWriter, r *http.Request) {
	if _, err := readForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.store.DeleteCalendarFeed(r.Context(), ownerOf(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?done=calendar-ended#calendar", http.StatusSeeOther)
}

// calendarFeed answers a calendar app. The secret in the address is the
// whole credential, so the route is public; an unknown, ended or malformed
// address gets the same 404.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	body, err := usecase.CalendarFeed(r.Context(), s.store, r.PathValue("file"), s.now(), s.siteURL(r)+"/")
	if upshot.ErrorCode(err) == upshot.ENOTFOUND {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Write(body)
}
