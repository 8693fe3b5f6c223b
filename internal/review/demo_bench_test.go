package review_test

import (
	"testing"

	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// BenchmarkReviewDemo is review.Run on the demo year, as `upshot review
// --json` reviews it after `upshot demo`.
func BenchmarkReviewDemo(b *testing.B) {
	d := upshot.NewDate(2026, 2, 28)
	snap, err := demo.Build(d, reg)
	if err != nil {
		b.Fatal(err)
	}
	opt := review.Options{Today: d}
	b.ReportAllocs()
	for b.Loop() {
		review.Run(snap, reg, opt)
	}
}
