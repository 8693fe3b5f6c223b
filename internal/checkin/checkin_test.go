package checkin_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

func answers(vs ...int) []*int {
	out := make([]*int, len(vs))
	for i, v := range vs {
		out[i] = upshot.Ptr(v)
	}
	return out
}

func ci(id int64, inst string, day int, vs ...int) *upshot.CheckIn {
	return &upshot.CheckIn{ID: id, Instrument: inst, InstrumentVersion: 1, Date: upshot.NewDate(2024, time.March, day), Answers: answers(vs...)}
}

func mustDef(t *testing.T, id string) *instrument.Definition {
	t.Helper()
	d, ok := instrument.Builtin().Get(id)
	if !ok {
		t.Fatalf("no built-in %s", id)
	}
	return d
}

func TestEvaluate(t *testing.T) {
	phq := mustDef(t, "phq9")
	who := mustDef(t, "who5")
	focus := mustDef(t, "focus")
	// PHQ-9 history: 15 (case) on day 1, 12 on day 8, 8 on day 15, 9 on day 15 (later id).
	first := ci(1, "phq9", 1, 2, 2, 2, 2, 2, 2, 2, 1, 0)   // 15
	second := ci(2, "phq9", 8, 2, 2, 2, 2, 1, 1, 1, 1, 0)  // 12
	third := ci(3, "phq9", 15, 1, 1, 1, 1, 1, 1, 1, 1, 0)  // 8
	fourth := ci(4, "phq9", 15, 1, 1, 1, 1, 1, 1, 1, 1, 1) // 9, safety
	backdated := &upshot.CheckIn{ID: 10, Instrument: "phq9", InstrumentVersion: 1, Date: upshot.NewDate(2024, time.February, 20), Answers: answers(0, 0, 0, 0, 0, 0, 0, 0, 0)}
	history := []*upshot.CheckIn{fourth, third, first, second, ci(9, "gad7", 2, 3, 3, 3, 3, 3, 3, 3)}

	tests := []struct {
		name     string
		def      *instrument.Definition
		history  []*upshot.CheckIn
		c        *upshot.CheckIn
		total    int
		band     string
		safety   bool
		baseline *checkin.Change
		previous *checkin.Change
		recovery *bool
		reliable *bool
	}{
		{name: "first check-in has no change", def: phq, history: history, c: first,
			total: 15, band: "moderately severe"},
		{name: "second compares with first", def: phq, history: history, c: second, total: 12, band: "moderate",
			baseline: &checkin.Change{From: 15, To: 12, Delta: -3, Reliable: "none"},
			previous: &checkin.Change{From: 15, To: 12, Delta: -3, Reliable: "none"},
			recovery: upshot.Ptr(false), reliable: upshot.Ptr(false)},
		{name: "reliable recovery at exactly the threshold", def: phq, history: history, c: third, total: 8, band: "mild",
			baseline: &checkin.Change{From: 15, To: 8, Delta: -7, Reliable: "improvement"},
			previous: &checkin.Change{From: 12, To: 8, Delta: -4, Reliable: "none"},
			recovery: upshot.Ptr(true), reliable: upshot.Ptr(true)},
		{name: "same day orders by id; safety with a low total", def: phq, history: history, c: fourth, total: 9, band: "mild", safety: true,
			baseline: &checkin.Change{From: 15, To: 9, Delta: -6, Reliable: "improvement"},
			previous: &checkin.Change{From: 8, To: 9, Delta: 1, Reliable: "none"},
			recovery: upshot.Ptr(true), reliable: upshot.Ptr(true)},
		{name: "check-in not yet in history", def: phq, history: []*upshot.CheckIn{first}, c: ci(0, "phq9", 20, 0, 0, 0, 0, 0, 0, 0, 0, 0),
			total: 0, band: "minimal",
			baseline: &checkin.Change{From: 15, To: 0, Delta: -15, Reliable: "improvement"},
			previous: &checkin.Change{From: 15, To: 0, Delta: -15, Reliable: "improvement"},
			recovery: upshot.Ptr(true), reliable: upshot.Ptr(true)},
		{name: "back-dated check-in has nothing earlier", def: phq, history: history, c: backdated,
			total: 0, band: "minimal"},
		{name: "WHO-5 on 0-100, higher is better", def: who,
			history: []*upshot.CheckIn{ci(20, "who5", 1, 1, 1, 1, 1, 1)}, c: ci(21, "who5", 9, 2, 2, 2, 2, 2),
			total: 40, band: "poor wellbeing",
			baseline: &checkin.Change{From: 20, To: 40, Delta: 20, Reliable: "improvement"},
			previous: &checkin.Change{From: 20, To: 40, Delta: 20, Reliable: "improvement"},
			recovery: upshot.Ptr(false), reliable: upshot.Ptr(false)},
		{name: "WHO-5 falling is a deterioration", def: who,
			history: []*upshot.CheckIn{ci(20, "who5", 1, 3, 3, 3, 3, 3)}, c: ci(21, "who5", 9, 2, 3, 3, 3, 2),
			total: 52, band: "good wellbeing",
			baseline: &checkin.Change{From: 60, To: 52, Delta: -8, Reliable: "none"},
			previous: &checkin.Change{From: 60, To: 52, Delta: -8, Reliable: "none"}},
		{name: "no caseness: recovery does not apply", def: focus,
			history: []*upshot.CheckIn{ci(30, "focus", 1, 3, 3, 0)}, c: ci(31, "focus", 9, 1, 1, 3),
			total: 3, band: "low", // reverse-scored third item: 3,3,0 is 10 and 1,1,3 is 3
			baseline: &checkin.Change{From: 10, To: 3, Delta: -7, Reliable: "improvement"},
			previous: &checkin.Change{From: 10, To: 3, Delta: -7, Reliable: "improvement"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := checkin.Evaluate(tt.def, tt.history, tt.c)
			if err != nil {
				t.Fatal(err)
			}
			if r.Total != tt.total || r.Safety != tt.safety {
				t.Errorf("total %d safety %v, want %d %v", r.Total, r.Safety, tt.total, tt.safety)
			}
			if tt.band != "" && !strings.HasPrefix(r.Band, tt.band) {
				t.Errorf("band %q, want %q", r.Band, tt.band)
			}
			eqChange(t, "baseline", r.Change.Baseline, tt.baseline)
			eqChange(t, "previous", r.Change.Previous, tt.previous)
			eqBool(t, "recovery", r.Recovery, tt.recovery)
			eqBool(t, "reliable_recovery", r.ReliableRecovery, tt.reliable)
		})
	}
}

func eqChange(t *testing.T, name string, got, want *checkin.Change) {
	t.Helper()
	if (got == nil) != (want == nil) || (got != nil && *got != *want) {
		t.Errorf("%s = %+v, want %+v", name, got, want)
	}
}

func eqBool(t *testing.T, name string, got, want *bool) {
	t.Helper()
	if (got == nil) != (want == nil) || (got != nil && *got != *want) {
		t.Errorf("%s = %v, want %v", name, fmtBool(got), fmtBool(want))
	}
}

func fmtBool(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}

func TestEvaluateRefusesAnswersTheDefinitionDoesNotOffer(t *testing.T) {
	phq := mustDef(t, "phq9")
	if _, err := checkin.Evaluate(phq, nil, ci(1, "phq9", 1, 4, 0, 0, 0, 0, 0, 0, 0, 0)); upshot.ErrorCode(err) != upshot.EINVALID {
		t.Fatalf("got %v, want an invalid-input error", err)
	}
	if _, err := checkin.Evaluate(phq, nil, ci(1, "gad7", 1, 0, 0, 0, 0, 0, 0, 0)); err == nil {
		t.Fatal("a GAD-7 check-in scored as PHQ-9")
	}
}

func TestResultJSONContract(t *testing.T) {
	phq := mustDef(t, "phq9")
	r, err := checkin.Evaluate(phq, nil, ci(7, "phq9", 3, 1, 2, 0, 1, 1, 0, 0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": 7.0, "instrument": "phq9", "date": "2024-03-03", "total": 6.0, "band": "mild",
		"caseness": false, "safety": false, "recovery": nil, "reliable_recovery": nil,
		"change": map[string]any{"baseline": nil, "previous": nil},
	}
	for k, v := range want {
		got, ok := m[k]
		if !ok {
			t.Errorf("JSON has no %q: %s", k, b)
			continue
		}
		if gb, _ := json.Marshal(got); string(gb) != mustJSON(v) {
			t.Errorf("%s = %s, want %s", k, gb, mustJSON(v))
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestResolvePrefersStoredDefinition(t *testing.T) {
	reg := instrument.Builtin()
	phq, _ := reg.Version("phq9", 1)
	// A stored version 1 whose bands differ from today's file: old answers
	// must be read with the stored one.
	raw := strings.Replace(string(phq.Raw()), `"label": "mild"`, `"label": "mild (old wording)"`, 1)
	if raw == string(phq.Raw()) {
		t.Fatal("test setup: replacement did not apply")
	}
	stored := []upshot.Definition{{Instrument: "phq9", Version: 1, Data: json.RawMessage(raw)}}
	d, err := checkin.Resolve(reg, stored, "phq9", 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.BandFor(6) != "mild (old wording)" {
		t.Errorf("stored definition not used: band %q", d.BandFor(6))
	}
	// The registry keeps every built-in version: one check-in answered
	// against PHQ-9 version 1 is scored by it, a new one by version 2.
	for _, v := range []int{1, 2} {
		if d, err := checkin.Resolve(reg, nil, "phq9", v); err != nil || !d.Builtin || d.Version != v {
			t.Errorf("registry fallback for version %d: %v %v", v, d, err)
		}
	}
	if _, err := checkin.Resolve(reg, nil, "phq9", 3); upshot.ErrorCode(err) != upshot.ENOTFOUND {
		t.Errorf("unknown version: %v", err)
	}
	if _, err := checkin.Resolve(reg, []upshot.Definition{{Instrument: "phq9", Version: 1, Data: json.RawMessage(`{}`)}}, "phq9", 1); err == nil {
		t.Error("a broken stored definition was accepted")
	}
}

func TestSafetyNotice(t *testing.T) {
	n := checkin.SafetyNotice("Call 988")
	for _, want := range []string{"Call 988", "not a crisis service", "don't have to face it alone"} {
		if !strings.Contains(n, want) {
			t.Errorf("notice lacks %q", want)
		}
	}
	if n := checkin.SafetyNotice(""); strings.ContainsAny(n, "0123456789") {
		t.Errorf("notice must carry no numbers of its own: %q", n)
	}
}

func TestChangeWords(t *testing.T) {
	// A Result built by hand knows no rule, so it claims none.
	r := checkin.Result{Change: checkin.Changes{Baseline: &checkin.Change{From: 15, To: 8, Delta: -7, Reliable: "improvement"}}}
	if got, want := r.BaselineText(), "down 7 from your first check-in (15)"; got != want {
		t.Errorf("BaselineText = %q, want %q", got, want)
	}

	// PHQ-9 words its changes by the published rule.
	phq := mustDef(t, "phq9")
	history := []*upshot.CheckIn{ci(1, "phq9", 1, 2, 2, 2, 2, 2, 2, 2, 1, 0), ci(2, "phq9", 8, 1, 1, 1, 1, 1, 1, 1, 1, 0)}
	res, err := checkin.Evaluate(phq, history, history[1])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.BaselineText(), "down 7 from your first check-in (15): a reliable improvement"; got != want {
		t.Errorf("PHQ-9 BaselineText = %q, want %q", got, want)
	}
	if got := res.ChangeShort(res.Change.Baseline); got != "reliably better" {
		t.Errorf("PHQ-9 ChangeShort = %q", got)
	}

	// The focus check is self-monitoring: its rise is classified by its own
	// size (the JSON contract keeps "deterioration"), but no surface may
	// call it a reliable change.
	focus := mustDef(t, "focus")
	history = []*upshot.CheckIn{ci(3, "focus", 1, 1, 1, 3), ci(4, "focus", 8, 3, 3, 1), ci(5, "focus", 15, 3, 3, 2)}
	for _, c := range history[1:] {
		res, err := checkin.Evaluate(focus, history, c)
		if err != nil {
			t.Fatal(err)
		}
		texts := res.BaselineText() + " | " + res.PreviousText() + " | " + res.ChangeShort(res.Change.Baseline) + " | " + res.ChangeShort(res.Change.Previous)
		if strings.Contains(strings.ToLower(texts), "reliabl") {
			t.Errorf("focus check-in %d claims a reliable change: %s", c.ID, texts)
		}
	}
	res, err = checkin.Evaluate(focus, history, history[1])
	if err != nil {
		t.Fatal(err)
	}
	if res.Change.Baseline.Reliable != instrument.Deterioration {
		t.Errorf("focus 3 -> 9 classified %q, want %q", res.Change.Baseline.Reliable, instrument.Deterioration)
	}
	if got, want := res.BaselineText(), "up 6 from your first check-in (3): worse by at least 2 points, this questionnaire's own rule of thumb for a change (it is not a validated scale)"; got != want {
		t.Errorf("focus BaselineText = %q\nwant %q", got, want)
	}
	res, err = checkin.Evaluate(focus, history, history[2])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.PreviousText(), "down 1 since your last check-in (9): under the 2 points of this questionnaire's own rule of thumb for a change (it is not a validated scale)"; got != want {
		t.Errorf("focus PreviousText = %q\nwant %q", got, want)
	}
}

// The cut-off is named as the instrument names it: WHO-5's is poor
// wellbeing, not a clinical range.
func TestRangeWords(t *testing.T) {
	who := mustDef(t, "who5")
	low, high := ci(1, "who5", 1, 1, 1, 1, 1, 1), ci(2, "who5", 8, 4, 4, 4, 4, 4)
	res, err := checkin.Evaluate(who, []*upshot.CheckIn{low, high}, low)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.CasenessText(), "In the poor wellbeing range for this questionnaire."; got != want {
		t.Errorf("WHO-5 CasenessText = %q, want %q", got, want)
	}
	if res, err = checkin.Evaluate(who, []*upshot.CheckIn{low, high}, high); err != nil {
		t.Fatal(err)
	}
	if got, want := res.RecoveryText(), "reliable recovery: your first check-in was in the poor wellbeing range, this one is not, and the change is reliable"; got != want {
		t.Errorf("WHO-5 RecoveryText = %q, want %q", got, want)
	}
	phq := mustDef(t, "phq9")
	c := ci(3, "phq9", 1, 2, 2, 2, 2, 2, 0, 0, 0, 0)
	if res, err = checkin.Evaluate(phq, []*upshot.CheckIn{c}, c); err != nil {
		t.Fatal(err)
	}
	if got, want := res.CasenessText(), "In the clinical range for this questionnaire."; got != want {
		t.Errorf("PHQ-9 CasenessText = %q, want %q", got, want)
	}
}
