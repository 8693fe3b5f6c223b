package store_test

import (
	"testing"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// TestSetSettingsAllOrNothing: several settings are written together or not
// at all; a refused value, or an owner that does not exist, leaves every
// setting as it was.
func TestSetSettingsAllOrNothing(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			const me = upshot.DefaultOwner
			before, err := db.Settings(ctx, me)
			must(t, err)

			err = db.SetSettings(ctx, me, []upshot.SettingChange{{Name: upshot.SettingCrisisContacts, Value: "my friend Jo"}, {Name: "recent_window", Value: "99"}})
			if upshot.ErrorCode(err) != upshot.EINVALID {
				t.Fatalf("a refused value: %v, want invalid", err)
			}
			err = db.SetSettings(ctx, upshot.OwnerID(999999), []upshot.SettingChange{{Name: "recent_window", Value: "6"}})
			if upshot.ErrorCode(err) != upshot.EUNAUTHORIZED {
				t.Fatalf("no such owner: %v, want unauthorized", err)
			}
			after, err := db.Settings(ctx, me)
			must(t, err)
			if len(after) != len(before) || after[upshot.SettingCrisisContacts] != before[upshot.SettingCrisisContacts] {
				t.Fatalf("a refused change wrote something: %v, before %v", after, before)
			}

			must(t, db.SetSettings(ctx, me, []upshot.SettingChange{{Name: "recent_window", Value: " 6 "}, {Name: upshot.SettingCrisisContacts, Value: "Samaritans 116 123"}}))
			got, err := db.Settings(ctx, me)
			must(t, err)
			if got["recent_window"] != "6" || got[upshot.SettingCrisisContacts] != "Samaritans 116 123" {
				t.Fatalf("after writing two settings: %v", got)
			}
		})
	}
}
