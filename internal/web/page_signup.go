package web

import (
	"errors"
	"net/http"
	"strings"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The sign-up page (issue 13 item 2): under --registration open anyone who
// reaches the server makes an account here, under invite only with a
// one-time link from 'upshot user invite'; closed (the default), and on a
// one-person loopback server, there is no such page (404). An account made
// here is an ordinary one: its records are its own, and no one, the
// administrator included, has a route to them.

type signUpForm struct {
	Login  string
	Invite string
	Error  *formError
}

// signUpsTaken reports whether this server takes sign-ups at all: a
// registration rule other than closed, and accounts mode (a one-person
// server on loopback has no one to sign up).
func (s *Server) signUpsTaken(r *http.Request) (bool, error) {
	if s.signUps != usecase.RegistrationOpen && s.signUps != usecase.RegistrationInvite {
		return false, nil
	}
	return s.needAccounts(r.Context())
}

func (s *Server) renderSignUp(w http.ResponseWriter, r *http.Request, status int, f signUpForm) {
	s.render(w, r, status, "signup", page{Title: "Create an account", Public: true, Data: f})
}

// signUpPage shows the form; with invite, only for a link that can still be
// used, so nobody types a password for nothing.
func (s *Server) signUpPage(w http.ResponseWriter, r *http.Request) {
	taken, err := s.signUpsTaken(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !taken {
		s.fail(w, r, usecase.ErrSignUpClosed)
		return
	}
	f := signUpForm{}
	if s.signUps == usecase.RegistrationInvite {
		f.Invite = r.URL.Query().Get("invite")
		ok, err := s.auth.InviteUsable(r.Context(), f.Invite)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !ok {
			s.fail(w, r, upshot.ErrInvite)
			return
		}
	}
	s.renderSignUp(w, r, http.StatusOK, f)
}

// signUp makes the account, signs it in and goes to the dashboard.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	taken, err := s.signUpsTaken(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !taken {
		s.fail(w, r, usecase.ErrSignUpClosed)
		return
	}
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := signUpForm{Login: form.Get("login"), Invite: form.Get("invite")}
	if len(f.Login) > upshot.MaxLoginLen*4 {
		f.Login = ""
	}
	if s.signUps != usecase.RegistrationInvite {
		f.Invite = ""
	}
	token, _, err := s.auth.SignUp(r.Context(), s.signUps, usecase.SignUpAttempt{
		Login: form.Get("login"), Password: form.Get("password"), Again: form.Get("again"), Invite: f.Invite,
		Address: s.clientAddress(r), Device: deviceOf(r.UserAgent()),
	})
	var throttled *usecase.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", itoaDuration(throttled.Wait))
		f.Error = &formError{Message: "Too many accounts made from this address. " +
			strings.ToUpper(throttled.Error()[:1]) + throttled.Error()[1:] + "."}
		s.renderSignUp(w, r, http.StatusTooManyRequests, f)
	case errors.Is(err, upshot.ErrInvite):
		s.fail(w, r, err)
	case err != nil && (upshot.ErrorCode(err) == upshot.EINVALID || upshot.ErrorCode(err) == upshot.ECONFLICT):
		f.Error = toFormError(err)
		s.renderSignUp(w, r, statusOf(err), f)
	case err != nil:
		s.fail(w, r, err)
	default:
		s.setSessionCookie(w, r, token)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}
