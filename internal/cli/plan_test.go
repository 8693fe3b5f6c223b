package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSafetyPlan edits the plan through every command on both databases,
// refuses bad input without writing, carries the plan through export and
// import, and puts the plan one command away under the safety notice.
func TestSafetyPlan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		empty := e.ok("plan", "show")
		for _, want := range []string{"My safety plan", "Nothing written yet", "Warning signs (warning_signs)", "Samaritans", "116 123", "988", "local emergency number"} {
			if !strings.Contains(empty, want) {
				t.Errorf("empty plan lacks %q:\n%s", want, empty)
			}
		}
		e.ok("plan", "add", "warning_signs", "I stop answering messages")
		e.ok("plan", "add", "warning_signs", "  I sleep all afternoon  ")
		e.ok("plan", "add", "professionals", "Dr. Berg 0123 456")
		e.ok("plan", "set", "coping_steps", "walk round the block", "", "cold water")
		e.ok("plan", "remove", "warning_signs", "1")

		var p struct {
			WarningSigns  []string `json:"warning_signs"`
			CopingSteps   []string `json:"coping_steps"`
			Professionals []string `json:"professionals"`
			ReasonsToLive []string `json:"reasons_to_live"`
			Version       int      `json:"version"`
		}
		e.jsonOf(&p, "plan", "show", "--json")
		if strings.Join(p.WarningSigns, "|") != "I sleep all afternoon" || strings.Join(p.CopingSteps, "|") != "walk round the block|cold water" ||
			p.ReasonsToLive == nil || p.Version != 5 {
			t.Fatalf("plan after edits: %+v", p)
		}
		text := e.ok("plan", "show")
		if own, ex := strings.Index(text, "Dr. Berg 0123 456"), strings.Index(text, "Samaritans"); own < 0 || ex < own {
			t.Errorf("the person's own line must come before the examples:\n%s", text)
		}

		for _, bad := range []struct {
			args []string
			want string
		}{
			{[]string{"plan", "add", "hobbies", "x"}, `unknown safety plan section "hobbies"`},
			{[]string{"plan", "add", "coping_steps", "  "}, "the item is empty"},
			{[]string{"plan", "add", "coping_steps", "two\nlines"}, "coping_steps[2] must be a single line"},
			{[]string{"plan", "remove", "coping_steps", "3"}, "NUMBER must be 1 to 2"},
			{[]string{"plan", "remove", "reasons_to_live", "1"}, "reasons_to_live has no items"},
			{[]string{"plan", "remove", "coping_steps", "one"}, "NUMBER must be a whole number"},
		} {
			r := e.fails(2, bad.args...)
			if !strings.Contains(r.stderr, bad.want) {
				t.Errorf("%v: stderr %q lacks %q", bad.args, r.stderr, bad.want)
			}
		}
		var after struct {
			Version int `json:"version"`
		}
		e.jsonOf(&after, "plan", "show", "--json")
		if after.Version != 5 {
			t.Fatalf("refused edits wrote: version %d", after.Version)
		}

		// The safety notice points at the plan.
		r := e.run("check", "phq9", "--answers", "0,0,0,0,0,0,0,0,1")
		if r.code != 0 || !strings.Contains(r.stdout, "Your safety plan: upshot plan show") {
			t.Errorf("safety notice without the plan line:\n%s", r)
		}

		// Export and import carry the plan.
		file := filepath.Join(t.TempDir(), "export.json")
		e.ok("export", "-o", file)
		other := newEnv(t, e.backend)
		other.ok("import", file)
		var moved struct {
			WarningSigns []string `json:"warning_signs"`
		}
		other.jsonOf(&moved, "plan", "show", "--json")
		if strings.Join(moved.WarningSigns, "|") != "I sleep all afternoon" {
			t.Fatalf("imported plan: %+v", moved)
		}
	})
}
