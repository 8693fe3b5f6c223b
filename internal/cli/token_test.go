package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// 'upshot token add' prints the token alone on stdout, once; 'token list'
// shows it with its last use but never the token; 'token revoke' removes
// it; bad input names the flag with exit 2 (issue 13 item 5).
func TestTokenCommands(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		if r := e.runIn("tulip ferry cobalt\n", "user", "add", "alice", "--password-stdin"); r.code != 0 {
			t.Fatalf("user add: %s", r)
		}
		r := e.run("token", "add", "--user", "Alice", "--name", "phone shortcut", "--expires", "30")
		token := strings.TrimSpace(r.stdout)
		if r.code != 0 || len(token) != 43 || strings.Contains(token, " ") || strings.Count(r.stdout, "\n") != 1 {
			t.Fatalf("token add: want the token alone on stdout:\n%s", r)
		}
		if !strings.Contains(r.stderr, "shown only this once") || strings.Contains(r.stderr, token) {
			t.Errorf("token add's note: %q", r.stderr)
		}
		e.ok("token", "add", "--user", "alice", "--name", "script")
		list := e.ok("token", "list")
		for _, want := range []string{"alice", "phone shortcut", "script", "never", "LAST USED"} {
			if !strings.Contains(list, want) {
				t.Errorf("token list lacks %q:\n%s", want, list)
			}
		}
		if strings.Contains(list, token) {
			t.Error("token list shows a token")
		}
		var listed []map[string]any
		if err := json.Unmarshal([]byte(e.ok("token", "list", "--user", "alice", "--json")), &listed); err != nil || len(listed) != 2 {
			t.Fatalf("token list --json: %v, %v", listed, err)
		}
		if _, ok := listed[0]["expires_at"]; !ok || listed[0]["name"] != "phone shortcut" || listed[0]["user"] != "alice" {
			t.Errorf("token list --json: %v", listed[0])
		}
		for _, c := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"token", "add", "--name", "x"}, 2, "--user"},
			{[]string{"token", "add", "--user", "alice"}, 2, "--name"},
			{[]string{"token", "add", "--user", "alice", "--name", "x", "--expires", "0"}, 2, "--expires"},
			{[]string{"token", "add", "--user", "alice", "--name", "x", "--expires", "99999"}, 2, "--expires"},
			{[]string{"token", "add", "--user", "nobody", "--name", "x"}, 1, "nobody"},
			{[]string{"token", "add", "--user", "alice", "--name", "script"}, 1, "already"},
			{[]string{"token", "revoke", "--user", "alice", "--name", "nothing"}, 1, "nothing"},
		} {
			r := e.run(c.args...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
				t.Errorf("%v: want exit %d naming %q:\n%s", c.args, c.code, c.want, r)
			}
		}
		if out := e.ok("token", "revoke", "--user", "alice", "--name", "script"); !strings.Contains(out, "revoked") {
			t.Errorf("token revoke: %q", out)
		}
		if list := e.ok("token", "list", "--user", "alice"); strings.Contains(list, "script") {
			t.Errorf("a revoked token is still listed:\n%s", list)
		}
	})
}
