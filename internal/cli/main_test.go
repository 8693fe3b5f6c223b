package cli_test

// End-to-end tests: the real binary, built once, run with os/exec against a
// real SQLite file and a real PostgreSQL schema, exactly as scripts use it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

var binary string

func TestMain(m *testing.M) {
	if os.Getenv(otherUserEnv) != "" {
		os.Exit(otherUser()) // this run is another Unix user's client, not the tests
	}
	dir, err := os.MkdirTemp("", "upshot-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "upshot")
	build := exec.Command("go", "build", "-o", binary, "github.com/upshot-app/upshot/cmd/upshot")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build upshot:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	if os.Getenv(storetest.PostgresEnv) == "" && !storetest.InCI() {
		fmt.Fprintf(os.Stderr, "NOTE: the CLI end-to-end tests run on SQLite only; set %s to run them on PostgreSQL too\n", storetest.PostgresEnv)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is one person's database and home, used by every run of the binary.
type env struct {
	t       *testing.T
	backend string
	dsn     string
	home    string
	// passphrase, when set, is given to backup and restore as UPSHOT_PASSPHRASE.
	passphrase string
}

// forEachBackend runs f as a subtest per backend with a fresh database, so
// the test names show which database ran ("TestX/postgres").
func forEachBackend(t *testing.T, f func(t *testing.T, e *env)) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			f(t, newEnv(t, backend))
		})
	}
}

func newEnv(t *testing.T, backend string) *env {
	t.Helper()
	return &env{t: t, backend: backend, dsn: storetest.DSN(t, backend), home: t.TempDir()}
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

// command prepares a run with a clean environment: no UPSHOT_DB or config
// from the machine, stdin not a terminal (nil means /dev/null).
func (e *env) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = []string{
		"HOME=" + e.home,
		"XDG_CONFIG_HOME=" + filepath.Join(e.home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(e.home, "data"),
		"UPSHOT_DB=" + e.dsn,
		"PATH=" + os.Getenv("PATH"),
		"TZ=" + os.Getenv("TZ"),
	}
	if e.passphrase != "" {
		cmd.Env = append(cmd.Env, "UPSHOT_PASSPHRASE="+e.passphrase)
	}
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
	cmd := e.command(ctx, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
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

func today() string { return time.Now().Format("2006-01-02") }

func tomorrow() string { return time.Now().AddDate(0, 0, 1).Format("2006-01-02") }
