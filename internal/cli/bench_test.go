package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// End-to-end benchmarks of the real binary on a SQLite file holding the
// ten-year history (internal/demo/history), imported once. Each operation is
// one whole process: start, open and check the schema, read, work, print.
// The baselines run the same binary on the same file: `export` loads the same
// rows and prints them without reviewing; `version` is the process alone.
// The review's own cost is the difference, and BenchmarkReviewHistory in
// internal/review measures it directly.

// benchHistoryDB writes the ten-year history into a fresh SQLite file and returns
// the environment a run of the binary needs to use it, and the file.
func benchHistoryDB(b *testing.B) ([]string, string) {
	b.Helper()
	dir := b.TempDir()
	path := filepath.Join(dir, "upshot.db")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Import(ctx, upshot.DefaultOwner, history.TenYears(upshot.Today())); err != nil {
		db.Close()
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	return []string{
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"UPSHOT_DB=" + path,
		"PATH=" + os.Getenv("PATH"),
		"TZ=" + os.Getenv("TZ"),
	}, path
}

// benchRun runs the binary once and returns its standard output.
func benchRun(b *testing.B, env []string, args ...string) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("upshot %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

func BenchmarkReviewJSONEndToEnd(b *testing.B) {
	env, _ := benchHistoryDB(b)
	var r struct {
		Scope struct {
			Sessions int `json:"sessions"`
			CheckIns int `json:"checkins"`
		} `json:"scope"`
	}
	if err := json.Unmarshal(benchRun(b, env, "review", "--json"), &r); err != nil {
		b.Fatal(err)
	}
	if r.Scope.Sessions != history.Weeks || r.Scope.CheckIns != history.Weeks*len(history.Instruments) {
		b.Fatalf("review covered %+v, want the whole history", r.Scope)
	}
	for b.Loop() {
		benchRun(b, env, "review", "--json")
	}
}

// BenchmarkExportEndToEnd is the baseline: the same process loading the same
// rows (and writing them out as JSON) without the review.
func BenchmarkExportEndToEnd(b *testing.B) {
	env, _ := benchHistoryDB(b)
	var s upshot.Snapshot
	if err := json.Unmarshal(benchRun(b, env, "export"), &s); err != nil {
		b.Fatal(err)
	}
	if len(s.Sessions) != history.Weeks {
		b.Fatalf("exported %d sessions", len(s.Sessions))
	}
	for b.Loop() {
		benchRun(b, env, "export")
	}
}

// BenchmarkVersionEndToEnd is the floor: starting the process and nothing else.
func BenchmarkVersionEndToEnd(b *testing.B) {
	env, _ := benchHistoryDB(b)
	for b.Loop() {
		benchRun(b, env, "version")
	}
}

// BenchmarkOpenExport is the load alone, in process: open the file (which
// checks the schema, as every run of the binary does) and read every row.
func BenchmarkOpenExport(b *testing.B) {
	_, path := benchHistoryDB(b)
	ctx := context.Background()
	for b.Loop() {
		db, err := store.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		s, err := db.Export(ctx, upshot.DefaultOwner)
		db.Close()
		if err != nil || len(s.Sessions) != history.Weeks {
			b.Fatalf("export: %v", err)
		}
	}
}
