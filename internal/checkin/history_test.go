package checkin_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// History walks the check-ins once; it must say exactly what evaluating each
// check-in against the whole history says, whatever order the caller passes
// them in, with several instruments mixed and several check-ins on one day.
func TestHistoryAgreesWithEvaluateWith(t *testing.T) {
	resolve := checkin.Resolver(instrument.Builtin(), nil)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 200} {
		var all []*upshot.CheckIn
		for i := range n {
			inst, items, hi := "phq9", 9, 3
			if i%3 == 1 {
				inst, items, hi = "gad7", 7, 3
			}
			vs := make([]int, items)
			for k := range vs {
				vs[k] = rng.IntN(hi + 1)
			}
			// Days repeat, so same-day order (by id) matters.
			all = append(all, &upshot.CheckIn{ID: int64(i + 1), Instrument: inst, InstrumentVersion: 1,
				Date: upshot.NewDate(2024, time.January, 1).AddDays(rng.IntN(n/2 + 1)), Answers: answers(vs...)})
		}
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

		got, err := checkin.History(resolve, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("n=%d: %d results", n, len(got))
		}
		for i, r := range got {
			if i > 0 && (r.Date.Before(got[i-1].Date) || r.Date.Equal(got[i-1].Date) && r.ID < got[i-1].ID) {
				t.Fatalf("n=%d: results not in date, id order at %d", n, i)
			}
			var c *upshot.CheckIn
			for _, x := range all {
				if x.ID == r.ID {
					c = x
				}
			}
			want, err := checkin.EvaluateWith(resolve, all, c)
			if err != nil {
				t.Fatal(err)
			}
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(r)
			if string(wj) != string(gj) {
				t.Fatalf("n=%d, check-in %d:\nHistory      %s\nEvaluateWith %s", n, r.ID, gj, wj)
			}
		}
		// HistorySince says the same of the check-ins from a date on, and
		// nothing of those before it.
		for _, from := range []int{0, 1, n / 4, n / 2, n} {
			day := upshot.NewDate(2024, time.January, 1).AddDays(from)
			since, err := checkin.HistorySince(resolve, all, day)
			if err != nil {
				t.Fatal(err)
			}
			want := []checkin.Result{}
			for _, r := range got {
				if !r.Date.Before(day) {
					want = append(want, r)
				}
			}
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(since)
			if string(wj) != string(gj) {
				t.Fatalf("n=%d, since %s:\nHistorySince %s\nHistory      %s", n, day, gj, wj)
			}
		}
	}
}
