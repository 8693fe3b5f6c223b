package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Issue 10 item 14: PHQ-9's "Item 9 above 0 needs follow-up" line comes only
// with a score whose item 9 is above 0 (PHQ-9 version 2, for new
// check-ins). Check-ins answered against version 1, as older exports hold
// them, still import, verify and score exactly as before, note included,
// and a new check-in beside them is answered against version 2.
func TestPHQ9FollowUpLineOnlyWithItem9(t *testing.T) {
	t.Parallel()
	const line = "Item 9 above 0 needs follow-up whatever the total."
	e := newEnv(t, "sqlite")
	if out := e.ok("check", "phq9", "--answers", "1,1,1,1,1,1,1,1,0", "--date", "2026-01-05"); strings.Contains(out, line) {
		t.Errorf("item 9 at 0, yet the follow-up line:\n%s", out)
	}
	if out := e.ok("check", "phq9", "--answers", "1,1,1,1,1,1,1,1,1", "--date", "2026-01-12"); !strings.Contains(out, line) {
		t.Errorf("item 9 at 1, no follow-up line:\n%s", out)
	}
	type result struct {
		InstrumentVersion int    `json:"instrument_version"`
		Total             int    `json:"total"`
		Band              string `json:"band"`
		Safety            bool   `json:"safety"`
		Note              string `json:"note"`
	}
	var now []result
	e.jsonOf(&now, "check", "history", "phq9", "--json")
	want := []result{{2, 8, "mild", false, ""}, {2, 9, "mild", true, line}}
	if !slices.Equal(now, want) {
		t.Errorf("version 2 check-ins: %+v, want %+v", now, want)
	}

	// The same answers in an export from before version 2.
	r := e.run("export")
	var snap upshot.Snapshot
	if err := json.Unmarshal([]byte(r.stdout), &snap); err != nil {
		t.Fatal(err)
	}
	v1, ok := instrument.Builtin().Version("phq9", 1)
	if !ok {
		t.Fatal("PHQ-9 version 1 is no longer built in")
	}
	for _, c := range snap.CheckIns {
		c.InstrumentVersion = 1
	}
	snap.Definitions = []upshot.Definition{{Instrument: "phq9", Version: 1, Data: json.RawMessage(v1.Raw())}}
	var buf bytes.Buffer
	if err := archive.Encode(&buf, &snap); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "before-v2.json")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	old := newEnv(t, "sqlite")
	old.ok("import", file)
	var then []result
	old.jsonOf(&then, "check", "history", "phq9", "--json")
	want = []result{{1, 8, "mild", false, line}, {1, 9, "mild", true, line}} // version 1 said it with every score
	if !slices.Equal(then, want) {
		t.Errorf("version 1 check-ins after import: %+v, want %+v", then, want)
	}
	if out := old.ok("check", "phq9", "--answers", "0,0,0,0,0,0,0,0,0", "--date", "2026-01-19"); strings.Contains(out, line) {
		t.Errorf("a new check-in beside version 1 ones said the follow-up line:\n%s", out)
	}
	old.jsonOf(&then, "check", "history", "phq9", "--json")
	if len(then) != 3 || then[2].InstrumentVersion != 2 || then[0].InstrumentVersion != 1 {
		t.Errorf("after a new check-in: %+v, want versions 1, 1, 2", then)
	}
	// Both versions travel in a backup that verifies, and in an export that
	// imports again.
	b := filepath.Join(t.TempDir(), "mixed.upshot")
	old.ok("backup", "-o", b)
	old.ok("backup", "--verify", b)
	again := filepath.Join(t.TempDir(), "mixed.json")
	old.ok("export", "-o", again)
	newEnv(t, "sqlite").ok("import", again)
	// A file that changes version 1 is refused like one changing version 2.
	changed := strings.Replace(buf.String(), `needs follow-up whatever the total.`, `is nothing to worry about.`, 1)
	if changed == buf.String() {
		t.Fatal("test setup: the note is not in the export")
	}
	if err := os.WriteFile(file, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := newEnv(t, "sqlite").fails(2, "import", file); !strings.Contains(r.stderr, "differs from the built-in PHQ-9 version 1") {
		t.Errorf("a redefined PHQ-9 version 1: %s", r)
	}
}
