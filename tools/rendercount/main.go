// Command rendercount renders the dashboard uncached a given number of times,
// in process, on a SQLite file of the weekly history (internal/demo/history):
// the workload whose instructions callgrind counts for issue 17's target
// "uncached dashboard at 30 years within 1.5x its cost at 1 year". Wall-clock
// figures on our shared two-core machines move by 2-3x between rounds; an
// instruction count does not. callgrind.sh beside it runs the whole
// measurement; BENCHMARKS.md has the figures.
//
//	rendercount -build -years 30 -db h30.db   # write the history file (no valgrind)
//	rendercount -db copy-of-h30.db -renders 6 # open it, then 6 uncached renders
//
// It counts other pages the same way: -path names the request (an API
// page such as '/api/v1/sessions?limit=50', on a ten-year file or on the
// demo year's, written by -build -demo), and -path none makes only the
// writes, whose count can then be taken away. For a list of a few
// milliseconds the collector's and scheduler's background work moves the
// count by more than the difference being measured (issue 15's page of 50
// against the demo year's list), so that figure comes from
// BenchmarkPageAgainstList's interleaved timings instead.
//
// Each render follows a write that the page cannot skip (the crisis
// contacts setting unset), as the first visit after a change does. The
// count for n renders includes opening the file (and migrating it, when it
// was written by an older Upshot), building the server and the first, full
// read; (count at 6 - count at 2) / 4 leaves those out.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
	"github.com/upshot-app/upshot/internal/web"
)

// now is the fixed clock of the records and the renders (the web
// benchmarks' benchNow), so that every run draws the same page.
var now = time.Date(2026, time.March, 2, 12, 0, 0, 0, time.UTC)

const (
	addr  = "127.0.0.1:8080"
	token = "rendercount-launch-token-for-the-benchmark0"
)

func main() {
	dbPath := flag.String("db", "", "the SQLite file (required)")
	build := flag.Bool("build", false, "write the history into -db (a new file) and stop")
	years := flag.Int("years", 1, "with -build: years of weekly records")
	demoYear := flag.Bool("demo", false, "with -build: the demo year (as serve --demo shows it) instead of -years of weekly records")
	renders := flag.Int("renders", 2, "uncached renders of the page")
	path := flag.String("path", "/", "the page each render requests, after its write; none: the writes alone")
	memstats := flag.Bool("memstats", false, "print the bytes and objects allocated per render after the first, the collections, and the live heap after the last")
	memprofile := flag.String("memprofile", "", "write an allocation profile of the renders after the first to this file")
	flag.Parse()
	if *memprofile != "" {
		runtime.MemProfileRate = 512
	}
	if *dbPath == "" {
		fmt.Fprintln(os.Stderr, "rendercount: -db is required")
		os.Exit(2)
	}
	var err error
	if *build {
		err = buildHistory(*dbPath, *years, *demoYear)
	} else {
		var size int
		size, err = render(*dbPath, *path, *renders, *memstats, *memprofile)
		if err == nil {
			fmt.Printf("%d renders, page %d bytes\n", *renders, size)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rendercount:", err)
		os.Exit(1)
	}
}

func buildHistory(path string, years int, demoYear bool) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists; -build writes a new file", path)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Now = func() time.Time { return now }
	snap := history.Years(upshot.DateOf(now), years)
	if demoYear {
		if snap, err = demo.Build(upshot.DateOf(now), instrument.Builtin()); err != nil {
			return err
		}
	}
	return db.Import(ctx, upshot.DefaultOwner, snap)
}

func render(path, page string, n int, memstats bool, memprofile string) (int, error) {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.Now = func() time.Time { return now }
	srv, err := web.New(web.Config{Store: db, Registry: instrument.Builtin(), Addr: addr, Owner: upshot.DefaultOwner,
		Now: db.Now, LaunchToken: token})
	if err != nil {
		return 0, err
	}
	h := srv.Handler()
	size := 0
	var first runtime.MemStats
	for i := range n {
		if i == 1 && memstats {
			runtime.ReadMemStats(&first)
		}
		if err := db.UnsetSetting(ctx, upshot.DefaultOwner, upshot.SettingCrisisContacts); err != nil {
			return 0, err
		}
		if page == "none" {
			continue
		}
		req := httptest.NewRequest("GET", "http://"+addr+page, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			return 0, fmt.Errorf("GET %s: %d: %.300s", page, w.Code, w.Body.String())
		}
		size = w.Body.Len()
	}
	if memstats && n > 1 {
		var last runtime.MemStats
		runtime.ReadMemStats(&last)
		per := func(a, b uint64) uint64 { return (b - a) / uint64(n-1) }
		fmt.Printf("per render after the first: %d bytes in %d objects allocated, %.2f collections\n",
			per(first.TotalAlloc, last.TotalAlloc), per(first.Mallocs, last.Mallocs), float64(last.NumGC-first.NumGC)/float64(n-1))
		runtime.GC()
		runtime.ReadMemStats(&last)
		fmt.Printf("live heap after a collection: %d bytes in %d objects\n", last.HeapAlloc, last.HeapObjects)
	}
	if memprofile != "" {
		f, err := os.Create(memprofile)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return 0, err
		}
	}
	runtime.KeepAlive(srv) // its kept records are part of the live heap
	return size, nil
}
