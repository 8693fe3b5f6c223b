// Package checkin turns a stored check-in into the result a person reads: the
// score, its band, and how it compares with the first and the previous
// check-in. It is pure so the CLI, the web app and the review say exactly the
// same thing about the same answers.
package checkin

import (
	"time"

	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Result is one scored check-in. Its JSON form is a contract read by scripts:
// field names and null-ness are fixed.
type Result struct {
	ID                int64       `json:"id"`
	Instrument        string      `json:"instrument"`
	InstrumentVersion int         `json:"instrument_version"`
	Name              string      `json:"name"`
	Date              upshot.Date `json:"date"`
	Answers           []*int      `json:"answers"`
	// Version is the stored check-in's version, which a correction (PUT)
	// must name.
	Version int `json:"version"`
	// CreatedAt and UpdatedAt are the stored check-in's: a client that
	// syncs reads what changed after the last updated_at it saw.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Total is on the instrument's reported scale (WHO-5 0-100).
	Total int    `json:"total"`
	Max   int    `json:"max"`
	Band  string `json:"band"`
	// Caseness is null for an instrument without a clinical cut-off.
	Caseness *bool   `json:"caseness"`
	Safety   bool    `json:"safety"`
	Change   Changes `json:"change"`
	// Recovery and ReliableRecovery are null unless there is an earlier
	// baseline that was in the clinical range: recovery cannot apply otherwise.
	Recovery         *bool `json:"recovery"`
	ReliableRecovery *bool `json:"reliable_recovery"`
	// Note qualifies the instrument, e.g. that the focus check is
	// self-monitoring and not a validated scale.
	Note string `json:"note,omitempty"`
	// SafetyNotice is the text to show first when Safety is set; the caller
	// fills it with WithNotice, since it holds the person's crisis contacts.
	SafetyNotice string `json:"safety_notice,omitempty"`

	// def is the definition the changes were judged by, for their words.
	def *instrument.Definition
}

// WithNotice returns r with the safety notice filled in when r needs one.
func (r Result) WithNotice(crisisContacts string) Result {
	if r.Safety {
		r.SafetyNotice = SafetyNotice(crisisContacts)
	}
	return r
}

// Changes compares a check-in with the first one (the baseline) and with the
// one just before it; each is null when there is nothing earlier.
type Changes struct {
	Baseline *Change `json:"baseline"`
	Previous *Change `json:"previous"`
}

// Change is one comparison on the reported scale.
type Change struct {
	From     int    `json:"from"`
	To       int    `json:"to"`
	Delta    int    `json:"delta"`
	Reliable string `json:"reliable"` // "improvement", "deterioration" or "none"
	// RCI is the Jacobson-Truax index, only for instruments defined by SD
	// and reliability.
	RCI *float64 `json:"rci,omitempty"`
}

func fromInstrument(c instrument.Change) *Change {
	return &Change{From: c.From, To: c.To, Delta: c.Delta, Reliable: c.Reliable, RCI: c.RCI}
}

// DefinitionFor returns the definition a check-in was answered against.
type DefinitionFor func(c *upshot.CheckIn) (*instrument.Definition, error)

// Evaluate scores c with def and compares it with the baseline and the
// previous check-in in history (all check-ins of the same instrument; c itself
// may be among them). Every check-in is scored with def.
func Evaluate(def *instrument.Definition, history []*upshot.CheckIn, c *upshot.CheckIn) (Result, error) {
	return EvaluateWith(func(*upshot.CheckIn) (*instrument.Definition, error) { return def, nil }, history, c)
}

// EvaluateWith is Evaluate where each check-in is scored with the definition
// version it was answered against, so old answers keep their meaning after a
// definition changes. Change and recovery are judged by c's definition.
func EvaluateWith(defFor DefinitionFor, history []*upshot.CheckIn, c *upshot.CheckIn) (Result, error) {
	def, r, score, err := evaluate(defFor, c)
	if err != nil {
		return Result{}, err
	}
	// Order by date then id: two check-ins on one day count in the order they
	// were recorded, so "baseline" never depends on how the caller sorted.
	// One pass finds the first and the latest earlier check-in; nothing else
	// of the history matters.
	var base, prev *upshot.CheckIn
	for _, h := range history {
		if h == nil || h.Instrument != c.Instrument || h.ID == c.ID || !before(h, c) {
			continue
		}
		if base == nil || before(h, base) {
			base = h
		}
		if prev == nil || before(prev, h) {
			prev = h
		}
	}
	return compare(defFor, def, r, score, base, prev)
}

// evaluate scores c alone, without comparing it with anything.
func evaluate(defFor DefinitionFor, c *upshot.CheckIn) (*instrument.Definition, Result, instrument.Score, error) {
	def, err := defFor(c)
	if err != nil {
		return nil, Result{}, instrument.Score{}, err
	}
	if c.Instrument != def.ID {
		return nil, Result{}, instrument.Score{}, upshot.Errorf(upshot.EINTERNAL, "instrument", "check-in %d is a %s check-in, not %s", c.ID, c.Instrument, def.ID)
	}
	score, err := def.Score(c.Answers)
	if err != nil {
		return nil, Result{}, instrument.Score{}, err
	}
	r := Result{
		ID: c.ID, Instrument: c.Instrument, InstrumentVersion: c.InstrumentVersion, Version: c.Version, Name: def.Label(),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Date: c.Date, Answers: c.Answers,
		Total: score.Total, Max: def.Max, Band: score.Band, Caseness: score.Caseness, Safety: score.Safety,
		Note: def.Note, def: def,
	}
	if score.Safety && def.SafetyNote != "" {
		r.Note = strings.TrimSpace(r.Note + " " + def.SafetyNote)
	}
	return def, r, score, nil
}

// compare fills in r's change against base (the first earlier check-in) and
// prev (the latest earlier one), both nil when there is none. Change and
// recovery are judged by def, c's own definition.
func compare(defFor DefinitionFor, def *instrument.Definition, r Result, score instrument.Score, base, prev *upshot.CheckIn) (Result, error) {
	if base == nil {
		return r, nil
	}
	scoreOf := func(h *upshot.CheckIn) (instrument.Score, error) {
		d, err := defFor(h)
		if err != nil {
			return instrument.Score{}, err
		}
		s, err := d.Score(h.Answers)
		if err != nil {
			return instrument.Score{}, fmt.Errorf("check-in %d: %w", h.ID, err)
		}
		return s, nil
	}
	baseScore, err := scoreOf(base)
	if err != nil {
		return Result{}, err
	}
	prevScore, err := scoreOf(prev)
	if err != nil {
		return Result{}, err
	}
	return compareScores(def, r, score, baseScore, prevScore), nil
}

// compareScores fills in r's change from the baseline's and the previous
// check-in's scores, judged by def.
func compareScores(def *instrument.Definition, r Result, score, baseScore, prevScore instrument.Score) Result {
	out := def.Outcome(baseScore, score)
	r.Change.Baseline = fromInstrument(out.Change)
	r.Change.Previous = fromInstrument(def.Change(prevScore, score))
	r.Recovery, r.ReliableRecovery = out.Recovery, out.ReliableRecovery
	return r
}

func before(a, b *upshot.CheckIn) bool {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c < 0
	}
	return a.ID < b.ID
}

// History evaluates every check-in of one instrument, oldest first.
func History(defFor DefinitionFor, checkins []*upshot.CheckIn) ([]Result, error) {
	return HistorySince(defFor, checkins, upshot.Date{})
}

// HistorySince evaluates the check-ins dated from on or later (all of them
// for a zero from), oldest first, each compared with the first check-in of
// its instrument ever and the one just before it, as History does. Earlier
// check-ins are scored only when one of those comparisons needs them, so a
// chart of recent months costs what those months cost, not the whole
// history.
func HistorySince(defFor DefinitionFor, checkins []*upshot.CheckIn, from upshot.Date) ([]Result, error) {
	sorted := slices.Clone(checkins)
	slices.SortFunc(sorted, func(a, b *upshot.CheckIn) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID))
	})
	// In date-then-id order every check-in's baseline is the first of its
	// instrument met so far and its previous the last one met: one pass,
	// where asking EvaluateWith for each would scan the history n times
	// (ten years of weekly check-ins made the dashboard's charts quadratic).
	// Each check-in is scored at most once. Only the first and the latest
	// check-in met of each instrument are held (by value: a long history
	// makes no garbage here), and the results are sized to the window.
	type scored struct {
		c      *upshot.CheckIn
		score  instrument.Score
		scored bool
	}
	type track struct{ first, last scored }
	scoreOf := func(h *scored) (instrument.Score, error) {
		if h.scored {
			return h.score, nil
		}
		d, err := defFor(h.c)
		if err != nil {
			return instrument.Score{}, err
		}
		s, err := d.Score(h.c.Answers)
		if err != nil {
			return instrument.Score{}, fmt.Errorf("check-in %d: %w", h.c.ID, err)
		}
		h.score, h.scored = s, true
		return s, nil
	}
	inWindow := 0
	for _, c := range sorted {
		if !c.Date.Before(from) {
			inWindow++
		}
	}
	out := make([]Result, 0, inWindow)
	tracks := map[string]*track{}
	for _, c := range sorted {
		here := scored{c: c}
		t := tracks[c.Instrument]
		if t == nil {
			t = &track{}
			tracks[c.Instrument] = t
		}
		if !c.Date.Before(from) {
			def, r, score, err := evaluate(defFor, c)
			if err != nil {
				return nil, err
			}
			here.score, here.scored = score, true
			if t.first.c != nil {
				baseScore, err := scoreOf(&t.first)
				if err != nil {
					return nil, err
				}
				if t.last.c == t.first.c {
					t.last = t.first
				}
				prevScore, err := scoreOf(&t.last)
				if err != nil {
					return nil, err
				}
				r = compareScores(def, r, score, baseScore, prevScore)
			}
			out = append(out, r)
		}
		if t.first.c == nil {
			t.first = here
		}
		t.last = here
	}
	return out, nil
}

// Resolve returns the definition a check-in answered against version of
// instrumentID should be scored with. A stored definition wins over the
// registry, so a check-in keeps its meaning after the person edits their own
// instrument file; the registry serves when nothing was stored yet.
func Resolve(reg *instrument.Registry, stored []upshot.Definition, instrumentID string, version int) (*instrument.Definition, error) {
	for _, s := range stored {
		if s.Instrument != instrumentID || s.Version != version {
			continue
		}
		d, err := instrument.Parse(s.Data)
		if err != nil {
			return nil, fmt.Errorf("stored definition of %s version %d: %w", instrumentID, version, err)
		}
		if d.ID != instrumentID || d.Version != version {
			return nil, upshot.Errorf(upshot.EINTERNAL, "definition", "stored definition of %s version %d describes %s version %d", instrumentID, version, d.ID, d.Version)
		}
		return d, nil
	}
	if reg != nil {
		if d, ok := reg.Get(instrumentID); ok && version == 0 {
			return d, nil
		}
		if d, ok := reg.Version(instrumentID, version); ok {
			return d, nil
		}
	}
	return nil, upshot.Errorf(upshot.ENOTFOUND, "instrument", "no definition of %s version %d is available", instrumentID, version)
}

// Resolver returns a DefinitionFor over a registry and the stored
// definitions, parsing each stored definition once.
func Resolver(reg *instrument.Registry, stored []upshot.Definition) DefinitionFor {
	type key struct {
		instrument string
		version    int
	}
	cache := map[key]*instrument.Definition{}
	return func(c *upshot.CheckIn) (*instrument.Definition, error) {
		// A struct key, not a formatted string: this runs for every
		// check-in a chart or list scores.
		key := key{c.Instrument, c.InstrumentVersion}
		if d, ok := cache[key]; ok {
			return d, nil
		}
		d, err := Resolve(reg, stored, c.Instrument, c.InstrumentVersion)
		if err != nil {
			return nil, err
		}
		cache[key] = d
		return d, nil
	}
}

// SameDefinition reports whether two definitions score identically. It
// compares their decoded content, not bytes, because a database may reformat
// the JSON it stores.
func SameDefinition(a, b *instrument.Definition) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
