// Package calendar makes the reminders a person subscribes to in their own
// calendar app (issue 15): an iCalendar feed (RFC 5545) that reminds them to
// log a session on their usual session day and to answer their
// questionnaires at the rhythm they chose. It holds no health data beyond
// what the person chose: by default every title is neutral ("Upshot: 1
// minute"), since a calendar is often seen by others.
//
// Times are floating (no time zone): a reminder at 18:00 rings at 18:00
// wherever the phone is, which is what a person setting "18:00" means.
package calendar

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// ProductID names Upshot in the feed (PRODID), as RFC 5545 asks.
const ProductID = "-//Upshot//Upshot reminders//EN"

// Usual session days are read from the latest sessions of the therapies
// going on: at most usualSessions of them, none older than usualDays.
const (
	usualSessions = 8
	usualDays     = 91
)

// reminderLength is how long a reminder sits in the calendar.
const reminderLength = 5 * time.Minute

// Feed is what a feed is made from.
type Feed struct {
	Records *upshot.Snapshot // the person's records and settings
	Now     time.Time
	// UID makes each event's UID unique to this feed and stable from one
	// fetch to the next, so a calendar app updates events rather than
	// doubling them. It must not identify the person.
	UID string
	// Link is the app's address, put in each reminder ("" when unknown).
	Link string
}

// Schedule is what the feed reminds of, worked out from the records.
type Schedule struct {
	// SessionDay is the usual session weekday; HasDay is false when the
	// records show none (no therapy going on, or no day that repeats).
	SessionDay time.Weekday
	HasDay     bool
	// Every is the usual number of weeks between sessions (1 to 4).
	Every int
	// LastOnDay is the latest session on SessionDay.
	LastOnDay upshot.Date
	// LatestCheckIn is the date of the latest check-in (zero: none).
	LatestCheckIn upshot.Date
}

// Plan reads the usual session day and rhythm from the records: among the
// latest sessions of the therapies going on, the weekday that holds the
// most (at least two; a tie goes to the latest), and the median gap between
// them in whole weeks.
func Plan(s *upshot.Snapshot, today upshot.Date) Schedule {
	var sch Schedule
	for _, c := range s.CheckIns {
		if c.Date.After(sch.LatestCheckIn) {
			sch.LatestCheckIn = c.Date
		}
	}
	var dates []upshot.Date
	for _, c := range review.Courses(s, review.Options{Today: today}) {
		if !c.Active {
			continue
		}
		for _, sess := range c.Sessions {
			if !sess.Date.After(today) && today.DaysSince(sess.Date) <= usualDays {
				dates = append(dates, sess.Date)
			}
		}
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	dates = slices.Compact(dates)
	if len(dates) > usualSessions {
		dates = dates[len(dates)-usualSessions:]
	}
	count := map[time.Weekday]int{}
	best := -1
	for i := len(dates) - 1; i >= 0; i-- { // latest first, so a tie keeps the latest
		d := dates[i].Time().Weekday()
		count[d]++
		if best < 0 || count[d] > count[time.Weekday(best)] {
			best = int(d)
		}
	}
	if best < 0 || count[time.Weekday(best)] < 2 {
		return sch
	}
	sch.SessionDay, sch.HasDay = time.Weekday(best), true
	var onDay []upshot.Date
	for _, d := range dates {
		if d.Time().Weekday() == sch.SessionDay {
			onDay = append(onDay, d)
		}
	}
	sch.LastOnDay = onDay[len(onDay)-1]
	gaps := make([]int, 0, len(onDay)-1)
	for i := 1; i < len(onDay); i++ {
		gaps = append(gaps, onDay[i].DaysSince(onDay[i-1]))
	}
	slices.Sort(gaps)
	weeks := (gaps[len(gaps)/2] + 3) / 7 // the median gap, rounded to weeks
	sch.Every = min(max(weeks, 1), 4)
	return sch
}

// Build makes the feed.
func Build(f Feed) ([]byte, error) {
	settings := f.Records.Settings
	today := upshot.DateOf(f.Now)
	sch := Plan(f.Records, today)
	at, err := time.Parse("15:04", settings.Get(upshot.SettingReminderTime))
	if err != nil {
		return nil, err
	}
	named := settings.Get(upshot.SettingCalendarTitles) == upshot.CalendarTitlesNamed

	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText("X-WR-CALNAME", "Upshot")
	// Calendar apps refetch at their own pace; these ask for twice a day,
	// so a new usual day shows within hours.
	refresh := ical.NewProp(ical.PropRefreshInterval)
	refresh.SetDuration(12 * time.Hour)
	cal.Props.Set(refresh)
	ttl := ical.NewProp("X-PUBLISHED-TTL")
	ttl.Value = "PT12H"
	cal.Props.Set(ttl)

	weekly := func(every int, day time.Weekday) string {
		return fmt.Sprintf("FREQ=WEEKLY;INTERVAL=%d;BYDAY=%s", every, byDay[day])
	}
	if sch.HasDay {
		title, text := "Upshot: 1 minute", "A reminder you set up in Upshot."
		if named {
			title = "Upshot: log today's session"
			text = "Log today's session in Upshot while you remember it: what the time went to, what you got, how you felt after."
		}
		cal.Children = append(cal.Children, f.event("log-session", title, text, sch.LastOnDay, at, weekly(sch.Every, sch.SessionDay)))
	}
	switch settings.Get(upshot.SettingCheckinReminder) {
	case upshot.CheckinReminderWeekly:
		start := today
		if !sch.LatestCheckIn.IsZero() {
			start = sch.LatestCheckIn.AddDays(7)
		}
		cal.Children = append(cal.Children, f.checkIn(named, start, at, weekly(1, start.Time().Weekday())))
	case upshot.CheckinReminderBeforeSession:
		if sch.HasDay {
			start := sch.LastOnDay.AddDays(-1)
			cal.Children = append(cal.Children, f.checkIn(named, start, at, weekly(sch.Every, start.Time().Weekday())))
		}
	}

	var buf bytes.Buffer
	if len(cal.Children) == 0 {
		// Nothing to remind of (no session day yet, check-in reminders
		// off). The encoder refuses a calendar without a component, but a
		// subscribed feed must still answer, or the app reports an error:
		// the same calendar properties, no event.
		fmt.Fprintf(&buf, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:%s\r\nX-WR-CALNAME:Upshot\r\nEND:VCALENDAR\r\n", ProductID)
		return buf.Bytes(), nil
	}
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var byDay = map[time.Weekday]string{
	time.Monday: "MO", time.Tuesday: "TU", time.Wednesday: "WE", time.Thursday: "TH",
	time.Friday: "FR", time.Saturday: "SA", time.Sunday: "SU",
}

func (f Feed) checkIn(named bool, start upshot.Date, at time.Time, rule string) *ical.Component {
	title, text := "Upshot: 3 minutes", "A reminder you set up in Upshot."
	if named {
		title = "Upshot: answer your questionnaires"
		text = "Check in in Upshot: answering your questionnaires regularly is what lets the review say whether your therapy is working."
	}
	return f.event("check-in", title, text, start, at, rule)
}

// event is one recurring reminder with an alarm at its start.
func (f Feed) event(kind, title, text string, day upshot.Date, at time.Time, rule string) *ical.Component {
	e := ical.NewEvent()
	e.Props.SetText(ical.PropUID, kind+"-"+f.UID+"@upshot")
	e.Props.SetDateTime(ical.PropDateTimeStamp, f.Now.UTC())
	start := ical.NewProp(ical.PropDateTimeStart)
	start.Value = day.Time().Add(time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute).Format("20060102T150405")
	e.Props.Set(start)
	dur := ical.NewProp(ical.PropDuration)
	dur.SetDuration(reminderLength)
	e.Props.Set(dur)
	rr := ical.NewProp(ical.PropRecurrenceRule)
	rr.Value = rule
	e.Props.Set(rr)
	e.Props.SetText(ical.PropSummary, title)
	e.Props.SetText(ical.PropDescription, text)
	e.Props.SetText(ical.PropTransparency, "TRANSPARENT") // a reminder, not a busy time
	if f.Link != "" {
		link := ical.NewProp(ical.PropURL)
		link.SetValueType(ical.ValueURI)
		link.Value = f.Link
		e.Props.Set(link)
	}
	alarm := ical.NewComponent(ical.CompAlarm)
	alarm.Props.SetText(ical.PropAction, "DISPLAY")
	alarm.Props.SetText(ical.PropDescription, title)
	trigger := ical.NewProp(ical.PropTrigger)
	trigger.SetDuration(0)
	alarm.Props.Set(trigger)
	e.Children = append(e.Children, alarm)
	return e.Component
}
