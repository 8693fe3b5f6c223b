package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The record forms through httptest alone, no browser: each one saves,
// sends the person back to the list, and a refused or stale one shows the
// form again with its status and writes nothing (issue 12 item 5). The
// browser tests walk the same forms as a person does; these run everywhere.
func TestRecordFormsWithoutABrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newApp(t, "sqlite")
	th, goal := a.seed()
	today := upshot.DateOf(testNow)
	saved := func(what string, r response, to string) {
		t.Helper()
		if r.status != http.StatusSeeOther || r.header.Get("Location") != to {
			t.Fatalf("%s: %d to %q, want 303 to %q\n%.400s", what, r.status, r.header.Get("Location"), to, r.body)
		}
	}

	// A therapist: added, edited, an edit from an old version refused.
	saved("add a therapist", a.postForm("/therapists", url.Values{"name": {"Dr. B"}, "fee": {"70"}, "currency": {"gbp"}, "started": {"2025-01-06"}}.Encode()),
		"/therapists?done=therapist-saved")
	list, err := a.db.ListTherapists(ctx, upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	b := list[len(list)-1]
	if b.Name != "Dr. B" || b.Currency != "GBP" || b.Fee == nil || *b.Fee != 7000 || b.Started.String() != "2025-01-06" {
		t.Fatalf("the therapist saved: %+v", b)
	}
	edit := url.Values{"name": {"Dr. Bea"}, "currency": {"GBP"}, "version": {fmt.Sprint(b.Version)}}
	saved("edit the therapist", a.postForm(fmt.Sprintf("/therapists/%d", b.ID), edit.Encode()), "/therapists?done=therapist-saved")
	before := a.counts()
	if r := a.postForm(fmt.Sprintf("/therapists/%d", b.ID), edit.Encode()); r.status != http.StatusConflict {
		t.Errorf("an edit from an old version: %d, want 409", r.status)
	}
	if r := a.postForm("/therapists", "name="); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a therapist without a name: %d, want 422", r.status)
	}
	if got, err := a.db.FindTherapist(ctx, upshot.DefaultOwner, b.ID); err != nil || got.Name != "Dr. Bea" {
		t.Errorf("after the refused edit: %+v %v, want Dr. Bea", got, err)
	}

	// A goal: added as solved without a date (closed today), edited.
	saved("add a goal", a.postForm("/goals", url.Values{"title": {"Find work"}, "domain": {"work"}, "status": {"solved"}, "opened": {"2025-05-01"}}.Encode()),
		"/goals?done=goal-saved")
	goals, err := a.db.ListGoals(ctx, upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	g := goals[len(goals)-1]
	if g.Title != "Find work" || g.Status != upshot.GoalSolved || !g.Closed.Equal(today) {
		t.Fatalf("the goal saved: %+v, want solved and closed %s", g, today)
	}
	saved("edit the goal", a.postForm(fmt.Sprintf("/goals/%d", g.ID), url.Values{"title": {"Find good work"}, "domain": {"work"}, "status": {"solved"},
		"opened": {"2025-05-01"}, "closed": {"2025-06-01"}, "version": {fmt.Sprint(g.Version)}}.Encode()), "/goals?done=goal-saved")
	if got, err := a.db.FindGoal(ctx, upshot.DefaultOwner, g.ID); err != nil || got.Title != "Find good work" || got.Closed.String() != "2025-06-01" {
		t.Errorf("the goal edited: %+v %v", got, err)
	}
	if after := a.counts(); after[0] != before[0] {
		t.Errorf("refused therapist forms wrote: %v before, %v after", before, after)
	}

	// Deleting: a therapist with sessions is refused; a session, a
	// check-in, a goal and a therapist without sessions go.
	ss := &upshot.Session{TherapistID: th, Date: today.AddDays(-2), Goals: []upshot.GoalProgress{{GoalID: goal}}}
	if err := a.db.CreateSession(ctx, upshot.DefaultOwner, ss); err != nil {
		t.Fatal(err)
	}
	if r := a.postForm(fmt.Sprintf("/therapists/%d/delete", th), ""); r.status != http.StatusConflict {
		t.Errorf("deleting a therapist with a session: %d, want 409", r.status)
	}
	result := a.postCheckin("phq9", "2025-06-10", 1, 1, 1, 1, 1, 1, 1, 1, 0)
	var checkinID int64
	if _, err := fmt.Sscanf(result, "/checkins/%d", &checkinID); err != nil {
		t.Fatalf("check-in address %q: %v", result, err)
	}
	saved("delete the session", a.postForm(fmt.Sprintf("/sessions/%d/delete", ss.ID), ""), "/sessions?done=session-deleted")
	saved("delete the check-in", a.postForm(fmt.Sprintf("/checkins/%d/delete", checkinID), ""), "/checkins?done=checkin-deleted")
	saved("delete the goal", a.postForm(fmt.Sprintf("/goals/%d/delete", g.ID), ""), "/goals?done=goal-deleted")
	saved("delete the therapist", a.postForm(fmt.Sprintf("/therapists/%d/delete", th), ""), "/therapists?done=therapist-deleted")
	if got := a.counts(); got != [4]int{1, 1, 0, 0} {
		t.Errorf("after the deletes: %v therapists, goals, sessions, check-ins; want [1 1 0 0]", got)
	}

	// A setting set and reset to its default.
	if err := a.db.SetSetting(ctx, upshot.DefaultOwner, upshot.SettingCrisisContacts, "Call Sam"); err != nil {
		t.Fatal(err)
	}
	saved("reset a setting", a.postForm("/settings/crisis_contacts/reset", ""), "/settings?done=settings-saved#setting-crisis_contacts")
	if set, err := a.db.Settings(ctx, upshot.DefaultOwner); err != nil || set[upshot.SettingCrisisContacts] != "" {
		t.Errorf("after the reset: %v %v, want the default", set, err)
	}
	if r := a.postForm("/settings/no_such_setting/reset", ""); r.status != http.StatusNotFound {
		t.Errorf("resetting a setting that does not exist: %d, want 404", r.status)
	}
}
