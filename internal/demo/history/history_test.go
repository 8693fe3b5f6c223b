package history_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

var today = upshot.NewDate(2026, time.March, 2)

func TestTenYearsHasTheSizeItClaims(t *testing.T) {
	s := history.TenYears(today)
	perInstrument := map[string]int{}
	for _, c := range s.CheckIns {
		perInstrument[c.Instrument]++
	}
	if len(s.Sessions) != 520 || len(s.Goals) != 20 || len(s.Therapists) != 2 {
		t.Fatalf("got %d sessions, %d goals, %d therapists; want 520, 20, 2", len(s.Sessions), len(s.Goals), len(s.Therapists))
	}
	for _, inst := range history.Instruments {
		if perInstrument[inst] != 520 {
			t.Errorf("%s: %d check-ins, want 520", inst, perInstrument[inst])
		}
	}
	first, last := s.Sessions[0].Date, s.Sessions[len(s.Sessions)-1].Date
	if years := float64(last.DaysSince(first)) / 365.25; years < 9.9 || years > 10 {
		t.Errorf("history spans %.2f years, want ten", years)
	}
	if !last.Before(today) {
		t.Errorf("latest session %s is not before today %s", last, today)
	}
	for _, ss := range s.Sessions {
		if ss.Note == "" || ss.Focus == nil || ss.Helpful == nil || ss.Conduct.Empty() || len(ss.Goals) == 0 {
			t.Fatalf("session %d lacks fields a long-standing user fills in: %+v", ss.ID, ss)
		}
	}
}

func TestTenYearsIsDeterministic(t *testing.T) {
	a, _ := json.Marshal(history.TenYears(today))
	b, _ := json.Marshal(history.TenYears(today))
	if !bytes.Equal(a, b) {
		t.Fatal("two builds for the same day differ")
	}
}

// The history must be something the product can hold and review: it goes in
// through the real import and the review has every instrument to summarise.
func TestTenYearsImportsAndReviews(t *testing.T) {
	s := history.TenYears(today)
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	if err := db.Import(ctx, upshot.DefaultOwner, s); err != nil {
		t.Fatal(err)
	}
	back, err := db.Export(ctx, upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(s.Sessions)
	got, _ := json.Marshal(back.Sessions)
	if !bytes.Equal(want, got) || len(back.CheckIns) != len(s.CheckIns) {
		t.Fatalf("export after import differs from the history (%d check-ins back of %d)", len(back.CheckIns), len(s.CheckIns))
	}
	r := review.Run(back, instrument.Builtin(), review.Options{Today: today})
	if len(r.Measures) != len(history.Instruments) || r.Scope.Sessions != 520 {
		t.Errorf("review: %d measures, %d sessions in scope", len(r.Measures), r.Scope.Sessions)
	}
	if r.Safety != nil {
		t.Error("the history should not raise a safety notice: pages would measure the notice, not the usual page")
	}
}
