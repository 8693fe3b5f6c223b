package store_test

import (
	"testing"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// TestCreateSessionRefusals pins the errors CreateSession gives for
// references that are not the owner's. The usual case leaves the checks to
// the foreign keys and looks the references up only after one refuses, so
// these must still name the field and id exactly, write nothing, consume no
// id and leave the revision alone, on both databases.
func TestCreateSessionRefusals(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			db.Now = newClock().Now
			const me = upshot.DefaultOwner
			s := fill(t, db, me)
			other, err := db.CreateUser(ctx, "other")
			must(t, err)
			theirs := &upshot.Therapist{Name: "theirs"}
			must(t, db.CreateTherapist(ctx, other, theirs))
			theirGoal := &upshot.Goal{Title: "theirs", Domain: "self", Status: upshot.GoalOpen, Opened: day(2024, 1, 1)}
			must(t, db.CreateGoal(ctx, other, theirGoal))
			th, g1, g2 := s.therapists[0].ID, s.goals[0].ID, s.goals[1].ID
			before := exportJSON(t, db, me)
			rev := revision(t, db, me)

			tests := []struct {
				name    string
				owner   upshot.OwnerID
				session upshot.Session
				code    string
				field   string
				message string
			}{
				{"missing therapist", me, upshot.Session{TherapistID: 42, Date: day(2024, 1, 1)},
					upshot.ENOTFOUND, "therapist", "therapist: no therapist with id 42"},
				{"missing therapist and goal names the therapist", me,
					upshot.Session{TherapistID: 42, Date: day(2024, 1, 1), Goals: []upshot.GoalProgress{{GoalID: 43}}},
					upshot.ENOTFOUND, "therapist", "therapist: no therapist with id 42"},
				{"missing goal after a good one", me,
					upshot.Session{TherapistID: th, Date: day(2024, 1, 1), Goals: []upshot.GoalProgress{{GoalID: 42}, {GoalID: g1}, {GoalID: g2}}},
					upshot.ENOTFOUND, "goals", "goals: no goal with id 42"},
				{"the lowest missing goal is named", me,
					upshot.Session{TherapistID: th, Date: day(2024, 1, 1), Goals: []upshot.GoalProgress{{GoalID: 50}, {GoalID: 42}}},
					upshot.ENOTFOUND, "goals", "goals: no goal with id 42"},
				{"another owner's therapist", other, upshot.Session{TherapistID: th + 1, Date: day(2024, 1, 1)},
					upshot.ENOTFOUND, "therapist", "therapist: no therapist with id 2"},
				{"another owner's goal", other,
					upshot.Session{TherapistID: theirs.ID, Date: day(2024, 1, 1), Goals: []upshot.GoalProgress{{GoalID: g2}}},
					upshot.ENOTFOUND, "goals", "goals: no goal with id 2"},
				{"unknown owner", 999, upshot.Session{TherapistID: th, Date: day(2024, 1, 1)},
					upshot.ENOTFOUND, "therapist", "therapist: no therapist with id 1"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					ss := tc.session
					err := db.CreateSession(ctx, tc.owner, &ss)
					wantCode(t, err, tc.code, tc.field)
					if msg := upshot.ErrorMessage(err); msg != tc.message {
						t.Fatalf("message = %q, want %q", msg, tc.message)
					}
					if ss.ID != 0 || ss.Version != 0 {
						t.Fatalf("a refused session was given id %d, version %d", ss.ID, ss.Version)
					}
				})
			}
			if after := exportJSON(t, db, me); after != before {
				t.Fatalf("refused sessions changed the data:\n%s", after)
			}
			if now := revision(t, db, me); now != rev {
				t.Fatalf("refused sessions moved the revision from %d to %d", rev, now)
			}
			// No id was consumed: fill made sessions 1 to 5 (5 deleted).
			next := &upshot.Session{TherapistID: th, Date: day(2024, 1, 1), Goals: []upshot.GoalProgress{{GoalID: g1}}}
			must(t, db.CreateSession(ctx, me, next))
			if next.ID != 6 {
				t.Fatalf("next session id = %d, want 6", next.ID)
			}
			mine := &upshot.Session{TherapistID: theirs.ID, Date: day(2024, 1, 1), Goals: []upshot.GoalProgress{{GoalID: theirGoal.ID}}}
			must(t, db.CreateSession(ctx, other, mine))
			if mine.ID != 1 {
				t.Fatalf("owner %d's first session id = %d, want 1", other, mine.ID)
			}
		})
	}
}
