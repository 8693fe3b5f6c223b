package review_test

import (
	"context"
	"testing"

	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The pair below measures the shared ten-year history (internal/demo/history),
// the same records the end-to-end benchmark in internal/cli and the load test
// in tools/loadtest use, so the figures in BENCHMARKS.md line up. The target of
// issue 4: the review costs less than loading the rows it reviews.

// BenchmarkReviewHistory is review.Run alone on a snapshot read back from
// SQLite, exactly what `upshot review` hands it.
func BenchmarkReviewHistory(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	ctx := context.Background()
	if err := db.Import(ctx, upshot.DefaultOwner, history.TenYears(today)); err != nil {
		b.Fatal(err)
	}
	snap, err := db.Export(ctx, upshot.DefaultOwner)
	if err != nil {
		b.Fatal(err)
	}
	opt := review.Options{Today: today}
	b.ReportAllocs()
	for b.Loop() {
		if r := review.Run(snap, reg, opt); r.Scope.Sessions != history.Weeks {
			b.Fatalf("reviewed %d sessions", r.Scope.Sessions)
		}
	}
}

// BenchmarkLoadRowsHistory is the baseline: one Export of the same history
// from a SQLite file, the read `upshot review` and the dashboard do first.
func BenchmarkLoadRowsHistory(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	ctx := context.Background()
	if err := db.Import(ctx, upshot.DefaultOwner, history.TenYears(today)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		snap, err := db.Export(ctx, upshot.DefaultOwner)
		if err != nil || len(snap.Sessions) != history.Weeks {
			b.Fatalf("export: %v", err)
		}
	}
}
