package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// openStore opens the database the binary uses, for reading it directly.
func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// exportOf is what 'upshot export' would print, without the timestamp.
func exportOf(t *testing.T, db *store.DB) string {
	t.Helper()
	s, err := db.Export(context.Background(), upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := archive.Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	return exportedAt.ReplaceAllString(buf.String(), "")
}

// TestInvalidInputWritesNothing runs every invalid value of every flag: each
// must exit 2, name the flag (or argument) on stderr, and leave the database
// exactly as it was.
func TestInvalidInputWritesNothing(t *testing.T) {
	t.Parallel()
	session := func(flag, value string) []string {
		args := []string{"session", "add", "--therapist", "1", "--date", "2024-03-05"}
		if flag == "--therapist" || flag == "--date" {
			args = []string{"session", "add", "--therapist", "1", "--date", "2024-03-05"}
			for i := range args {
				if args[i] == flag {
					args[i+1] = value
				}
			}
			return args
		}
		return append(args, flag, value)
	}
	type tc struct {
		args []string
		want string // the flag or argument named in the message
	}
	var cases []tc
	add := func(want string, args ...string) { cases = append(cases, tc{args, want}) }
	values := map[string][]string{
		"--therapist": {"", "abc", "0", "-1", "1.5", "99", "1,2"},
		"--date":      {"", "2024-13-01", "2024-02-30", "05/03/2024", "yesterday", tomorrow(), "2999-01-01", "1899-12-31", "2024-03-05\x1b"},
		"--minutes":   {"", "0", "601", "-5", "abc", "1.5", "50\x07"},
		"--fee":       {"", "-1", "abc", "1000001", "1.234", "1,50", "80 EUR"},
		"--format":    {"", "zoom", "VIDEO", "in person"},
		"--agenda":    {"", "boss", "me,therapist"},
		"--focus":     {"", "life", "life=abc", "work=10", "life=-1", "life=601", "life=0", "life=10,life=5", "=5"},
		"--goals":     {"abc", "0", "-2", "99", "1,1", "1;2"},
		"--progress":  {"1", "1=+4", "1=-4", "1=x", "abc=1", "99=+1", "1=1,1=2"},
		"--got":       {"magic", "insight,insight", "none,insight", "Insight"},
		"--helpful":   {"", "11", "-1", "abc", "5.5", "99999999999"},
		"--after":     {"", "happier", "Better"},
		"--conduct":   {"empathy", "empathy=0", "empathy=6", "charm=3", "empathy=x", "empathy=3,empathy=4"},
		"--flags":     {"rude", "blamed,blamed", "Blamed"},
		"--note":      {"a\x01b", "bell\x07", strings.Repeat("x", 20001)},
	}
	// Hostile values on top: numbers too big for any integer, floats and
	// their specials, bytes that are not UTF-8, other digits, dates outside
	// any calendar Upshot keeps, and the longest argument Linux passes
	// (128 KiB; a longer one never reaches upshot, exec refuses it).
	hostile := map[string][]string{
		"--therapist": {"9223372036854775808", "\uff11", "\xff"},
		"--date":      {"0001-01-01", "-2024-01-01", "20240305", "2024-03-05T00:00:00Z", "99999-01-01", "\xff"},
		"--minutes":   {"99999999999999999999", "1e2", "0x10", "\xff", " ", "\u0665\u0660"},
		"--fee":       {"NaN", "Inf", "1e9", "\xff", "99999999999999999999", "-0", "\uff10"},
		"--helpful":   {"NaN", "\xff", "+Inf"},
		"--focus":     {"life=99999999999999999999", "life=NaN", "\xff=1", "life=1e2"},
		"--progress":  {"1=+99999999999", "1=\xff", "99999999999999999999=1", "1=+1,01=-1"},
		"--conduct":   {"empathy=99999999999999999999", "empathy=\xff"},
		"--got":       {"\xff", "insight,"},
		"--note":      {"\xff\xfe", "a\x7fb", "\u0085next line", strings.Repeat("\u00e9", 20001), strings.Repeat("x", 128<<10-1)},
	}
	for flag, vs := range hostile {
		values[flag] = append(values[flag], vs...)
	}
	for _, flag := range []string{"--therapist", "--date", "--minutes", "--fee", "--format", "--agenda", "--focus", "--goals",
		"--progress", "--got", "--helpful", "--after", "--conduct", "--flags", "--note"} {
		for i, v := range values[flag] {
			add(flag, session(flag, v)...)
			// edit parses with the same code as add; a few values prove it.
			if i < 2 && flag != "--therapist" && flag != "--date" {
				add(flag, "session", "edit", "1", flag, v)
			}
		}
	}
	add("--date", "session", "edit", "1", "--date", tomorrow())
	add("--therapist", "session", "edit", "1", "--therapist", "99")
	add("ID", "session", "edit", "abc", "--helpful", "3")

	add("NAME", "therapist", "add", "")
	add("NAME", "therapist", "add", "   ")
	add("NAME", "therapist", "add", "Dr\x1b[31mRed")
	add("NAME", "therapist", "add", strings.Repeat("n", 201))
	add("--credentials", "therapist", "add", "Dr B", "--credentials", "MSc\nPhD")
	add("--approach", "therapist", "add", "Dr B", "--approach", "CBT\x02")
	for _, v := range []string{"", "abc", "-90", "90.999", "2000000"} {
		add("--fee", "therapist", "add", "Dr B", "--fee", v)
	}
	for _, v := range []string{"", "EURO", "eu", "12E", "€"} {
		add("--currency", "therapist", "add", "Dr B", "--currency", v)
	}
	for _, v := range []string{"", "2024-1-5", tomorrow(), "soon"} {
		add("--since", "therapist", "add", "Dr B", "--since", v)
	}
	for _, v := range []string{"", "2024-06-31", tomorrow(), "2023-12-31"} { // the last is before --since
		add("--date", "therapist", "end", "1", "--date", v)
	}
	add("ID", "therapist", "end", "x")

	add("TITLE", "goal", "add", "", "--domain", "work")
	add("TITLE", "goal", "add", "Sleep\x1b", "--domain", "work")
	for _, v := range []string{"", "career", "Work", "work,health"} {
		add("--domain", "goal", "add", "Sleep", "--domain", v)
	}
	for _, v := range []string{"", "11", "-1", "x", "7.5"} {
		add("--severity", "goal", "add", "Sleep", "--domain", "health", "--severity", v)
	}
	add("--solved-when", "goal", "add", "Sleep", "--domain", "health", "--solved-when", "when\x07")
	for _, v := range []string{"", "2024-02-30", tomorrow()} {
		add("--opened", "goal", "add", "Sleep", "--domain", "health", "--opened", v)
	}
	for _, v := range []string{"", "open", "finished", "Solved"} {
		add("--status", "goal", "close", "1", "--status", v)
	}
	for _, v := range []string{"", "2024-13-13", tomorrow(), "2023-01-01"} { // the last is before the goal opened
		add("--date", "goal", "close", "1", "--status", "solved", "--date", v)
	}

	for _, v := range []string{"", "1,2", "1,2,0,1,1,0,0,1,0,0", "1,2,0,1,1,0,0,1,4", "1,2,0,1,1,0,0,1,-1", "a,b,c,d,e,f,g,h,i",
		"1;2;0;1;1;0;0;1;0", "1,2,0,1,1,0,0,1,", "1,2,0,1,1,0,0,1,0\x07", "1.0,2,0,1,1,0,0,1,0", "99999999999999999999,2,0,1,1,0,0,1,0"} {
		add("--answers", "check", "phq9", "--answers", v)
	}
	add("--answers", "check", "who5", "--answers", "3,3,2,2,6")
	add("--answers", "check", "focus", "--answers", "1,2,5")
	for _, v := range []string{"", "2024-02-30", tomorrow(), "today"} {
		add("--date", "check", "phq9", "--answers", "1,2,0,1,1,0,0,1,0", "--date", v)
	}
	add("unknown instrument", "check", "phq10", "--answers", "1,2,0,1,1,0,0,1,0")
	add("unknown instrument", "check", "PHQ9", "--answers", "1,2,0,1,1,0,0,1,0")
	add("ID", "check", "delete", "0")
	// edit reads the answers against the stored check-in's definition.
	for _, v := range []string{"", "1,2", "1,2,0,1,1,0,0,1,4", "a,b,c,d,e,f,g,h,i"} {
		add("--answers", "check", "edit", "1", "--answers", v)
	}
	for _, v := range []string{"", "2024-02-30", tomorrow()} {
		add("--date", "check", "edit", "1", "--date", v)
	}
	add("ID", "check", "edit", "0", "--date", "2024-03-04")
	add("--answers", "check", "phq9", "--answers", "1,2,0,1,1,0,0,1,\xff")
	add("--answers", "check", "gad7", "--answers", strings.Repeat("0,", 60000)+"0")
	add("--date", "check", "phq9", "--answers", "1,2,0,1,1,0,0,1,0", "--date", "0001-01-01")
	add("NAME", "therapist", "add", "Dr \xff")
	add("--since", "therapist", "add", "Dr B", "--since", "0001-01-01")
	add("--fee", "therapist", "add", "Dr B", "--fee", "NaN")
	add("--severity", "goal", "add", "Sleep", "--domain", "health", "--severity", "99999999999999999999")
	add("TITLE", "goal", "add", "Sleep \xff", "--domain", "health")
	add("recent_window", "settings", "set", "recent_window", "99999999999999999999")
	add("crisis_contacts", "settings", "set", "crisis_contacts", "call \xff")

	add("recent_window", "settings", "set", "recent_window", "99")
	add("recent_window", "settings", "set", "recent_window", "four")
	add("conduct_concern_max", "settings", "set", "conduct_concern_max", "NaN")
	add("conduct_concern_max", "settings", "set", "conduct_concern_max", "Inf")
	add("crisis_contacts", "settings", "set", "crisis_contacts", "")
	add("crisis_contacts", "settings", "set", "crisis_contacts", "call\x1b[2J")
	add("NAME", "settings", "set", "colour", "blue")
	add("NAME", "settings", "unset", "colour")
	add("NAME", "settings", "get", "colour")

	forEachBackend(t, func(t *testing.T, e *env) {
		e.ok("therapist", "add", "Dr A", "--since", "2024-01-01")
		e.ok("goal", "add", "Stop dreading Monday meetings", "--domain", "work", "--opened", "2024-01-01")
		e.ok("session", "add", "--therapist", "1", "--date", "2024-03-05", "--goals", "1", "--helpful", "5")
		e.ok("check", "phq9", "--answers", "1,2,0,1,1,0,0,1,0", "--date", "2024-03-05")
		e.ok("settings", "set", "recent_window", "5")
		db := openStore(t, e.dsn)
		before := exportOf(t, db)
		for _, c := range cases {
			name := strings.Join(c.args, " ")
			if len(name) > 80 {
				name = name[:80] + "..."
			}
			t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
				// Refused commands write nothing, so they can run side by side.
				t.Parallel()
				r := e.runT(t, "", c.args...)
				if r.code != 2 {
					t.Fatalf("want exit 2:\n%s", r)
				}
				if r.stdout != "" {
					t.Errorf("stdout not empty:\n%s", r)
				}
				if !strings.HasPrefix(r.stderr, "upshot: "+c.want) && !strings.Contains(r.stderr, " "+c.want) {
					t.Errorf("stderr does not name %s:\n%s", c.want, r.stderr)
				}
				if after := exportOf(t, db); after != before {
					t.Errorf("the database changed:\n%s", r)
				}
			})
		}
	})
}
