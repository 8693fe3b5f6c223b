package review_test

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// gen turns fuzz bytes into choices; when the bytes run out every choice is
// the smallest, so any input gives a history.
type gen struct{ b []byte }

func (g *gen) n(k int) int {
	if k <= 1 || len(g.b) == 0 {
		return 0
	}
	v := int(g.b[0])
	g.b = g.b[1:]
	return v % k
}

func (g *gen) chance() bool { return g.n(2) == 1 }

// maybe is nil or a value in lo..hi.
func (g *gen) maybe(lo, hi int) *int {
	if !g.chance() {
		return nil
	}
	return upshot.Ptr(lo + g.n(hi-lo+1))
}

func (g *gen) some(from []string) []string {
	var out []string
	for _, v := range from {
		if g.n(4) == 0 {
			out = append(out, v)
		}
	}
	return out
}

// anyHistory builds a valid record of any shape the product can hold: up to
// three therapists, goals, sessions with every optional part present or
// not, check-ins of every built-in instrument, settings anywhere in their
// ranges, and a review scope.
func anyHistory(g *gen) (*hist, review.Options) {
	h := newHist()
	var therapists, goals []int64
	for range 1 + g.n(3) {
		id := h.therapist("Dr. " + strconv.Itoa(len(therapists)+1))
		therapists = append(therapists, id)
		if g.n(3) == 0 {
			h.endTherapist(id, day(1+g.n(400)))
		}
	}
	for range g.n(5) {
		id := h.goal("goal "+strconv.Itoa(len(goals)+1), day(g.n(60)))
		goals = append(goals, id)
		if gl := h.goalByID(id); g.n(3) == 0 {
			gl.Status, gl.Closed = upshot.GoalSolved, gl.Opened.AddDays(1+g.n(300))
		}
	}
	for range g.n(40) {
		th := therapists[g.n(len(therapists))]
		h.session(th, day(g.n(400)), func(s *upshot.Session) {
			s.Minutes = g.maybe(1, 120)
			s.Fee = nil
			if g.chance() {
				s.Fee = upshot.Ptr(upshot.Money(g.n(20000)))
			}
			s.Focus = nil
			if g.n(4) != 0 {
				f := &upshot.Focus{Life: g.n(60), Relationship: g.n(60), Therapist: g.n(20), Admin: g.n(20), Other: g.n(20)}
				if f.Total() > 0 {
					s.Focus = f
				}
			}
			for _, id := range goals {
				if g.n(3) == 0 {
					s.Goals = append(s.Goals, upshot.GoalProgress{GoalID: id, Progress: g.maybe(-3, 3)})
				}
			}
			s.Got, s.Flags = g.some(upshot.Inputs[:len(upshot.Inputs)-1]), g.some(upshot.Flags)
			if g.n(5) == 0 {
				s.Got = []string{upshot.GotNone}
			}
			s.Helpful = g.maybe(0, 10)
			s.After = []string{"", upshot.AfterBetter, upshot.AfterSame, upshot.AfterWorse}[g.n(4)]
			s.Conduct = upshot.Conduct{}
			for _, q := range upshot.Qualities {
				*s.Conduct.Field(q) = g.maybe(1, 5)
			}
		})
	}
	for _, inst := range []string{"phq9", "gad7", "who5", "focus"} {
		def, _ := reg.Get(inst)
		for range g.n(12) {
			answers := make([]int, len(def.Items))
			for i := range answers {
				opts := def.ItemOptions(i)
				answers[i] = opts[g.n(len(opts))].Score
			}
			h.checkin(inst, day(g.n(400)), answers...)
		}
	}
	for _, d := range upshot.SettingDefs {
		// The review's thresholds are numbers; text, choices and times of
		// day (crisis contacts, reminders) are no thresholds.
		if (d.Kind != upshot.KindInt && d.Kind != upshot.KindNumber) || g.n(3) != 0 {
			continue
		}
		v := d.Min + float64(g.n(int(d.Max-d.Min)+1))
		if d.Kind == upshot.KindNumber && g.chance() {
			v = math.Min(d.Max, v+0.25)
		}
		h.set(d.Name, strconv.FormatFloat(v, 'f', -1, 64))
	}
	o := review.Options{Today: today}
	if g.n(3) == 0 {
		o.TherapistID = therapists[g.n(len(therapists))]
	}
	if g.n(3) == 0 {
		o.Since = day(g.n(400))
	}
	return h, o
}

// FuzzReview runs the review on records of every shape and holds it to what
// every review promises: it never fails or panics, every number in it is a
// real number (JSON has no NaN), it is the same each time, safety comes
// first, each finding has its code's severity, and every piece of evidence
// names a session or check-in that exists.
func FuzzReview(f *testing.F) {
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{1}, 64))
	f.Add(bytes.Repeat([]byte{7, 200, 3, 255, 0, 42, 9, 130}, 200))
	f.Add(bytes.Repeat([]byte{255}, 2000))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, opt := anyHistory(&gen{data})
		h.valid(t)
		r := review.Run(h.snap, reg, opt)
		first, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("the review does not encode (a NaN or an infinity?): %v", err)
		}
		again, _ := json.Marshal(review.Run(h.snap, reg, opt))
		if !bytes.Equal(first, again) {
			t.Fatal("the same records reviewed twice give two reviews")
		}
		sessions, checkins := map[int64]bool{}, map[int64]bool{}
		for _, s := range h.snap.Sessions {
			sessions[s.ID] = true
		}
		for _, c := range h.snap.CheckIns {
			checkins[c.ID] = true
		}
		for i, fd := range r.Findings {
			if fd.Code == review.CodeSafety && i != 0 {
				t.Errorf("safety finding at position %d, not first", i)
			}
			if fd.Severity != review.SeverityOf[fd.Code] || fd.Title == "" || fd.Detail == "" {
				t.Errorf("finding %s: severity %q, title %q, detail %q", fd.Code, fd.Severity, fd.Title, fd.Detail)
			}
			for _, id := range fd.Evidence.Sessions {
				if !sessions[id] {
					t.Errorf("finding %s cites session %d, which does not exist", fd.Code, id)
				}
			}
			for _, id := range fd.Evidence.CheckIns {
				if !checkins[id] {
					t.Errorf("finding %s cites check-in %d, which does not exist", fd.Code, id)
				}
			}
		}
		if r.Safety != nil && (len(r.Findings) == 0 || r.Findings[0].Code != review.CodeSafety) {
			t.Error("a safety notice without the safety finding first")
		}
		if r.Verdict == "" {
			t.Error("no verdict")
		}
		// Words carry numbers too: none may be "NaN" or "+Inf".
		words := append(append([]string{r.Verdict}, r.Agenda...), r.GoingWell...)
		for _, fd := range r.Findings {
			words = append(words, fd.Title, fd.Detail)
		}
		for _, w := range words {
			if strings.Contains(w, "NaN") || strings.Contains(w, "Inf") {
				t.Errorf("not a number in the words: %q", w)
			}
		}
	})
}
