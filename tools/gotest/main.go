// Command gotest is the README's test command: it runs 'go test -json' with
// the arguments given (./... when none), prints what plain 'go test' prints
// (a line a package, and the output of the tests that failed), and ends with
// a summary of every test that did not run: the skipped ones, counted by
// package and reason, marked when go test took them from its cache. Plain
// 'go test' shows nothing of a passing package but its "ok" line, so without
// this a run without Chromium or PostgreSQL would look like a full pass.
// It exits with go test's status.
//
//	go run ./tools/gotest ./...
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
)

func main() {
	args := append([]string{"test", "-json"}, os.Args[1:]...)
	if len(os.Args) == 1 {
		args = append(args, "./...")
	}
	cmd := exec.Command("go", args...)
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gotest:", err)
		os.Exit(1)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "gotest:", err)
		os.Exit(1)
	}
	s := newSummary(os.Stdout)
	readErr := s.read(out)
	err = cmd.Wait()
	s.finish()
	if readErr != nil {
		fmt.Fprintln(os.Stderr, "gotest: reading go test's output:", readErr)
		os.Exit(1)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "gotest:", err)
		os.Exit(1)
	}
}

// event is one line of 'go test -json' (go doc test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// pkg is what has been seen of one package so far.
type pkg struct {
	lines  []string            // its own output, not a test's
	tests  map[string][]string // each test's output, until it passed or skipped
	order  []string            // the tests, in the order they first printed
	failed []string            // the tests that failed, in order
	skips  []skip
}

type skip struct{ test, reason string }

type summary struct {
	w    io.Writer
	pkgs map[string]*pkg
	// notRun is the summary's lines, in the order packages ended.
	notRun []string
	tests  int
}

func newSummary(w io.Writer) *summary { return &summary{w: w, pkgs: map[string]*pkg{}} }

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			fmt.Fprintln(s.w, sc.Text()) // not an event: pass it on as it is
			continue
		}
		s.add(e)
	}
	return sc.Err()
}

// frame matches the lines -json adds that plain go test does not print.
var frame = regexp.MustCompile(`^=== (RUN|PAUSE|CONT|NAME)\b`)

// logPrefix is the file:line a t.Log or t.Skip message starts with.
var logPrefix = regexp.MustCompile(`^\s*\S+\.go:\d+: `)

func (s *summary) add(e event) {
	if e.Action == "build-output" || e.Action == "build-fail" {
		fmt.Fprint(s.w, e.Output)
		return
	}
	p := s.pkgs[e.Package]
	if p == nil {
		p = &pkg{tests: map[string][]string{}}
		s.pkgs[e.Package] = p
	}
	switch {
	case e.Action == "output" && e.Test != "":
		if _, seen := p.tests[e.Test]; !seen {
			p.order = append(p.order, e.Test)
		}
		p.tests[e.Test] = append(p.tests[e.Test], e.Output)
	case e.Action == "output":
		p.lines = append(p.lines, e.Output)
	case e.Test != "" && e.Action == "fail":
		p.failed = append(p.failed, e.Test)
	case e.Test != "" && e.Action == "skip":
		p.skips = append(p.skips, skip{e.Test, skipReason(p.tests[e.Test])})
		delete(p.tests, e.Test)
	case e.Test != "" && e.Action == "pass":
		s.tests++
		delete(p.tests, e.Test)
	case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
		s.end(e.Package, p, e.Action == "fail")
		delete(s.pkgs, e.Package)
	}
}

// skipReason is the message a skipped test gave, without its file:line.
func skipReason(out []string) string {
	for i := len(out) - 1; i >= 0; i-- {
		line := strings.TrimSpace(out[i])
		if line == "" || frame.MatchString(line) || strings.HasPrefix(line, "--- SKIP") {
			continue
		}
		return logPrefix.ReplaceAllString(line, "")
	}
	return "(no reason given)"
}

// end prints a package the way plain go test does: its last line when it
// passed, the failed tests' output and its own when it failed. A test that
// never ended when its package failed (the package timed out or crashed)
// is printed too: go test attributes the panic and every goroutine's stack
// to it, and it has no fail event of its own.
func (s *summary) end(name string, p *pkg, failed bool) {
	if failed {
		unended := slices.DeleteFunc(slices.Clone(p.order), func(t string) bool {
			_, open := p.tests[t]
			return !open || slices.Contains(p.failed, t)
		})
		for _, t := range append(slices.Clone(p.failed), unended...) {
			for _, line := range p.tests[t] {
				if !frame.MatchString(line) {
					fmt.Fprint(s.w, line)
				}
			}
		}
		for _, line := range p.lines {
			if !frame.MatchString(line) {
				fmt.Fprint(s.w, line)
			}
		}
	} else if n := len(p.lines); n > 0 {
		fmt.Fprint(s.w, p.lines[n-1])
	}
	if len(p.skips) == 0 {
		return
	}
	cached := slices.ContainsFunc(p.lines, func(l string) bool { return strings.Contains(l, "(cached)") })
	var reasons []string
	count := map[string]int{}
	for _, sk := range p.skips {
		if count[sk.reason] == 0 {
			reasons = append(reasons, sk.reason)
		}
		count[sk.reason]++
	}
	for _, r := range reasons {
		line := fmt.Sprintf("%s: %s skipped: %s", name, plural(count[r], "test"), r)
		if cached {
			line += " (a result go test kept in its cache)"
		}
		s.notRun = append(s.notRun, line)
	}
}

// finish prints the summary: what did not run, or that everything did.
func (s *summary) finish() {
	for name, p := range s.pkgs { // a package go test never ended (it crashed)
		s.end(name, p, true)
	}
	if len(s.notRun) == 0 {
		fmt.Fprintln(s.w, "gotest: no test was skipped")
		return
	}
	fmt.Fprintf(s.w, "gotest: %s passed; these were skipped, so this run proves nothing of them:\n", plural(s.tests, "test"))
	for _, l := range s.notRun {
		fmt.Fprintln(s.w, "  "+l)
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
