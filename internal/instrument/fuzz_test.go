package instrument

import (
	"encoding/json"
	"reflect"
	"testing"
)

func FuzzParseAnswers(f *testing.F) {
	for _, s := range []string{"1,2,0,1,1,0,0,1,0", "0,0,0,0,0,0,0,0,1", "3,3,3,3,3,3,3", "5,5,5,5,5", "0,0,4",
		" 1 , 2 ,", ",,", "x", "1.5", "-1,0,0", "99999999999999999999", "+1,0,0", ""} {
		f.Add(s)
	}
	r := Builtin()
	if err := r.Add(customJT(f)); err != nil {
		f.Fatal(err)
	}
	defs := r.All()
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range defs {
			answers, err := ParseAnswers(d, s)
			if err != nil {
				continue
			}
			checkScore(t, d, answers)
			again, err := ParseAnswers(d, FormatAnswers(answers))
			if err != nil || !reflect.DeepEqual(again, answers) {
				t.Fatalf("%s: %q did not round-trip: %v", d.ID, s, err)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, d := range Builtin().All() {
		f.Add(d.Raw())
	}
	f.Add([]byte(validJSON))
	f.Add(customJT(f).Raw())
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		again, err := Parse(d.Raw())
		if err != nil || !reflect.DeepEqual(again, d) {
			t.Fatalf("Parse(Raw) differs: %v", err)
		}
		// The canonical encoding must mean the same definition too, since
		// that is what Add stores for definitions built in Go.
		enc, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		re, err := Parse(enc)
		if err != nil {
			t.Fatalf("re-parse of encoding: %v\n%s", err, enc)
		}
		re.raw, d.raw = nil, nil
		if !reflect.DeepEqual(re, d) {
			t.Fatalf("encoding does not round-trip:\n%s", enc)
		}
		for _, answers := range sampleAnswers(d) {
			checkScore(t, d, answers)
		}
		for _, a := range []int{d.Min, d.Max} {
			for _, b := range []int{d.Min, d.Max} {
				d.Change(Score{Total: a}, Score{Total: b})
				d.Outcome(Score{Total: a}, Score{Total: b})
			}
		}
	})
}

// sampleAnswers gives lowest, highest and alternating answers, each also
// with as many trailing items missing as the definition tolerates.
func sampleAnswers(d *Definition) [][]*int {
	var out [][]*int
	for pattern := range 3 {
		a := make([]*int, len(d.Items))
		for i := range d.Items {
			lo, hi := optionRange(d.ItemOptions(i))
			v := lo
			if pattern == 1 || (pattern == 2 && i%2 == 0) {
				v = hi
			}
			a[i] = &v
		}
		out = append(out, a)
		m := append([]*int(nil), a...)
		for i := 0; i < d.Scoring.MaxMissing; i++ {
			m[len(m)-1-i] = nil
		}
		out = append(out, m)
	}
	return out
}

func checkScore(t *testing.T, d *Definition, answers []*int) {
	t.Helper()
	s, err := d.Score(answers)
	if err != nil {
		t.Fatalf("%s: valid answers %s not scored: %v", d.ID, FormatAnswers(answers), err)
	}
	if s.Total < d.Min || s.Total > d.Max || s.Band == "" || len(s.Items) != len(d.Items) {
		t.Fatalf("%s: %s scored %+v outside %d..%d", d.ID, FormatAnswers(answers), s, d.Min, d.Max)
	}
	if (s.Caseness == nil) != (d.Caseness == nil) {
		t.Fatalf("%s: caseness %v with cut-off %v", d.ID, s.Caseness, d.Caseness)
	}
}
