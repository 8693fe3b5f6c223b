package cli_test

import (
	"strings"
	"testing"
)

// The CLI's side of the use cases in internal/app: the same mistake gets the
// same code as in the web app and API (internal/web's usecase_test.go), and
// "today" is the run's clock. A changed instrument definition is
// TestCustomInstruments; every invalid flag value is
// TestInvalidInputWritesNothing.
func TestSameMistakeSameCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	e.ok("therapist", "add", "Dr A", "--since", "2024-01-01")
	e.ok("goal", "add", "Sleep", "--domain", "health", "--opened", "2024-01-01")
	e.ok("session", "add", "--therapist", "1", "--date", "2024-03-05")
	before := e.export()
	for _, tt := range []struct {
		args []string
		flag string
	}{
		{[]string{"session", "add", "--therapist", "99", "--date", "2024-03-05"}, "--therapist: no therapist with id 99"},
		{[]string{"session", "edit", "1", "--therapist", "99"}, "--therapist: no therapist with id 99"},
		{[]string{"session", "edit", "1", "--goals", "99"}, "--goals: no goal with id 99"},
		{[]string{"session", "add", "--therapist", "1", "--date", "2024-03-05", "--progress", "99=+1"}, "--progress: no goal with id 99"},
	} {
		if r := e.fails(2, tt.args...); !strings.Contains(r.stderr, tt.flag) {
			t.Errorf("upshot %s: stderr does not say %q:\n%s", strings.Join(tt.args, " "), tt.flag, r.stderr)
		}
	}
	if after := e.export(); after != before {
		t.Error("a refused command wrote")
	}
	e.ok("goal", "close", "1", "--status", "solved")
	var goals []struct {
		Status string `json:"status"`
		Closed string `json:"closed"`
	}
	e.jsonOf(&goals, "goal", "list", "--json")
	if len(goals) != 1 || goals[0].Status != "solved" || goals[0].Closed != today() {
		t.Errorf("goal closed without --date: %+v, want solved on %s", goals, today())
	}
}
