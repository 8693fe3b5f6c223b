package review_test

import (
	"context"
	"testing"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// tenYears is a weekly history of ten years: 520 sessions with two
// therapists, 520 check-ins on each of the four built-in instruments and 20
// goals, every optional field filled in, so every rule has work to do.
func tenYears() *hist {
	h := newHist()
	a, b := h.therapist("Dr. A"), h.therapist("Dr. B")
	h.endTherapist(a, day(7*259))
	var goals []int64
	for i := range 20 {
		goals = append(goals, h.goal("Goal "+itoa(i+1), day(0)))
	}
	for i := range 520 {
		th := a
		if i >= 260 {
			th = b
		}
		rel := (i * 7) % 50
		h.session(th, day(7*i), focus(80-rel, rel, 0, 15, 5),
			addresses(goals[i%20], upshot.Ptr(i%7-3)), addresses(goals[(i+7)%20], nil),
			got("insight", "strategy"), rate("respect", 1+i%5), flags(upshot.Flags[i%len(upshot.Flags)]),
			after([]string{upshot.AfterBetter, upshot.AfterSame, upshot.AfterWorse}[i%3]))
		d := day(7*i + 1)
		h.phq9(d, 4+(i*5)%20, 0)
		h.gad7(d, 3+(i*3)%18)
		h.who5(d, 4*((i*2)%25))
		h.checkin("focus", d, i%5, (i+2)%5, (i+4)%5)
	}
	return h
}

func itoa(n int) string {
	return string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

func TestTenYearsIsValid(t *testing.T) {
	t.Parallel()
	h := tenYears()
	h.valid(t)
	if len(h.snap.Sessions) != 520 || len(h.snap.CheckIns) != 4*520 || len(h.snap.Goals) != 20 {
		t.Fatalf("history: %d sessions %d check-ins %d goals", len(h.snap.Sessions), len(h.snap.CheckIns), len(h.snap.Goals))
	}
	r := h.review()
	if len(r.Measures) != 4 || r.Scope.Sessions != 520 || r.Scope.CheckIns != 2080 {
		t.Errorf("review scope %+v", r.Scope)
	}
}

// BenchmarkReview measures the review alone, in process.
func BenchmarkReview(b *testing.B) {
	h := tenYears()
	opt := review.Options{Today: today}
	b.ReportAllocs()
	for b.Loop() {
		review.Run(h.snap, reg, opt)
	}
}

// BenchmarkLoadRows is the baseline the review must beat: reading the same
// history out of SQLite (one export, which is what `upshot review` loads).
func BenchmarkLoadRows(b *testing.B) {
	h := tenYears()
	db := storetest.Open(b, "sqlite")
	ctx := context.Background()
	if err := db.Import(ctx, upshot.DefaultOwner, h.snap); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.Export(ctx, upshot.DefaultOwner); err != nil {
			b.Fatal(err)
		}
	}
}
