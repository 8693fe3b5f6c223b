package cli_test

import (
	usecase "github.com/upshot-app/upshot/internal/app"
	"path/filepath"
	"strings"
	"testing"
)

// 'upshot user audit NAME' on both databases: what the administrator's
// commands did to an account (created, password set, disabled, enabled,
// token made and revoked), an export of the local account's records and a
// backup of the whole database, newest first, with the device; no password,
// token or record in it. An unknown name and a bad --limit are refused.
func TestUserAudit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		const pw = "tulip ferry cobalt"
		e.runIn(pw+"\n", "user", "add", "alice", "--password-stdin")
		e.runIn("another long passphrase\n", "user", "passwd", "alice", "--password-stdin")
		e.ok("user", "disable", "alice")
		e.ok("user", "enable", "alice")
		token := strings.TrimSpace(e.ok("token", "add", "--user", "alice", "--name", "cron job"))
		e.ok("token", "revoke", "--user", "alice", "--name", "cron job")
		e.ok("therapist", "add", "Dr. Private Name")
		e.ok("export", "-o", filepath.Join(e.home, "export.json"))
		e.ok("backup", "-o", filepath.Join(e.home, "upshot.backup"))

		out := e.ok("user", "audit", "alice")
		want := []string{
			"Backup of the whole server taken",
			"Revoked an API token: cron job",
			"Made an API token: cron job",
			"Account enabled by the administrator",
			"Account disabled by the administrator",
			"Password set by the administrator",
			"Account created",
		}
		at := 0
		for _, w := range want {
			i := strings.Index(out[at:], w)
			if i < 0 {
				t.Fatalf("user audit alice lacks %q after position %d (newest first):\n%s", w, at, out)
			}
			at += i + len(w)
		}
		if !strings.Contains(out, "Command line on the server") {
			t.Fatalf("user audit names no device:\n%s", out)
		}
		for _, secret := range []string{pw, "another long passphrase", token} {
			if strings.Contains(out, secret) {
				t.Fatalf("user audit shows a secret:\n%s", out)
			}
		}
		local := e.ok("user", "audit", "local")
		if !strings.Contains(local, "Exported everything: JSON") || !strings.Contains(local, "Backup of the whole server") || strings.Contains(local, "Private Name") {
			t.Fatalf("user audit local:\n%s", local)
		}
		if strings.Contains(local, "API token") {
			t.Fatalf("alice's events are in the local account's log:\n%s", local)
		}
		var events []struct {
			Kind, Device, Detail, At string
		}
		e.jsonOf(&events, "user", "audit", "alice", "--json", "--limit", "2")
		if len(events) != 2 || events[0].Kind != "backup" || events[1].Kind != "token_revoked" || events[1].Detail != "cron job" || events[0].At == "" {
			t.Fatalf("user audit --json --limit 2 = %+v", events)
		}
		if r := e.run("user", "audit", "nobody"); r.code != 1 || !strings.Contains(r.stderr, `no account named "nobody"`) {
			t.Fatalf("user audit of an unknown account: %+v", r)
		}
		if r := e.run("user", "audit", "alice", "--limit", "0"); r.code != 2 || !strings.Contains(r.stderr, "--limit") {
			t.Fatalf("user audit --limit 0: %+v", r)
		}
	})
}

// 'upshot user invite' prints a one-time link alone on standard output and
// stores only its hash; a bad --expires or --url is refused (exit 2) with
// nothing stored; 'serve --registration' takes closed, invite or open only.
func TestUserInvite(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		out := strings.TrimSpace(e.ok("user", "invite", "--url", "https://upshot.example.org/", "--expires", "3"))
		token, ok := strings.CutPrefix(out, "https://upshot.example.org/signup?invite=")
		if !ok || len(token) != 43 || strings.Contains(token, "\n") {
			t.Fatalf("user invite printed %q", out)
		}
		if path := strings.TrimSpace(e.ok("user", "invite")); !strings.HasPrefix(path, "/signup?invite=") || path == "/signup?invite="+token {
			t.Fatalf("user invite without --url printed %q", path)
		}
		for _, c := range [][]string{{"--expires", "0"}, {"--expires", "91"}, {"--url", "upshot.example.org"}, {"--url", "https://upshot.example.org/path"}} {
			r := e.run(append([]string{"user", "invite"}, c...)...)
			if r.code != 2 || !strings.Contains(r.stderr, c[0]) || r.stdout != "" {
				t.Errorf("user invite %v: %+v", c, r)
			}
		}
		db := openStore(t, e.dsn)
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM invites WHERE token_hash = '` + usecase.HashToken(token) + `'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("the invitation's hash is stored %d times (%v)", n, err)
		}
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM invites`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("invites stored: %d (%v), want 2: the refused ones stored nothing", n, err)
		}
		if r := e.run("serve", "--registration", "sometimes"); r.code != 2 || !strings.Contains(r.stderr, "closed, invite or open") && !strings.Contains(r.stderr, "--registration") {
			t.Fatalf("serve --registration sometimes: %+v", r)
		}
	})
}
