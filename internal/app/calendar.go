package app

import (
	"context"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/calendar"
	"github.com/upshot-app/upshot/internal/upshot"
)

// CalendarFeedPath is where the feed of a token is served: the secret is the
// whole credential, since a calendar app sends no cookie and no header.
func CalendarFeedPath(token string) string { return "/calendar/" + token + ".ics" }

// NewCalendarFeed makes a new secret address for the owner's calendar feed
// and returns its token, to be shown once: only its hash is stored. An
// earlier address stops working.
func NewCalendarFeed(ctx context.Context, st upshot.CalendarFeedService, owner upshot.OwnerID) (string, error) {
	token, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	if err := st.SetCalendarFeed(ctx, owner, auth.HashToken(token)); err != nil {
		return "", err
	}
	return token, nil
}

// CalendarStore is what serving a feed reads.
type CalendarStore interface {
	upshot.CalendarFeedService
	upshot.SnapshotService
}

// CalendarFeed answers a calendar app's fetch of path's file ("TOKEN.ics"):
// the feed of the owner whose token it is. Anything else, a malformed token
// as much as an ended one, is ENOTFOUND, the same answer as for an address
// that never existed. link is the app's address for the reminders ("" when
// unknown).
func CalendarFeed(ctx context.Context, st CalendarStore, file string, now time.Time, link string) ([]byte, error) {
	token, ok := strings.CutSuffix(file, ".ics")
	if !ok || !auth.WellFormedToken(token) {
		return nil, upshot.Errorf(upshot.ENOTFOUND, "token", "no calendar feed at this address")
	}
	hash := auth.HashToken(token)
	owner, err := st.CalendarFeedOwner(ctx, hash)
	if err != nil {
		return nil, err
	}
	records, err := st.ExportWithoutNotes(ctx, owner)
	if err != nil {
		return nil, err
	}
	return calendar.Build(calendar.Feed{Records: records, Now: now, UID: hash[:16], Link: link})
}
