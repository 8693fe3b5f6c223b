package archive_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

var fuzzToday = upshot.NewDate(2025, time.June, 16)

// FuzzDecode feeds the import parser whatever a file could hold. It must
// never panic; a refusal must be an invalid-input error that names a place;
// and a document it accepts must survive a second round trip unchanged, so
// that importing an export of an import changes nothing.
func FuzzDecode(f *testing.F) {
	reg := instrument.Builtin()
	year, err := demo.Build(fuzzToday, reg)
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := archive.Encode(&buf, year); err != nil {
		f.Fatal(err)
	}
	full := buf.String()
	small := `{"format": "upshot-export", "version": 1, "exported_at": "2025-06-16T12:00:00Z",
		"therapists": [{"id": 1, "name": "Dr <A>", "fee": 80.5, "currency": "EUR", "started": "2025-01-02"}],
		"goals": [{"id": 2, "title": "sleep", "domain": "health", "severity": 7, "status": "open", "opened": "2025-01-02"}],
		"sessions": [{"id": 3, "therapist_id": 1, "date": "2025-02-03", "minutes": 50, "focus": {"life": 30, "relationship": 10},
			"goals": [{"goal_id": 2, "progress": 1}], "got": ["insight"], "helpful": 7, "conduct": {"empathy": 4}, "flags": ["blamed"], "note": "x\ny"}],
		"checkins": [], "definitions": [], "settings": {"recent_window": "5"}}`
	for _, seed := range []string{
		full, small, "", "{}", "null", "[]", `{"format": "upshot-export", "version": 2}`,
		full[:len(full)/2], // truncated
		strings.Replace(full, `"id": 2,`, `"id": 1,`, 1), // duplicate id
		strings.Replace(small, `"goal_id": 2`, `"goal_id": 9`, 1),
		strings.Replace(small, `"minutes": 50`, `"minutes": 1e309`, 1),
		strings.Replace(small, `"note": "x\ny"`, `"note": "\xff"`, 1),
		strings.Replace(small, `"date": "2025-02-03"`, `"date": "0001-01-01"`, 1),
		small + "{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := archive.Decode(bytes.NewReader(data), reg, fuzzToday)
		if err != nil {
			if s != nil {
				t.Fatal("a snapshot came back with the error")
			}
			if upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) == "" || upshot.ErrorMessage(err) == "" {
				t.Fatalf("refusal is not an invalid-input error naming a place: code %q field %q: %v",
					upshot.ErrorCode(err), upshot.ErrorField(err), err)
			}
			return
		}
		var once bytes.Buffer
		if err := archive.Encode(&once, s); err != nil {
			t.Fatalf("an accepted document does not encode: %v", err)
		}
		again, err := archive.Decode(bytes.NewReader(once.Bytes()), reg, fuzzToday)
		if err != nil {
			t.Fatalf("an accepted document, encoded again, is refused: %v\n%s", err, once.Bytes())
		}
		var twice bytes.Buffer
		if err := archive.Encode(&twice, again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("the round trip changed the document:\n%s\nthen\n%s", once.Bytes(), twice.Bytes())
		}
	})
}
