package upshot

import (
	"encoding/json"
	"time"
)

// DateLayout is the only date form Upshot reads and writes: ISO 8601 calendar dates.
const DateLayout = "2006-01-02"

// Date is a calendar day with no time of day or zone. Sessions and check-ins
// happen on a day; a timestamp would invite off-by-one-day bugs across zones.
type Date struct {
	t time.Time // midnight UTC; zero means "no date"
}

// NewDate returns the given calendar day.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	return NewDate(t.Date())
}

// Today is the current day in the local time zone: "today" for the person using it.
func Today() Date { return DateOf(time.Now()) }

// minDate bounds back-dating: nobody reconstructs a therapy from before 1900.
var minDate = NewDate(1900, 1, 1)

// ParseDate reads YYYY-MM-DD strictly (time.Parse also rejects 2023-02-30).
func ParseDate(s string) (Date, error) {
	return parseDate("date", s, "date must be YYYY-MM-DD, got %q")
}

// ParseDateField is ParseDate with the field name used in the error.
func ParseDateField(field, s string) (Date, error) {
	return parseDate(field, s, field+" must be a date as YYYY-MM-DD, got %q")
}

func parseDate(field, s, format string) (Date, error) {
	t, ok := parseDigits(s)
	if !ok {
		var err error
		if t, err = time.Parse(DateLayout, s); err != nil {
			return Date{}, Invalid(field, format, s)
		}
	}
	// 0001-01-01 is Go's zero time, which stands for "no date" here: read
	// as such, an end date of 0001-01-01 would quietly become "not ended".
	if t.IsZero() {
		return Date{}, Invalid(field, "%s must be on or after %s, got %s", field, minDate, s)
	}
	return Date{t}, nil
}

// parseDigits reads s when it is exactly YYYY-MM-DD with the month and day
// in range, by position: lists read a date per record, and time.Parse's
// general walk of the layout costs several times more. Anything else is
// left to time.Parse (FuzzParseDate holds the two to the same answers).
func parseDigits(s string) (time.Time, bool) {
	if len(s) != len(DateLayout) || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	n := 0
	for i, c := range []byte(s) {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		n = n*10 + int(c-'0')
	}
	year, month, day := n/10000, n/100%100, n%100
	if month < 1 || month > 12 || day < 1 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day { // past the month's end: time.Date would roll it over
		return time.Time{}, false
	}
	return t, true
}

// CheckDate refuses a date in the future (relative to today) or before 1900:
// back-dating is normal, recording what has not happened yet is not.
func CheckDate(field string, d, today Date) error {
	if d.IsZero() {
		return Invalid(field, "%s is required (YYYY-MM-DD)", field)
	}
	if d.After(today) {
		return Invalid(field, "%s must not be in the future, got %s (today is %s)", field, d, today)
	}
	if d.Before(minDate) {
		return Invalid(field, "%s must be on or after %s, got %s", field, minDate, d)
	}
	return nil
}

func (d Date) IsZero() bool         { return d.t.IsZero() }
func (d Date) Time() time.Time      { return d.t }
func (d Date) Before(o Date) bool   { return d.t.Before(o.t) }
func (d Date) After(o Date) bool    { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool    { return d.t.Equal(o.t) }
func (d Date) AddDays(n int) Date   { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) DaysSince(o Date) int { return int(d.t.Sub(o.t).Hours() / 24) }

// Compare returns -1, 0 or +1, for slices.SortFunc.
func (d Date) Compare(o Date) int { return d.t.Compare(o.t) }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(DateLayout)
}

// MarshalJSON writes the date as a JSON string, appended directly: a date's
// digits and dashes need no escaping, and lists encode one per record.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(DateLayout)+2)
	b = append(b, '"')
	b = d.t.AppendFormat(b, DateLayout)
	return append(b, '"'), nil
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Invalid("date", "date must be a string YYYY-MM-DD, got %s", b)
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
