package cli_test

// The CLI's tests run each command line in-process through cli.Run, with an
// environment and a clock of their own, in parallel: the same code path as
// the binary (cmd/upshot's main is only os.Exit(cli.Process())) at a
// fraction of the cost. A few end-to-end tests (see env.binary) run a real
// process with os/exec against a real SQLite file and a real PostgreSQL
// schema, exactly as scripts use it: exit statuses of a real process,
// signals and SIGKILL, a server and a command line writing together. That
// process is this test binary started under the name "upshot", which makes
// it run cli.Process and nothing else, the whole of what cmd/upshot runs: no
// second build of the program, and under 'go test -cover' the counters of
// those runs land in the test's own coverage directory, so the package's
// figure includes them.

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

// binaryName is the name this test binary runs as the upshot program under.
const binaryName = "upshot"

var (
	// binary is a link named upshot to this test binary.
	binary string
	// binaryCoverDir, under 'go test -cover', is where the runs of binary
	// leave their coverage counters: the test's own coverage directory,
	// whose files go test merges into the package's figure.
	binaryCoverDir string
)

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == binaryName {
		os.Exit(cli.Process()) // a run of the upshot program, not the tests
	}
	if os.Getenv(otherUserEnv) != "" {
		os.Exit(otherUser()) // this run is another Unix user's client, not the tests
	}
	flag.Parse()
	code, err := runTests(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	if os.Getenv(storetest.PostgresEnv) == "" && !storetest.InCI() {
		fmt.Fprintf(os.Stderr, "SKIPPED: the CLI tests on PostgreSQL (set %s to run them)\n", storetest.PostgresEnv)
	}
	if !killTestsOn() {
		fmt.Fprintf(os.Stderr, "SKIPPED: the CLI kill tests (set %s=1 to run them; CI does)\n", killTestsEnv)
	}
	os.Exit(code)
}

// runTests links binary to this test binary and runs the tests.
func runTests(m *testing.M) (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	dir, err := os.MkdirTemp("", "upshot-cli-test")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, binaryName)
	if err := os.Symlink(self, binary); err != nil {
		return 0, err
	}
	if testing.CoverMode() != "" {
		if f := flag.Lookup("test.gocoverdir"); f != nil {
			binaryCoverDir = f.Value.String()
		}
	}
	cli.LowerBackupCost()
	return m.Run(), nil
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
