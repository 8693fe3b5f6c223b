package app_test

import (
	"context"
	"slices"
	"testing"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The record holds every session with a red flag, a conduct rating at or
// below conduct_concern_max or "worse" after, oldest first, each with its
// note; a session with none of them is not in it. It narrows by therapist,
// kind and date, follows the setting, and refuses an unknown kind or a
// therapist that is not the owner's.
func TestRecordUseCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		a := &upshot.Therapist{Name: "Dr A"}
		b := &upshot.Therapist{Name: "Dr B"}
		for _, th := range []*upshot.Therapist{a, b} {
			if err := db.CreateTherapist(ctx, upshot.DefaultOwner, th); err != nil {
				t.Fatal(err)
			}
		}
		log := func(th *upshot.Therapist, daysAgo int, s upshot.Session) int64 {
			t.Helper()
			s.TherapistID, s.Date = th.ID, today.AddDays(-daysAgo)
			if err := usecase.LogSession(ctx, db, upshot.DefaultOwner, clock, &s); err != nil {
				t.Fatal(err)
			}
			return s.ID
		}
		flagged := log(a, 30, upshot.Session{Flags: []string{upshot.FlagDismissedAccount}, Note: "She said it never happened."})
		log(a, 28, upshot.Session{After: upshot.AfterBetter, Conduct: upshot.Conduct{Respect: intp(4)}, Note: "A good one."})
		low := log(a, 21, upshot.Session{Conduct: upshot.Conduct{Respect: intp(2), Honesty: intp(1), Empathy: intp(3)}, Note: "Laughed at me."})
		worseB := log(b, 14, upshot.Session{After: upshot.AfterWorse, Note: "Left shaking."})
		all3 := log(a, 7, upshot.Session{Flags: []string{upshot.FlagBoundary}, After: upshot.AfterWorse, Conduct: upshot.Conduct{Integrity: intp(1)}})

		rec, err := usecase.MyRecord(ctx, db, upshot.DefaultOwner, usecase.RecordFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range rec.Entries {
			ids = append(ids, e.SessionID)
		}
		if want := []int64{flagged, low, worseB, all3}; !slices.Equal(ids, want) {
			t.Fatalf("record sessions %v, want %v", ids, want)
		}
		first, second, last := rec.Entries[0], rec.Entries[1], rec.Entries[3]
		if first.Note != "She said it never happened." || first.Therapist != "Dr A" || !slices.Equal(first.Kinds, []usecase.RecordKind{usecase.RecordFlag}) {
			t.Errorf("flagged entry %+v", first)
		}
		if want := []usecase.Rating{{Quality: "respect", Rating: 2}, {Quality: "honesty", Rating: 1}}; !slices.Equal(second.LowConduct, want) {
			t.Errorf("low ratings %v, want %v (empathy 3 is not low)", second.LowConduct, want)
		}
		if !slices.Equal(last.Kinds, usecase.RecordKinds) {
			t.Errorf("a session with a flag, a low rating and worse after: kinds %v", last.Kinds)
		}
		if rec.ConductMax != 2 {
			t.Errorf("conduct max %v, want the default 2", rec.ConductMax)
		}

		for _, tt := range []struct {
			f    usecase.RecordFilter
			want []int64
		}{
			{usecase.RecordFilter{TherapistID: b.ID}, []int64{worseB}},
			{usecase.RecordFilter{Kind: usecase.RecordFlag}, []int64{flagged, all3}},
			{usecase.RecordFilter{Kind: usecase.RecordConduct}, []int64{low, all3}},
			{usecase.RecordFilter{Kind: usecase.RecordWorse, TherapistID: a.ID}, []int64{all3}},
			{usecase.RecordFilter{Since: today.AddDays(-21)}, []int64{low, worseB, all3}},
		} {
			rec, err := usecase.MyRecord(ctx, db, upshot.DefaultOwner, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range rec.Entries {
				got = append(got, e.SessionID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%+v: %v, want %v", tt.f, got, tt.want)
			}
		}

		// Raising the threshold to 3 makes empathy 3 low.
		if err := db.SetSetting(ctx, upshot.DefaultOwner, upshot.SettingConductConcernMax, "3"); err != nil {
			t.Fatal(err)
		}
		rec, err = usecase.MyRecord(ctx, db, upshot.DefaultOwner, usecase.RecordFilter{Kind: usecase.RecordConduct})
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Entries) != 2 || len(rec.Entries[0].LowConduct) != 3 {
			t.Errorf("with conduct_concern_max 3: %+v", rec.Entries)
		}

		if bare := rec.WithoutNotes(); bare.Entries[0].Note != "" || rec.Entries[0].Note != "Laughed at me." {
			t.Errorf("WithoutNotes: %q, and the original %q", bare.Entries[0].Note, rec.Entries[0].Note)
		}

		if _, err := usecase.MyRecord(ctx, db, upshot.DefaultOwner, usecase.RecordFilter{Kind: "angry"}); upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != "kind" {
			t.Errorf("kind angry: %v, want invalid kind", err)
		}
		if _, err := usecase.MyRecord(ctx, db, upshot.DefaultOwner, usecase.RecordFilter{TherapistID: 99}); upshot.ErrorCode(err) != upshot.ENOTFOUND {
			t.Errorf("therapist 99: %v, want not found", err)
		}
		// Another owner's therapist is not found either, and their record is empty.
		other, err := db.CreateAccount(ctx, "other", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := usecase.MyRecord(ctx, db, other, usecase.RecordFilter{TherapistID: a.ID}); upshot.ErrorCode(err) != upshot.ENOTFOUND {
			t.Errorf("another owner naming Dr A: %v, want not found", err)
		}
		if rec, err := usecase.MyRecord(ctx, db, other, usecase.RecordFilter{}); err != nil || len(rec.Entries) != 0 {
			t.Errorf("another owner's record: %+v, %v", rec, err)
		}
	})
}
