package upshot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits, in characters. Generous for people, small enough that a
// pasted file or a hostile request cannot bloat the database.
const (
	MaxNameLen  = 200
	MaxTitleLen = 300
	MaxTextLen  = 2000
	MaxNoteLen  = 20000
)

// CheckText validates free text: valid UTF-8, within max characters, and no
// control characters (newlines and tabs allowed only when multiline).
func CheckText(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "%s must be valid UTF-8 text", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Invalid(field, "%s must be at most %d characters, got %d", field, max, n)
	}
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' {
			if multiline {
				continue
			}
			return Invalid(field, "%s must be a single line", field)
		}
		if unicode.IsControl(r) {
			return Invalid(field, "%s must not contain control characters (found U+%04X)", field, r)
		}
	}
	return nil
}

// checkRequiredText is CheckText for a field that must not be blank.
func checkRequiredText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return Invalid(field, "%s is required", field)
	}
	return CheckText(field, s, max, false)
}

// checkRange validates an optional integer against an inclusive range.
func checkRange(field string, v *int, lo, hi int) error {
	if v != nil && (*v < lo || *v > hi) {
		return Invalid(field, "%s must be %d-%d, got %d", field, lo, hi, *v)
	}
	return nil
}
