package review_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// There is one safety text, checkin.SafetyNotice, so every surface says the
// same calm thing; the review carries it and its finding only points to it.
func TestSafetyNoticeIsTheCheckinNotice(t *testing.T) {
	t.Parallel()
	for _, contacts := range []string{"", "Samaritans 116 123\nmy friend Jo: 0123"} {
		h := newHist()
		healthy(h)
		h.phq9(day(90), 4, 1)
		if contacts != "" {
			h.set(upshot.SettingCrisisContacts, contacts)
		}
		h.valid(t)
		r := h.review()
		want := checkin.SafetyNotice(h.snap.Settings.Get(upshot.SettingCrisisContacts))
		if r.Safety == nil || r.Safety.Text != want {
			t.Fatalf("contacts %q: notice %+v, want text %q", contacts, r.Safety, want)
		}

		var doc struct {
			Safety map[string]json.RawMessage `json:"safety"`
		}
		if err := json.Unmarshal([]byte(render(t, r)), &doc); err != nil {
			t.Fatal(err)
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range doc.Safety {
				if !yield(k) {
					return
				}
			}
		})
		if want := []string{"checkin_id", "crisis_contacts", "date", "text"}; !slices.Equal(keys, want) {
			t.Errorf("safety object keys %v, want %v: the notice text is the only safety text", keys, want)
		}

		f := findingsWith(r, review.CodeSafety)[0]
		// The finding points to the notice; it does not say it again in other words.
		for _, line := range strings.Split(want, "\n") {
			for _, sentence := range strings.SplitAfter(line, ". ") {
				if s := strings.TrimSpace(sentence); len(s) > 20 && strings.Contains(f.Detail, s) {
					t.Errorf("finding detail repeats the notice %q: %s", s, f.Detail)
				}
			}
		}
		for _, paraphrase := range []string{"better off dead", "hurting yourself", "crisis", "self-harm"} {
			if strings.Contains(f.Detail, paraphrase) {
				t.Errorf("finding detail paraphrases the notice (%q): %s", paraphrase, f.Detail)
			}
		}
		if !strings.Contains(f.Detail, "note about support") || len(f.Detail) > 160 {
			t.Errorf("finding detail should be short and point to the notice: %q", f.Detail)
		}
	}
}
