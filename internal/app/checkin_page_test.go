package app_test

import (
	"encoding/json"
	"testing"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// A page of check-ins, scored from the page and the check-ins it is compared
// with alone, is scored exactly as the whole history scores it, on every
// page of every size: check-ins changed after they were made (so a page in
// the order of change holds old ones among new), two of one questionnaire on
// one day (the earlier by id is the previous), safety notices with the
// person's crisis contacts, and another owner's check-ins beside.
func TestCheckInPageScoresAsTheWholeHistory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		reg := instrument.Builtin()
		snap := history.Years(today, 2)
		if err := db.Import(ctx, upshot.DefaultOwner, snap); err != nil {
			t.Fatal(err)
		}
		other, err := db.CreateAccount(ctx, "other", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Import(ctx, other, snap); err != nil {
			t.Fatal(err)
		}
		phq9, _ := reg.Get("phq9")
		for _, n := range []int{3, 1, 0} {
			answers := make([]*int, len(phq9.Items))
			for i := range answers {
				answers[i] = intp(n)
			}
			if _, err := usecase.RecordCheckIn(ctx, db, reg, upshot.DefaultOwner, clock, phq9, answers, today.AddDays(-1)); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetSetting(ctx, upshot.DefaultOwner, upshot.SettingCrisisContacts, "Call Sam: 555 0100"); err != nil {
			t.Fatal(err)
		}
		all, err := db.ListCheckIns(ctx, upshot.DefaultOwner, upshot.CheckInFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 1, 40, len(all) / 2} { // the first of a questionnaire among them
			c := all[i]
			n := 2
			c.Answers[0] = &n
			if err := db.UpdateCheckIn(ctx, upshot.DefaultOwner, c); err != nil {
				t.Fatal(err)
			}
		}
		whole, err := usecase.CheckInHistory(ctx, db, reg, upshot.DefaultOwner, upshot.CheckInFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{}
		safety := 0
		for _, r := range whole {
			want[r.ID] = resultJSON(t, r)
			if r.Safety {
				safety++
			}
		}
		if safety == 0 {
			t.Fatal("no check-in calls for a safety notice: the notices are not tested")
		}
		for _, limit := range []int{1, 7, 50} {
			q, seen := upshot.ChangeQuery{Limit: limit}, 0
			for {
				page, err := usecase.CheckInPage(ctx, db, reg, upshot.DefaultOwner, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page {
					if got := resultJSON(t, r); got != want[r.ID] {
						t.Fatalf("limit %d, check-in %d on a page:\n%s\nscored from the whole history:\n%s", limit, r.ID, got, want[r.ID])
					}
				}
				seen += len(page)
				if len(page) < limit {
					break
				}
				q.AfterAt, q.AfterID = page[len(page)-1].UpdatedAt, page[len(page)-1].ID
			}
			if seen != len(whole) {
				t.Errorf("limit %d: %d check-ins on the pages, %d in the history", limit, seen, len(whole))
			}
		}
	})
}

func resultJSON(t *testing.T, r checkin.Result) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
