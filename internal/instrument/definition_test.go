package instrument

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The published wording, copied from shared/reference/instruments.md. An
// item text is a fact: any difference here is a bug in the definition.
var publishedWording = map[string]struct {
	instruction string
	options     []Option
	items       []string
}{
	"phq9": {
		"Over the last 2 weeks, how often have you been bothered by any of the following problems?",
		[]Option{{"Not at all", 0}, {"Several days", 1}, {"More than half the days", 2}, {"Nearly every day", 3}},
		[]string{
			"Little interest or pleasure in doing things",
			"Feeling down, depressed, or hopeless",
			"Trouble falling or staying asleep, or sleeping too much",
			"Feeling tired or having little energy",
			"Poor appetite or overeating",
			"Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
			"Trouble concentrating on things, such as reading the newspaper or watching television",
			"Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
			"Thoughts that you would be better off dead or of hurting yourself in some way",
		},
	},
	"gad7": {
		"Over the last 2 weeks, how often have you been bothered by the following problems?",
		[]Option{{"Not at all", 0}, {"Several days", 1}, {"More than half the days", 2}, {"Nearly every day", 3}},
		[]string{
			"Feeling nervous, anxious, or on edge",
			"Not being able to stop or control worrying",
			"Worrying too much about different things",
			"Trouble relaxing",
			"Being so restless that it is hard to sit still",
			"Becoming easily annoyed or irritable",
			"Feeling afraid, as if something awful might happen",
		},
	},
	"who5": {
		"Please indicate for each of the five statements which is closest to how you have been feeling over the last two weeks.",
		[]Option{{"All of the time", 5}, {"Most of the time", 4}, {"More than half of the time", 3},
			{"Less than half of the time", 2}, {"Some of the time", 1}, {"At no time", 0}},
		[]string{
			"I have felt cheerful and in good spirits",
			"I have felt calm and relaxed",
			"I have felt active and vigorous",
			"I woke up feeling fresh and rested",
			"My daily life has been filled with things that interest me",
		},
	},
}

func TestPublishedWording(t *testing.T) {
	for id, want := range publishedWording {
		d := builtin(t, id)
		if d.Instruction != want.instruction {
			t.Errorf("%s instruction:\n got %q\nwant %q", id, d.Instruction, want.instruction)
		}
		if !reflect.DeepEqual(d.Options, want.options) {
			t.Errorf("%s options:\n got %v\nwant %v", id, d.Options, want.options)
		}
		if len(d.Items) != len(want.items) {
			t.Fatalf("%s: %d items, want %d", id, len(d.Items), len(want.items))
		}
		for i, text := range want.items {
			if d.Items[i].Text != text {
				t.Errorf("%s item %d:\n got %q\nwant %q", id, i+1, d.Items[i].Text, text)
			}
			if d.Items[i].Reverse || len(d.Items[i].Options) > 0 {
				t.Errorf("%s item %d: no reversal or own options in the published scale", id, i+1)
			}
		}
	}
}

// TestEarlierBuiltinVersionsKept: the registry keeps every built-in version
// that ever shipped, byte for byte (pinned by SHA-256), so a check-in
// answered against PHQ-9 version 1 is still scored by it and an export that
// carries it still passes the built-in guard; the current version is served
// for new check-ins.
func TestEarlierBuiltinVersionsKept(t *testing.T) {
	r := Builtin()
	shipped := map[string]string{ // id@version -> SHA-256 of the file as it shipped
		"phq9@1": "8baf4065afa565483f08a58f6e11ad1ea77961039aa132413979d6338718e794",
	}
	for key, sum := range shipped {
		id, v, _ := strings.Cut(key, "@")
		version, _ := strconv.Atoi(v)
		d, ok := r.Version(id, version)
		if !ok || !d.Builtin || d.Version != version {
			t.Errorf("%s: not kept (%v)", key, d)
			continue
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(d.Raw())); got != sum {
			t.Errorf("%s changed since it shipped: SHA-256 %s, want %s", key, got, sum)
		}
	}
	if len(r.earlier) != len(shipped) {
		t.Errorf("%d earlier versions embedded, %d pinned here", len(r.earlier), len(shipped))
	}
	cur, _ := r.Get("phq9")
	if v2, ok := r.Version("phq9", 2); !ok || v2 != cur {
		t.Errorf("Version(phq9, 2) is not the current definition")
	}
	if _, ok := r.Version("phq9", 3); ok {
		t.Error("Version(phq9, 3) found")
	}
	v1, _ := r.Version("phq9", 1)
	if v1.Note == "" || v1.SafetyNote != "" || cur.Note != "" || cur.SafetyNote != v1.Note {
		t.Errorf("PHQ-9 v1 says its note with every score; v2 only with item 9 above 0: v1 %q/%q, v2 %q/%q", v1.Note, v1.SafetyNote, cur.Note, cur.SafetyNote)
	}
	// Everything but the version and the note scores the same.
	a, b := *v1, *cur
	a.Version, a.Note, a.raw = 0, "", nil
	b.Version, b.SafetyNote, b.raw = 0, "", nil
	if !reflect.DeepEqual(a, b) {
		t.Error("PHQ-9 v2 differs from v1 in more than its note")
	}
}

func TestBuiltinDefinitions(t *testing.T) {
	r := Builtin()
	all := r.All()
	var ids []string
	for _, d := range all {
		ids = append(ids, d.ID)
		if !d.Builtin {
			t.Errorf("%s: Builtin not set", d.ID)
		}
		if want := map[string]int{"phq9": 2}[d.ID]; d.Version != max(want, 1) {
			t.Errorf("%s: version %d", d.ID, d.Version)
		}
		embedded, err := defsFS.ReadFile("defs/" + d.ID + ".json")
		if err != nil || !bytes.Equal(d.Raw(), embedded) {
			t.Errorf("%s: Raw is not the embedded file (%v)", d.ID, err)
		}
		again, err := Parse(d.Raw())
		if err != nil {
			t.Fatalf("%s: Parse(Raw): %v", d.ID, err)
		}
		again.Builtin = true
		if !reflect.DeepEqual(again, d) {
			t.Errorf("%s: Parse(Raw) differs from the definition", d.ID)
		}
	}
	if got := strings.Join(ids, ","); got != "phq9,gad7,who5,focus" {
		t.Errorf("All() = %s", got)
	}
	entries, _ := defsFS.ReadDir("defs")
	files := 0
	for _, e := range entries {
		if !e.IsDir() {
			files++
		}
	}
	if files != len(builtinOrder) {
		t.Errorf("defs/ holds %d files, builtinOrder %d: every embedded file must be registered", files, len(builtinOrder))
	}

	facts := []struct {
		id          string
		items, max  int
		factor      int
		caseOp      string
		caseValue   int
		size        float64
		attribution []string
	}{
		{"phq9", 9, 27, 1, ">=", 10, 6, []string{"Pfizer", "Spitzer"}},
		{"gad7", 7, 21, 1, ">=", 8, 4, []string{"Pfizer", "Spitzer"}},
		{"who5", 5, 100, 4, "<=", 50, 10, []string{"WHO Regional Office for Europe", "1998", "Topp et al. 2015"}},
	}
	for _, f := range facts {
		d, _ := r.Get(f.id)
		if len(d.Items) != f.items || d.Max != f.max || d.Scoring.Factor != f.factor ||
			d.Caseness == nil || d.Caseness.Op != f.caseOp || d.Caseness.Value != f.caseValue ||
			d.ReliableChange.Size != f.size || !d.Validated || d.Scoring.MaxMissing != 0 {
			t.Errorf("%s does not match the published facts: %+v", f.id, d)
		}
		for _, s := range f.attribution {
			if !strings.Contains(d.Attribution, s) {
				t.Errorf("%s attribution lacks %q: %q", f.id, s, d.Attribution)
			}
		}
	}
	focus, _ := r.Get("focus")
	if focus.Caseness != nil || focus.ReliableChange.Size != 2 || focus.Name != "Focus check" || len(focus.Items) != 3 {
		t.Errorf("focus: %+v", focus)
	}
}

// validJSON is a small valid definition the error table breaks one field at
// a time.
const validJSON = `{
	"id": "mine", "version": 1, "name": "Mine", "short_name": "M", "instruction": "Lately",
	"options": [{"label": "no", "score": 0}, {"label": "yes", "score": 1}],
	"items": [{"id": "m1", "text": "One"}, {"id": "m2", "text": "Two", "options": [{"label": "a", "score": 0}, {"label": "b", "score": 2}]}],
	"scoring": {"method": "sum", "factor": 1, "max_missing": 0, "prorate": false},
	"direction": "higher_is_worse", "min": 0, "max": 3,
	"bands": [{"min": 0, "max": 1, "label": "low"}, {"min": 2, "max": 3, "label": "high"}],
	"caseness": {"op": ">=", "value": 2, "label": "high"},
	"reliable_change": {"size": 2},
	"source": "me", "licence": "mine", "attribution": "", "validated": false
}`

func TestParseErrors(t *testing.T) {
	if _, err := Parse([]byte(validJSON)); err != nil {
		t.Fatalf("base definition: %v", err)
	}
	tests := []struct {
		name   string
		edit   func(m map[string]any)
		raw    string // used instead of edit when set
		field  string
		expect string // substring of the message
	}{
		{"bad id", func(m map[string]any) { m["id"] = "Mine" }, "", "id", `instrument Mine: id: must be`},
		{"short id", func(m map[string]any) { m["id"] = "m" }, "", "id", "id: must be 2-32"},
		{"version 0", func(m map[string]any) { m["version"] = 0 }, "", "version", "instrument mine: version: must be 1 or more, got 0"},
		{"no name", func(m map[string]any) { m["name"] = " " }, "", "name", "instrument mine: name: must not be empty"},
		{"no source", func(m map[string]any) { delete(m, "source") }, "", "source", "instrument mine: source:"},
		{"no licence", func(m map[string]any) { m["licence"] = "" }, "", "licence", "instrument mine: licence:"},
		{"bad direction", func(m map[string]any) { m["direction"] = "up" }, "", "direction", `direction: must be "higher_is_worse" or "higher_is_better", got "up"`},
		{"no items", func(m map[string]any) { m["items"] = []any{} }, "", "items", "instrument mine: items: must have at least one item"},
		{"item without text", func(m map[string]any) { item(m, 1)["text"] = "" }, "", "items[1].text", "instrument mine: items[1].text: must not be empty"},
		{"item bad id", func(m map[string]any) { item(m, 0)["id"] = "1x" }, "", "items[0].id", "items[0].id:"},
		{"duplicate item id", func(m map[string]any) { item(m, 1)["id"] = "m1" }, "", "items[1].id", `"m1" is already used by items[0]`},
		{"duplicate scores", func(m map[string]any) {
			item(m, 1)["options"] = []any{map[string]any{"label": "a", "score": 1}, map[string]any{"label": "b", "score": 1}}
		}, "", "items[1].options[1].score", "instrument mine: items[1].options[1].score: scores must be distinct"},
		{"negative score", func(m map[string]any) {
			m["options"] = []any{map[string]any{"label": "a", "score": -1}, map[string]any{"label": "b", "score": 1}}
		}, "", "options[0].score", "options[0].score: must be 0 to 1000, got -1"},
		{"option without label", func(m map[string]any) {
			item(m, 1)["options"] = []any{map[string]any{"label": "", "score": 0}}
		}, "", "items[1].options[0].label", "items[1].options[0].label: must not be empty"},
		{"no options anywhere", func(m map[string]any) { delete(m, "options") }, "", "items[0].options", "items[0].options: no options"},
		{"bad method", func(m map[string]any) { scoring(m)["method"] = "mean" }, "", "scoring.method", `scoring.method: must be "sum", got "mean"`},
		{"factor 0", func(m map[string]any) { scoring(m)["factor"] = 0 }, "", "scoring.factor", "scoring.factor: must be 1 to 100, got 0"},
		{"max_missing all", func(m map[string]any) { scoring(m)["max_missing"] = 2 }, "", "scoring.max_missing", "scoring.max_missing: must be 0 to 1, got 2"},
		{"wrong max", func(m map[string]any) { m["max"] = 4 }, "", "max", "instrument mine: max: must be 3"},
		{"wrong min", func(m map[string]any) { m["min"] = 1 }, "", "min", "instrument mine: min: must be 0"},
		{"max ignores factor", func(m map[string]any) { scoring(m)["factor"] = 4 }, "", "max", "max: must be 12 (the items' highest scores summed, times factor 4), got 3"},
		{"no bands", func(m map[string]any) { m["bands"] = []any{} }, "", "bands", "bands: must have at least one band"},
		{"band gap", func(m map[string]any) { band(m, 1)["min"] = 3 }, "", "bands[1].min", "bands[1].min: must be 2 so the bands are contiguous"},
		{"band overlap", func(m map[string]any) { band(m, 1)["min"] = 1 }, "", "bands[1].min", "bands[1].min: must be 2"},
		{"band past max", func(m map[string]any) { band(m, 1)["max"] = 4 }, "", "bands[1].max", "bands[1].max: must be 2 to 3, got 4"},
		{"bands short", func(m map[string]any) { band(m, 1)["max"] = 2 }, "", "bands", "bands: must cover 0..3, the last band ends at 2"},
		{"band first min", func(m map[string]any) { band(m, 0)["min"] = 1 }, "", "bands[0].min", "bands[0].min: must be 0"},
		{"band unlabelled", func(m map[string]any) { band(m, 0)["label"] = "" }, "", "bands[0].label", "bands[0].label"},
		{"caseness op", func(m map[string]any) { caseness(m)["op"] = ">" }, "", "caseness.op", `caseness.op: must be ">=" or "<=", got ">"`},
		{"caseness value", func(m map[string]any) { caseness(m)["value"] = 9 }, "", "caseness.value", "caseness.value: must be within 0..3, got 9"},
		{"caseness label", func(m map[string]any) { caseness(m)["label"] = "" }, "", "caseness.label", "caseness.label"},
		{"no reliable change", func(m map[string]any) { m["reliable_change"] = map[string]any{} }, "", "reliable_change", "reliable_change: give either size, or sd and reliability"},
		{"negative size", func(m map[string]any) { m["reliable_change"] = map[string]any{"size": -1} }, "", "reliable_change.size", "reliable_change.size: must be above 0"},
		{"both kinds", func(m map[string]any) { m["reliable_change"] = map[string]any{"size": 2, "sd": 3, "reliability": 0.8} }, "", "reliable_change", "not both"},
		{"sd without reliability", func(m map[string]any) { m["reliable_change"] = map[string]any{"sd": 3} }, "", "reliable_change.reliability", "reliable_change.reliability: must be between 0 and 1"},
		{"reliability 1", func(m map[string]any) { m["reliable_change"] = map[string]any{"sd": 3, "reliability": 1} }, "", "reliable_change.reliability", "got 1"},
		{"reliability without sd", func(m map[string]any) { m["reliable_change"] = map[string]any{"reliability": 0.9} }, "", "reliable_change.sd", "reliable_change.sd: must be above 0"},
		{"unknown field", nil, strings.Replace(validJSON, `"validated"`, `"revers": true, "validated"`, 1), "definition", `unknown field "revers"`},
		{"unknown item field", nil, strings.Replace(validJSON, `"text": "One"`, `"text": "One", "weight": 2`, 1), "definition", `unknown field "weight"`},
		{"wrong type", nil, strings.Replace(validJSON, `"version": 1`, `"version": "1"`, 1), "definition", "version: cannot use a JSON string"},
		{"syntax", nil, validJSON[:40], "definition", "unexpected end of JSON"},
		{"trailing data", nil, validJSON + "{}", "definition", "unexpected data after the definition"},
		{"empty", nil, " ", "definition", "empty definition"},
	}
	for _, tt := range tests {
		data := []byte(tt.raw)
		if tt.edit != nil {
			var m map[string]any
			if err := json.Unmarshal([]byte(validJSON), &m); err != nil {
				t.Fatal(err)
			}
			tt.edit(m)
			data, _ = json.Marshal(m)
		}
		_, err := Parse(data)
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		if upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != tt.field || !strings.Contains(err.Error(), tt.expect) {
			t.Errorf("%s: got %s field %q %q; want field %q containing %q",
				tt.name, upshot.ErrorCode(err), upshot.ErrorField(err), err, tt.field, tt.expect)
		}
	}
}

func item(m map[string]any, i int) map[string]any { return m["items"].([]any)[i].(map[string]any) }
func band(m map[string]any, i int) map[string]any { return m["bands"].([]any)[i].(map[string]any) }
func scoring(m map[string]any) map[string]any     { return m["scoring"].(map[string]any) }
func caseness(m map[string]any) map[string]any    { return m["caseness"].(map[string]any) }

func TestRawRoundTrip(t *testing.T) {
	d, err := Parse([]byte(validJSON))
	if err != nil {
		t.Fatal(err)
	}
	raw := d.Raw()
	raw[0] = 'X' // Raw must hand out a copy
	if !bytes.Equal(d.Raw(), []byte(validJSON)) {
		t.Error("Raw is not the parsed bytes, or was changed through a returned slice")
	}
	again, err := Parse(d.Raw())
	if err != nil || !reflect.DeepEqual(again, d) {
		t.Errorf("Parse(Raw) = %v, %v", again, err)
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDir(t *testing.T) {
	valid := validJSON
	other := strings.Replace(validJSON, `"id": "mine"`, `"id": "aaa_first"`, 1)
	broken := strings.Replace(validJSON, `"max": 3`, `"max": 5`, 1)
	dupBuiltin := strings.Replace(validJSON, `"id": "mine"`, `"id": "phq9"`, 1)

	t.Run("valid", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "mine.json", valid)
		writeFile(t, dir, "first.json", other)
		writeFile(t, dir, "notes.txt", "not a definition")
		if err := os.Mkdir(filepath.Join(dir, "sub.json"), 0o700); err != nil {
			t.Fatal(err)
		}
		r := Builtin()
		if err := r.LoadDir(dir); err != nil {
			t.Fatal(err)
		}
		d, ok := r.Get("mine")
		if !ok || d.Builtin || !bytes.Equal(d.Raw(), []byte(valid)) {
			t.Fatalf("mine: %v %v", d, ok)
		}
		var ids []string
		for _, d := range r.All() {
			ids = append(ids, d.ID)
		}
		if got := strings.Join(ids, ","); got != "phq9,gad7,who5,focus,aaa_first,mine" {
			t.Errorf("All() = %s", got)
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		r := Builtin()
		if err := r.LoadDir(filepath.Join(t.TempDir(), "nope")); err != nil {
			t.Errorf("missing dir: %v", err)
		}
		if len(r.All()) != 4 {
			t.Error("missing dir changed the registry")
		}
	})
	tests := []struct {
		name   string
		files  map[string]string
		field  string
		expect []string
	}{
		{"broken", map[string]string{"a.json": valid, "broken.json": broken}, "max", []string{"broken.json: instrument mine: max: must be 3"}},
		{"duplicate of built-in", map[string]string{"a.json": other, "phq.json": dupBuiltin}, "id", []string{"phq.json", "phq9 is built in and cannot be replaced"}},
		{"duplicate custom", map[string]string{"a.json": valid, "b.json": valid}, "id", []string{"b.json", "mine is already defined in", "a.json"}},
		{"not JSON", map[string]string{"x.json": "id: yaml"}, "definition", []string{"x.json: instrument definition: invalid JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
			}
			r := Builtin()
			err := r.LoadDir(dir)
			if err == nil {
				t.Fatal("accepted")
			}
			var e *upshot.Error
			if !errors.As(err, &e) || e.Code != upshot.EINVALID || e.Field != tt.field {
				t.Errorf("error %#v, want EINVALID on %q", err, tt.field)
			}
			for _, s := range tt.expect {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not mention %q", err, s)
				}
			}
			if len(r.All()) != 4 {
				t.Errorf("a failed LoadDir left %d instruments; want the 4 built-ins only", len(r.All()))
			}
			if d, _ := r.Get("phq9"); !d.Builtin || d.Name != "Patient Health Questionnaire (PHQ-9)" {
				t.Error("built-in phq9 was replaced")
			}
		})
	}
}

// TestLoadDirRefusesWhatIsNotAPlainFile: a FIFO hung the program for ever
// (SIGTERM was ignored while it waited), a symlink to /dev/zero filled 24 GB of
// memory. Each is refused at once, by name, and the registry stays as it was.
func TestLoadDirRefusesWhatIsNotAPlainFile(t *testing.T) {
	tests := []struct {
		name   string
		make   func(t *testing.T, path string)
		expect string
	}{
		{"fifo", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skipf("no FIFOs here: %v", err)
			}
		}, "not a regular file (a named pipe)"},
		{"symlink to /dev/zero", func(t *testing.T, path string) {
			if err := os.Symlink("/dev/zero", path); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file (a device)"},
		{"huge file", func(t *testing.T, path string) {
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(MaxFileSize + 1); err != nil { // sparse: costs no disk
				t.Fatal(err)
			}
		}, "larger than 1048576 bytes"},
		{"symlink to a directory", func(t *testing.T, path string) {
			if err := os.Symlink(t.TempDir(), path); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file (a directory)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "a.json", validJSON)
			bad := filepath.Join(dir, "bad.json")
			tt.make(t, bad)
			r := Builtin()
			done := make(chan error, 1)
			go func() { done <- r.LoadDir(dir) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				t.Fatal("LoadDir still reading after a minute")
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if upshot.ErrorCode(err) != upshot.EINVALID || !strings.Contains(err.Error(), bad+": "+tt.expect) {
				t.Errorf("error %q (code %s), want invalid input naming %s: %s", err, upshot.ErrorCode(err), bad, tt.expect)
			}
			if len(r.All()) != 4 {
				t.Errorf("a refused file left %d instruments; want the 4 built-ins only", len(r.All()))
			}
		})
	}
	t.Run("symlink to a plain file", func(t *testing.T) {
		dir, elsewhere := t.TempDir(), t.TempDir()
		writeFile(t, elsewhere, "mine.json", validJSON)
		if err := os.Symlink(filepath.Join(elsewhere, "mine.json"), filepath.Join(dir, "mine.json")); err != nil {
			t.Fatal(err)
		}
		r := Builtin()
		if err := r.LoadDir(dir); err != nil {
			t.Fatal(err)
		}
		if _, ok := r.Get("mine"); !ok {
			t.Error("a symlink to a definition was not loaded")
		}
	})
}

func TestLoadNamesFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.json", strings.Replace(validJSON, `"version": 1`, `"version": 0`, 1))
	_, err := Load(filepath.Join(dir, "bad.json"))
	if err == nil || !strings.Contains(err.Error(), "bad.json: instrument mine: version:") {
		t.Errorf("Load: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "absent.json")); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("Load absent: %v", err)
	}
}

func TestAdd(t *testing.T) {
	r := Builtin()
	d, err := Parse([]byte(validJSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Add(d); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(d); err == nil || upshot.ErrorCode(err) != upshot.EINVALID {
		t.Errorf("second Add: %v", err)
	}
	phq, _ := r.Get("phq9")
	clone := *phq
	clone.Builtin = false
	if err := r.Add(&clone); err == nil || !strings.Contains(err.Error(), "built in") {
		t.Errorf("Add over built-in: %v", err)
	}
	bad := *d
	bad.ID = "bad_one"
	bad.Bands = nil
	if err := r.Add(&bad); err == nil || upshot.ErrorField(err) != "bands" {
		t.Errorf("Add invalid: %v", err)
	}
	if err := r.Add(nil); err == nil {
		t.Error("Add(nil) accepted")
	}

	// A definition built in Go gets a Raw that parses back to it.
	var zero Registry
	built := &Definition{
		ID: "handmade", Version: 2, Name: "Handmade", Options: []Option{{"no", 0}, {"yes", 1}},
		Items:   []Item{{ID: "h1", Text: "Hand"}},
		Scoring: Scoring{Method: "sum", Factor: 1}, Direction: HigherIsBetter, Min: 0, Max: 1,
		Bands: []Band{{0, 1, "any"}}, ReliableChange: ReliableChange{Size: 1}, Source: "s", Licence: "l",
	}
	if err := zero.Add(built); err != nil {
		t.Fatal(err)
	}
	again, err := Parse(built.Raw())
	if err != nil || !reflect.DeepEqual(again, built) {
		t.Errorf("Parse(Raw) of a Go-built definition: %v, %v", again, err)
	}
	if all := zero.All(); len(all) != 1 || all[0] != built {
		t.Errorf("zero Registry All: %v", all)
	}
}
