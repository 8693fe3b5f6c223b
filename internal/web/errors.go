package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// codeUnsupportedType: a body sent as something other than JSON.
	codeUnsupportedType = "unsupported_media_type"
	// codePrecondition: If-Match names a version the record is no longer at.
	codePrecondition = "precondition_failed"
	// codeGone: deletions asked for from before they are kept.
	codeGone = "gone"
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
	case codeUnsupportedType:
		return http.StatusUnsupportedMediaType
	case codePrecondition:
		return http.StatusPreconditionFailed
	case codeGone:
		return http.StatusGone
	case upshot.EFULL:
		return http.StatusInsufficientStorage
	}
	return http.StatusInternalServerError
}

// problem is the body of every API error: RFC 9457 problem details
// (application/problem+json), with every invalid field in errors, each by
// its JSON name. error is the body of API version 1's errors, kept beside
// for the clients written against it (issue 15: for one version).
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Errors []fieldProblem `json:"errors,omitempty"`
	Error  apiErrorBody   `json:"error"`
}

type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiError is version 1's error body (problem's error member), as the
// tests read it.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// problemTypeBase names a problem type by its code: a URN, since nothing
// is served there (RFC 9457 does not require the type to resolve), and the
// document lists every code.
const problemTypeBase = "urn:upshot:problem:"

// newProblem describes err as answered with status.
func newProblem(r *http.Request, status int, err error) problem {
	code := upshot.ErrorCode(err)
	p := problem{
		Type: problemTypeBase + code, Title: http.StatusText(status), Status: status,
		Detail: upshot.ErrorMessage(err),
		Error:  apiErrorBody{Code: code, Message: upshot.ErrorMessage(err), Field: upshot.ErrorField(err)},
	}
	if status == http.StatusInternalServerError {
		return p // never a field of the cause
	}
	body := r.Method == http.MethodPost || r.Method == http.MethodPut
	for _, e := range upshot.Errors(err) {
		if e.Field == "" {
			continue
		}
		f := e.Field
		if body {
			f = jsonName(f)
		}
		p.Errors = append(p.Errors, fieldProblem{Field: f, Message: e.Error()})
	}
	if len(p.Errors) > 1 {
		p.Detail = fmt.Sprintf("%d fields are not valid; errors lists each", len(p.Errors))
	}
	return p
}

// jsonName is the body's JSON name for a field as the domain names it: the
// domain's names serve the CLI and the forms too, and a few differ.
func jsonName(field string) string {
	switch {
	case field == "therapist":
		return "therapist_id" // a session's therapist
	case field == "progress":
		return "goals" // a goal's progress within goals
	case strings.HasPrefix(field, "item "):
		return "answers" // a check-in's answer, "item 3" to a person
	case strings.HasPrefix(field, "conduct "):
		return "conduct." + strings.TrimPrefix(field, "conduct ")
	}
	return field
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
		writeProblem(w, status, newProblem(r, status, err))
		return
	}
	s.renderError(w, r, status, upshot.ErrorMessage(err))
}

func writeProblem(w http.ResponseWriter, status int, p problem) {
	b, err := json.Marshal(p)
	if err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
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
