package main

import (
	"os"
	"strings"
	"testing"
)

// testdata/mixed.json is real 'go test -json' output of a package with a
// skipped test, a failed one, and a skipped parallel subtest.
func TestPrintsWhatGoTestPrintsThenWhatDidNotRun(t *testing.T) {
	out := summaryOf(t, "testdata/mixed.json")
	want := `    y_test.go:5: some detail
    y_test.go:5: it broke
--- FAIL: TestFails (0.00s)
FAIL
FAIL	example.com/cachexp	0.027s
gotest: 2 tests passed; these were skipped, so this run proves nothing of them:
  example.com/cachexp: 1 test skipped: no chromium
  example.com/cachexp: 1 test skipped: PostgreSQL not tested: set URL
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// A result from go test's cache says so: a pass cached from a run without
// Chromium is not a pass of the browser tests.
func TestCachedSkipsAreSaid(t *testing.T) {
	var out strings.Builder
	s := newSummary(&out)
	err := s.read(strings.NewReader(`{"Action":"start","Package":"p"}
{"Action":"output","Package":"p","Test":"TestBrowser","Output":"    browser_test.go:55: browser test skipped (UPSHOT_SKIP_BROWSER_TESTS is set): no Chromium at /usr/bin/chromium\n"}
{"Action":"output","Package":"p","Test":"TestBrowser","Output":"--- SKIP: TestBrowser (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestBrowser"}
{"Action":"output","Package":"p","Output":"ok  \tp\t(cached)\n"}
{"Action":"pass","Package":"p"}
{"Action":"start","Package":"q"}
{"Action":"output","Package":"q","Output":"ok  \tq\t0.1s\n"}
{"Action":"pass","Package":"q"}
`))
	if err != nil {
		t.Fatal(err)
	}
	s.finish()
	want := "ok  \tp\t(cached)\nok  \tq\t0.1s\n" +
		"gotest: 0 tests passed; these were skipped, so this run proves nothing of them:\n" +
		"  p: 1 test skipped: browser test skipped (UPSHOT_SKIP_BROWSER_TESTS is set): no Chromium at /usr/bin/chromium (a result go test kept in its cache)\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	s = newSummary(&out)
	s.read(strings.NewReader(`{"Action":"output","Package":"q","Output":"ok  \tq\t0.1s\n"}
{"Action":"pass","Package":"q"}
`))
	s.finish()
	if want := "ok  \tq\t0.1s\ngotest: no test was skipped\n"; out.String() != want {
		t.Errorf("nothing skipped: got %q, want %q", out.String(), want)
	}
}

// testdata/timeout.json is real 'go test -json -timeout 2s' output of a
// package whose test hung: go test gives the panic and the stacks to the
// running test, which never gets a fail event. They must still be printed,
// or a timed-out package fails with no word of what hung.
func TestATimedOutTestIsShown(t *testing.T) {
	out := summaryOf(t, "testdata/timeout.json")
	for _, want := range []string{
		"x_test.go:11: waiting for the server\n",
		"panic: test timed out after 2s\n\trunning tests:\n\t\tTestHangs (2s)\n",
		"example.com/tox.TestHangs(",
		"FAIL\texample.com/tox\t2.049s\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "TestQuick") {
		t.Errorf("a test that passed is printed:\n%s", out)
	}
}

// summaryOf is what gotest prints for the 'go test -json' output in file.
func summaryOf(t *testing.T, file string) string {
	t.Helper()
	in, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out strings.Builder
	s := newSummary(&out)
	if err := s.read(in); err != nil {
		t.Fatal(err)
	}
	s.finish()
	return out.String()
}
