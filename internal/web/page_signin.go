package web

import (
	"errors"
	"net/http"
	"strings"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

// signInForm is what the sign-in page shows: what was typed (never the
// password), where to go after, and why the last attempt failed.
type signInForm struct {
	Login   string
	Next    string
	Error   *formError
	SignUps bool // anyone may sign up: link the sign-up page
}

func (s *Server) renderSignIn(w http.ResponseWriter, r *http.Request, status int, f signInForm) {
	f.Next = safeNext(f.Next)
	f.SignUps = s.signUps == usecase.RegistrationOpen
	s.render(w, r, status, "signin", page{Title: "Sign in", Public: true, Data: f})
}

// safeNext is where to go after signing in: a path on this server that is
// not a sign-in page, else the dashboard.
func safeNext(next string) string {
	next = localTarget(next)
	if strings.HasPrefix(next, "/signin") || strings.HasPrefix(next, "/signout") {
		return "/"
	}
	return next
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	s.renderSignIn(w, r, http.StatusOK, signInForm{Next: r.URL.Query().Get("next")})
}

// signIn checks a name and password. Success renews the session: the
// browser's old session, if any, ends and a new token is set. Failure says
// the same for an unknown name and a wrong password, and while the name or
// the address is throttled says how long to wait (429).
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := signInForm{Login: form.Get("login"), Next: form.Get("next")}
	if len(f.Login) > upshot.MaxLoginLen*4 {
		f.Login = ""
	}
	var replaces string
	if c, err := r.Cookie(s.sessionCookieName(r)); err == nil {
		replaces = c.Value
	}
	token, _, err := s.auth.SignInWithPassword(r.Context(), usecase.SignInAttempt{
		Login: form.Get("login"), Password: form.Get("password"),
		Address: s.clientAddress(r), Device: deviceOf(r.UserAgent()), Replaces: replaces,
	})
	var throttled *usecase.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", itoaDuration(throttled.Wait))
		f.Error = &formError{Message: "Too many failed sign-ins for this name or from this address. " +
			strings.ToUpper(throttled.Error()[:1]) + throttled.Error()[1:] + "."}
		s.renderSignIn(w, r, http.StatusTooManyRequests, f)
	case errors.Is(err, usecase.ErrSignIn):
		f.Error = &formError{Field: "password", Message: upshot.ErrorMessage(usecase.ErrSignIn) + "."}
		s.renderSignIn(w, r, http.StatusUnauthorized, f)
	case err != nil:
		s.fail(w, r, err)
	default:
		s.setSessionCookie(w, r, token)
		http.Redirect(w, r, safeNext(f.Next), http.StatusSeeOther)
	}
}

// signOut ends the browser's session, if it has one, and forgets the cookie.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.sessionCookieName(r)); err == nil {
		if err := s.auth.SignOut(r.Context(), c.Value, deviceOf(r.UserAgent())); err != nil {
			// Signed out all the same; the audit write failed.
			s.log.Error("sign-out: could not record it in the audit log", "error", err.Error())
		}
	}
	s.clearSessionCookie(w, r)
	clearDevice(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// clearDevice asks the browser to delete what this site keeps on the
// device: the outbox of entries not yet sent (IndexedDB), and the service
// worker with its cache of the app's own files, which the next visit
// fetches again. Signing out leaves nothing of the person behind. Not on a
// session that merely expired: entries kept offline wait for the same
// account to sign in again (outbox.js sends them only as their account).
func clearDevice(w http.ResponseWriter) {
	w.Header().Set("Clear-Site-Data", `"storage"`)
}
