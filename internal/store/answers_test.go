package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The answers column is read by hand; it must say exactly what encoding/json
// says of the same text, and refuse what it refuses.
func TestDecodeAnswersAsJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		`[]`, `[0]`, `[1,2,3,null,0]`, `[null]`, `[ 1, 2 , null ]`, ` [3] `, `[-1,10,12345]`, `[0,0,0,0,0,0,0,0,0]`,
		`[1,]`, `[,1]`, `[01]`, `[+1]`, `[1.5]`, `[1e2]`, `["1"]`, `[true]`, `[1 2]`, `[`, `]`, ``, `null`, `{}`, `[[1]]`,
		`[-0]`, `[-]`, `[nul]`, `[null,null]`,
	} {
		var want []*int
		wantErr := json.Unmarshal([]byte(s), &want)
		if wantErr == nil && want == nil {
			want = []*int{}
		}
		got, err := decodeAnswers(s)
		if (err != nil) != (wantErr != nil) {
			t.Errorf("%q: error %v, encoding/json says %v", s, err, wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %v, encoding/json says %v", s, deref(got), deref(want))
		}
	}
}

func deref(ps []*int) []any {
	out := []any{}
	for _, p := range ps {
		if p == nil {
			out = append(out, nil)
		} else {
			out = append(out, *p)
		}
	}
	return out
}

func BenchmarkDecodeAnswers(b *testing.B) {
	const s = `[2,1,3,2,1,0,2,1,0]`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeAnswers(s); err != nil {
			b.Fatal(err)
		}
	}
}
