package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The use cases live in internal/app and every front end calls them, so the
// same mistake gets the same code everywhere. These are the web's side; the
// CLI's side of each is in internal/cli (TestCustomInstruments,
// TestInvalidInputWritesNothing, TestSameMistakeSameCode).

// A check-in of an instrument whose definition differs from the one earlier
// check-ins of the same version were answered to is invalid input (422, exit
// 2 in the CLI), not a conflict: the API once answered 409 here, which its
// own document does not list for POST /checkins.
func TestChangedDefinitionIsInvalid(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		def, _ := a.reg.Get("phq9")
		var raw map[string]any
		if err := json.Unmarshal(def.Raw(), &raw); err != nil {
			t.Fatal(err)
		}
		raw["name"] = "A changed PHQ-9"
		changed, err := json.Marshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		zeros := make([]*int, 9)
		for i := range zeros {
			zeros[i] = upshot.Ptr(0)
		}
		old := &upshot.CheckIn{Instrument: def.ID, InstrumentVersion: def.Version, Date: upshot.DateOf(testNow).AddDays(-7), Answers: zeros}
		if err := a.db.CreateCheckIn(context.Background(), upshot.DefaultOwner, old, upshot.Definition{Instrument: def.ID, Version: def.Version, Data: changed}); err != nil {
			t.Fatal(err)
		}
		before := a.counts()
		r := a.sendJSON("POST", "/api/v1/checkins", `{"instrument": "phq9", "answers": [1,1,1,1,1,1,1,1,0]}`)
		if e := apiErrOf(t, r); r.status != http.StatusUnprocessableEntity || e.Code != upshot.EINVALID || e.Field != "instrument" || !strings.Contains(e.Message, "new version number") {
			t.Errorf("POST /api/v1/checkins: %d %+v, want 422 invalid naming instrument", r.status, e)
		}
		form := "instrument=phq9&date=" + upshot.DateOf(testNow).String()
		for i := 1; i <= 9; i++ {
			form += "&item_" + itoa(int64(i)) + "=1"
		}
		if r := a.postForm("/checkins", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "new version number") {
			t.Errorf("POST /checkins: %d, want the form again with 422 saying what to do", r.status)
		}
		if after := a.counts(); after != before {
			t.Errorf("a refused check-in wrote: %v -> %v", before, after)
		}
	})
}

// A session naming a therapist or goal that is not the owner's is invalid
// input naming the field (422; exit 2 naming --therapist or --goals in the
// CLI), on create and on update alike: the API once answered 404, which
// read as if the session itself were missing.
func TestSessionNamingAMissingRecordIsInvalid(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		therapist, goal := a.seed()
		day := upshot.DateOf(testNow).String()
		ok := a.sendJSON("POST", "/api/v1/sessions", `{"therapist_id": `+itoa(therapist)+`, "date": "`+day+`", "goals": [{"goal_id": `+itoa(goal)+`}]}`)
		if ok.status != http.StatusCreated {
			t.Fatalf("POST a valid session: %d %s", ok.status, ok.body)
		}
		var stored upshot.Session
		decode(t, ok, &stored)
		before := a.counts()
		for _, tt := range []struct{ method, path, body, field string }{
			{"POST", "/api/v1/sessions", `{"therapist_id": 99, "date": "` + day + `"}`, "therapist"},
			{"POST", "/api/v1/sessions", `{"therapist_id": ` + itoa(therapist) + `, "date": "` + day + `", "goals": [{"goal_id": 99}]}`, "goals"},
			{"PUT", "/api/v1/sessions/" + itoa(stored.ID), `{"therapist_id": 99, "date": "` + day + `", "version": 1}`, "therapist"},
		} {
			r := a.sendJSON(tt.method, tt.path, tt.body)
			if e := apiErrOf(t, r); r.status != http.StatusUnprocessableEntity || e.Code != upshot.EINVALID || e.Field != tt.field {
				t.Errorf("%s %s %s: %d %+v, want 422 invalid naming %s", tt.method, tt.path, tt.body, r.status, e, tt.field)
			}
		}
		if r := a.postForm("/sessions", "therapist=99&date="+day); r.status != http.StatusUnprocessableEntity {
			t.Errorf("POST /sessions naming therapist 99: %d, want the form again with 422", r.status)
		}
		if after := a.counts(); after != before {
			t.Errorf("a refused session wrote: %v -> %v", before, after)
		}
	})
}

// A goal solved or dropped without a date is closed today, by the server's
// clock, whether it is created or updated through the API or the pages (the
// CLI's 'goal close' does the same without --date).
func TestGoalClosedWithoutADateClosesToday(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		today := upshot.DateOf(testNow)
		r := a.sendJSON("POST", "/api/v1/goals", `{"title": "Sleep", "domain": "health", "status": "solved"}`)
		var g upshot.Goal
		decode(t, r, &g)
		if r.status != http.StatusCreated || g.Closed != today || g.Opened != today {
			t.Errorf("POST a solved goal without dates: %d opened %s closed %s, want 201 both %s", r.status, g.Opened, g.Closed, today)
		}
		opened := today.AddDays(-30).String()
		r = a.sendJSON("POST", "/api/v1/goals", `{"title": "Friends", "domain": "friends", "opened": "`+opened+`"}`)
		decode(t, r, &g)
		r = a.sendJSON("PUT", "/api/v1/goals/"+itoa(g.ID), `{"title": "Friends", "domain": "friends", "opened": "`+opened+`", "status": "dropped", "version": 1}`)
		g = upshot.Goal{}
		decode(t, r, &g)
		if r.status != http.StatusOK || g.Status != upshot.GoalDropped || g.Closed != today {
			t.Errorf("PUT a dropped goal without a date: %d %s closed %s, want 200 dropped %s", r.status, g.Status, g.Closed, today)
		}
	})
}
