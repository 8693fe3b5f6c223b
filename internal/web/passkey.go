package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Passkeys on the web (issue 13 item 3). The two WebAuthn ceremonies are
// small JSON exchanges under the sign-in and account routes, driven by
// static/passkey.js; naming and removing a passkey are plain forms. The
// JSON routes are not part of /api/v1: they serve this site's own pages,
// need a browser's authenticator, and are not for scripts.
//
//	POST /signin/passkey/options    begin a sign-in: {} -> {ceremony, options}
//	POST /signin/passkey            finish it: {ceremony, credential, next} -> {redirect} and the session cookie
//	POST /account/passkeys/options  begin adding a passkey: {name} -> {ceremony, options}
//	POST /account/passkeys          finish it: {ceremony, credential} -> {redirect}
//	POST /account/passkeys/{id}/rename, /account/passkeys/{id}/delete, /account/password/remove: forms

// maxPasskeyBody bounds a ceremony's JSON body: an authenticator's answer is
// a few kilobytes at most (a attestation certificate chain the largest).
const maxPasskeyBody = 64 << 10

func (s *Server) passkeyRoutes(mux *router) {
	mux.signInPage("POST /signin/passkey/options", s.passkeySignInOptions)
	mux.signInPage("POST /signin/passkey", s.passkeySignIn)
	mux.HandleFunc("POST /account/passkeys/options", s.passkeyAddOptions)
	mux.HandleFunc("POST /account/passkeys", s.passkeyAdd)
	mux.HandleFunc("POST /account/passkeys/{id}/rename", s.passkeyRename)
	mux.HandleFunc("POST /account/passkeys/{id}/delete", s.passkeyDelete)
	mux.HandleFunc("POST /account/password/remove", s.accountPasswordRemove)
}

// relyingParty is the passkey relying party of the address the request
// reached (its Host header was checked by the middleware).
func (s *Server) relyingParty(r *http.Request) (usecase.RelyingParty, error) {
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	return usecase.RelyingPartyFor(s.publicURL, scheme+"://"+r.Host)
}

// ceremonyBody is what the ceremony routes read; each uses its part.
type ceremonyBody struct {
	Name       string          `json:"name"`
	Ceremony   string          `json:"ceremony"`
	Credential json.RawMessage `json:"credential"`
	Next       string          `json:"next"`
}

func readCeremony(w http.ResponseWriter, r *http.Request) (ceremonyBody, error) {
	var b ceremonyBody
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return b, upshot.Errorf(codeTooLarge, "", "the request is larger than %d bytes", maxPasskeyBody)
		}
		return b, upshot.Errorf(codeMalformed, "", "the request could not be read")
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return b, upshot.Errorf(codeMalformed, "", "the request is not the JSON object a passkey request sends")
	}
	return b, nil
}

// passkeyFail answers a ceremony route's error as JSON, whatever the path:
// these routes are called by script, never shown as a page.
func (s *Server) passkeyFail(w http.ResponseWriter, r *http.Request, err error) {
	var throttled *usecase.ThrottledError
	if errors.As(err, &throttled) {
		w.Header().Set("Retry-After", itoaDuration(throttled.Wait))
		writeJSON(w, http.StatusTooManyRequests, apiError{Error: apiErrorBody{Code: "throttled",
			Message: "Too many failed passkey sign-ins from this address; " + throttled.Error() + "."}})
		return
	}
	status := statusOf(err)
	if errors.Is(err, usecase.ErrPasskeySignIn) {
		status = http.StatusUnauthorized
	}
	if status == http.StatusInternalServerError {
		var ue *upshot.Error
		if !errors.As(err, &ue) {
			s.log.Error("internal error", "pattern", r.Pattern, "err", err)
		}
	}
	writeJSON(w, status, apiError{Error: apiErrorBody{
		Code: upshot.ErrorCode(err), Message: upshot.ErrorMessage(err), Field: upshot.ErrorField(err),
	}})
}

// passkeySignInOptions begins a passkey sign-in.
func (s *Server) passkeySignInOptions(w http.ResponseWriter, r *http.Request) {
	rp, err := s.relyingParty(r)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	c, err := s.auth.BeginPasskeySignIn(r.Context(), rp)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// passkeySignIn finishes a passkey sign-in: the session cookie, renewed as
// after a password, and where to go.
func (s *Server) passkeySignIn(w http.ResponseWriter, r *http.Request) {
	b, err := readCeremony(w, r)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	var replaces string
	if c, err := r.Cookie(s.sessionCookieName(r)); err == nil {
		replaces = c.Value
	}
	token, _, err := s.auth.SignInWithPasskey(r.Context(), usecase.PasskeyAttempt{
		Ceremony: b.Ceremony, Response: b.Credential,
		Address: s.clientAddress(r), Device: deviceOf(r.UserAgent()), Replaces: replaces,
	})
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	s.setSessionCookie(w, r, token)
	writeJSON(w, http.StatusOK, map[string]string{"redirect": safeNext(b.Next)})
}

// passkeyAddOptions begins adding a passkey to the signed-in account.
func (s *Server) passkeyAddOptions(w http.ResponseWriter, r *http.Request) {
	b, err := readCeremony(w, r)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	rp, err := s.relyingParty(r)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	c, err := s.auth.BeginPasskeyRegistration(r.Context(), ownerOf(r), rp, b.Name)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// passkeyAdd finishes adding a passkey.
func (s *Server) passkeyAdd(w http.ResponseWriter, r *http.Request) {
	b, err := readCeremony(w, r)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	rp, err := s.relyingParty(r)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	p, err := s.auth.FinishPasskeyRegistration(r.Context(), ownerOf(r), rp, b.Ceremony, b.Credential, deviceOf(r.UserAgent()))
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	// Adding the first passkey turns a loopback server's one-person mode
	// into accounts mode; the browser holding the launch cookie gets a
	// session now, so it is not signed out by its own change.
	if sessionOf(r) == nil {
		if err := s.startSessionAfterModeChange(w, r); err != nil {
			s.passkeyFail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"redirect": "/account?passkey=added#passkeys", "name": p.Name})
}

// startSessionAfterModeChange gives the browser of the one person a session
// of its own once their first passkey turned sign-in on.
func (s *Server) startSessionAfterModeChange(w http.ResponseWriter, r *http.Request) error {
	token, err := s.auth.StartSession(r.Context(), ownerOf(r), deviceOf(r.UserAgent()))
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	return nil
}

func passkeyID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, upshot.Errorf(upshot.ENOTFOUND, "passkey", "no such passkey")
	}
	return id, nil
}

// passkeyRename names a passkey anew.
func (s *Server) passkeyRename(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := passkeyID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.auth.RenamePasskey(r.Context(), ownerOf(r), id, form.Get("name")); err != nil {
		if code := upshot.ErrorCode(err); code == upshot.EINVALID || code == upshot.ECONFLICT {
			s.renderAccount(w, r, statusOf(err), "", passkeyFormError(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, "The passkey is renamed.", nil)
}

// passkeyDelete removes a passkey: the device holding it signs in no more.
func (s *Server) passkeyDelete(w http.ResponseWriter, r *http.Request) {
	id, err := passkeyID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.auth.RemovePasskey(r.Context(), ownerOf(r), id, deviceOf(r.UserAgent())); err != nil {
		if upshot.ErrorCode(err) == upshot.ECONFLICT {
			s.renderAccount(w, r, statusOf(err), "", passkeyFormError(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, "The passkey is removed. You may also delete it from the device (its settings list the passkeys it keeps).", nil)
}

// accountPasswordRemove makes the account passkey-only.
func (s *Server) accountPasswordRemove(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var keep int64
	if cur := sessionOf(r); cur != nil {
		keep = cur.ID
	}
	if err := s.auth.RemovePassword(r.Context(), ownerOf(r), form.Get("current"), keep, deviceOf(r.UserAgent())); err != nil {
		if code := upshot.ErrorCode(err); code == upshot.EINVALID || code == upshot.ECONFLICT {
			s.renderAccount(w, r, statusOf(err), "", passkeyFormError(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, "Your password is removed: you sign in with your passkeys, and every other device is signed out.", nil)
}

// passkeyRow is a passkey as the account page lists it.
type passkeyRow struct {
	ID                      int64
	Name, Created, LastUsed string
}

// passkeySection is the account page's part about passkeys.
type passkeySection struct {
	Passkeys     []passkeyRow
	HasPassword  bool
	DefaultName  string // what a new passkey is called unless renamed: this browser
	Unavailable  string // why this address cannot use passkeys, if it cannot
	SinglePerson bool   // the first passkey will turn sign-in on
	Error        *formError
}

// passkeyFormError is a refused passkey form, its field renamed into the
// passkey section's ("name" -> "passkey-name") so that the account page
// shows it there and not at the API token's or the password's field of the
// same name.
func passkeyFormError(err error) *formError {
	f := toFormError(err)
	if f.Field != "passkey" {
		f.Field = "passkey-" + f.Field
	}
	return f
}

func (s *Server) passkeySection(r *http.Request, acc *upshot.Account) (passkeySection, error) {
	sec := passkeySection{HasPassword: acc.HasPassword, DefaultName: deviceOf(r.UserAgent()), SinglePerson: sessionOf(r) == nil}
	list, err := s.auth.Passkeys(r.Context(), acc.ID)
	if err != nil {
		return sec, err
	}
	for _, p := range list {
		row := passkeyRow{ID: p.ID, Name: p.Name, Created: p.CreatedAt.Local().Format("2 Jan 2006"), LastUsed: "never"}
		if p.LastUsedAt != nil {
			row.LastUsed = p.LastUsedAt.Local().Format("2 Jan 2006 15:04")
		}
		sec.Passkeys = append(sec.Passkeys, row)
	}
	if _, err := s.relyingParty(r); err != nil {
		sec.Unavailable = upshot.ErrorMessage(err)
	}
	return sec, nil
}
