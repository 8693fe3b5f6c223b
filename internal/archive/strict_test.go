package archive

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Files that encoding/json reads one way and another reader another way, ids
// that leave no room, and record counts that only an attack would have: each
// refused, naming the place.
func TestDecodeRefusesAmbiguousFiles(t *testing.T) {
	good := string(encode(t, fixture(t)))
	once := func(old, new string) string {
		t.Helper()
		if !strings.Contains(good, old) {
			t.Fatalf("fixture has no %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name, data, field, want string
	}{
		{"top-level key twice", once(`"version": 4,`, `"version": 4, "version": 4,`), "version", `the key "version" appears twice`},
		{"fee_amount twice", once(`"fee_amount": "90.00"`, `"fee_amount": "90.00", "fee_amount": "95.00"`), "therapists[0].fee_amount", `the key "fee_amount" appears twice`},
		{"fee_amount in another case", once(`"fee_amount": "90.00"`, `"Fee_Amount": "90.00"`), "therapists[0]", `unknown field "Fee_Amount"`},
		{"record key twice", once(`"agenda": "me",`, `"agenda": "me", "agenda": "you",`), "sessions[0].agenda", `the key "agenda" appears twice`},
		{"key in another case", once(`"agenda": "me",`, `"Agenda": "me",`), "sessions[0]", `unknown field "Agenda"`},
		{"top-level key in another case", once(`"settings": {`, `"Settings": {`), "file", `unknown field "Settings"`},
		{"escaped lone surrogate", once(`"agenda": "me",`, `"agenda": "me\ud800",`), "sessions[0].agenda", "lone surrogate"},
		{"escaped low surrogate alone", once(`"approach": "CBT",`, `"approach": "\udc00CBT",`), "therapists[0].approach", "lone surrogate"},
		{"id at the 64-bit limit", once(`"id": 2,`, `"id": 9223372036854775807,`), "therapists[1].id", "id must be a whole number from 1 to 9007199254740991, got 9223372036854775807"},
		{"id one past the limit", once(`"id": 2,`, fmt.Sprintf(`"id": %d,`, upshot.MaxID+1)), "therapists[1].id", "got 9007199254740992"},
		{"too many sessions", once(`"sessions": [`, `"sessions": [`+strings.Repeat("{},", maxRecords["sessions"])), "sessions", "more than 100000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Decode(strings.NewReader(tt.data), instrument.Builtin(), today)
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			if upshot.ErrorCode(err) != upshot.EINVALID {
				t.Errorf("code %q, want invalid: %v", upshot.ErrorCode(err), err)
			}
			if f := upshot.ErrorField(err); f != tt.field {
				t.Errorf("field %q, want %q (%v)", f, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("message %q does not contain %q", err.Error(), tt.want)
			}
		})
	}
	// The highest id there is still imports.
	if _, err := Decode(strings.NewReader(once(`"id": 2,`, fmt.Sprintf(`"id": %d,`, upshot.MaxID))), instrument.Builtin(), today); err != nil {
		t.Fatalf("id %d refused: %v", upshot.MaxID, err)
	}
}

// A file of nothing but empty records (10 MB of {},{},... once cost 762 MB
// and 20 s) is refused after counting, before a record is decoded: the
// memory it takes stays within a few times its size.
func TestDecodeCraftedRecordsCostLittle(t *testing.T) {
	for _, kind := range []string{"therapists", "goals", "sessions", "checkins", "definitions"} {
		t.Run(kind, func(t *testing.T) {
			var doc bytes.Buffer
			doc.WriteString(`{"format": "upshot-export", "version": 1, "` + kind + `": [{}`)
			for doc.Len() < 10<<20 {
				doc.WriteString(",{}")
			}
			doc.WriteString("]}")
			size := doc.Len()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Decode(&doc, nil, today)
			runtime.ReadMemStats(&after)
			if upshot.ErrorField(err) != kind || !strings.Contains(err.Error(), "more than") {
				t.Fatalf("got %v, want a refusal of too many %s", err, kind)
			}
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte file of empty %s: %.1f MB allocated (%.1fx the file)", size, kind, float64(allocated)/1e6, float64(allocated)/float64(size))
			if allocated > 4*uint64(size) {
				t.Errorf("%d bytes allocated for a %d-byte file", allocated, size)
			}
		})
	}
}
