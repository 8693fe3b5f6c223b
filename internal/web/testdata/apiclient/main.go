// Command apiclient is the driver of TestGeneratedClient (codegen_test.go):
// it is built in a temporary module next to a client oapi-codegen generated
// from the document the server serves, and calls every operation through
// that client alone, as a client author would. It lives under testdata
// because the client package it imports exists only while the test runs.
//
// It reads the server's address from UPSHOT_URL and the API token from
// UPSHOT_TOKEN, prints one line per failed expectation and exits 1 if there
// was any. The test checks on the server's side which operations it reached.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"upshotclientcheck/upshotclient"
)

var failed bool

// expect reports a status other than want, with the body the client got.
func expect(what string, got, want int, body []byte) bool {
	if got == want {
		return true
	}
	failed = true
	fmt.Printf("FAIL %s: status %d, want %d: %.300s\n", what, got, want, body)
	return false
}

func check(ok bool, format string, args ...any) {
	if !ok {
		failed = true
		fmt.Printf("FAIL "+format+"\n", args...)
	}
}

// must stops the run when a later step depends on this one.
func must(err error) {
	if err != nil {
		fmt.Printf("FAIL %v\n", err)
		os.Exit(1)
	}
}

func ptr[T any](v T) *T { return &v }

func date(s string) openapi_types.Date {
	t, err := time.Parse(time.DateOnly, s)
	must(err)
	return openapi_types.Date{Time: t}
}

func main() {
	ctx := context.Background()
	token := os.Getenv("UPSHOT_TOKEN")
	bearer := func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
	c, err := upshotclient.NewClientWithResponses(os.Getenv("UPSHOT_URL")+"/api/v1", upshotclient.WithRequestEditorFn(bearer))
	must(err)
	run(ctx, c)
	if failed {
		os.Exit(1)
	}
	fmt.Println("ok")
}

func run(ctx context.Context, c *upshotclient.ClientWithResponses) {
	doc, err := c.GetOpenAPIDocumentWithResponse(ctx)
	must(err)
	if expect("getOpenAPIDocument", doc.StatusCode(), 200, doc.Body) {
		check(doc.JSON200 != nil && (*doc.JSON200)["openapi"] == "3.1.0", "getOpenAPIDocument: no OpenAPI 3.1.0 document")
	}

	ins, err := c.ListInstrumentsWithResponse(ctx)
	must(err)
	if expect("listInstruments", ins.StatusCode(), 200, ins.Body) {
		check(slices.ContainsFunc(*ins.JSON200, func(i upshotclient.Instrument) bool { return i.Id != nil && *i.Id == "phq9" }),
			"listInstruments: no phq9")
	}

	// Therapists: create (twice with one Idempotency-Key: one record), read,
	// read again with its ETag (304), list, update with If-Match, refuse a
	// stale If-Match.
	th, err := c.CreateTherapistWithResponse(ctx, &upshotclient.CreateTherapistParams{IdempotencyKey: ptr("codegen-therapist-1")},
		upshotclient.TherapistInput{Name: "Dr. Codegen", Currency: ptr("EUR"), FeeAmount: ptr("85.50"), Started: ptr(date("2025-01-06"))})
	must(err)
	if !expect("createTherapist", th.StatusCode(), 201, th.Body) {
		os.Exit(1)
	}
	thID := *th.JSON201.Id
	// Tombstones are asked for from just before this, by the server's
	// clock (the test server's is fixed), not the driver's.
	started := th.JSON201.CreatedAt.Add(-time.Second)
	check(th.JSON201.FeeAmount != nil && *th.JSON201.FeeAmount == "85.50", "createTherapist: fee_amount %v", th.JSON201.FeeAmount)
	check(th.Headers201 != nil && th.Headers201.Location != nil && *th.Headers201.Location == fmt.Sprintf("/api/v1/therapists/%d", thID),
		"createTherapist: Location %+v", th.Headers201)
	again, err := c.CreateTherapistWithResponse(ctx, &upshotclient.CreateTherapistParams{IdempotencyKey: ptr("codegen-therapist-1")},
		upshotclient.TherapistInput{Name: "Dr. Codegen", Currency: ptr("EUR"), FeeAmount: ptr("85.50"), Started: ptr(date("2025-01-06"))})
	must(err)
	if expect("createTherapist (replayed)", again.StatusCode(), 201, again.Body) {
		check(*again.JSON201.Id == thID, "createTherapist replayed made therapist %d, not %d again", *again.JSON201.Id, thID)
		check(again.Headers201.IdempotentReplayed != nil, "createTherapist replayed: no Idempotent-Replayed header")
	}
	gth, err := c.GetTherapistWithResponse(ctx, thID, nil)
	must(err)
	var thTag string
	if expect("getTherapist", gth.StatusCode(), 200, gth.Body) {
		check(gth.JSON200.Name == "Dr. Codegen", "getTherapist: name %q", gth.JSON200.Name)
		check(gth.Headers200 != nil && gth.Headers200.ETag != nil, "getTherapist: no ETag")
		thTag = *gth.Headers200.ETag
	}
	nm, err := c.GetTherapistWithResponse(ctx, thID, &upshotclient.GetTherapistParams{IfNoneMatch: &thTag})
	must(err)
	expect("getTherapist If-None-Match", nm.StatusCode(), 304, nm.Body)
	lth, err := c.ListTherapistsWithResponse(ctx, &upshotclient.ListTherapistsParams{Limit: ptr(50)})
	must(err)
	if expect("listTherapists", lth.StatusCode(), 200, lth.Body) {
		check(slices.ContainsFunc(*lth.JSON200, func(t upshotclient.Therapist) bool { return *t.Id == thID }), "listTherapists: %d missing", thID)
	}
	uth, err := c.UpdateTherapistWithResponse(ctx, thID, &upshotclient.UpdateTherapistParams{IfMatch: &thTag},
		upshotclient.TherapistInput{Name: "Dr. Codegen-Smith", Currency: ptr("EUR"), FeeAmount: ptr("90.00"), Started: ptr(date("2025-01-06"))})
	must(err)
	if expect("updateTherapist", uth.StatusCode(), 200, uth.Body) {
		check(uth.JSON200.Name == "Dr. Codegen-Smith" && *uth.JSON200.FeeAmount == "90.00", "updateTherapist: %s", uth.Body)
	}
	stale, err := c.UpdateTherapistWithResponse(ctx, thID, &upshotclient.UpdateTherapistParams{IfMatch: &thTag},
		upshotclient.TherapistInput{Name: "Lost update"})
	must(err)
	if expect("updateTherapist stale If-Match", stale.StatusCode(), 412, stale.Body) {
		check(stale.ApplicationproblemJSON412 != nil && stale.ApplicationproblemJSON412.Status == 412, "412 without a problem body: %s", stale.Body)
	}

	// Goals.
	g, err := c.CreateGoalWithResponse(ctx, nil, upshotclient.GoalInput{Title: "Sleep through the night", Domain: "health", Opened: ptr(date("2025-05-01"))})
	must(err)
	if !expect("createGoal", g.StatusCode(), 201, g.Body) {
		os.Exit(1)
	}
	goalID := *g.JSON201.Id
	bad, err := c.CreateGoalWithResponse(ctx, nil, upshotclient.GoalInput{Domain: "nowhere"})
	must(err)
	if expect("createGoal without title, unknown domain", bad.StatusCode(), 422, bad.Body) {
		p := bad.ApplicationproblemJSON422
		check(p != nil && p.Errors != nil && len(*p.Errors) >= 2, "createGoal refusal names fewer than two fields: %s", bad.Body)
	}
	gg, err := c.GetGoalWithResponse(ctx, goalID, nil)
	must(err)
	if expect("getGoal", gg.StatusCode(), 200, gg.Body) {
		check(gg.JSON200.Title == "Sleep through the night" && *gg.JSON200.Status == upshotclient.GoalStatusOpen, "getGoal: %s", gg.Body)
	}
	lg, err := c.ListGoalsWithResponse(ctx, nil)
	must(err)
	if expect("listGoals", lg.StatusCode(), 200, lg.Body) {
		check(slices.ContainsFunc(*lg.JSON200, func(x upshotclient.Goal) bool { return *x.Id == goalID }), "listGoals: %d missing", goalID)
	}
	ug, err := c.UpdateGoalWithResponse(ctx, goalID, nil, upshotclient.GoalInput{Title: "Sleep six hours", Domain: "health",
		Version: &gg.JSON200.Version, Opened: ptr(date("2025-05-01")), Status: ptr(upshotclient.GoalInputStatusOpen), SolvedWhen: ptr("six nights in a row")})
	must(err)
	if expect("updateGoal", ug.StatusCode(), 200, ug.Body) {
		check(ug.JSON200.Title == "Sleep six hours", "updateGoal: %s", ug.Body)
	}

	// Sessions.
	s, err := c.CreateSessionWithResponse(ctx, &upshotclient.CreateSessionParams{IdempotencyKey: ptr("codegen-session-1")}, upshotclient.SessionInput{
		TherapistId: thID, Date: ptr(date("2025-06-10")), Minutes: ptr(50), Helpful: ptr(4), FeeAmount: ptr("90.00"), Currency: ptr("EUR"),
		Goals: &[]struct {
			GoalId   int  `json:"goal_id"`
			Progress *int `json:"progress,omitempty"`
		}{{GoalId: goalID, Progress: ptr(1)}},
	})
	must(err)
	if !expect("createSession", s.StatusCode(), 201, s.Body) {
		os.Exit(1)
	}
	sessionID := *s.JSON201.Id
	gs, err := c.GetSessionWithResponse(ctx, sessionID, nil)
	must(err)
	if expect("getSession", gs.StatusCode(), 200, gs.Body) {
		check(gs.JSON200.TherapistId == thID && *gs.JSON200.Minutes == 50, "getSession: %s", gs.Body)
	}
	ls, err := c.ListSessionsWithResponse(ctx, &upshotclient.ListSessionsParams{Therapist: &thID, Since: ptr(date("2025-06-01"))})
	must(err)
	if expect("listSessions", ls.StatusCode(), 200, ls.Body) {
		check(len(*ls.JSON200) == 1 && *(*ls.JSON200)[0].Id == sessionID, "listSessions: %s", ls.Body)
	}
	// Changed to a session that left the person worse, so the record below
	// has an entry.
	us, err := c.UpdateSessionWithResponse(ctx, sessionID, nil, upshotclient.SessionInput{
		Version: &gs.JSON200.Version, After: ptr(upshotclient.SessionInputAfterWorse), Note: ptr("I left feeling worse"), TherapistId: thID, Date: ptr(date("2025-06-10")), Minutes: ptr(55), Helpful: ptr(5), FeeAmount: ptr("90.00"), Currency: ptr("EUR")})
	must(err)
	if expect("updateSession", us.StatusCode(), 200, us.Body) {
		check(*us.JSON200.Minutes == 55 && *us.JSON200.After == upshotclient.SessionAfterWorse, "updateSession: %s", us.Body)
	}

	// Check-ins: the body a GET returns is PUT back with one answer changed.
	answers := func(n ...int) []*int {
		var out []*int
		for _, v := range n {
			out = append(out, ptr(v))
		}
		return out
	}
	ci, err := c.CreateCheckInWithResponse(ctx, nil, upshotclient.CheckInRequest{Instrument: "phq9", Answers: answers(1, 1, 1, 1, 1, 1, 1, 1, 0), Date: ptr(date("2025-06-11"))})
	must(err)
	if !expect("createCheckIn", ci.StatusCode(), 201, ci.Body) {
		os.Exit(1)
	}
	checkinID := *ci.JSON201.Id
	check(ci.JSON201.Total != nil && *ci.JSON201.Total == 8, "createCheckIn: total %v", ci.JSON201.Total)
	gci, err := c.GetCheckInWithResponse(ctx, checkinID, nil)
	must(err)
	if expect("getCheckIn", gci.StatusCode(), 200, gci.Body) {
		var back upshotclient.CheckInCorrection
		must(json.Unmarshal(gci.Body, &back))
		back.Answers[0] = ptr(2)
		uci, err := c.UpdateCheckInWithResponse(ctx, checkinID, nil, back)
		must(err)
		if expect("updateCheckIn (the GET body put back)", uci.StatusCode(), 200, uci.Body) {
			check(*uci.JSON200.Total == 9, "updateCheckIn: total %v", uci.JSON200.Total)
		}
	}
	lci, err := c.ListCheckInsWithResponse(ctx, &upshotclient.ListCheckInsParams{Instrument: ptr("phq9")})
	must(err)
	if expect("listCheckIns", lci.StatusCode(), 200, lci.Body) {
		check(slices.ContainsFunc(*lci.JSON200, func(x upshotclient.CheckInResult) bool { return *x.Id == checkinID }), "listCheckIns: %d missing", checkinID)
	}

	// Agenda.
	a, err := c.CreateAgendaItemWithResponse(ctx, nil, upshotclient.AgendaItemInput{Text: "Ask about the homework"})
	must(err)
	if !expect("createAgendaItem", a.StatusCode(), 201, a.Body) {
		os.Exit(1)
	}
	agendaID := *a.JSON201.Id
	ga, err := c.GetAgendaItemWithResponse(ctx, agendaID, nil)
	must(err)
	if expect("getAgendaItem", ga.StatusCode(), 200, ga.Body) {
		check(ga.JSON200.Item != nil && ga.JSON200.Item.Text == "Ask about the homework", "getAgendaItem: %s", ga.Body)
	}
	la, err := c.ListAgendaItemsWithResponse(ctx, nil)
	must(err)
	if expect("listAgendaItems", la.StatusCode(), 200, la.Body) {
		check(slices.ContainsFunc(*la.JSON200, func(x upshotclient.AgendaEntry) bool { return x.Item != nil && *x.Item.Id == agendaID }), "listAgendaItems: %d missing", agendaID)
	}
	// A page of one, in the order of change, with the Link to the next.
	la, err = c.ListAgendaItemsWithResponse(ctx, &upshotclient.ListAgendaItemsParams{Limit: ptr(1), UpdatedSince: &started})
	must(err)
	if expect("listAgendaItems (a page)", la.StatusCode(), 200, la.Body) {
		check(len(*la.JSON200) == 1 && *(*la.JSON200)[0].Item.Id == agendaID, "listAgendaItems page: %s", la.Body)
	}
	// The entry as read, put back with its item dealt with (the GET body
	// can be PUT back); then the item alone, reworded, with If-Match.
	entry := *ga.JSON200
	entry.Item.Status = ptr(upshotclient.AgendaItemStatusDealtWith)
	var back upshotclient.AgendaItemReplacement
	must(back.FromAgendaEntry(entry))
	ua, err := c.UpdateAgendaItemWithResponse(ctx, agendaID, nil, back)
	must(err)
	if expect("updateAgendaItem (the GET body put back)", ua.StatusCode(), 200, ua.Body) {
		check(*ua.JSON200.Status == upshotclient.AgendaItemStatusDealtWith, "updateAgendaItem: %s", ua.Body)
		check(ua.Headers200 != nil && ua.Headers200.ETag != nil, "updateAgendaItem: no ETag")
		var reworded upshotclient.AgendaItemReplacement
		must(reworded.FromAgendaItemInput(upshotclient.AgendaItemInput{Text: "Ask about the homework again"}))
		ua2, err := c.UpdateAgendaItemWithResponse(ctx, agendaID, &upshotclient.UpdateAgendaItemParams{IfMatch: ua.Headers200.ETag}, reworded)
		must(err)
		if expect("updateAgendaItem If-Match", ua2.StatusCode(), 200, ua2.Body) {
			check(ua2.JSON200.Text == "Ask about the homework again" && *ua2.JSON200.Status == upshotclient.AgendaItemStatusDealtWith, "updateAgendaItem If-Match: %s", ua2.Body)
		}
	}

	// What the records say.
	rv, err := c.GetReviewWithResponse(ctx, &upshotclient.GetReviewParams{Therapist: &thID})
	must(err)
	if expect("getReview", rv.StatusCode(), 200, rv.Body) {
		r := rv.JSON200
		check(r.Verdict != "", "getReview: no verdict: %.300s", rv.Body)
		// The nested parts are typed: money as exact decimal strings with
		// their currency, scores as points, the scope's therapists by id.
		check(r.Cost.Total.MoneyAmount["EUR"] == "90.00" && len(r.Cost.Therapists) == 1 && r.Cost.Therapists[0].MoneyAmount["EUR"] == "90.00",
			"getReview: cost %+v", r.Cost)
		check(len(r.Scope.Therapists) == 1 && r.Scope.Therapists[0].Id == thID && r.Scope.Sessions == 1, "getReview: scope %+v", r.Scope)
		check(slices.ContainsFunc(r.Measures, func(m upshotclient.Measure) bool {
			return m.Id == "phq9" && m.Latest != nil && m.Latest.Total == 9 && len(m.Series) == 1
		}), "getReview: no PHQ-9 of 9 (as corrected) among the measures: %.300s", rv.Body)
		check(r.SettingsUsed["recent_window"] != "", "getReview: settings_used %v", r.SettingsUsed)
	}
	cmp, err := c.GetComparisonWithResponse(ctx, &upshotclient.GetComparisonParams{Therapist: &[]int{thID}})
	must(err)
	if expect("getComparison", cmp.StatusCode(), 200, cmp.Body) {
		check(len(cmp.JSON200.Courses) == 1 && cmp.JSON200.Courses[0].Cost.MoneyAmount["EUR"] == "90.00" && cmp.JSON200.Courses[0].Cost.PerGoalSolvedAmount == nil,
			"getComparison: %.300s", cmp.Body)
	}
	rec, err := c.GetRecordWithResponse(ctx, &upshotclient.GetRecordParams{Therapist: &thID})
	must(err)
	if expect("getRecord", rec.StatusCode(), 200, rec.Body) {
		check(rec.JSON200.TherapistId == thID && len(rec.JSON200.Entries) == 1 && rec.JSON200.Entries[0].SessionId == sessionID,
			"getRecord: %.300s", rec.Body)
	}
	sum, err := c.GetSummaryWithResponse(ctx, nil)
	must(err)
	if expect("getSummary", sum.StatusCode(), 200, sum.Body) {
		check(sum.JSON200.Sessions == 1 && sum.JSON200.Checkins == 1, "getSummary: %d sessions, %d check-ins", sum.JSON200.Sessions, sum.JSON200.Checkins)
	}
	ex, err := c.GetExportWithResponse(ctx)
	must(err)
	if expect("getExport", ex.StatusCode(), 200, ex.Body) {
		check(slices.ContainsFunc(ex.JSON200.Therapists, func(t upshotclient.Therapist) bool { return t.Name == "Dr. Codegen-Smith" }),
			"getExport: therapist missing")
		check(slices.ContainsFunc(ex.JSON200.Checkins, func(c upshotclient.ExportCheckIn) bool { return c.Instrument == "phq9" && len(c.Answers) == 9 }),
			"getExport: the PHQ-9 check-in is missing: %.300s", ex.Body)
		check(slices.ContainsFunc(ex.JSON200.Definitions, func(d upshotclient.ExportDefinition) bool {
			return d.Instrument == "phq9" && d.Definition.Id == "phq9" && len(d.Definition.Items) == 9
		}), "getExport: the PHQ-9 definition is missing")
	}

	// Settings.
	set, err := c.SetSettingWithResponse(ctx, "recent_window", upshotclient.SetSettingJSONRequestBody{Value: "6"})
	must(err)
	expect("setSetting", set.StatusCode(), 200, set.Body)
	refused, err := c.SetSettingWithResponse(ctx, "recent_window", upshotclient.SetSettingJSONRequestBody{Value: "600"})
	must(err)
	expect("setSetting out of range", refused.StatusCode(), 422, refused.Body)
	lset, err := c.ListSettingsWithResponse(ctx)
	must(err)
	if expect("listSettings", lset.StatusCode(), 200, lset.Body) {
		check(slices.ContainsFunc(*lset.JSON200, func(s upshotclient.Setting) bool {
			return *s.Name == "recent_window" && *s.Value == "6" && s.IsSet != nil && *s.IsSet
		}), "listSettings: recent_window is not 6: %.300s", lset.Body)
	}
	unset, err := c.UnsetSettingWithResponse(ctx, "recent_window")
	must(err)
	expect("unsetSetting", unset.StatusCode(), 204, unset.Body)

	// Safety plan.
	plan, err := c.GetPlanWithResponse(ctx, nil)
	must(err)
	if expect("getPlan", plan.StatusCode(), 200, plan.Body) {
		check(plan.Headers200 != nil && plan.Headers200.ETag != nil && *plan.Headers200.ETag == `"0"`, "getPlan: ETag %+v", plan.Headers200)
		rp, err := c.ReplacePlanWithResponse(ctx, nil, upshotclient.SafetyPlanInput{Version: &plan.JSON200.Version, CopingSteps: &[]string{"walk"}, ReasonsToLive: &[]string{"my niece"}})
		must(err)
		if expect("replacePlan", rp.StatusCode(), 200, rp.Body) {
			check(rp.JSON200.CopingSteps != nil && slices.Equal(*rp.JSON200.CopingSteps, []string{"walk"}), "replacePlan: %s", rp.Body)
			check(rp.Headers200 != nil && rp.Headers200.ETag != nil && *rp.Headers200.ETag == `"1"`, "replacePlan: ETag %+v", rp.Headers200)
		}
		nm, err := c.GetPlanWithResponse(ctx, &upshotclient.GetPlanParams{IfNoneMatch: ptr(`"1"`)})
		must(err)
		expect("getPlan If-None-Match", nm.StatusCode(), 304, nm.Body)
		// If-Match names the version; the body leaves it out. The old ETag
		// is then stale: 412.
		rp, err = c.ReplacePlanWithResponse(ctx, &upshotclient.ReplacePlanParams{IfMatch: ptr(`"1"`)}, upshotclient.SafetyPlanInput{CopingSteps: &[]string{"walk", "call Sam"}})
		must(err)
		expect("replacePlan If-Match", rp.StatusCode(), 200, rp.Body)
		rp, err = c.ReplacePlanWithResponse(ctx, &upshotclient.ReplacePlanParams{IfMatch: ptr(`"1"`)}, upshotclient.SafetyPlanInput{CopingSteps: &[]string{"lost"}})
		must(err)
		expect("replacePlan stale If-Match", rp.StatusCode(), 412, rp.Body)
	}

	// Deletions: each record goes, a read is then 404, and the tombstones
	// say so to a client syncing from before the run.
	dci, err := c.DeleteCheckInWithResponse(ctx, checkinID, nil)
	must(err)
	expect("deleteCheckIn", dci.StatusCode(), 204, dci.Body)
	gci, err = c.GetCheckInWithResponse(ctx, checkinID, nil)
	must(err)
	expect("getCheckIn after delete", gci.StatusCode(), 404, gci.Body)
	da, err := c.DeleteAgendaItemWithResponse(ctx, agendaID, nil)
	must(err)
	expect("deleteAgendaItem", da.StatusCode(), 204, da.Body)
	ga, err = c.GetAgendaItemWithResponse(ctx, agendaID, nil)
	must(err)
	expect("getAgendaItem after delete", ga.StatusCode(), 404, ga.Body)
	ds, err := c.DeleteSessionWithResponse(ctx, sessionID, nil)
	must(err)
	expect("deleteSession", ds.StatusCode(), 204, ds.Body)
	gs, err = c.GetSessionWithResponse(ctx, sessionID, nil)
	must(err)
	expect("getSession after delete", gs.StatusCode(), 404, gs.Body)
	dg, err := c.DeleteGoalWithResponse(ctx, goalID, nil)
	must(err)
	expect("deleteGoal", dg.StatusCode(), 204, dg.Body)
	gg, err = c.GetGoalWithResponse(ctx, goalID, nil)
	must(err)
	expect("getGoal after delete", gg.StatusCode(), 404, gg.Body)
	// The therapist's ETag changed with the update: the old one is refused.
	dth, err := c.DeleteTherapistWithResponse(ctx, thID, &upshotclient.DeleteTherapistParams{IfMatch: &thTag})
	must(err)
	expect("deleteTherapist stale If-Match", dth.StatusCode(), 412, dth.Body)
	dth, err = c.DeleteTherapistWithResponse(ctx, thID, nil)
	must(err)
	expect("deleteTherapist", dth.StatusCode(), 204, dth.Body)
	gth, err = c.GetTherapistWithResponse(ctx, thID, nil)
	must(err)
	if expect("getTherapist after delete", gth.StatusCode(), 404, gth.Body) {
		check(gth.ApplicationproblemJSON404 != nil && gth.ApplicationproblemJSON404.Error.Code != "", "404 without a problem body: %s", gth.Body)
	}
	ld, err := c.ListDeletionsWithResponse(ctx, &upshotclient.ListDeletionsParams{UpdatedSince: &started})
	must(err)
	if expect("listDeletions", ld.StatusCode(), 200, ld.Body) {
		var kinds []string
		for _, t := range *ld.JSON200 {
			kinds = append(kinds, string(*t.Kind))
		}
		slices.Sort(kinds)
		check(slices.Equal(kinds, []string{"agenda_item", "checkin", "goal", "session", "therapist"}), "listDeletions: tombstones %v", kinds)
	}
}
