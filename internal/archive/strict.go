package archive

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	jsonv2 "encoding/json/v2"

	"encoding/json/jsontext"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The strict JSON reading that imports, backups and the API share. JSON
// that could mean two things is refused rather than read one way: a key
// given twice (which value wins depends on the reader), a key in another case
// than its field's ("Note" for "note", which encoding/json quietly accepts),
// an unknown key, an escaped lone surrogate ("\ud800", which encoding/json
// turns into U+FFFD, like the raw invalid UTF-8 that is refused already), and
// anything after the value. encoding/json/v2 does all of this by default
// except the unknown keys, which an option adds.
var strictOptions = jsonv2.RejectUnknownMembers(true)

// UnmarshalStrict decodes exactly one JSON value from data into v, strictly
// (see above). A refusal is a *StrictError, or an error a field's own
// UnmarshalJSON returned (an *upshot.Error for a bad date or amount).
func UnmarshalStrict(data []byte, v any) error {
	err := jsonv2.Unmarshal(data, v, strictOptions)
	if err == nil {
		return nil
	}
	return explainStrict(err)
}

// StrictError says where and why UnmarshalStrict refused a document.
type StrictError struct {
	// Path is the place in the document ("sessions[3].note"), "" for the
	// document itself.
	Path string
	// Key is the key concerned when a key is what is wrong (given twice,
	// unknown), else "".
	Key string
	// Offset is the byte offset of the problem in the document.
	Offset int64
	// Msg says what is wrong, without the path, fit to show.
	Msg string
	// Syntax is true for text that is not well-formed (strict) JSON, false
	// for a well-formed value that does not fit the Go value.
	Syntax bool
	err    error
}

func (e *StrictError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

func (e *StrictError) Unwrap() error { return e.err }

func explainStrict(err error) error {
	var (
		syn *jsontext.SyntacticError
		sem *jsonv2.SemanticError
	)
	switch {
	case errors.As(err, &syn):
		path, last := pointerPath(syn.JSONPointer)
		e := &StrictError{Path: path, Offset: syn.ByteOffset, Syntax: true, err: err}
		switch {
		case errors.Is(err, jsontext.ErrDuplicateName):
			e.Key = last
			e.Msg = fmt.Sprintf("the key %q appears twice in one object; JSON that can be read two ways is refused", last)
		case strings.Contains(syn.Err.Error(), "surrogate"):
			e.Msg = "an escaped lone surrogate (\\ud800-\\udfff not in a pair) is not a character; the text is not valid UTF-8"
		default:
			e.Msg = strings.TrimPrefix(syn.Err.Error(), "jsontext: ")
		}
		return e
	case errors.As(err, &sem):
		// A field's own parser (a date, an amount) said what is wrong.
		var ue *upshot.Error
		if errors.As(sem.Err, &ue) {
			return sem.Err
		}
		path, last := pointerPath(sem.JSONPointer)
		e := &StrictError{Path: path, Offset: sem.ByteOffset, err: err}
		switch {
		case errors.Is(err, jsonv2.ErrUnknownName):
			// The pointer names the unknown key itself; the place is its object.
			e.Path, e.Key = parentPath(sem.JSONPointer), last
			e.Msg = fmt.Sprintf("unknown field %q", last)
			if strings.IndexFunc(last, unicode.IsUpper) >= 0 {
				e.Msg += " (names are lower case, exactly as an export writes them)"
			}
		case sem.JSONKind != 0:
			e.Msg = fmt.Sprintf("a JSON %s is not allowed here", sem.JSONKind)
		default:
			e.Msg = "cannot be read here"
		}
		return e
	}
	return &StrictError{Msg: err.Error(), err: err}
}

// pointerPath turns a JSON pointer ("/sessions/3/note") into the path this
// project names places with ("sessions[3].note"), and returns its last token.
func pointerPath(p jsontext.Pointer) (path, last string) {
	var b strings.Builder
	for tok := range p.Tokens() {
		last = tok
		if _, err := strconv.ParseUint(tok, 10, 63); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String(), last
}

func parentPath(p jsontext.Pointer) string {
	path, _ := pointerPath(p.Parent())
	return path
}
