package web

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

// vnuJar is the Nu HTML Checker (npm package vnu-jar; .ci/run installs it
// and sets VNU_JAR). Without it the test skips, except under CI.
func vnuJar(t *testing.T) string {
	t.Helper()
	jar := os.Getenv("VNU_JAR")
	if jar == "" {
		if storetest.InCI() {
			t.Fatal("the HTML check needs the Nu HTML Checker: set VNU_JAR to vnu.jar (npm package vnu-jar) and have java on PATH")
		}
		t.Skip("HTML check skipped: set VNU_JAR to vnu.jar (npm package vnu-jar) to run it")
	}
	if _, err := exec.LookPath("java"); err != nil {
		if storetest.InCI() {
			t.Fatalf("the HTML check needs java: %v", err)
		}
		t.Skip("HTML check skipped: no java on PATH")
	}
	return jar
}

// TestValidHTML checks every kind of page, and the standalone report file,
// with the Nu HTML Checker (the W3C's validator): no HTML error anywhere.
func TestValidHTML(t *testing.T) {
	t.Parallel()
	jar := vnuJar(t)
	a := newApp(t, "sqlite")
	a.loadDemo()
	result := a.postCheckin("phq9", "2025-06-16", 0, 0, 0, 0, 0, 0, 0, 0, 1)
	pages := []string{"/", "/sessions", "/sessions/new", "/sessions/1", "/sessions/1/edit", "/sessions/1/delete",
		"/checkins", "/checkin/phq9", "/checkin/who5", "/checkins/1", "/checkins/1/delete", "/therapists", "/therapists/new",
		"/therapists/1/edit", "/therapists/1/delete", "/goals", "/goals/new", "/goals/1/edit", "/goals/1/delete",
		"/settings", "/review", "/review?since=2026-01-01", "/report", "/report/download", "/no-such-page", result,
		"/plan", "/report?plan=1", "/report/download?plan=1", "/summary", "/summary/download?sections=notes&sections=goals", offlinePath, "/account", "/signin", "/account/delete",
		"/record", "/record?kind=conduct", "/report?record=1&notes=1", "/report/download?record=1&notes=1", "/compare",
		"/report?compare=1", "/report/download?compare=1",
		"/guides", "/guides/complain", "/guides/good-conduct", "/guides/transference-dependency-boundaries"}
	dir := t.TempDir()
	var files []string
	for i, p := range pages {
		r := a.get(p)
		if r.status != 200 && p != "/no-such-page" {
			t.Fatalf("GET %s: %d", p, r.status)
		}
		f := filepath.Join(dir, strings.Trim(unsafeName.ReplaceAllString(p, "_"), "_")+"-"+string(rune('a'+i%26))+".html")
		if err := os.WriteFile(f, r.body, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	// A form sent back with an error shows its messages inline.
	r := a.postForm("/therapists", "name=")
	f := filepath.Join(dir, "therapist-invalid.html")
	if err := os.WriteFile(f, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, f)

	var out bytes.Buffer
	cmd := exec.CommandContext(t.Context(), "java", append([]string{"-jar", jar, "--errors-only", "--format", "gnu"}, files...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || out.Len() > 0 {
		t.Errorf("the Nu HTML Checker found errors (%v):\n%s", err, strings.ReplaceAll(out.String(), dir+"/", ""))
	}
}
