package upshot

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to a CLI exit status and an HTTP status in exactly one
// place (internal/cli and internal/web), so callers only pick the kind of failure.
const (
	EINVALID      = "invalid"      // the input breaks a rule; the message names the field
	ENOTFOUND     = "not_found"    // no such record for this owner
	ECONFLICT     = "conflict"     // stale version, duplicate, or state that forbids the change
	EUNAUTHORIZED = "unauthorized" // not allowed for this owner
	EFULL         = "disk_full"    // the database's disk (or quota) is full; nothing was written
	EINTERNAL     = "internal"     // anything else; the message is safe to show
)

// Error is the one error type the domain returns. Field names the input at
// fault ("--helpful", "sessions[3].focus.life") so a person can fix it.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" && e.Message != "" {
		return e.Message
	}
	if e.Message != "" {
		return e.Message
	}
	return e.Code
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Invalid is shorthand for the most common error: a field that breaks a rule.
func Invalid(field, format string, args ...any) *Error {
	return Errorf(EINVALID, field, format, args...)
}

// NotFound reports a record that does not exist for this owner.
func NotFound(kind string, id int64) *Error {
	return Errorf(ENOTFOUND, "id", "no %s with id %d", kind, id)
}

// ErrorCode returns the code of an *Error anywhere in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorField returns the field of an *Error in err's chain, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the human-readable message of an *Error, or a generic
// text for internal errors so that no database detail leaks to a user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}

// checks gathers the refusals of one validation, so that a record's every
// fault is reported at once rather than one per attempt.
type checks struct{ errs []error }

// add keeps err, if any, and reports whether there was none.
func (c *checks) add(err error) bool {
	if err != nil {
		c.errs = append(c.errs, err)
	}
	return err == nil
}

// err is every refusal joined (errors.Join), or nil.
func (c *checks) err() error { return errors.Join(c.errs...) }

// Errors lists every *Error in err's tree, depth first, each once: the
// fields of a validation that found several faults. A lone *Error gives
// itself; an error holding none gives nothing.
func Errors(err error) []*Error {
	var out []*Error
	seen := map[Error]bool{}
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
			return
		case *Error:
			if !seen[*e] {
				seen[*e] = true
				out = append(out, e)
			}
			return
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
