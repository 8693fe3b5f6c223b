package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The account page: where this account is signed in (each with its device
// and last use, any one or all others can be ended) and the password.

type accountView struct {
	Login    string
	Signed   bool // signed in with a session (accounts mode)
	Sessions []sessionRow
	Tokens   []tokenRow
	Audit    []auditRow
	NewToken string // a token just made, shown this once
	Passkeys passkeySection
	Error    *formError
}

// auditRow is one line of the account's audit log as the page shows it.
type auditRow struct {
	When, ISO, What, Detail, Device string
	Failed                          bool
}

type tokenRow struct {
	Name, Made, Expires, LastUsed string
}

type sessionRow struct {
	ID       int64
	Device   string
	Created  string
	LastUsed string
	Current  bool
}

// accountAuditRows is how many of the newest audit events the account page
// shows; 'upshot user audit NAME' lists them all.
const accountAuditRows = 100

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	flash := ""
	if r.URL.Query().Get("passkey") == "added" { // where adding a passkey leads (passkey.go)
		flash = "Your passkey is added: sign in with it on this device from now on."
	}
	s.renderAccount(w, r, http.StatusOK, flash, nil)
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, flash string, ferr *formError) {
	s.renderAccountWith(w, r, status, flash, ferr, "")
}

func (s *Server) renderAccountWith(w http.ResponseWriter, r *http.Request, status int, flash string, ferr *formError, newToken string) {
	owner := ownerOf(r)
	acc, err := s.accounts.AccountByID(r.Context(), owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := accountView{Login: acc.Login, Error: ferr, NewToken: newToken}
	if v.Passkeys, err = s.passkeySection(r, acc); err != nil {
		s.fail(w, r, err)
		return
	}
	if ferr != nil && strings.HasPrefix(ferr.Field, "passkey") {
		v.Passkeys.Error, v.Error = ferr, nil
	}
	tokens, err := s.accounts.APITokens(r.Context(), owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, tk := range tokens {
		row := tokenRow{Name: tk.Name, Made: tk.CreatedAt.Local().Format("2 Jan 2006"), Expires: "never", LastUsed: "never"}
		if tk.ExpiresAt != nil {
			row.Expires = tk.ExpiresAt.Local().Format("2 Jan 2006")
		}
		if tk.LastUsedAt != nil {
			row.LastUsed = tk.LastUsedAt.Local().Format("2 Jan 2006 15:04")
		}
		v.Tokens = append(v.Tokens, row)
	}
	events, err := s.auth.AuditEvents(r.Context(), owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range events[:min(len(events), accountAuditRows)] {
		v.Audit = append(v.Audit, auditRow{
			When: e.At.Local().Format("2 Jan 2006 15:04"), ISO: e.At.UTC().Format(time.RFC3339),
			What: e.Kind.Describe(), Detail: e.Detail, Device: e.Device, Failed: e.Kind == upshot.AuditSignInFailed,
		})
	}
	if cur := sessionOf(r); cur != nil {
		v.Signed = true
		list, err := s.accounts.AuthSessions(r.Context(), owner)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, ss := range list {
			v.Sessions = append(v.Sessions, sessionRow{
				ID: ss.ID, Device: ss.Device, Current: ss.ID == cur.ID,
				Created: ss.CreatedAt.Local().Format("2 Jan 2006"), LastUsed: ss.LastUsedAt.Local().Format("2 Jan 2006 15:04"),
			})
		}
	}
	s.render(w, r, status, "account", page{Title: "Account", Nav: "account", Flash: flash, Data: v})
}

// accountSessionEnd ends one of the account's sessions (another device's,
// or this one, which then signs this browser out).
func (s *Server) accountSessionEnd(w http.ResponseWriter, r *http.Request) {
	owner := ownerOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, upshot.Errorf(upshot.ENOTFOUND, "id", "no such signed-in session"))
		return
	}
	if err := s.auth.EndSession(r.Context(), owner, id, deviceOf(r.UserAgent())); err != nil {
		s.fail(w, r, err)
		return
	}
	if cur := sessionOf(r); cur != nil && cur.ID == id {
		s.clearSessionCookie(w, r)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	s.renderAccount(w, r, http.StatusOK, "That device is signed out.", nil)
}

// accountSessionsEndOthers ends every session of the account but this one.
func (s *Server) accountSessionsEndOthers(w http.ResponseWriter, r *http.Request) {
	var keep int64
	if cur := sessionOf(r); cur != nil {
		keep = cur.ID
	}
	n, err := s.auth.EndOtherSessions(r.Context(), ownerOf(r), keep, deviceOf(r.UserAgent()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, "Signed out everywhere else ("+strconv.Itoa(n)+" "+plural(n, "session", "sessions")+" ended).", nil)
}

// accountPassword changes the password after checking the current one, and
// signs out every other device.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var keep int64
	if cur := sessionOf(r); cur != nil {
		keep = cur.ID
	}
	if form.Get("new") != form.Get("again") {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, "", &formError{Field: "again", Message: "again: the two new passwords differ."})
		return
	}
	if err := s.auth.ChangePassword(r.Context(), ownerOf(r), form.Get("current"), form.Get("new"), keep, deviceOf(r.UserAgent())); err != nil {
		if upshot.ErrorCode(err) == upshot.EINVALID {
			s.renderAccount(w, r, http.StatusUnprocessableEntity, "", toFormError(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, "Your password is changed, and every other device is signed out.", nil)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// itoaDuration is a Retry-After value: whole seconds, rounded up.
func itoaDuration(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// accountDeleteView is the page that deletes the account: the form, or
// after it, what was deleted.
type accountDeleteView struct {
	Login       string
	HasPassword bool
	Local       bool // the single account of a local install, not deleted here
	Error       *formError
	Deleted     *upshot.DeletedCounts
}

func (s *Server) accountDeletePage(w http.ResponseWriter, r *http.Request) {
	s.renderAccountDelete(w, r, http.StatusOK, nil)
}

func (s *Server) renderAccountDelete(w http.ResponseWriter, r *http.Request, status int, ferr *formError) {
	acc, err := s.accounts.AccountByID(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "account_delete", page{Title: "Delete my account", Nav: "account", Data: accountDeleteView{
		Login: acc.Login, HasPassword: acc.HasPassword, Local: acc.ID == upshot.DefaultOwner, Error: ferr,
	}})
}

// accountDelete deletes the signed-in account and all its records, signs
// the browser out and says how many records went.
func (s *Server) accountDelete(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.auth.DeleteOwnAccount(r.Context(), ownerOf(r), form.Get("confirm"), form.Get("password"))
	if err != nil {
		if code := upshot.ErrorCode(err); code == upshot.EINVALID || code == upshot.ECONFLICT {
			s.renderAccountDelete(w, r, statusOf(err), toFormError(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.clearSessionCookie(w, r)
	clearDevice(w)
	s.render(w, r, http.StatusOK, "account_delete", page{Title: "Account deleted", Public: true, Data: accountDeleteView{Deleted: &n}})
}

// accountTokenCreate makes an API token for the signed-in account and shows
// it on the page that answers, this once.
func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	days := 0
	if v := strings.TrimSpace(form.Get("expires")); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 {
			s.renderAccount(w, r, http.StatusUnprocessableEntity, "", &formError{Field: "expires", Message: "expires: a number of days from 1 to 3650, or empty for a token that does not expire."})
			return
		}
	}
	token, _, err := s.auth.AddOwnToken(r.Context(), ownerOf(r), form.Get("name"), days, deviceOf(r.UserAgent()))
	if err != nil {
		if code := upshot.ErrorCode(err); code == upshot.EINVALID || code == upshot.ECONFLICT {
			s.renderAccount(w, r, statusOf(err), "", toFormError(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderAccountWith(w, r, http.StatusOK, "Your API token is ready: copy it now, it is shown only this once.", nil, token)
}

// accountTokenRevoke revokes one of the account's API tokens, by name.
func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.auth.RevokeOwnToken(r.Context(), ownerOf(r), form.Get("name"), deviceOf(r.UserAgent())); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, "The API token is revoked.", nil)
}
