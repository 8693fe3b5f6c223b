package cli_test

import (
	"strings"
	"testing"
)

// The account commands on both databases: add with the password on standard
// input (never a flag), list, passwd, disable and enable, delete only with
// confirmation. No command line or output carries a password.
func TestUserCommands(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		const pw = "tulip ferry cobalt"
		r := e.runIn(pw+"\n", "user", "add", "Alice", "--password-stdin")
		if r.code != 0 || strings.TrimSpace(r.stdout) != "added account alice" {
			t.Fatalf("user add: %+v", r)
		}
		// A taken name, a bad name, a weak or missing password: refused,
		// naming what is wrong.
		if r := e.runIn(pw+"\n", "user", "add", "alice", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, `"alice" exists already`) {
			t.Fatalf("user add of a taken name: %+v", r)
		}
		if r := e.runIn(pw+"\n", "user", "add", "al ice", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, "NAME") {
			t.Fatalf("user add with a space in the name: %+v", r)
		}
		if r := e.runIn("password1234\n", "user", "add", "bob", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, "most common") || strings.Contains(r.stderr, "password1234") {
			t.Fatalf("user add with a common password: %+v", r)
		}
		if r := e.runIn("short\n", "user", "add", "bob", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, "at least 12") {
			t.Fatalf("user add with a short password: %+v", r)
		}
		if r := e.runIn("", "user", "add", "bob"); r.code != 2 || !strings.Contains(r.stderr, "--password-stdin") {
			t.Fatalf("user add without a terminal or --password-stdin: %+v", r)
		}
		if r := e.runIn("", "user", "add", "bob", "--password", pw); r.code != 2 || !strings.Contains(r.stderr, "unknown flag: --password") {
			t.Fatalf("a password as a flag must not exist: %+v", r)
		}

		list := e.ok("user", "list")
		for _, want := range []string{"local  no        0", "alice  yes       0", "PASSKEYS", "active"} {
			if !strings.Contains(list, want) {
				t.Fatalf("user list lacks %q:\n%s", want, list)
			}
		}
		var accs []struct {
			Login       string `json:"login"`
			HasPassword bool   `json:"has_password"`
			Hash        string `json:"password_hash"`
		}
		e.jsonOf(&accs, "user", "list", "--json")
		if len(accs) != 2 || accs[1].Login != "alice" || !accs[1].HasPassword || accs[1].Hash != "" {
			t.Fatalf("user list --json = %+v", accs)
		}

		if r := e.runIn("another long passphrase\n", "user", "passwd", "alice", "--password-stdin"); r.code != 0 {
			t.Fatalf("user passwd: %+v", r)
		}
		if r := e.runIn("another long passphrase\n", "user", "passwd", "nobody", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, `no account named "nobody"`) {
			t.Fatalf("user passwd of an unknown account: %+v", r)
		}
		e.ok("user", "disable", "alice")
		if list := e.ok("user", "list"); !strings.Contains(list, "disabled") {
			t.Fatalf("user list after disable:\n%s", list)
		}
		e.ok("user", "enable", "alice")

		// Delete: refused without confirmation, then everything goes.
		e.ok("user", "add", "--help")
		if r := e.run("user", "delete", "alice"); r.code != 2 || !strings.Contains(r.stderr, "--yes") {
			t.Fatalf("user delete without confirmation: %+v", r)
		}
		if r := e.run("user", "delete", "local", "--yes"); r.code != 1 || !strings.Contains(r.stderr, "cannot be deleted") {
			t.Fatalf("user delete local: %+v", r)
		}
		out := e.ok("user", "delete", "alice", "--yes")
		if !strings.HasPrefix(out, "deleted account alice with 0 therapists") {
			t.Fatalf("user delete: %q", out)
		}
		if list := e.ok("user", "list"); strings.Contains(list, "alice") {
			t.Fatalf("alice is still listed:\n%s", list)
		}
	})
}
