package cli_test

// The prompts, through a real pseudo-terminal: the command runs in-process
// with its stdin and stderr on the terminal's far end, and the test types on
// the near end as a person would, each key only once the screen shows what
// it answers (no sleeping).

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/upshot-app/upshot/internal/cli"
)

// terminal is one run of a command on a pseudo-terminal.
type terminal struct {
	t      *testing.T
	ptmx   *os.File // the near end: the test types here and reads the screen
	mu     sync.Mutex
	screen bytes.Buffer // everything drawn so far, escape sequences removed
	seen   int          // how much of screen expect has passed
	more   chan struct{}
	code   chan int
	stdout bytes.Buffer
}

var escapes = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])`)

// runOnTerminal starts args on a fresh pseudo-terminal of e.
func (e *env) runOnTerminal(t *testing.T, args ...string) *terminal {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, ptmx: ptmx, more: make(chan struct{}, 1), code: make(chan int, 1)}
	go func() { // the screen: read it all, or the command blocks writing
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.screen.Write(escapes.ReplaceAll(buf[:n], nil))
			term.mu.Unlock()
			select {
			case term.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	go func() {
		defer cancel()
		sys := cli.System{Getenv: e.getenv, Now: func() time.Time { return testClock }}
		term.code <- cli.Run(ctx, sys, args, tty, &term.stdout, tty)
		tty.Close()
	}()
	t.Cleanup(func() { ptmx.Close() })
	return term
}

// expect waits until the screen shows text after what earlier expects saw.
func (term *terminal) expect(text string) {
	term.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		term.mu.Lock()
		rest := term.screen.String()[term.seen:]
		if i := strings.Index(rest, text); i >= 0 {
			term.seen += i + len(text)
			term.mu.Unlock()
			return
		}
		term.mu.Unlock()
		select {
		case <-term.more:
		case <-timeout:
			term.t.Fatalf("the terminal never showed %q; it shows:\n%s", text, rest)
		}
	}
}

// send types keys.
func (term *terminal) send(keys string) {
	term.t.Helper()
	if _, err := io.WriteString(term.ptmx, keys); err != nil {
		term.t.Fatalf("type %q: %v", keys, err)
	}
}

// exit waits for the command to end and returns its status.
func (term *terminal) exit() int {
	term.t.Helper()
	select {
	case code := <-term.code:
		return code
	case <-time.After(time.Minute):
		term.t.Fatal("the command did not end")
		return -1
	}
}

const (
	keyEnter = "\r"
	keyDown  = "\x1b[B"
	keyCtrlC = "\x03"
)

func TestPromptsOnATerminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")

	// A missing name is asked for.
	term := e.runOnTerminal(t, "therapist", "add")
	term.expect("Therapist's name")
	term.send("Dr Pty" + keyEnter)
	if code := term.exit(); code != 0 || strings.TrimSpace(term.stdout.String()) != "1" {
		t.Fatalf("therapist add on a terminal: exit %d, stdout %q", code, term.stdout.String())
	}

	// A choice: the domain, moved to with the arrow key.
	term = e.runOnTerminal(t, "goal", "add")
	term.expect("Your goal, in your own words")
	term.send("Sleep through the night" + keyEnter)
	term.expect("Life domain")
	term.send(keyDown + keyEnter)
	if code := term.exit(); code != 0 {
		t.Fatalf("goal add on a terminal: exit %d", code)
	}

	// A questionnaire, one page per item with its exact wording; the last
	// item answered with its second option.
	term = e.runOnTerminal(t, "check", "phq9", "--date", "2024-01-10")
	for i, want := range []string{"Little interest or pleasure in doing things", "Feeling down, depressed, or hopeless"} {
		term.expect(want)
		term.expect("question " + string(rune('1'+i)) + " of 9")
		term.send(keyEnter)
	}
	for i := 3; i <= 8; i++ {
		term.expect("question " + string(rune('0'+i)) + " of 9")
		term.send(keyEnter)
	}
	term.expect("Thoughts that you would be better off dead")
	term.send(keyDown + keyEnter)
	if code := term.exit(); code != 0 {
		t.Fatalf("check phq9 on a terminal: exit %d", code)
	}

	// Ctrl-C cancels and saves nothing.
	before := e.export()
	term = e.runOnTerminal(t, "therapist", "add")
	term.expect("Therapist's name")
	term.send("Dr Never" + keyCtrlC)
	if code := term.exit(); code != 1 {
		t.Errorf("cancelled prompt: exit %d, want 1", code)
	}
	term.expect("cancelled; nothing was saved")
	if e.export() != before {
		t.Error("a cancelled prompt wrote to the database")
	}

	var goals []struct{ Title, Domain string }
	e.jsonOf(&goals, "goal", "list", "--json")
	if len(goals) != 1 || goals[0].Title != "Sleep through the night" || goals[0].Domain == "" {
		t.Errorf("goals after the prompts: %+v", goals)
	}
	var checks []resultJSON // every item 0 but the last, 1
	e.jsonOf(&checks, "check", "history", "phq9", "--json")
	if len(checks) != 1 || checks[0].Total != 1 || !checks[0].Safety {
		t.Errorf("the PHQ-9 answered on the terminal: %+v", checks)
	}
}
