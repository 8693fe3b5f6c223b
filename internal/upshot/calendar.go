package upshot

import (
	"context"
	"time"
)

// CalendarFeedService keeps each person's one calendar feed: reminders that
// a calendar app fetches from a secret address (issue 15). Only a hash of
// the address's secret is stored.
type CalendarFeedService interface {
	// SetCalendarFeed gives the owner a feed whose secret hashes to
	// tokenHash, replacing any earlier one.
	SetCalendarFeed(ctx context.Context, owner OwnerID, tokenHash string) error
	// DeleteCalendarFeed ends the owner's feed and reports whether there
	// was one.
	DeleteCalendarFeed(ctx context.Context, owner OwnerID) (bool, error)
	// CalendarFeedSince says when the owner's feed was made (nil: none).
	CalendarFeedSince(ctx context.Context, owner OwnerID) (*time.Time, error)
	// CalendarFeedOwner finds whose feed a token hash opens (ENOTFOUND for
	// none, or a disabled account).
	CalendarFeedOwner(ctx context.Context, tokenHash string) (OwnerID, error)
}

// The check-in reminder's rhythms (setting checkin_reminder).
const (
	CheckinReminderWeekly        = "weekly"
	CheckinReminderBeforeSession = "before_session"
	CheckinReminderOff           = "off"
)

// The calendar titles (setting calendar_titles): neutral titles say nothing
// about therapy to someone glancing at a phone; named ones say what to do.
const (
	CalendarTitlesNeutral = "neutral"
	CalendarTitlesNamed   = "named"
)
