// Package archive reads and writes the export document: the person's whole
// record as one versioned JSON file they own, and CSV tables for spreadsheets.
// Reading is strict because an import that guessed would quietly change
// someone's history.
package archive

import (
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"unicode/utf8"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// MaxSize bounds what Decode reads: years of weekly sessions with long notes
// fit many times over, and a wrong file (a disk image) fails fast.
const MaxSize = 256 << 20

// maxSize is MaxSize, lowered by the package's own tests.
var maxSize int64 = MaxSize

// Encode writes the snapshot as indented JSON with a trailing newline. Key
// order is the struct order (maps sorted), so equal snapshots give equal bytes.
func Encode(w io.Writer, s *upshot.Snapshot) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	// Notes are text, not HTML: keep "<" and "&" readable in the file.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(newDocument(s)); err != nil {
		return fmt.Errorf("encode export: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Decode reads an export document and checks it completely: JSON shape,
// identity and version, every record, references between records, and every
// check-in's answers against the definition stored with it. Errors are
// EINVALID and name the place ("checkins[4].answers: ..."). reg, if not nil,
// guards built-in ids: a file cannot redefine what "phq9" version 1 means.
func Decode(r io.Reader, reg *instrument.Registry, today upshot.Date) (*upshot.Snapshot, error) {
	tooLarge := upshot.Invalid("file", "the file is larger than %d MiB; an Upshot export is much smaller, so this is probably not one", maxSize>>20)
	// A file that says it is too large is refused without reading it into
	// memory first; a stream is read up to the limit and no further.
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > maxSize {
			return nil, tooLarge
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read export: %w", err)
	}
	if int64(len(data)) > maxSize {
		return nil, tooLarge
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, upshot.Invalid("file", "the file is empty; expected an Upshot export (JSON)")
	}
	// The JSON decoder would quietly turn bytes that are not UTF-8 into
	// U+FFFD, changing the text it imports; refuse the file instead.
	if !utf8.Valid(data) {
		line, col := position(data, int64(firstInvalidUTF8(data)))
		return nil, upshot.Invalid("file", "the file is not valid UTF-8 at line %d, column %d; an Upshot export is UTF-8 JSON", line, col)
	}
	// Counted before anything is decoded: a file of millions of tiny
	// records must not cost a decoded record each before it is refused.
	if err := checkCounts(data); err != nil {
		return nil, err
	}
	var d document
	if err := UnmarshalStrict(data, &d); err != nil {
		// encoding/json's own account, where it sees the problem too, says
		// where with a line and column and locates type errors by field;
		// what only the strict reading refuses is explained by it.
		if err := looseDecode(data); err != nil {
			return nil, err
		}
		return nil, strictRefusal(data, err)
	}
	s := d.snapshot()
	if err := s.Validate(today); err != nil {
		return nil, err
	}
	if err := d.settleFees(s); err != nil {
		return nil, err
	}
	if err := checkDefinitions(s, reg); err != nil {
		return nil, err
	}
	return s, nil
}

// looseDecode decodes data with encoding/json, refusing unknown fields and
// trailing data, only to explain a refusal.
func looseDecode(data []byte) error {
	var s document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return decodeError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := position(data, dec.InputOffset())
		return upshot.Invalid("file", "unexpected data after the export document at line %d, column %d", line, col)
	}
	return nil
}

// strictRefusal is a refusal only the strict reading makes (a key twice, a
// key in another case, a lone surrogate), as an invalid-input error.
func strictRefusal(data []byte, err error) error {
	var se *StrictError
	if !errors.As(err, &se) {
		return upshot.Invalid("file", "not an Upshot export: %s", upshot.ErrorMessage(err))
	}
	if se.Path == "" || (se.Syntax && !errors.Is(err, jsontext.ErrDuplicateName)) {
		line, col := position(data, se.Offset)
		field := se.Path
		if field == "" {
			field = "file"
		}
		return upshot.Invalid(field, "not valid JSON at line %d, column %d: %s", line, col, se.Error())
	}
	return upshot.Invalid(se.Path, "%s", se.Error())
}

// maxRecords bounds how many records of each kind a file may hold: far more
// than a lifetime of therapy (a session a day for 100 years is 36,500; four
// questionnaires a day, 146,000), far less than what would fill memory.
var maxRecords = map[string]int{
	"therapists":  10_000,
	"goals":       10_000,
	"sessions":    100_000,
	"checkins":    200_000,
	"definitions": 1_000,
}

// checkCounts counts the records of each kind without decoding them,
// refusing a file with too many. A document that is not well-formed is left
// to the decoder to explain.
func checkCounts(data []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil
		}
		kind := name.String()
		limit, ok := maxRecords[kind]
		if !ok || dec.PeekKind() != '[' {
			if dec.SkipValue() != nil {
				return nil
			}
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil
		}
		for n := 0; dec.PeekKind() != ']'; n++ {
			if n == limit {
				return upshot.Invalid(kind, "%s: the file holds more than %d of them, more than any real record; this is not an Upshot export", kind, limit)
			}
			if dec.SkipValue() != nil {
				return nil
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil
		}
	}
	return nil
}

// checkDefinitions parses each stored definition and checks every
// check-in's answers against the one it names.
func checkDefinitions(s *upshot.Snapshot, reg *instrument.Registry) error {
	defs := make(map[string]*instrument.Definition, len(s.Definitions))
	for i, sd := range s.Definitions {
		at := fmt.Sprintf("definitions[%d]", i)
		d, err := instrument.Parse(sd.Data)
		if err != nil {
			return upshot.Invalid(at+".definition", "%s: %s", at, upshot.ErrorMessage(err))
		}
		if d.ID != sd.Instrument || d.Version != sd.Version {
			return upshot.Invalid(at, "%s: listed as %s version %d but the definition is %s version %d", at, sd.Instrument, sd.Version, d.ID, d.Version)
		}
		if reg != nil {
			if b, ok := reg.Version(d.ID, d.Version); ok && b.Builtin && !sameDefinition(b, d) {
				return upshot.Invalid(at, "%s: %s version %d differs from the built-in %s version %d", at, d.ID, d.Version, b.Label(), b.Version)
			}
		}
		defs[key(d.ID, d.Version)] = d
	}
	for i, c := range s.CheckIns {
		d := defs[key(c.Instrument, c.InstrumentVersion)] // Validate made sure it is there
		if d == nil {
			return upshot.Invalid(fmt.Sprintf("checkins[%d].instrument", i), "checkins[%d]: definition of %s version %d is not in the file", i, c.Instrument, c.InstrumentVersion)
		}
		if err := d.CheckAnswers(c.Answers); err != nil {
			at := fmt.Sprintf("checkins[%d].answers", i)
			return upshot.Invalid(at, "%s: %s", at, upshot.ErrorMessage(err))
		}
	}
	return nil
}

func key(id string, version int) string { return fmt.Sprintf("%s@%d", id, version) }

// sameDefinition compares decoded content: a database may reformat JSON.
func sameDefinition(a, b *instrument.Definition) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// decodeError turns a decoder error into one that says where. The standard
// decoder does not locate unknown fields or errors from custom types (a bad
// date), so those are found by walking the document against the types.
func decodeError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return upshot.Invalid("file", "the file ends too soon (truncated?): the JSON document is incomplete")
	case errors.As(err, &syn):
		// Offset counts the offending byte itself; point at it, not past it.
		line, col := position(data, max(syn.Offset-1, 0))
		return upshot.Invalid("file", "not valid JSON at line %d, column %d: %s", line, col, syn.Error())
	}
	if path, msg, ok := locate(data); ok {
		if path == "" {
			return upshot.Invalid("file", "%s", msg)
		}
		return upshot.Invalid(path, "%s: %s", path, msg)
	}
	if errors.As(err, &typ) {
		line, col := position(data, typ.Offset)
		return upshot.Invalid("file", "%s: a JSON %s is not allowed here (line %d, column %d)", typ.Field, typ.Value, line, col)
	}
	return upshot.Invalid("file", "not an Upshot export: %s", upshot.ErrorMessage(err))
}

// firstInvalidUTF8 is the offset of the first byte that does not begin a
// valid UTF-8 sequence.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
