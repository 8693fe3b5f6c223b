package web

import (
	"net/http"
	"strings"
	"testing"
)

// GET /api/v1/compare on the demo year: both courses, or those asked for
// (therapist=ID, repeated), each answer checked against openapi.json by the
// test client; a therapist that is not there is 404, an id that is no id
// 422, and other parameters are ignored as everywhere in the API.
func TestAPICompare(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *app) {
		a.loadDemo()
		var c struct {
			Courses []struct {
				Therapist struct{ ID int64 }
				Cost      struct {
					Money                  map[string]any `json:"money"`
					PerReliableImprovement map[string]any `json:"per_reliable_improvement"`
				}
				Pair *struct{ Outcomes []string } `json:"nhs_talking_therapies"`
			}
		}
		r := a.get("/api/v1/compare")
		decode(t, r, &c)
		if r.status != http.StatusOK || len(c.Courses) != 2 || c.Courses[0].Therapist.ID != 1 || c.Courses[1].Therapist.ID != 2 {
			t.Fatalf("compare: %d %+v", r.status, c)
		}
		if c.Courses[0].Cost.PerReliableImprovement != nil || c.Courses[0].Pair == nil || c.Courses[0].Pair.Outcomes[0] != "reliable_deterioration" {
			t.Errorf("first course: %+v", c.Courses[0])
		}
		// Money is an exact decimal number, as everywhere in the API.
		if !strings.Contains(r.text(), `"money":{"EUR":3600}`) {
			t.Errorf("first course's cost is not written as the exact amount: %.400s", r.text()[strings.Index(r.text(), `"cost"`):])
		}
		for _, q := range []struct {
			query  string
			status int
			n      int
		}{
			{"?therapist=2", 200, 1}, {"?therapist=2&therapist=1&therapist=2", 200, 2}, {"?therapist=1&colour=blue", 200, 1},
			{"?therapist=abc", 422, 0}, {"?therapist=0", 422, 0}, {"?therapist=1&therapist=99", 404, 0},
		} {
			r := a.get("/api/v1/compare" + q.query)
			if r.status != q.status {
				t.Errorf("compare%s: %d, want %d", q.query, r.status, q.status)
				continue
			}
			if r.status != http.StatusOK {
				if e := apiErrOf(t, r); e.Field != "therapist" && e.Field != "id" {
					t.Errorf("compare%s: error names %q", q.query, e.Field)
				}
				continue
			}
			c.Courses = nil
			decode(t, r, &c)
			if len(c.Courses) != q.n {
				t.Errorf("compare%s: %d courses, want %d", q.query, len(c.Courses), q.n)
			}
		}
	})
}
