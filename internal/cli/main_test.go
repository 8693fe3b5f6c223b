package cli_test

// The CLI's tests run each command line in-process through cli.Run, with an
// environment and a clock of their own, in parallel: the same code path as
// the binary (cmd/upshot only hands cli.Main its process's arguments,
// streams, environment and clock) at a fraction of the cost. A few
// end-to-end tests (see env.binary) run the real binary with os/exec against
// a real SQLite file and a real PostgreSQL schema, exactly as scripts use it:
// exit statuses of a real process, SIGKILL, a server and a command line
// writing together. Under 'go test -cover' that binary is built with -cover
// too, and the coverage of its runs is printed at the end (go test merges
// only the test binary's own counters into its figure).

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/cli"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

var (
	binary string
	// binaryCoverDir receives the built binary's coverage counters ("" when
	// the tests run without -cover).
	binaryCoverDir string
)

func TestMain(m *testing.M) {
	if os.Getenv(otherUserEnv) != "" {
		os.Exit(otherUser()) // this run is another Unix user's client, not the tests
	}
	flag.Parse()
	dir, err := os.MkdirTemp("", "upshot-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "upshot")
	args := []string{"build", "-o", binary}
	if mode := testing.CoverMode(); mode != "" {
		binaryCoverDir = filepath.Join(dir, "cover")
		if err := os.Mkdir(binaryCoverDir, 0o700); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		args = append(args, "-cover", "-covermode="+mode, "-coverpkg=github.com/upshot-app/upshot/...")
	}
	build := exec.Command("go", append(args, "github.com/upshot-app/upshot/cmd/upshot")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build upshot:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if binaryCoverDir != "" {
		percent := exec.Command("go", "tool", "covdata", "percent", "-i", binaryCoverDir, "-pkg", "github.com/upshot-app/upshot/internal/cli")
		out, err := percent.CombinedOutput()
		fmt.Fprintf(os.Stderr, "end-to-end runs of the binary: %s", out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "go tool covdata:", err)
		}
	}
	if os.Getenv(storetest.PostgresEnv) == "" && !storetest.InCI() {
		fmt.Fprintf(os.Stderr, "SKIPPED: the CLI tests on PostgreSQL (set %s to run them)\n", storetest.PostgresEnv)
	}
	if !killTestsOn() {
		fmt.Fprintf(os.Stderr, "SKIPPED: the CLI kill tests (set %s=1 to run them; CI does)\n", killTestsEnv)
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// testClock is the clock of in-process runs: a fixed moment, so that no test
// depends on the day it runs (the dates the tests record are all earlier).
var testClock = time.Date(2026, 3, 10, 14, 30, 0, 0, time.Local)

// env is one person's database and home, used by every run of the binary.
type env struct {
	t       *testing.T
	backend string
	dsn     string
	home    string
	// passphrase, when set, is given to backup and restore as UPSHOT_PASSPHRASE.
	passphrase string
	// binary runs the built binary, on the wall clock, instead of cli.Run.
	binary bool
	// tmpdir, when set, is the binary's TMPDIR.
	tmpdir string
}

// forEachBackend runs f as a parallel subtest per backend with a fresh
// database, so the test names show which database ran ("TestX/postgres").
func forEachBackend(t *testing.T, f func(t *testing.T, e *env)) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			f(t, newEnv(t, backend))
		})
	}
}

// forEachBackendBinary is forEachBackend running the built binary.
func forEachBackendBinary(t *testing.T, f func(t *testing.T, e *env)) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.binary = true
		f(t, e)
	})
}

// newEnv is a fresh database and home whose commands run in-process.
func newEnv(t *testing.T, backend string) *env {
	t.Helper()
	return &env{t: t, backend: backend, dsn: storetest.DSN(t, backend), home: t.TempDir()}
}

// newBinaryEnv is newEnv whose commands run the built binary.
func newBinaryEnv(t *testing.T, backend string) *env {
	t.Helper()
	e := newEnv(t, backend)
	e.binary = true
	return e
}

// result is one finished run.
type result struct {
	args   []string
	code   int
	stdout string
	stderr string
}

func (r result) String() string {
	return fmt.Sprintf("upshot %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// environ is a run's whole environment: no UPSHOT_DB or config from the
// machine.
func (e *env) environ() []string {
	env := []string{
		"HOME=" + e.home,
		"XDG_CONFIG_HOME=" + filepath.Join(e.home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(e.home, "data"),
		"UPSHOT_DB=" + e.dsn,
		"PATH=" + os.Getenv("PATH"),
		"TZ=" + os.Getenv("TZ"),
	}
	if e.passphrase != "" {
		env = append(env, "UPSHOT_PASSPHRASE="+e.passphrase)
	}
	if e.tmpdir != "" {
		env = append(env, "TMPDIR="+e.tmpdir)
	}
	if binaryCoverDir != "" {
		env = append(env, "GOCOVERDIR="+binaryCoverDir)
	}
	return env
}

// getenv reads environ, for in-process runs.
func (e *env) getenv(name string) string {
	for _, kv := range e.environ() {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

// command prepares a run of the built binary with the env's environment,
// stdin not a terminal (nil means /dev/null).
func (e *env) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = e.environ()
	return cmd
}

func (e *env) runIn(stdin string, args ...string) result {
	e.t.Helper()
	return e.runT(e.t, stdin, args...)
}

// runT is runIn reporting to t, for parallel subtests sharing one env.
func (e *env) runT(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	if !e.binary {
		sys := cli.System{Getenv: e.getenv, Now: func() time.Time { return testClock }}
		code := cli.Run(ctx, sys, args, io.Reader(strings.NewReader(stdin)), &stdout, &stderr)
		return result{args: args, code: code, stdout: stdout.String(), stderr: stderr.String()}
	}
	cmd := e.command(ctx, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	if exit, ok := err.(*exec.ExitError); ok {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run upshot %v: %v", args, err)
	}
	return r
}

func (e *env) run(args ...string) result {
	e.t.Helper()
	return e.runIn("", args...)
}

// ok runs a command that must succeed and returns its trimmed stdout.
func (e *env) ok(args ...string) string {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("want success:\n%s", r)
	}
	return strings.TrimSpace(r.stdout)
}

// fails runs a command that must fail with the given status.
func (e *env) fails(code int, args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.code != code {
		e.t.Fatalf("want exit %d:\n%s", code, r)
	}
	if r.stdout != "" {
		e.t.Errorf("a failed command printed on stdout:\n%s", r)
	}
	if !strings.HasPrefix(r.stderr, "upshot: ") {
		e.t.Errorf("error message does not start with 'upshot: ':\n%s", r)
	}
	return r
}

// jsonOf runs a command and decodes its JSON stdout into v.
func (e *env) jsonOf(v any, args ...string) {
	e.t.Helper()
	out := e.ok(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		e.t.Fatalf("upshot %v: stdout is not JSON: %v\n%s", args, err, out)
	}
}

var exportedAt = regexp.MustCompile(`(?m)^  "exported_at": "[^"]*",\n`)

// export returns the export document without its timestamp, the one part
// that differs between two exports of the same records.
func (e *env) export() string {
	e.t.Helper()
	r := e.run("export")
	if r.code != 0 {
		e.t.Fatalf("export failed:\n%s", r)
	}
	if !exportedAt.MatchString(r.stdout) {
		e.t.Fatalf("export has no exported_at line:\n%.300s", r.stdout)
	}
	return exportedAt.ReplaceAllString(r.stdout, "")
}

// today and tomorrow are dates on the clock of in-process runs.
func today() string { return upshot.DateOf(testClock).String() }

func tomorrow() string { return upshot.DateOf(testClock).AddDays(1).String() }
