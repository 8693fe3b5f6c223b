package upshot

import (
	"encoding/json"
	"regexp"
	"time"
)

// OwnerID identifies the person whose records these are. Every row in every
// table carries one and every query filters by it, also in single-user mode.
type OwnerID int64

// DefaultOwner is the implicit user of single-user mode.
const DefaultOwner OwnerID = 1

// MaxID is the largest record id: 2^53-1, the largest whole number every
// JSON reader (JavaScript's included) holds exactly, and far below the
// databases' 64-bit limit, so that an imported id can never leave a counter
// with no room to grow. The store hands out no id past it.
const MaxID int64 = 1<<53 - 1

// Meta is what the store maintains on every record. Version increases on each
// update so a stale edit is detected instead of silently overwriting.
type Meta struct {
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Therapist is a provider the person sees or saw.
type Therapist struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Credentials string `json:"credentials"`
	Approach    string `json:"approach"`
	Fee         *Money `json:"fee"`      // usual fee per session
	Currency    string `json:"currency"` // ISO 4217 code, e.g. EUR
	Started     Date   `json:"started"`  // first session or when they began
	Ended       Date   `json:"ended"`    // zero while the therapy goes on
	Meta
}

var currencyRe = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate checks every field; today bounds the dates.
func (t *Therapist) Validate(today Date) error {
	// Every field is checked, not only up to the first at fault, so that
	// a refusal lists every field to fix (errors.Join: the first is still
	// what ErrorField and ErrorMessage give).
	var v checks
	v.add(checkRequiredText("name", t.Name, MaxNameLen))
	v.add(CheckText("credentials", t.Credentials, MaxNameLen, false))
	v.add(CheckText("approach", t.Approach, MaxNameLen, false))
	if t.Fee != nil && (*t.Fee < 0 || *t.Fee > MaxMoney) {
		v.add(Invalid("fee", "fee must be 0 to 1000000, got %s", t.Fee))
	}
	if t.Currency != "" && !currencyRe.MatchString(t.Currency) {
		v.add(Invalid("currency", "currency must be a three-letter ISO 4217 code such as EUR or USD, got %q", t.Currency))
	}
	startedOK := true
	if !t.Started.IsZero() {
		startedOK = v.add(CheckDate("started", t.Started, today))
	}
	if !t.Ended.IsZero() {
		if v.add(CheckDate("ended", t.Ended, today)) && startedOK && !t.Started.IsZero() && t.Ended.Before(t.Started) {
			v.add(Invalid("ended", "ended (%s) must not be before started (%s)", t.Ended, t.Started))
		}
	}
	return v.err()
}

// Goal is a real-life problem the person came to solve, in their own words.
type Goal struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	Domain     string `json:"domain"`
	Severity   *int   `json:"severity"` // baseline severity 0-10
	SolvedWhen string `json:"solved_when"`
	Status     string `json:"status"`
	Opened     Date   `json:"opened"`
	Closed     Date   `json:"closed"` // set when solved or dropped
	Meta
}

func (g *Goal) Validate(today Date) error {
	var v checks
	v.add(checkRequiredText("title", g.Title, MaxTitleLen))
	v.add(oneOf("domain", g.Domain, Domains))
	v.add(checkRange("severity", g.Severity, 0, 10))
	v.add(CheckText("solved_when", g.SolvedWhen, MaxTextLen, true))
	statusOK := v.add(oneOf("status", g.Status, GoalStatuses))
	openedOK := v.add(CheckDate("opened", g.Opened, today))
	switch {
	case !statusOK:
	case g.Status == GoalOpen && !g.Closed.IsZero():
		v.add(Invalid("closed", "an open goal has no closed date, got %s", g.Closed))
	case g.Status != GoalOpen:
		if v.add(CheckDate("closed", g.Closed, today)) && openedOK && g.Closed.Before(g.Opened) {
			v.add(Invalid("closed", "closed (%s) must not be before opened (%s)", g.Closed, g.Opened))
		}
	}
	return v.err()
}

// Session is one meeting with a therapist.
type Session struct {
	ID          int64          `json:"id"`
	TherapistID int64          `json:"therapist_id"`
	Date        Date           `json:"date"`
	Minutes     *int           `json:"minutes"`
	Fee         *Money         `json:"fee"` // fee paid
	Format      string         `json:"format"`
	Agenda      string         `json:"agenda"` // who set the agenda
	Focus       *Focus         `json:"focus"`
	Goals       []GoalProgress `json:"goals"` // goals addressed
	Got         []string       `json:"got"`   // what I got
	Helpful     *int           `json:"helpful"`
	After       string         `json:"after"`
	Conduct     Conduct        `json:"conduct"`
	Flags       []string       `json:"flags"`
	Note        string         `json:"note"`
	// AgendaItems is what became of each open agenda item shown when the
	// session was logged (left out of the JSON when there were none, as in
	// files from before agenda items).
	AgendaItems []AgendaMark `json:"agenda_items,omitempty"`
	Meta
}

// GoalProgress records that a session addressed a goal, and how it moved.
type GoalProgress struct {
	GoalID   int64 `json:"goal_id"`
	Progress *int  `json:"progress"` // -3 much worse .. +3 much better
}

// Limits on a session's numbers.
const (
	MaxSessionMinutes = 600
	MaxFocusValue     = 600 // minutes, or shares that sum to 100
)

// Validate checks every field and puts sets into canonical order so that
// equal sessions store and export identically.
func (s *Session) Validate(today Date) error {
	var v checks
	if s.TherapistID <= 0 {
		v.add(Invalid("therapist", "therapist is required (the id of a therapist)"))
	}
	v.add(CheckDate("date", s.Date, today))
	v.add(checkRange("minutes", s.Minutes, 1, MaxSessionMinutes))
	if s.Fee != nil && (*s.Fee < 0 || *s.Fee > MaxMoney) {
		v.add(Invalid("fee", "fee must be 0 to 1000000, got %s", s.Fee))
	}
	if s.Format != "" {
		v.add(oneOf("format", s.Format, Formats))
	}
	if s.Agenda != "" {
		v.add(oneOf("agenda", s.Agenda, Agendas))
	}
	if s.Focus != nil {
		v.add(s.Focus.Validate())
	}
	seen := map[int64]bool{}
	for _, g := range s.Goals {
		switch {
		case g.GoalID <= 0:
			v.add(Invalid("goals", "goals must be goal ids, got %d", g.GoalID))
		case seen[g.GoalID]:
			v.add(Invalid("goals", "goals lists goal %d twice", g.GoalID))
		}
		seen[g.GoalID] = true
		v.add(checkRange("progress", g.Progress, -3, 3))
	}
	sortGoals(s.Goals)
	if got, err := canonicalSet("got", s.Got, Inputs); v.add(err) {
		if len(got) > 1 && got[len(got)-1] == GotNone {
			v.add(Invalid("got", "got cannot combine none with other inputs"))
		} else {
			s.Got = got
		}
	}
	v.add(checkRange("helpful", s.Helpful, 0, 10))
	if s.After != "" {
		v.add(oneOf("after", s.After, Afters))
	}
	v.add(s.Conduct.Validate())
	if flags, err := canonicalSet("flags", s.Flags, Flags); v.add(err) {
		s.Flags = flags
	}
	v.add(validateAgendaMarks(s.AgendaItems))
	v.add(CheckText("note", s.Note, MaxNoteLen, true))
	return v.err()
}

// HasFlag reports whether the session carries the red flag.
func (s *Session) HasFlag(flag string) bool {
	for _, f := range s.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// Focus is where the session time went, in minutes or in shares.
type Focus struct {
	Life         int `json:"life"`
	Relationship int `json:"relationship"`
	Therapist    int `json:"therapist"`
	Admin        int `json:"admin"`
	Other        int `json:"other"`
}

func (f *Focus) Validate() error {
	for _, c := range FocusCategories {
		v := f.Get(c)
		if v < 0 || v > MaxFocusValue {
			return Invalid("focus", "focus %s must be 0-%d, got %d", c, MaxFocusValue, v)
		}
	}
	if f.Total() == 0 {
		return Invalid("focus", "focus must give some time to at least one of %s", joinComma(FocusCategories))
	}
	return nil
}

// Get returns the value for a category name from FocusCategories.
func (f *Focus) Get(category string) int {
	switch category {
	case FocusLife:
		return f.Life
	case FocusRelationship:
		return f.Relationship
	case FocusTherapist:
		return f.Therapist
	case FocusAdmin:
		return f.Admin
	case FocusOther:
		return f.Other
	}
	return 0
}

// Set assigns the value of a category; it reports false for an unknown name.
func (f *Focus) Set(category string, v int) bool {
	switch category {
	case FocusLife:
		f.Life = v
	case FocusRelationship:
		f.Relationship = v
	case FocusTherapist:
		f.Therapist = v
	case FocusAdmin:
		f.Admin = v
	case FocusOther:
		f.Other = v
	default:
		return false
	}
	return true
}

func (f *Focus) Total() int { return f.Life + f.Relationship + f.Therapist + f.Admin + f.Other }

// RelationshipShare is the share (0-1) of the time that went to the
// relationship or to the therapist themselves: the heart of the product.
func (f *Focus) RelationshipShare() float64 {
	if t := f.Total(); t > 0 {
		return float64(f.Relationship+f.Therapist) / float64(t)
	}
	return 0
}

// LifeShare is the share (0-1) of the time that went to the person's life.
func (f *Focus) LifeShare() float64 {
	if t := f.Total(); t > 0 {
		return float64(f.Life) / float64(t)
	}
	return 0
}

// Conduct rates the therapist's professional behaviour in a session, 1-5 per
// quality; any may be left out (nil).
type Conduct struct {
	Empathy     *int `json:"empathy"`
	Compassion  *int `json:"compassion"`
	Respect     *int `json:"respect"`
	Kindness    *int `json:"kindness"`
	Judgment    *int `json:"judgment"`
	Honesty     *int `json:"honesty"`
	Integrity   *int `json:"integrity"`
	Objectivity *int `json:"objectivity"`
}

// Field returns a pointer to the rating slot of a quality from Qualities, or nil.
func (c *Conduct) Field(quality string) **int {
	switch quality {
	case "empathy":
		return &c.Empathy
	case "compassion":
		return &c.Compassion
	case "respect":
		return &c.Respect
	case "kindness":
		return &c.Kindness
	case "judgment":
		return &c.Judgment
	case "honesty":
		return &c.Honesty
	case "integrity":
		return &c.Integrity
	case "objectivity":
		return &c.Objectivity
	}
	return nil
}

// Get returns the rating of a quality, nil when not rated.
func (c *Conduct) Get(quality string) *int {
	if p := c.Field(quality); p != nil {
		return *p
	}
	return nil
}

// Empty reports whether no quality was rated.
func (c *Conduct) Empty() bool {
	for _, q := range Qualities {
		if c.Get(q) != nil {
			return false
		}
	}
	return true
}

func (c *Conduct) Validate() error {
	for _, q := range Qualities {
		if err := checkRange("conduct "+q, c.Get(q), 1, 5); err != nil {
			return err
		}
	}
	return nil
}

// CheckIn is one dated answer set to an instrument. Scores are derived from
// the answers and the definition version they were given against, never stored
// apart from them, so they cannot disagree.
type CheckIn struct {
	ID                int64  `json:"id"`
	Instrument        string `json:"instrument"`
	InstrumentVersion int    `json:"instrument_version"`
	Date              Date   `json:"date"`
	Answers           []*int `json:"answers"` // nil entries are missing answers
	Meta
}

// Definition is the exact instrument definition a check-in was scored with,
// stored beside the check-ins so that old answers stay interpretable after the
// definition changes.
type Definition struct {
	Instrument string          `json:"instrument"`
	Version    int             `json:"version"`
	Data       json.RawMessage `json:"definition"`
}
