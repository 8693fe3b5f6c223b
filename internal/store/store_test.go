package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// TestStore runs the whole suite on every backend; each case gets a fresh
// database (a temporary file, or a schema of its own in PostgreSQL).
func TestStore(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		run  func(t *testing.T, db *store.DB)
	}{
		{"therapist CRUD", testTherapistCRUD},
		{"goal CRUD", testGoalCRUD},
		{"session CRUD", testSessionCRUD},
		{"session lists and filters", testSessionLists},
		{"check-ins and definitions", testCheckIns},
		{"settings", testSettings},
		{"safety plan", testSafetyPlan},
		{"agenda", testAgenda},
		{"invalid input writes nothing", testInvalidWritesNothing},
		{"owner isolation", testOwnerIsolation},
		{"unknown owner", testUnknownOwner},
		{"version conflict", testVersionConflict},
		{"delete conflicts", testDeleteConflicts},
		{"ids are never reused", testIDsNotReused},
		{"export import round trip", testRoundTrip},
		{"import into non-empty owner refused", testImportNonEmpty},
		{"failing import leaves nothing", testImportAllOrNothing},
		{"export is consistent and complete", testExportShape},
		{"export without notes", testExportWithoutNotes},
	}
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					db := storetest.Open(t, backend)
					db.Now = newClock().Now
					if db.Dialect() != backend {
						t.Fatalf("Dialect() = %q, want %q", db.Dialect(), backend)
					}
					c.run(t, db)
				})
			}
		})
	}
}

func testTherapistCRUD(t *testing.T, db *store.DB) {
	th := &upshot.Therapist{Name: "Dr. Anna Berg", Credentials: "PhD", Approach: "CBT", Fee: ptr(upshot.Money(8000)),
		Currency: "EUR", Started: day(2024, 3, 1)}
	must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
	if th.ID != 1 || th.Version != 1 || th.CreatedAt.IsZero() || !th.CreatedAt.Equal(th.UpdatedAt) {
		t.Fatalf("created therapist: id %d version %d created %v updated %v", th.ID, th.Version, th.CreatedAt, th.UpdatedAt)
	}
	if th.CreatedAt.Nanosecond()%1000 != 0 || th.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt %v is not UTC truncated to microseconds", th.CreatedAt)
	}
	got, err := db.FindTherapist(ctx, upshot.DefaultOwner, th.ID)
	must(t, err)
	if !reflect.DeepEqual(got, th) {
		t.Fatalf("found %+v\nwant %+v", got, th)
	}

	got.Ended, got.Fee, got.Approach = day(2025, 1, 1), nil, ""
	created := got.CreatedAt
	must(t, db.UpdateTherapist(ctx, upshot.DefaultOwner, got))
	if got.Version != 2 || !got.CreatedAt.Equal(created) || !got.UpdatedAt.After(created) {
		t.Fatalf("updated meta: %+v", got.Meta)
	}
	again, err := db.FindTherapist(ctx, upshot.DefaultOwner, th.ID)
	must(t, err)
	if !reflect.DeepEqual(again, got) {
		t.Fatalf("after update found %+v\nwant %+v", again, got)
	}

	list, err := db.ListTherapists(ctx, upshot.DefaultOwner)
	must(t, err)
	if len(list) != 1 || !reflect.DeepEqual(list[0], got) {
		t.Fatalf("list = %+v", list)
	}

	must(t, db.DeleteTherapist(ctx, upshot.DefaultOwner, th.ID))
	_, err = db.FindTherapist(ctx, upshot.DefaultOwner, th.ID)
	wantCode(t, err, upshot.ENOTFOUND, "id")
	wantCode(t, db.DeleteTherapist(ctx, upshot.DefaultOwner, th.ID), upshot.ENOTFOUND, "id")
	wantCode(t, db.UpdateTherapist(ctx, upshot.DefaultOwner, got), upshot.ENOTFOUND, "id")
	list, err = db.ListTherapists(ctx, upshot.DefaultOwner)
	must(t, err)
	if list == nil || len(list) != 0 {
		t.Fatalf("list after delete = %#v, want empty non-nil", list)
	}
}

func testGoalCRUD(t *testing.T, db *store.DB) {
	g := &upshot.Goal{Title: "stop dreading Monday meetings", Domain: "work", Severity: ptr(8), Status: upshot.GoalOpen, Opened: day(2024, 1, 1)}
	must(t, db.CreateGoal(ctx, upshot.DefaultOwner, g))
	got, err := db.FindGoal(ctx, upshot.DefaultOwner, g.ID)
	must(t, err)
	if !reflect.DeepEqual(got, g) {
		t.Fatalf("found %+v\nwant %+v", got, g)
	}
	got.Status, got.Closed, got.Severity = upshot.GoalSolved, day(2024, 6, 1), nil
	must(t, db.UpdateGoal(ctx, upshot.DefaultOwner, got))
	again, err := db.FindGoal(ctx, upshot.DefaultOwner, g.ID)
	must(t, err)
	if !reflect.DeepEqual(again, got) || again.Version != 2 {
		t.Fatalf("after update found %+v\nwant %+v", again, got)
	}
	g2 := &upshot.Goal{Title: "second", Domain: "self", Status: upshot.GoalOpen, Opened: day(2024, 1, 2)}
	must(t, db.CreateGoal(ctx, upshot.DefaultOwner, g2))
	list, err := db.ListGoals(ctx, upshot.DefaultOwner)
	must(t, err)
	if len(list) != 2 || list[0].ID != 1 || list[1].ID != 2 {
		t.Fatalf("list = %+v", list)
	}
	must(t, db.DeleteGoal(ctx, upshot.DefaultOwner, g.ID))
	_, err = db.FindGoal(ctx, upshot.DefaultOwner, g.ID)
	wantCode(t, err, upshot.ENOTFOUND, "id")
}

func testSessionCRUD(t *testing.T, db *store.DB) {
	s := fill(t, db, upshot.DefaultOwner)
	for _, want := range s.sessions {
		got, err := db.FindSession(ctx, upshot.DefaultOwner, want.ID)
		must(t, err)
		// Stored sets come back non-nil and in canonical order.
		normalizeSession(want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("session %d:\nfound %+v\nwant  %+v", want.ID, got, want)
		}
	}
	full, err := db.FindSession(ctx, upshot.DefaultOwner, s.sessions[0].ID)
	must(t, err)
	if full.Got[0] != "insight" || full.Flags[0] != upshot.FlagDismissedAccount || full.Goals[0].GoalID != s.goals[0].ID {
		t.Fatalf("sets not canonical: got %v flags %v goals %+v", full.Got, full.Flags, full.Goals)
	}

	// An edit replaces the goals addressed and every field, keeps CreatedAt.
	full.Goals = []upshot.GoalProgress{{GoalID: s.goals[2].ID, Progress: ptr(3)}}
	full.Focus, full.Note, full.Conduct, full.Flags = nil, "", upshot.Conduct{Kindness: ptr(2)}, nil
	full.TherapistID = s.therapists[1].ID
	created := full.CreatedAt
	must(t, db.UpdateSession(ctx, upshot.DefaultOwner, full))
	got, err := db.FindSession(ctx, upshot.DefaultOwner, full.ID)
	must(t, err)
	normalizeSession(full)
	if !reflect.DeepEqual(got, full) || got.Version != 2 || !got.CreatedAt.Equal(created) {
		t.Fatalf("after update:\nfound %+v\nwant  %+v", got, full)
	}

	// Referenced rows must exist for this owner; nothing is written otherwise.
	bad := *got
	bad.TherapistID = 99
	wantCode(t, db.UpdateSession(ctx, upshot.DefaultOwner, &bad), upshot.ENOTFOUND, "therapist")
	bad = *got
	bad.Goals = []upshot.GoalProgress{{GoalID: 99}}
	wantCode(t, db.UpdateSession(ctx, upshot.DefaultOwner, &bad), upshot.ENOTFOUND, "goals")
	wantCode(t, db.CreateSession(ctx, upshot.DefaultOwner, &upshot.Session{TherapistID: 99, Date: day(2024, 1, 1)}), upshot.ENOTFOUND, "therapist")
	after, err := db.FindSession(ctx, upshot.DefaultOwner, full.ID)
	must(t, err)
	if !reflect.DeepEqual(after, got) {
		t.Fatalf("refused update changed the session:\n%+v\n%+v", after, got)
	}

	must(t, db.DeleteSession(ctx, upshot.DefaultOwner, full.ID))
	_, err = db.FindSession(ctx, upshot.DefaultOwner, full.ID)
	wantCode(t, err, upshot.ENOTFOUND, "id")
	wantCode(t, db.DeleteSession(ctx, upshot.DefaultOwner, full.ID), upshot.ENOTFOUND, "id")
	// Its goal links went with it: the goal can now be deleted.
	must(t, db.DeleteGoal(ctx, upshot.DefaultOwner, s.goals[2].ID))
}

func normalizeSession(s *upshot.Session) {
	if s.Goals == nil {
		s.Goals = []upshot.GoalProgress{}
	}
	if s.Got == nil {
		s.Got = []string{}
	}
	if s.Flags == nil {
		s.Flags = []string{}
	}
}

func testSessionLists(t *testing.T, db *store.DB) {
	s := fill(t, db, upshot.DefaultOwner)
	ids := func(list []*upshot.Session) []int64 {
		out := []int64{}
		for _, x := range list {
			out = append(out, x.ID)
		}
		return out
	}
	// A back-dated entry made last sorts by its date, not its id.
	late := &upshot.Session{TherapistID: s.therapists[0].ID, Date: day(2023, 12, 1)}
	must(t, db.CreateSession(ctx, upshot.DefaultOwner, late))
	tests := []struct {
		name   string
		filter upshot.SessionFilter
		want   []int64
	}{
		{"all by date then id", upshot.SessionFilter{}, []int64{late.ID, 1, 2, 3, 4}},
		{"by therapist", upshot.SessionFilter{TherapistID: s.therapists[1].ID}, []int64{4}},
		{"since", upshot.SessionFilter{Since: day(2024, 1, 17)}, []int64{2, 3, 4}},
		{"both", upshot.SessionFilter{TherapistID: s.therapists[0].ID, Since: day(2024, 1, 11)}, []int64{2, 3}},
		{"none match", upshot.SessionFilter{Since: day(2025, 3, 1)}, []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, err := db.ListSessions(ctx, upshot.DefaultOwner, tc.filter)
			must(t, err)
			if got := ids(list); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ids = %v, want %v", got, tc.want)
			}
			for _, x := range list {
				one, err := db.FindSession(ctx, upshot.DefaultOwner, x.ID)
				must(t, err)
				if !reflect.DeepEqual(one, x) {
					t.Fatalf("listed session %d differs from found:\n%+v\n%+v", x.ID, x, one)
				}
			}
		})
	}
}

func testCheckIns(t *testing.T, db *store.DB) {
	s := fill(t, db, upshot.DefaultOwner)
	got, err := db.FindCheckIn(ctx, upshot.DefaultOwner, s.checkins[0].ID)
	must(t, err)
	if !reflect.DeepEqual(got, s.checkins[0]) || got.Answers[2] != nil {
		t.Fatalf("found %+v\nwant %+v", got, s.checkins[0])
	}
	list, err := db.ListCheckIns(ctx, upshot.DefaultOwner, upshot.CheckInFilter{Instrument: "phq9"})
	must(t, err)
	if len(list) != 2 || list[0].ID != 1 || list[1].ID != 3 {
		t.Fatalf("phq9 check-ins = %+v", list)
	}
	list, err = db.ListCheckIns(ctx, upshot.DefaultOwner, upshot.CheckInFilter{Since: day(2024, 2, 1)})
	must(t, err)
	if len(list) != 1 || list[0].ID != 3 {
		t.Fatalf("since check-ins = %+v", list)
	}
	list, err = db.ListCheckIns(ctx, upshot.DefaultOwner, upshot.CheckInFilter{})
	must(t, err)
	if len(list) != 3 || list[0].ID != 1 || list[1].ID != 2 || list[2].ID != 3 {
		t.Fatalf("all check-ins (by date, then id) = %+v", list)
	}

	defs, err := db.Definitions(ctx, upshot.DefaultOwner)
	must(t, err)
	var names []string
	for _, d := range defs {
		names = append(names, d.Instrument+"@"+string(rune('0'+d.Version)))
		if strings.Contains(string(d.Data), " ") {
			t.Fatalf("definition %s stored uncompacted: %s", d.Instrument, d.Data)
		}
	}
	if strings.Join(names, ",") != "gad7@1,phq9@1,phq9@2" {
		t.Fatalf("definitions = %v", names)
	}

	// The same definition again is fine and stored once; a different one under
	// the same version is refused, writing nothing.
	c := &upshot.CheckIn{Instrument: "gad7", InstrumentVersion: 1, Date: day(2024, 5, 1), Answers: []*int{ptr(1)}}
	must(t, db.CreateCheckIn(ctx, upshot.DefaultOwner, c, definition("gad7", 1)))
	changed := definition("gad7", 1)
	changed.Data = json.RawMessage(`{"id":"gad7","items":[]}`)
	wantCode(t, db.CreateCheckIn(ctx, upshot.DefaultOwner, &upshot.CheckIn{Instrument: "gad7", InstrumentVersion: 1, Date: day(2024, 5, 2)}, changed),
		upshot.ECONFLICT, "instrument")
	defs2, err := db.Definitions(ctx, upshot.DefaultOwner)
	must(t, err)
	if !reflect.DeepEqual(defs, defs2) {
		t.Fatalf("definitions changed: %v", defs2)
	}

	// A correction changes the date and answers, moves the version and
	// keeps the instrument; a stale version or another instrument changes
	// nothing.
	fix := *c
	fix.Date, fix.Answers = day(2024, 4, 30), []*int{ptr(3)}
	must(t, db.UpdateCheckIn(ctx, upshot.DefaultOwner, &fix))
	if fix.Version != 2 || !fix.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("after correction: version %d created %v, want 2 and %v", fix.Version, fix.CreatedAt, c.CreatedAt)
	}
	fixed, err := db.FindCheckIn(ctx, upshot.DefaultOwner, c.ID)
	must(t, err)
	if !reflect.DeepEqual(fixed, &fix) {
		t.Fatalf("stored after correction:\n%+v\nwant\n%+v", fixed, &fix)
	}
	stale := *c // version 1
	stale.Answers = []*int{ptr(0)}
	wantCode(t, db.UpdateCheckIn(ctx, upshot.DefaultOwner, &stale), upshot.ECONFLICT, "version")
	other := fix
	other.Instrument = "phq9"
	wantCode(t, db.UpdateCheckIn(ctx, upshot.DefaultOwner, &other), upshot.EINVALID, "instrument")
	other = fix
	other.InstrumentVersion = 2
	wantCode(t, db.UpdateCheckIn(ctx, upshot.DefaultOwner, &other), upshot.EINVALID, "instrument")
	other = fix
	other.Date = day(2099, 1, 1)
	wantCode(t, db.UpdateCheckIn(ctx, upshot.DefaultOwner, &other), upshot.EINVALID, "date")
	other = fix
	other.ID = 999
	wantCode(t, db.UpdateCheckIn(ctx, upshot.DefaultOwner, &other), upshot.ENOTFOUND, "id")
	if again, err := db.FindCheckIn(ctx, upshot.DefaultOwner, c.ID); err != nil || !reflect.DeepEqual(again, fixed) {
		t.Fatalf("refused corrections changed the check-in: %+v, %v", again, err)
	}

	must(t, db.DeleteCheckIn(ctx, upshot.DefaultOwner, c.ID))
	_, err = db.FindCheckIn(ctx, upshot.DefaultOwner, c.ID)
	wantCode(t, err, upshot.ENOTFOUND, "id")
	wantCode(t, db.DeleteCheckIn(ctx, upshot.DefaultOwner, c.ID), upshot.ENOTFOUND, "id")
}

func testSettings(t *testing.T, db *store.DB) {
	set, err := db.Settings(ctx, upshot.DefaultOwner)
	must(t, err)
	if set == nil || len(set) != 0 {
		t.Fatalf("fresh settings = %#v, want empty non-nil", set)
	}
	must(t, db.SetSetting(ctx, upshot.DefaultOwner, "recent_window", " 6 "))
	must(t, db.SetSetting(ctx, upshot.DefaultOwner, "conduct_concern_max", "2.50"))
	must(t, db.SetSetting(ctx, upshot.DefaultOwner, "recent_window", "7"))
	set, err = db.Settings(ctx, upshot.DefaultOwner)
	must(t, err)
	if want := (upshot.Settings{"recent_window": "7", "conduct_concern_max": "2.5"}); !reflect.DeepEqual(set, want) {
		t.Fatalf("settings = %v, want %v", set, want)
	}
	wantCode(t, db.SetSetting(ctx, upshot.DefaultOwner, "recent_window", "99"), upshot.EINVALID, "recent_window")
	wantCode(t, db.SetSetting(ctx, upshot.DefaultOwner, "no_such", "1"), upshot.EINVALID, "name")
	wantCode(t, db.UnsetSetting(ctx, upshot.DefaultOwner, "no_such"), upshot.EINVALID, "name")
	must(t, db.UnsetSetting(ctx, upshot.DefaultOwner, "recent_window"))
	must(t, db.UnsetSetting(ctx, upshot.DefaultOwner, "recent_window"))
	set, err = db.Settings(ctx, upshot.DefaultOwner)
	must(t, err)
	if want := (upshot.Settings{"conduct_concern_max": "2.5"}); !reflect.DeepEqual(set, want) {
		t.Fatalf("settings = %v, want %v", set, want)
	}
}

func testInvalidWritesNothing(t *testing.T, db *store.DB) {
	s := fill(t, db, upshot.DefaultOwner)
	before := exportJSON(t, db, upshot.DefaultOwner)
	th := s.therapists[0].ID
	future := upshot.Today().AddDays(2)
	stored := *s.sessions[0]
	tests := []struct {
		name  string
		write func() error
		code  string
		field string
	}{
		{"therapist without name", func() error {
			return db.CreateTherapist(ctx, upshot.DefaultOwner, &upshot.Therapist{Name: "  "})
		}, upshot.EINVALID, "name"},
		{"therapist bad currency", func() error {
			return db.CreateTherapist(ctx, upshot.DefaultOwner, &upshot.Therapist{Name: "A", Currency: "euro"})
		}, upshot.EINVALID, "currency"},
		{"therapist update ends before start", func() error {
			x := *s.therapists[0]
			x.Ended = day(2020, 1, 1)
			return db.UpdateTherapist(ctx, upshot.DefaultOwner, &x)
		}, upshot.EINVALID, "ended"},
		{"goal bad domain", func() error {
			return db.CreateGoal(ctx, upshot.DefaultOwner, &upshot.Goal{Title: "x", Domain: "moon", Status: upshot.GoalOpen, Opened: day(2024, 1, 1)})
		}, upshot.EINVALID, "domain"},
		{"session in the future", func() error {
			return db.CreateSession(ctx, upshot.DefaultOwner, &upshot.Session{TherapistID: th, Date: future})
		}, upshot.EINVALID, "date"},
		{"session helpful 11", func() error {
			return db.CreateSession(ctx, upshot.DefaultOwner, &upshot.Session{TherapistID: th, Date: day(2024, 1, 1), Helpful: ptr(11)})
		}, upshot.EINVALID, "helpful"},
		{"session unknown got", func() error {
			return db.CreateSession(ctx, upshot.DefaultOwner, &upshot.Session{TherapistID: th, Date: day(2024, 1, 1), Got: []string{"magic"}})
		}, upshot.EINVALID, "got"},
		{"session missing therapist", func() error {
			return db.CreateSession(ctx, upshot.DefaultOwner, &upshot.Session{TherapistID: 42, Date: day(2024, 1, 1)})
		}, upshot.ENOTFOUND, "therapist"},
		{"session missing goal", func() error {
			return db.CreateSession(ctx, upshot.DefaultOwner, &upshot.Session{TherapistID: th, Date: day(2024, 1, 1),
				Goals: []upshot.GoalProgress{{GoalID: s.goals[0].ID}, {GoalID: 42}}})
		}, upshot.ENOTFOUND, "goals"},
		{"session update bad focus", func() error {
			x := stored
			x.Focus = &upshot.Focus{}
			return db.UpdateSession(ctx, upshot.DefaultOwner, &x)
		}, upshot.EINVALID, "focus"},
		{"check-in in the future", func() error {
			return db.CreateCheckIn(ctx, upshot.DefaultOwner, &upshot.CheckIn{Instrument: "who5", InstrumentVersion: 1, Date: future}, definition("who5", 1))
		}, upshot.EINVALID, "date"},
		{"check-in with the wrong definition", func() error {
			return db.CreateCheckIn(ctx, upshot.DefaultOwner, &upshot.CheckIn{Instrument: "who5", InstrumentVersion: 1, Date: day(2024, 1, 1)}, definition("gad7", 1))
		}, upshot.EINVALID, "instrument"},
		{"check-in definition not JSON", func() error {
			return db.CreateCheckIn(ctx, upshot.DefaultOwner, &upshot.CheckIn{Instrument: "who5", InstrumentVersion: 1, Date: day(2024, 1, 1)},
				upshot.Definition{Instrument: "who5", Version: 1, Data: json.RawMessage(`{"items":`)})
		}, upshot.EINVALID, "definition"},
		{"setting out of range", func() error {
			return db.SetSetting(ctx, upshot.DefaultOwner, "drift_min_share", "0")
		}, upshot.EINVALID, "drift_min_share"},
		{"setting unknown", func() error {
			return db.SetSetting(ctx, upshot.DefaultOwner, "volume", "11")
		}, upshot.EINVALID, "name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, tc.write(), tc.code, tc.field)
			if after := exportJSON(t, db, upshot.DefaultOwner); after != before {
				t.Fatalf("a refused write changed the data:\n%s", after)
			}
		})
	}
	// Refused creates consumed no ids.
	x := &upshot.Therapist{Name: "next"}
	must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, x))
	if x.ID != 3 {
		t.Fatalf("next therapist id = %d, want 3", x.ID)
	}
}

func testOwnerIsolation(t *testing.T, db *store.DB) {
	one := fill(t, db, upshot.DefaultOwner)
	before := exportJSON(t, db, upshot.DefaultOwner)
	other, err := db.CreateUser(ctx, "second person")
	must(t, err)
	if other == upshot.DefaultOwner || other <= 0 {
		t.Fatalf("CreateUser = %d", other)
	}
	th1, g1, s1, c1 := one.therapists[0], one.goals[0], one.sessions[0], one.checkins[0]

	t.Run("cannot find", func(t *testing.T) {
		_, err := db.FindTherapist(ctx, other, th1.ID)
		wantCode(t, err, upshot.ENOTFOUND, "id")
		_, err = db.FindGoal(ctx, other, g1.ID)
		wantCode(t, err, upshot.ENOTFOUND, "id")
		_, err = db.FindSession(ctx, other, s1.ID)
		wantCode(t, err, upshot.ENOTFOUND, "id")
		_, err = db.FindCheckIn(ctx, other, c1.ID)
		wantCode(t, err, upshot.ENOTFOUND, "id")
	})
	t.Run("cannot list", func(t *testing.T) {
		s, err := db.Export(ctx, other)
		must(t, err)
		if !s.Empty() || len(s.Definitions) != 0 || len(s.Settings) != 0 {
			t.Fatalf("owner %d sees %+v", other, s)
		}
		sessions, err := db.ListSessions(ctx, other, upshot.SessionFilter{TherapistID: th1.ID})
		must(t, err)
		checkins, err := db.ListCheckIns(ctx, other, upshot.CheckInFilter{Instrument: "phq9"})
		must(t, err)
		if len(sessions)+len(checkins) != 0 {
			t.Fatalf("owner %d lists %d sessions, %d check-ins", other, len(sessions), len(checkins))
		}
	})
	t.Run("cannot update", func(t *testing.T) {
		x := *th1
		x.Name = "taken over"
		wantCode(t, db.UpdateTherapist(ctx, other, &x), upshot.ENOTFOUND, "id")
		y := *g1
		y.Title = "taken over"
		wantCode(t, db.UpdateGoal(ctx, other, &y), upshot.ENOTFOUND, "id")
		z := *s1
		z.Note = "taken over"
		wantCode(t, db.UpdateSession(ctx, other, &z), upshot.ENOTFOUND, "id")
		c := *c1
		c.Date = day(2024, 1, 2)
		wantCode(t, db.UpdateCheckIn(ctx, other, &c), upshot.ENOTFOUND, "id")
	})
	t.Run("cannot delete", func(t *testing.T) {
		wantCode(t, db.DeleteSession(ctx, other, s1.ID), upshot.ENOTFOUND, "id")
		wantCode(t, db.DeleteCheckIn(ctx, other, c1.ID), upshot.ENOTFOUND, "id")
		wantCode(t, db.DeleteTherapist(ctx, other, one.therapists[1].ID), upshot.ENOTFOUND, "id")
		wantCode(t, db.DeleteGoal(ctx, other, one.goals[2].ID), upshot.ENOTFOUND, "id")
		must(t, db.UnsetSetting(ctx, other, "recent_window"))
	})
	t.Run("cannot reference", func(t *testing.T) {
		wantCode(t, db.CreateSession(ctx, other, &upshot.Session{TherapistID: th1.ID, Date: day(2024, 1, 1)}), upshot.ENOTFOUND, "therapist")
		mine := &upshot.Therapist{Name: "mine"}
		must(t, db.CreateTherapist(ctx, other, mine))
		if mine.ID != 1 {
			t.Fatalf("owner %d's first therapist has id %d, want 1 (ids are per owner)", other, mine.ID)
		}
		wantCode(t, db.CreateSession(ctx, other, &upshot.Session{TherapistID: mine.ID, Date: day(2024, 1, 1),
			Goals: []upshot.GoalProgress{{GoalID: g1.ID}}}), upshot.ENOTFOUND, "goals")
		// Owner 1 cannot reach owner 2's therapist 1 either: it finds its own.
		got, err := db.FindTherapist(ctx, upshot.DefaultOwner, mine.ID)
		must(t, err)
		if got.Name != th1.Name {
			t.Fatalf("owner 1's therapist 1 is %q", got.Name)
		}
	})
	if after := exportJSON(t, db, upshot.DefaultOwner); after != before {
		t.Fatalf("owner 1's records changed through owner %d:\n%s", other, after)
	}
}

func testUnknownOwner(t *testing.T, db *store.DB) {
	const nobody upshot.OwnerID = 999
	wantCode(t, db.CreateTherapist(ctx, nobody, &upshot.Therapist{Name: "x"}), upshot.EUNAUTHORIZED, "owner")
	wantCode(t, db.SetSetting(ctx, nobody, "recent_window", "5"), upshot.EUNAUTHORIZED, "owner")
	wantCode(t, db.Import(ctx, nobody, &upshot.Snapshot{Format: upshot.ExportFormat, Version: upshot.ExportVersion}), upshot.EUNAUTHORIZED, "owner")
}

func testVersionConflict(t *testing.T, db *store.DB) {
	s := fill(t, db, upshot.DefaultOwner)
	first, err := db.FindSession(ctx, upshot.DefaultOwner, s.sessions[0].ID)
	must(t, err)
	second, err := db.FindSession(ctx, upshot.DefaultOwner, s.sessions[0].ID)
	must(t, err)
	first.Note = "first edit"
	must(t, db.UpdateSession(ctx, upshot.DefaultOwner, first))
	second.Note = "stale edit"
	err = db.UpdateSession(ctx, upshot.DefaultOwner, second)
	wantCode(t, err, upshot.ECONFLICT, "version")
	if !strings.Contains(upshot.ErrorMessage(err), "changed since you read it") {
		t.Fatalf("message = %q", upshot.ErrorMessage(err))
	}
	if second.Version != 1 {
		t.Fatalf("a refused update changed the caller's version to %d", second.Version)
	}
	got, err := db.FindSession(ctx, upshot.DefaultOwner, first.ID)
	must(t, err)
	if got.Note != "first edit" || got.Version != 2 {
		t.Fatalf("stored note %q version %d", got.Note, got.Version)
	}

	th, err := db.FindTherapist(ctx, upshot.DefaultOwner, s.therapists[0].ID)
	must(t, err)
	th.Version = 7
	wantCode(t, db.UpdateTherapist(ctx, upshot.DefaultOwner, th), upshot.ECONFLICT, "version")
	g, err := db.FindGoal(ctx, upshot.DefaultOwner, s.goals[0].ID)
	must(t, err)
	g.Version = 0
	wantCode(t, db.UpdateGoal(ctx, upshot.DefaultOwner, g), upshot.ECONFLICT, "version")
}

func testDeleteConflicts(t *testing.T, db *store.DB) {
	s := fill(t, db, upshot.DefaultOwner)
	before := exportJSON(t, db, upshot.DefaultOwner)
	tests := []struct {
		name, field, says string
		del               func() error
	}{
		{"therapist with sessions", "therapist", "has 3 sessions", func() error {
			return db.DeleteTherapist(ctx, upshot.DefaultOwner, s.therapists[0].ID)
		}},
		{"therapist with one session", "therapist", "has 1 session;", func() error {
			return db.DeleteTherapist(ctx, upshot.DefaultOwner, s.therapists[1].ID)
		}},
		{"goal addressed by sessions", "goal", "addressed by 2 sessions", func() error {
			return db.DeleteGoal(ctx, upshot.DefaultOwner, s.goals[0].ID)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.del()
			wantCode(t, err, upshot.ECONFLICT, tc.field)
			if !strings.Contains(upshot.ErrorMessage(err), tc.says) {
				t.Fatalf("message %q does not say %q", upshot.ErrorMessage(err), tc.says)
			}
		})
	}
	if after := exportJSON(t, db, upshot.DefaultOwner); after != before {
		t.Fatal("a refused delete changed the data")
	}
	must(t, db.DeleteGoal(ctx, upshot.DefaultOwner, s.goals[2].ID)) // addressed by nothing
}

func testIDsNotReused(t *testing.T, db *store.DB) {
	var ids []int64
	for i := 0; i < 3; i++ {
		th := &upshot.Therapist{Name: "t"}
		must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
		ids = append(ids, th.ID)
	}
	must(t, db.DeleteTherapist(ctx, upshot.DefaultOwner, 3))
	must(t, db.DeleteTherapist(ctx, upshot.DefaultOwner, 2))
	for _, want := range []int64{4, 5} {
		th := &upshot.Therapist{Name: "t"}
		must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
		ids = append(ids, th.ID)
		if th.ID != want {
			t.Fatalf("ids = %v, want the next to be %d", ids, want)
		}
	}
	// Kinds count separately: the first goal is 1.
	g := &upshot.Goal{Title: "g", Domain: "self", Status: upshot.GoalOpen, Opened: day(2024, 1, 1)}
	must(t, db.CreateGoal(ctx, upshot.DefaultOwner, g))
	if g.ID != 1 {
		t.Fatalf("first goal id = %d", g.ID)
	}
}

func testRoundTrip(t *testing.T, db *store.DB) {
	fill(t, db, upshot.DefaultOwner)
	want := exportJSON(t, db, upshot.DefaultOwner)
	snap, err := db.Export(ctx, upshot.DefaultOwner)
	must(t, err)
	// Through JSON, as a file would go.
	b, err := json.Marshal(snap)
	must(t, err)
	var file upshot.Snapshot
	must(t, json.Unmarshal(b, &file))
	must(t, file.Validate(upshot.Today()))

	t.Run("into an empty owner", func(t *testing.T) {
		other, err := db.CreateUser(ctx, "restored")
		must(t, err)
		must(t, db.Import(ctx, other, &file))
		if got := exportJSON(t, db, other); got != want {
			t.Fatalf("export after import differs:\n%s\nwant\n%s", got, want)
		}
		// New records continue after the highest imported id.
		s := &upshot.Session{TherapistID: 1, Date: day(2025, 3, 1)}
		must(t, db.CreateSession(ctx, other, s))
		if s.ID != 5 {
			t.Fatalf("first session after import has id %d, want 5", s.ID)
		}
	})
	t.Run("into an empty database", func(t *testing.T) {
		fresh := storetest.Open(t, db.Dialect())
		must(t, fresh.Import(ctx, upshot.DefaultOwner, &file))
		if got := exportJSON(t, fresh, upshot.DefaultOwner); got != want {
			t.Fatalf("export after import differs:\n%s\nwant\n%s", got, want)
		}
	})
}

func testImportNonEmpty(t *testing.T, db *store.DB) {
	fill(t, db, upshot.DefaultOwner)
	snap, err := db.Export(ctx, upshot.DefaultOwner)
	must(t, err)
	before := exportJSON(t, db, upshot.DefaultOwner)
	err = db.Import(ctx, upshot.DefaultOwner, snap)
	wantCode(t, err, upshot.ECONFLICT, "file")
	if !strings.Contains(upshot.ErrorMessage(err), "4 sessions") {
		t.Fatalf("message = %q", upshot.ErrorMessage(err))
	}
	if after := exportJSON(t, db, upshot.DefaultOwner); after != before {
		t.Fatal("a refused import changed the data")
	}
	// One record is enough to refuse.
	other, err := db.CreateUser(ctx, "other")
	must(t, err)
	must(t, db.CreateGoal(ctx, other, &upshot.Goal{Title: "g", Domain: "self", Status: upshot.GoalOpen, Opened: day(2024, 1, 1)}))
	wantCode(t, db.Import(ctx, other, snap), upshot.ECONFLICT, "file")
	if s, err := db.Export(ctx, other); err != nil || len(s.Goals) != 1 || len(s.Therapists) != 0 {
		t.Fatalf("owner %d after refused import: %+v, %v", other, s, err)
	}
}

func testImportAllOrNothing(t *testing.T, db *store.DB) {
	fill(t, db, upshot.DefaultOwner)
	good, err := db.Export(ctx, upshot.DefaultOwner)
	must(t, err)
	// Files that pass no validation reach Import only through a bug; the
	// database's own rules must still refuse them whole.
	tests := []struct {
		name   string
		mutate func(s *upshot.Snapshot)
		field  string
	}{
		{"duplicate session id after good rows", func(s *upshot.Snapshot) {
			s.Sessions[len(s.Sessions)-1].ID = s.Sessions[0].ID
		}, "sessions[3]"},
		{"session naming a missing therapist", func(s *upshot.Snapshot) {
			s.Sessions[2].TherapistID = 77
		}, "sessions[2]"},
		{"session addressing a missing goal", func(s *upshot.Snapshot) {
			s.Sessions[1].Goals = []upshot.GoalProgress{{GoalID: 77}}
		}, "sessions[1]"},
		{"check-in without its definition", func(s *upshot.Snapshot) {
			s.Definitions = s.Definitions[:1]
		}, "checkins[0]"},
		{"helpful out of range", func(s *upshot.Snapshot) {
			s.Sessions[3].Helpful = ptr(12)
		}, "sessions[3]"},
		{"duplicate therapist id", func(s *upshot.Snapshot) {
			s.Therapists[1].ID = s.Therapists[0].ID
		}, "therapists[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(good)
			must(t, err)
			var bad upshot.Snapshot
			must(t, json.Unmarshal(b, &bad))
			tc.mutate(&bad)
			target, err := db.CreateUser(ctx, "target")
			must(t, err)
			err = db.Import(ctx, target, &bad)
			wantCode(t, err, upshot.ECONFLICT, tc.field)
			s, err := db.Export(ctx, target)
			must(t, err)
			if !s.Empty() || len(s.Definitions) != 0 || len(s.Settings) != 0 {
				t.Fatalf("a failed import left records: %+v", s)
			}
			// Counters were not moved either.
			th := &upshot.Therapist{Name: "first"}
			must(t, db.CreateTherapist(ctx, target, th))
			if th.ID != 1 {
				t.Fatalf("after a failed import the first therapist has id %d", th.ID)
			}
		})
	}
}

func testExportShape(t *testing.T, db *store.DB) {
	empty, err := db.Export(ctx, upshot.DefaultOwner)
	must(t, err)
	b, err := json.Marshal(empty)
	must(t, err)
	for _, key := range []string{`"therapists":[]`, `"goals":[]`, `"sessions":[]`, `"checkins":[]`, `"definitions":[]`, `"settings":{}`,
		`"format":"upshot-export"`, `"version":4`} {
		if !strings.Contains(string(b), key) {
			t.Fatalf("empty export %s lacks %s", b, key)
		}
	}
	if empty.ExportedAt.IsZero() || empty.ExportedAt.Location() != time.UTC {
		t.Fatalf("ExportedAt = %v", empty.ExportedAt)
	}
	fill(t, db, upshot.DefaultOwner)
	// A back-dated session made last still exports in id order.
	must(t, db.CreateSession(ctx, upshot.DefaultOwner, &upshot.Session{TherapistID: 1, Date: day(2020, 1, 1)}))
	s, err := db.Export(ctx, upshot.DefaultOwner)
	must(t, err)
	for i := 1; i < len(s.Sessions); i++ {
		if s.Sessions[i-1].ID >= s.Sessions[i].ID {
			t.Fatalf("sessions not in id order: %d before %d", s.Sessions[i-1].ID, s.Sessions[i].ID)
		}
	}
	if len(s.Therapists) != 2 || len(s.Goals) != 3 || len(s.Sessions) != 5 || len(s.CheckIns) != 3 || len(s.Definitions) != 3 || len(s.Settings) != 2 {
		t.Fatalf("export counts: %d therapists %d goals %d sessions %d check-ins %d definitions %d settings",
			len(s.Therapists), len(s.Goals), len(s.Sessions), len(s.CheckIns), len(s.Definitions), len(s.Settings))
	}
	if s.SafetyPlan == nil || len(s.SafetyPlan.WarningSigns) != 2 || s.SafetyPlan.Version != 1 {
		t.Fatalf("export's safety plan = %+v", s.SafetyPlan)
	}
	if s.Settings["recent_window"] != "6" {
		t.Fatalf("setting stored as %q, want canonical 6", s.Settings["recent_window"])
	}
}

// TestCrossBackendRoundTrip moves a history from SQLite to PostgreSQL and
// back: the export is the same document on both.
// ExportWithoutNotes is Export with the sessions' notes left empty, and
// nothing else different.
func testExportWithoutNotes(t *testing.T, db *store.DB) {
	fill(t, db, upshot.DefaultOwner)
	full, err := db.Export(ctx, upshot.DefaultOwner)
	must(t, err)
	bare, err := db.ExportWithoutNotes(ctx, upshot.DefaultOwner)
	must(t, err)
	notes := 0
	for _, s := range full.Sessions {
		if s.Note != "" {
			notes++
		}
		s.Note = ""
	}
	if notes == 0 {
		t.Fatal("the filled records have no notes: the test proves nothing")
	}
	bare.ExportedAt = full.ExportedAt
	a, _ := json.Marshal(full)
	b, _ := json.Marshal(bare)
	if string(a) != string(b) {
		t.Fatalf("without notes:\n%s\nwant\n%s", b, a)
	}
}

func TestCrossBackendRoundTrip(t *testing.T) {
	t.Parallel()
	t.Run("sqlite to postgres", func(t *testing.T) {
		lite := storetest.Open(t, "sqlite")
		lite.Now = newClock().Now
		fill(t, lite, upshot.DefaultOwner)
		want := exportJSON(t, lite, upshot.DefaultOwner)

		pg := storetest.Open(t, "postgres")
		snap, err := lite.Export(ctx, upshot.DefaultOwner)
		must(t, err)
		must(t, pg.Import(ctx, upshot.DefaultOwner, snap))
		if got := exportJSON(t, pg, upshot.DefaultOwner); got != want {
			t.Fatalf("PostgreSQL export differs:\n%s\nwant\n%s", got, want)
		}
		back := storetest.Open(t, "sqlite")
		snap, err = pg.Export(ctx, upshot.DefaultOwner)
		must(t, err)
		must(t, back.Import(ctx, upshot.DefaultOwner, snap))
		if got := exportJSON(t, back, upshot.DefaultOwner); got != want {
			t.Fatalf("SQLite export after the trip differs:\n%s\nwant\n%s", got, want)
		}
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			db, err := store.Open(ctx, dsn)
			must(t, err)
			current, known, err := db.SchemaVersion(ctx)
			must(t, err)
			if current != known || known < 1 {
				t.Fatalf("schema %d, known %d", current, known)
			}
			must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, &upshot.Therapist{Name: "kept"}))
			newer := known + 1
			if _, err := db.SQL().ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (`+
				itoa(newer)+`, TRUE)`); err != nil {
				t.Fatal(err)
			}
			must(t, db.Close())
			fingerprint := dbFingerprint(t, backend, dsn)

			_, err = store.Open(ctx, dsn)
			var nse *store.NewerSchemaError
			if !errors.As(err, &nse) || nse.Schema != newer || nse.Known != known {
				t.Fatalf("open newer database: %v", err)
			}
			want := "this database was written by a newer Upshot (schema " + itoa(newer) + "); this Upshot knows up to " + itoa(known) + " — upgrade Upshot"
			if upshot.ErrorMessage(err) != want {
				t.Fatalf("message = %q\nwant      %q", upshot.ErrorMessage(err), want)
			}
			wantCode(t, err, upshot.ECONFLICT, "db")
			if after := dbFingerprint(t, backend, dsn); after != fingerprint {
				t.Fatalf("refusing the database changed it:\nbefore %s\nafter  %s", fingerprint, after)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func testSafetyPlan(t *testing.T, db *store.DB) {
	owner := upshot.DefaultOwner
	empty, err := db.SafetyPlan(ctx, owner)
	must(t, err)
	if !empty.Empty() || empty.Version != 0 || empty.WarningSigns == nil {
		t.Fatalf("plan before any save = %+v, want empty lists at version 0", empty)
	}
	if s, err := db.Export(ctx, owner); err != nil || s.SafetyPlan != nil {
		t.Fatalf("export before any save has plan %+v (%v)", s.SafetyPlan, err)
	}
	p := &upshot.SafetyPlan{CopingSteps: []string{"walk round the block"}, Professionals: []string{"Dr. Berg 0123"}}
	must(t, db.PutSafetyPlan(ctx, owner, p))
	if p.Version != 1 || p.CreatedAt.IsZero() || p.WarningSigns == nil {
		t.Fatalf("saved plan = %+v", p)
	}
	got, err := db.SafetyPlan(ctx, owner)
	must(t, err)
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("read back %+v\nwant %+v", got, p)
	}

	// A second first save (another tab) is a conflict, not an overwrite.
	wantCode(t, db.PutSafetyPlan(ctx, owner, &upshot.SafetyPlan{ReasonsToLive: []string{"x"}}), upshot.ECONFLICT, "version")
	got.ReasonsToLive = []string{"my cat", "the sea"}
	must(t, db.PutSafetyPlan(ctx, owner, got))
	if got.Version != 2 || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("updated meta %+v", got.Meta)
	}
	wantCode(t, db.PutSafetyPlan(ctx, owner, p), upshot.ECONFLICT, "version") // p is at version 1

	// Bad input names the item and writes nothing.
	bad := *got
	bad.CopingSteps = []string{"ok", "  "}
	wantCode(t, db.PutSafetyPlan(ctx, owner, &bad), upshot.EINVALID, "coping_steps[1]")
	bad.CopingSteps = []string{"two\nlines"}
	wantCode(t, db.PutSafetyPlan(ctx, owner, &bad), upshot.EINVALID, "coping_steps[0]")
	bad.CopingSteps = make([]string, upshot.MaxPlanItems+1)
	wantCode(t, db.PutSafetyPlan(ctx, owner, &bad), upshot.EINVALID, "coping_steps")
	after, err := db.SafetyPlan(ctx, owner)
	must(t, err)
	if !reflect.DeepEqual(after, got) {
		t.Fatalf("a refused save changed the plan: %+v", after)
	}

	// Scoped by owner: another person has no plan and cannot reach this one.
	other, err := db.CreateUser(ctx, "second person")
	must(t, err)
	theirs, err := db.SafetyPlan(ctx, other)
	must(t, err)
	if !theirs.Empty() || theirs.Version != 0 {
		t.Fatalf("owner %d sees plan %+v", other, theirs)
	}
	wantCode(t, db.PutSafetyPlan(ctx, other, got), upshot.ECONFLICT, "version")
	wantCode(t, db.PutSafetyPlan(ctx, upshot.OwnerID(999), &upshot.SafetyPlan{}), upshot.EUNAUTHORIZED, "owner")

	// Import keeps the plan; a second plan is refused whole.
	snap, err := db.Export(ctx, owner)
	must(t, err)
	fresh, err := db.CreateUser(ctx, "third person")
	must(t, err)
	must(t, db.Import(ctx, fresh, snap))
	imported, err := db.SafetyPlan(ctx, fresh)
	must(t, err)
	if !reflect.DeepEqual(imported, after) {
		t.Fatalf("imported plan %+v\nwant %+v", imported, after)
	}
	snap.SafetyPlan = &upshot.SafetyPlan{ReasonsToLive: []string{"y"}}
	snap.Therapists, snap.Goals, snap.Sessions, snap.CheckIns, snap.Definitions = nil, nil, nil, nil, nil
	wantCode(t, db.Import(ctx, fresh, snap), upshot.ECONFLICT, "safety_plan")
}
