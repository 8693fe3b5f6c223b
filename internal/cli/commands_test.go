package cli_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

// Issue 16's small command-line ones, each through the real binary.

// TestReadCommandsNeedADatabase: a command that only reads refuses a SQLite
// file that does not exist, instead of creating an empty one and showing
// nothing (a mistyped --db looked like a lost record).
func TestReadCommandsNeedADatabase(t *testing.T) {
	e := newEnv(t, "sqlite")
	want := "upshot: no database at " + e.dsn + " (run a command that records something, or check --db)\n"
	for _, args := range [][]string{
		{"review"}, {"review", "--json"}, {"report"}, {"report", "-o", filepath.Join(t.TempDir(), "r.html")},
		{"summary"}, {"summary", "-o", filepath.Join(t.TempDir(), "s.html")},
		{"export"}, {"export", "--csv", filepath.Join(t.TempDir(), "csv")},
		{"therapist", "list"}, {"goal", "list"}, {"session", "list"}, {"session", "show", "1"},
		{"settings", "list"}, {"settings", "get", "recent_window"}, {"check", "history", "phq9"},
	} {
		if r := e.fails(1, args...); r.stderr != want {
			t.Errorf("stderr %q, want %q", r.stderr, want)
		}
		if _, err := os.Stat(e.dsn); !os.IsNotExist(err) {
			t.Fatalf("upshot %s created the database (%v)", strings.Join(args, " "), err)
		}
	}
	// Recording something creates it; then reading works.
	e.ok("therapist", "add", "Dr A")
	if out := e.ok("therapist", "list"); !strings.Contains(out, "Dr A") {
		t.Errorf("therapist list: %q", out)
	}
	e.ok("session", "list")
}

func TestUnknownCommandSuggests(t *testing.T) {
	e := newEnv(t, "sqlite")
	for args, want := range map[string]string{
		"revew":        `upshot: unknown command "revew" for "upshot"; did you mean "review"? (see 'upshot --help')`,
		"sesion list":  `upshot: unknown command "sesion" for "upshot"; did you mean "session"? (see 'upshot --help')`,
		"session lst":  `upshot: unknown command "lst" for "upshot session"; did you mean "list"? (see 'upshot session --help')`,
		"xyzzy":        `upshot: unknown command "xyzzy" for "upshot"; use one of agenda, backup, calendar, check, compare, completion,`,
		"session frob": `upshot: unknown command "frob" for "upshot session"; use one of add, delete, edit, list, show`,
	} {
		if r := e.fails(2, strings.Fields(args)...); !strings.HasPrefix(r.stderr, want) {
			t.Errorf("upshot %s:\n%s\nwant it to start with %s", args, r.stderr, want)
		}
	}
}

func TestAnswersSeparatedBySpaces(t *testing.T) {
	e := newEnv(t, "sqlite")
	r := e.fails(2, "check", "phq9", "--answers", "1 2 0 1 1 0 0 1 0")
	if r.stderr != "upshot: --answers: separate answers with commas: 1,2,0,1,1,0,0,1,0\n" {
		t.Errorf("quoted, with spaces: %s", r)
	}
	// Unquoted, the shell makes the other answers arguments of their own.
	r = e.fails(2, "check", "phq9", "--answers", "1", "2", "0", "1", "1", "0", "0", "1", "0")
	if !strings.HasPrefix(r.stderr, "upshot: separate answers with commas: --answers 1,2,0,1,1,0,0,1,0") {
		t.Errorf("unquoted: %s", r)
	}
	if _, err := os.Stat(e.dsn); !os.IsNotExist(err) {
		t.Error("a refused check-in created the database")
	}
}

func TestServePortInUse(t *testing.T) {
	e := newEnv(t, "sqlite")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := e.fails(1, "serve", "--addr", ln.Addr().String())
	want := "upshot: cannot listen on " + ln.Addr().String() + ": the port is in use (Upshot may be running already); try --addr 127.0.0.1:"
	if !strings.HasPrefix(r.stderr, want) || strings.Contains(r.stderr, "PORT") {
		t.Errorf("%s\nwant it to start with %s and a free port", r, want)
	}
}

func TestCompletion(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out := e.ok("completion", shell)
		if !strings.Contains(out, "upshot") || len(out) < 1000 {
			t.Errorf("completion %s: %.200q", shell, out)
		}
		if shell == "bash" {
			// The script parses in bash.
			if b, err := exec.Command("bash", "-n", "-c", out).CombinedOutput(); err != nil {
				t.Errorf("bash -n on the completion script: %v\n%s", err, b)
			}
		}
	}
	// Completing a command name, as the shell asks it.
	if out := e.ok("__complete", "sess"); !strings.HasPrefix(out, "session\t") {
		t.Errorf("completing 'sess': %q", out)
	}
}

func TestManPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	dir := filepath.Join(t.TempDir(), "man")
	if out := e.ok("man", "-o", dir); out != "" {
		t.Errorf("man printed %q on stdout", out)
	}
	for name, want := range map[string]string{
		"upshot.1":             "A private record of your therapy",
		"upshot-session-add.1": "--therapist",
		"upshot-check.1":       "INSTRUMENT",
		"upshot-man.1":         "man pages",
	} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if page := string(b); !strings.HasPrefix(page, `.nh`) || !strings.Contains(page, `.TH "UPSHOT" "1"`) || !strings.Contains(page, want) {
			t.Errorf("%s is not a man page saying %q:\n%.300s", name, want, page)
		}
	}
	if r := e.fails(2, "man"); !strings.Contains(r.stderr, "-o is required") {
		t.Errorf("man without -o: %s", r)
	}
}

// TestWroteFileSaysWhereOnATerminal: 'report -o' and 'export -o' say where
// the file went when a person is at a terminal (run under script(1), which
// gives the command one), and print nothing for a script.
func TestWroteFileSaysWhereOnATerminal(t *testing.T) {
	// Its own database, files and terminals: it can run beside the others
	// (it was the CLI package's longest test that ran alone).
	t.Parallel()
	scriptCmd, err := exec.LookPath("script")
	if err != nil {
		if storetest.InCI() {
			t.Fatal("script(1) not found: CI needs it (util-linux) to give a command a terminal")
		}
		t.Skip("not tested on a terminal: script(1) not found (util-linux)")
	}
	e := newEnv(t, "sqlite")
	record(e)
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "-o", filepath.Join(dir, "report.html")}, "Report written to " + filepath.Join(dir, "report.html")},
		{[]string{"summary", "-o", filepath.Join(dir, "summary.html")}, "Summary written to " + filepath.Join(dir, "summary.html")},
		{[]string{"export", "-o", filepath.Join(dir, "export.json")}, "Export written to " + filepath.Join(dir, "export.json")},
		{[]string{"export", "--csv", filepath.Join(dir, "csv")}, "CSV tables written to " + filepath.Join(dir, "csv")},
	} {
		// Scripts: nothing on either stream.
		r := e.run(tt.args...)
		if r.code != 0 || r.stdout != "" || r.stderr != "" {
			t.Errorf("without a terminal:\n%s", r)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		quoted := make([]string, 0, len(tt.args)+1)
		for _, a := range append([]string{binary}, tt.args...) {
			quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
		}
		cmd := exec.CommandContext(ctx, scriptCmd, "-qec", strings.Join(quoted, " "), "/dev/null")
		// TERM=dumb: at start the binary asks the terminal for its colours
		// (bubbletea's init, through termenv) and waits 5 s for an answer
		// that script(1), reading /dev/null, never gives; a real terminal
		// answers at once. Upshot itself does not read TERM, so the run is
		// the same but 15 s shorter.
		cmd.Env = append(e.command(ctx).Env, "SHELL=/bin/sh", "TERM=dumb")
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil || !strings.Contains(string(out), tt.want) {
			t.Errorf("upshot %s on a terminal: %v\n%s\nwant %q", strings.Join(tt.args, " "), err, out, tt.want)
		}
	}
}
