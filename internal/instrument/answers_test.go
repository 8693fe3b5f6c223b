package instrument

import (
	"reflect"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

func TestParseAnswers(t *testing.T) {
	phq9 := builtin(t, "phq9")
	got, err := ParseAnswers(phq9, " 1, 2 ,0,1,1,0,0,1,0 ")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ints(1, 2, 0, 1, 1, 0, 0, 1, 0)) {
		t.Errorf("got %s", FormatAnswers(got))
	}
	if s := FormatAnswers(got); s != "1,2,0,1,1,0,0,1,0" {
		t.Errorf("FormatAnswers = %q", s)
	}

	custom := customJT(t) // max_missing 1
	got, err = ParseAnswers(custom, "4, ,2")
	if err != nil {
		t.Fatal(err)
	}
	if got[1] != nil || *got[0] != 4 || *got[2] != 2 {
		t.Errorf("missing answer: %s", FormatAnswers(got))
	}

	tests := []struct {
		id, in string
		field  string
		msg    string
	}{
		{"phq9", "1,2,0,1,1,0,0,1", "answers", "phq9 has 9 items, got 8 answers"},
		{"phq9", "1,2,0,1,1,0,0,1,0,0", "answers", "phq9 has 9 items, got 10 answers"},
		// Nothing typed says so, not "got 1 answers" (issue 10 item 14).
		{"phq9", "", "answers", "no answers given: phq9 has 9 items, give one answer per item separated by commas (for example 0,0,0,0,0,0,0,0,0)"},
		{"gad7", "  ", "answers", "no answers given: gad7 has 7 items, give one answer per item separated by commas (for example 0,0,0,0,0,0,0)"},
		{"phq9", "1,2,7,1,1,0,0,1,0", "item 3", "item 3 must be one of 0, 1, 2, 3, got 7"},
		{"phq9", "1,2,0,1,1,0,0,1,4", "item 9", "item 9 must be one of 0, 1, 2, 3, got 4"},
		{"phq9", "1,-1,0,1,1,0,0,1,0", "item 2", "item 2 must be one of 0, 1, 2, 3, got -1"},
		{"phq9", "1,x,0,1,1,0,0,1,0", "item 2", `item 2 must be a whole number, got "x"`},
		{"phq9", "1,1.5,0,1,1,0,0,1,0", "item 2", `item 2 must be a whole number, got "1.5"`},
		{"phq9", "1,1 1,0,1,1,0,0,1,0", "item 2", `item 2 must be a whole number, got "1 1"`},
		{"phq9", " 1 2 0 1 1 0 0 1 0 ", "answers", "separate answers with commas: 1,2,0,1,1,0,0,1,0"},
		{"phq9", "99999999999999999999,0,0,0,0,0,0,0,0", "item 1", "item 1 must be one of 0, 1, 2, 3, got 99999999999999999999"},
		{"phq9", "1,2,0,,1,0,0,1,0", "answers", "phq9 needs every item answered; item 4 left blank"},
		{"who5", "6,0,0,0,0", "item 1", "item 1 must be one of 0, 1, 2, 3, 4, 5, got 6"},
		{"focus", "0,5,0", "item 2", "item 2 must be one of 0, 1, 2, 3, 4, got 5"},
		{"clinic_mood", "1,0,0", "item 1", "item 1 must be one of 0, 2, 4, got 1"},
		{"clinic_mood", ",,0", "answers", "clinic_mood allows at most 1 unanswered items, got 2 (items 1, 2 left blank)"},
	}
	for _, tt := range tests {
		d := custom
		if tt.id != "clinic_mood" {
			d = builtin(t, tt.id)
		}
		_, err := ParseAnswers(d, tt.in)
		if err == nil {
			t.Errorf("%s %q: accepted", tt.id, tt.in)
			continue
		}
		if upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != tt.field || err.Error() != tt.msg {
			t.Errorf("%s %q: got %s %q %q; want field %q message %q",
				tt.id, tt.in, upshot.ErrorCode(err), upshot.ErrorField(err), err, tt.field, tt.msg)
		}
	}
}

func TestCheckAnswers(t *testing.T) {
	gad7 := builtin(t, "gad7")
	if err := gad7.CheckAnswers(ints(0, 1, 2, 3, 0, 1, 2)); err != nil {
		t.Errorf("valid: %v", err)
	}
	if err := gad7.CheckAnswers(ints(0, 1)); err == nil || err.Error() != "gad7 has 7 items, got 2 answers" {
		t.Errorf("short: %v", err)
	}
	answers := ints(0, 1, 2, 3, 0, 1, 2)
	answers[6] = nil
	if err := gad7.CheckAnswers(answers); err == nil || !strings.Contains(err.Error(), "item 7") {
		t.Errorf("missing: %v", err)
	}
	if _, err := gad7.Score(ints(0, 1, 2, 3, 0, 1, 9)); err == nil || upshot.ErrorField(err) != "item 7" {
		t.Errorf("Score must check answers: %v", err)
	}
}
