package review_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// reg is the built-ins and "cms", a PHQ-9 copy that is not validated, as a
// clinic's own questionnaire added by a person might be.
var reg = func() *instrument.Registry {
	r := instrument.Builtin()
	phq, _ := r.Get("phq9")
	var doc map[string]any
	if err := json.Unmarshal(phq.Raw(), &doc); err != nil {
		panic(err)
	}
	doc["id"], doc["name"], doc["short_name"], doc["validated"] = "cms", "Clinic mood scale", "CMS", false
	data, _ := json.Marshal(doc)
	def, err := instrument.Parse(data)
	if err == nil {
		err = r.Add(def)
	}
	if err != nil {
		panic(err)
	}
	return r
}()

// day0 is the first day of every built history; day(n) counts from it.
var day0 = upshot.NewDate(2024, time.January, 8)

func day(n int) upshot.Date { return day0.AddDays(n) }

// hist builds a snapshot in memory, the way a person would fill it in.
type hist struct {
	snap   *upshot.Snapshot
	nextID int64
	defs   map[string]bool
}

func newHist() *hist {
	return &hist{
		snap: &upshot.Snapshot{Format: upshot.ExportFormat, Version: upshot.ExportVersion, Settings: upshot.Settings{}},
		defs: map[string]bool{},
	}
}

func (h *hist) id() int64 { h.nextID++; return h.nextID }

func (h *hist) therapist(name string) int64 {
	t := &upshot.Therapist{ID: h.id(), Name: name, Currency: "EUR", Fee: upshot.Ptr(upshot.Money(8000)), Started: day0}
	h.snap.Therapists = append(h.snap.Therapists, t)
	return t.ID
}

func (h *hist) endTherapist(id int64, ended upshot.Date) {
	for _, t := range h.snap.Therapists {
		if t.ID == id {
			t.Ended = ended
		}
	}
}

func (h *hist) goal(title string, opened upshot.Date) int64 {
	g := &upshot.Goal{ID: h.id(), Title: title, Domain: "work", Status: upshot.GoalOpen, Opened: opened}
	h.snap.Goals = append(h.snap.Goals, g)
	return g.ID
}

func (h *hist) goalByID(id int64) *upshot.Goal {
	for _, g := range h.snap.Goals {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// session adds a healthy session by default: mostly about life, something
// concrete to take away, good conduct, no flags.
func (h *hist) session(therapist int64, d upshot.Date, mods ...func(*upshot.Session)) *upshot.Session {
	s := &upshot.Session{ID: h.id(), TherapistID: therapist, Date: d, Minutes: upshot.Ptr(50), Fee: upshot.Ptr(upshot.Money(8000)),
		Format: "in_person", Agenda: "me", Focus: &upshot.Focus{Life: 80, Admin: 20}, Got: []string{"insight"},
		Helpful: upshot.Ptr(7), After: upshot.AfterSame}
	for _, q := range upshot.Qualities {
		*s.Conduct.Field(q) = upshot.Ptr(4)
	}
	for _, m := range mods {
		m(s)
	}
	h.snap.Sessions = append(h.snap.Sessions, s)
	return s
}

// weekly adds n sessions a week apart starting at from.
func (h *hist) weekly(therapist int64, from upshot.Date, n int, mods ...func(*upshot.Session)) []*upshot.Session {
	out := make([]*upshot.Session, n)
	for i := range n {
		out[i] = h.session(therapist, from.AddDays(7*i), mods...)
	}
	return out
}

func (h *hist) checkin(inst string, d upshot.Date, answers ...int) *upshot.CheckIn {
	def, ok := reg.Get(inst)
	if !ok {
		panic("unknown instrument " + inst)
	}
	c := &upshot.CheckIn{ID: h.id(), Instrument: inst, InstrumentVersion: def.Version, Date: d, Answers: ints(answers...)}
	if !h.defs[inst] {
		h.defs[inst] = true
		h.snap.Definitions = append(h.snap.Definitions, upshot.Definition{Instrument: inst, Version: def.Version, Data: def.Raw()})
	}
	h.snap.CheckIns = append(h.snap.CheckIns, c)
	return c
}

// phq9 answers a PHQ-9 with the given total; item 9 is set separately.
func (h *hist) phq9(d upshot.Date, total, item9 int) *upshot.CheckIn {
	return h.checkin("phq9", d, spread(total-item9, 8, 3, item9)...)
}

func (h *hist) gad7(d upshot.Date, total int) *upshot.CheckIn {
	return h.checkin("gad7", d, spread(total, 7, 3)...)
}

// who5 takes the reported 0-100 total (a multiple of 4).
func (h *hist) who5(d upshot.Date, total int) *upshot.CheckIn {
	return h.checkin("who5", d, spread(total/4, 5, 5)...)
}

// spread answers n items each at most max so that they sum to total, then
// appends extra answers.
func spread(total, n, max int, extra ...int) []int {
	out := make([]int, n, n+len(extra))
	for i := range out {
		v := min(total, max)
		out[i] = v
		total -= v
	}
	if total != 0 {
		panic("spread: total out of range")
	}
	return append(out, extra...)
}

func ints(vs ...int) []*int {
	out := make([]*int, len(vs))
	for i, v := range vs {
		out[i] = upshot.Ptr(v)
	}
	return out
}

func (h *hist) set(name upshot.SettingName, value string) *hist {
	if _, err := upshot.CheckSetting(string(name), value); err != nil {
		panic(err)
	}
	h.snap.Settings[name] = value
	return h
}

// today is well after every built history.
var today = day(3700)

// now is the day after the latest record: the review is read while the
// built therapy is going on, as a person reads it (a therapist with no
// session in inactive_days would otherwise count as ended).
func (h *hist) now() upshot.Date {
	var last upshot.Date
	for _, s := range h.snap.Sessions {
		if s.Date.After(last) {
			last = s.Date
		}
	}
	for _, c := range h.snap.CheckIns {
		if c.Date.After(last) {
			last = c.Date
		}
	}
	for _, t := range h.snap.Therapists {
		if t.Ended.After(last) {
			last = t.Ended
		}
	}
	for _, g := range h.snap.Goals {
		if g.Closed.After(last) {
			last = g.Closed
		}
	}
	if last.IsZero() {
		return today
	}
	return last.AddDays(1)
}

func (h *hist) review(opts ...func(*review.Options)) *review.Review {
	o := review.Options{Today: h.now()}
	for _, f := range opts {
		f(&o)
	}
	return review.Run(h.snap, reg, o)
}

// valid fails the test when the built snapshot would not pass import: the
// review must be tested on records the product can actually hold.
func (h *hist) valid(t testing.TB) {
	t.Helper()
	if err := h.snap.Validate(today); err != nil {
		t.Fatalf("built snapshot is invalid: %v", err)
	}
}

func focus(life, rel, ther, admin, other int) func(*upshot.Session) {
	return func(s *upshot.Session) {
		s.Focus = &upshot.Focus{Life: life, Relationship: rel, Therapist: ther, Admin: admin, Other: other}
	}
}

func after(a string) func(*upshot.Session) { return func(s *upshot.Session) { s.After = a } }

func got(g ...string) func(*upshot.Session) { return func(s *upshot.Session) { s.Got = g } }

func flags(f ...string) func(*upshot.Session) { return func(s *upshot.Session) { s.Flags = f } }

// unrated leaves a session's conduct unrated.
func unrated(s *upshot.Session) { s.Conduct = upshot.Conduct{} }

func rate(quality string, v int) func(*upshot.Session) {
	return func(s *upshot.Session) { *s.Conduct.Field(quality) = upshot.Ptr(v) }
}

func addresses(goal int64, progress *int) func(*upshot.Session) {
	return func(s *upshot.Session) {
		s.Goals = append(s.Goals, upshot.GoalProgress{GoalID: goal, Progress: progress})
	}
}

func codes(r *review.Review) []review.Code {
	out := make([]review.Code, len(r.Findings))
	for i, f := range r.Findings {
		out[i] = f.Code
	}
	return out
}

// findingsWith returns the findings with a code.
func findingsWith(r *review.Review, code review.Code) []review.Finding {
	var out []review.Finding
	for _, f := range r.Findings {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

// has reports whether a finding with the code exists for the therapist (0
// matches any therapist).
func has(r *review.Review, code review.Code, therapistID int64) bool {
	return slices.ContainsFunc(r.Findings, func(f review.Finding) bool {
		return f.Code == code && (therapistID == 0 || f.TherapistID == therapistID)
	})
}
