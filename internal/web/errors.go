package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Error codes of the HTTP layer itself, beside the domain's codes: requests
// refused before they reach the domain.
const (
	codeMalformed   = "malformed"          // the body is not the JSON asked for
	codeTooLarge    = "too_large"          // the body is over maxBody
	codeForbidden   = "forbidden"          // a cross-origin state change
	codeMisdirected = "misdirected"        // a Host this server does not answer to
	codeNotAllowed  = "method_not_allowed" // a method the resource does not have
)

// statusClientClosed is recorded (and logged) for a request whose client went
// away before it was answered: nginx's "client closed request". Nothing went
// wrong here, and nobody is left to read an answer.
const statusClientClosed = 499

// statusOf is the one place an error code becomes an HTTP status.
func statusOf(err error) int {
	switch upshot.ErrorCode(err) {
	case upshot.EINVALID:
		return http.StatusUnprocessableEntity
	case upshot.ENOTFOUND:
		return http.StatusNotFound
	case upshot.ECONFLICT:
		return http.StatusConflict
	case upshot.EUNAUTHORIZED, codeForbidden:
		return http.StatusForbidden
	case codeUnauthenticated:
		return http.StatusUnauthorized
	case codeMalformed:
		return http.StatusBadRequest
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	case codeMisdirected:
		return http.StatusMisdirectedRequest
	case codeNotAllowed:
		return http.StatusMethodNotAllowed
	case upshot.EFULL:
		return http.StatusInsufficientStorage
	}
	return http.StatusInternalServerError
}

// apiError is the body of every JSON error response.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// fail answers with an error: JSON under /api/, a page elsewhere. Internal
// errors are logged without request data and shown as a generic message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		w.WriteHeader(statusClientClosed)
		return
	}
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		var ue *upshot.Error
		if !errors.As(err, &ue) {
			// Store errors name tables and constraints, never values.
			s.log.Error("internal error", "pattern", r.Pattern, "err", err)
		}
	}
	if isAPI(r) {
		writeJSON(w, status, apiError{Error: apiErrorBody{
			Code: upshot.ErrorCode(err), Message: upshot.ErrorMessage(err), Field: upshot.ErrorField(err),
		}})
		return
	}
	s.renderError(w, r, status, upshot.ErrorMessage(err))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v) // compact: scripts read it, and `jq .` pretty-prints it
	if err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
