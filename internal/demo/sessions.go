package demo

import (
	"math"

	"github.com/upshot-app/upshot/internal/upshot"
)

const minutes = 50

// plan is what the story fixes about one session; the builder adds the
// numbers that only need to be roughly right (minutes, ratings) with jitter.
type plan struct {
	goals []upshot.GoalProgress
	flags []string
	note  string
}

func g(id int64, progress int) upshot.GoalProgress {
	return upshot.GoalProgress{GoalID: id, Progress: upshot.Ptr(progress)}
}

func goals(gs ...upshot.GoalProgress) []upshot.GoalProgress { return gs }

func flags(fs ...string) []string { return fs }

// The first therapy: eight sessions of real work on the goals, then the
// relationship takes over. The last goal is addressed at index 20; the last
// nine sessions address none.
var plans1 = [sessions1]plan{
	0:  {goals: goals(g(goalMondays, 0), g(goalSleep, 0), g(goalSister, 0)), note: "First session. Told him about the Mondays, the sleep and my sister. Felt heard."},
	1:  {goals: goals(g(goalMondays, 1), g(goalJob, 0)), note: "We traced the Monday dread back to my first job. Useful."},
	2:  {goals: goals(g(goalSleep, 1))},
	3:  {goals: goals(g(goalMondays, 1)), note: "He suggested the meetings feel like being judged at home as a kid. That landed."},
	4:  {goals: goals(g(goalSister, 1)), note: "He asked what I want from my sister, not what she should do. Good question."},
	5:  {goals: goals(g(goalSleep, 1)), note: "Slept better two nights this week."},
	6:  {goals: goals(g(goalMondays, 1), g(goalFriends, 0))},
	7:  {goals: goals(g(goalSister, 0))},
	8:  {goals: goals(g(goalFriends, 1)), note: "He asked how I felt about him being away in a couple of weeks. I hadn't thought about it."},
	9:  {goals: goals(g(goalMondays, 0))},
	10: {note: "Most of the hour was about the week he was away and whether I had missed him."},
	11: {goals: goals(g(goalSleep, 0))},
	12: {note: "Most of the hour was about whether I trust him."},
	13: {goals: goals(g(goalSister, -1)), note: "Tried to talk about the call with my sister. He brought it back to how I am with him."},
	14: {flags: flags(upshot.FlagPushedRelationship)},
	15: {goals: goals(g(goalMondays, 0)), note: "I said I wanted to work on sleep. He said my wanting to 'work on things' keeps him at a distance."},
	16: {flags: flags(upshot.FlagPushedRelationship)},
	17: {flags: flags(upshot.FlagPushedRelationship), note: "Thought about the last session most of the weekend."},
	18: {goals: goals(g(goalSleep, 0)), flags: flags(upshot.FlagPushedRelationship),
		note: `He said my 'resistance' was the real topic & we should stay with it. I had typed "<b>ask about Mondays</b>" at the top of my notes and never got to it.`},
	19: {},
	20: {goals: goals(g(goalFriends, 0)), flags: flags(upshot.FlagPushedRelationship)},
	21: {flags: flags(upshot.FlagPushedRelationship, upshot.FlagWithheldOpinion), note: "Asked him straight out whether I should talk to HR. He wondered why I needed his answer."},
	22: {flags: flags(upshot.FlagPushedRelationship, upshot.FlagWithheldOpinion)},
	23: {flags: flags(upshot.FlagDismissedAccount, upshot.FlagPushedRelationship), note: "He said I remembered the fight with my sister wrongly, that it was really about him."},
	24: {flags: flags(upshot.FlagDiscouragedOutside), note: "Mentioned a friend's CBT therapist. He said seeing someone else would be acting out."},
	25: {flags: flags(upshot.FlagPushedRelationship, upshot.FlagSelfFocus), note: "He spent a long time on his own training and his own analyst."},
	26: {flags: flags(upshot.FlagPushedRelationship, upshot.FlagWithheldOpinion)},
	27: {flags: flags(upshot.FlagPushedRelationship, upshot.FlagBoundary), note: "He messaged me late on Saturday to ask how I was feeling about 'us'. It didn't feel right."},
	28: {flags: flags(upshot.FlagPushedRelationship, upshot.FlagDiscouragedOutside, upshot.FlagDependency), note: "Said I was thinking of stopping. He said we were at a crucial point and I needed him now."},
	29: {flags: flags(upshot.FlagDismissedAccount, upshot.FlagDiscouragedOutside), note: "Last session. Said what I needed to say. He called it running from the work. Felt lighter walking out."},
}

// The second therapy works through every goal; the last four sessions touch
// each goal still open.
var plans2 = [sessions2]plan{
	0:  {goals: goals(g(goalMondays, 0), g(goalSleep, 0), g(goalSister, 0), g(goalFriends, 0)), note: "First session with Sam. We wrote down my goals and picked Mondays to start with."},
	1:  {goals: goals(g(goalMondays, 1)), note: "Worked on what I actually expect to happen on Monday. Homework: write it down on Sunday afternoon."},
	2:  {goals: goals(g(goalMondays, 1), g(goalJob, 0)), note: "It was the Mondays, not the job. Letting the job question go for now."},
	3:  {goals: goals(g(goalSleep, 1)), note: "Sleep: same wake-up time every day, phone out of the bedroom. Sam explained why it works."},
	4:  {goals: goals(g(goalMondays, 1), g(goalSleep, 1))},
	5:  {goals: goals(g(goalSister, 1)), note: "Planned what I'd say if Mum's care comes up with my sister."},
	6:  {goals: goals(g(goalMondays, 2)), note: "Asked Sam whether to talk to HR. Got a clear opinion and the reasons for it."},
	7:  {goals: goals(g(goalFriends, 1), g(goalSleep, 0))},
	8:  {goals: goals(g(goalSleep, 1), g(goalSister, 1)), note: "Saw Priya for coffee. First time in months."},
	9:  {goals: goals(g(goalMondays, 1), g(goalFriends, 1))},
	10: {goals: goals(g(goalSister, -1)), note: "Hard call with my sister. We went through what happened and what I could try next time."},
	11: {goals: goals(g(goalSleep, 1)), note: "Sam suggested seeing my GP about the early waking. Booked it."},
	12: {goals: goals(g(goalMondays, 1), g(goalSister, 1))},
	13: {goals: goals(g(goalFriends, 2)), note: "Went to the climbing evening. Enjoyed it."},
	14: {goals: goals(g(goalMondays, 1), g(goalSleep, 1)), note: "Three Sundays in a row without lying awake. Marked Mondays as solved."},
	15: {goals: goals(g(goalSister, 1), g(goalFriends, 1))},
	16: {goals: goals(g(goalSleep, 1))},
	17: {goals: goals(g(goalSister, 1), g(goalFriends, 1))},
	18: {goals: goals(g(goalSleep, 1), g(goalSister, 2)), note: "Talked with my sister about Mum. We disagreed and nobody hung up."},
}

func (b *builder) sessions() []*upshot.Session {
	var out []*upshot.Session
	add := func(s *upshot.Session, p plan) {
		s.ID = int64(len(out) + 1)
		s.Minutes = upshot.Ptr(minutes)
		s.Goals = append([]upshot.GoalProgress{}, p.goals...)
		s.Flags = append([]string{}, p.flags...)
		s.Note = p.note
		s.Meta = meta(s.Date)
		out = append(out, s)
	}
	for i, p := range plans1 {
		add(b.session1(i), p)
	}
	for i, p := range plans2 {
		add(b.session2(i), p)
	}
	return out
}

// drift runs from 0 while the first therapy still works (the first eight
// sessions) to 1 at its last session.
func drift(i int) float64 {
	const onset = 8
	if i < onset {
		return 0
	}
	return float64(i-onset) / float64(sessions1-1-onset)
}

func lerp(a, b, t float64) float64 { return a + (b-a)*t }

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

func (b *builder) session1(i int) *upshot.Session {
	t := drift(i)
	s := &upshot.Session{
		TherapistID: morgan,
		Date:        b.session1Day(i),
		Fee:         upshot.Ptr(upshot.Money(12000)),
		Format:      "in_person",
	}
	if i == 5 || i == 17 {
		s.Format = "video"
	}

	// Time on the relationship grows steadily from a few minutes to about
	// two thirds of the hour, with the therapist talking about himself in
	// the later sessions.
	f := &upshot.Focus{Admin: 4 + b.rng.IntN(2)}
	if i == 0 {
		f.Admin = 8 // first meeting: forms, fees, cancellation policy
	}
	if t == 0 {
		f.Relationship = min(i, 3) + b.rng.IntN(3)
	} else {
		rel := int(math.Round(lerp(8, 32, t))) + b.jitter(2)
		if i >= 18 {
			f.Therapist = 2 + b.rng.IntN(3)
		}
		if i == 25 {
			f.Therapist = 9
		}
		f.Relationship = max(rel-f.Therapist, 0)
	}
	f.Other = b.rng.IntN(3)
	f.Life = minutes - f.Admin - f.Relationship - f.Therapist - f.Other
	s.Focus = f

	switch {
	case i < 10 || i == sessions1-1:
		s.Agenda = "me"
	case i < 15:
		s.Agenda = "both"
	default:
		s.Agenda = "therapist"
	}

	// Early on he gave real input; later the hour yields nothing to take away.
	switch {
	case t == 0:
		s.Got = [][]string{{"insight"}, {"reframe"}, {"insight", "reframe"}}[b.rng.IntN(3)]
	case i < 16 && b.rng.IntN(2) == 0:
		s.Got = []string{"insight"}
	default:
		s.Got = []string{upshot.GotNone}
	}

	s.Helpful = upshot.Ptr(clamp(int(math.Round(lerp(7.5, 1.5, t)))+b.jitter(1), 0, 10))
	switch {
	case i == sessions1-1:
		s.After = upshot.AfterBetter // relief at having ended it
	case t == 0:
		s.After = []string{upshot.AfterBetter, upshot.AfterBetter, upshot.AfterSame}[b.rng.IntN(3)]
	case i < 16:
		s.After = upshot.AfterSame
	case i == 19 || i == 25:
		s.After = upshot.AfterSame
	default:
		s.After = upshot.AfterWorse
	}

	// Conduct falls on every quality, furthest on respect, honesty and
	// objectivity: he kept rewriting what the person said had happened.
	for _, q := range upshot.Qualities {
		v := 4 + b.rng.IntN(2)
		if t > 0 {
			v = clamp(int(math.Round(lerp(4.5, finalConduct[q], t)+b.rng.Float64()-0.5)), 1, 5)
			if i >= sessions1-4 && finalConduct[q] < 2 {
				v = min(v, 2)
			}
		}
		*s.Conduct.Field(q) = upshot.Ptr(v)
	}
	return s
}

// finalConduct is where each rating ends up by the last session with the
// first therapist.
var finalConduct = map[string]float64{
	"empathy": 2.8, "compassion": 2.5, "respect": 1.4, "kindness": 2.8,
	"judgment": 1.8, "honesty": 1.4, "integrity": 2.0, "objectivity": 1.2,
}

func (b *builder) session2(i int) *upshot.Session {
	s := &upshot.Session{
		TherapistID: rivera,
		Date:        b.session2Day(i),
		Fee:         upshot.Ptr(upshot.Money(9000)),
		Format:      "in_person",
		Agenda:      []string{"me", "both"}[b.rng.IntN(2)],
	}
	if i%4 == 3 {
		s.Format = "video"
	}
	if i == 0 {
		s.Agenda = "both"
	}

	f := &upshot.Focus{Admin: 3 + b.rng.IntN(3), Relationship: b.rng.IntN(3), Other: b.rng.IntN(4)}
	if i == 0 {
		f.Admin = 7
		f.Relationship = 3 // how we would work together, and how to say if it isn't working
	}
	f.Life = minutes - f.Admin - f.Relationship - f.Other
	s.Focus = f

	got := [][]string{{"strategy", "homework"}, {"skill", "homework"}, {"strategy"}, {"skill", "information"}, {"insight", "strategy"}}
	s.Got = got[b.rng.IntN(len(got))]
	switch i {
	case 0:
		s.Got = []string{"information"}
	case 6:
		s.Got = []string{"strategy", "opinion"}
	case 11:
		s.Got = []string{"information", "referral"}
	}

	s.Helpful = upshot.Ptr(clamp(int(math.Round(lerp(6.5, 9, float64(i)/float64(sessions2-1))))+b.jitter(1), 0, 10))
	s.After = upshot.AfterBetter
	if i == 0 || i == 10 || b.rng.IntN(5) == 0 {
		s.After = upshot.AfterSame
	}

	for _, q := range upshot.Qualities {
		*s.Conduct.Field(q) = upshot.Ptr(4 + b.rng.IntN(4)/3) // mostly 4, often enough 5
	}
	for _, q := range []string{"respect", "honesty", "objectivity"} {
		*s.Conduct.Field(q) = upshot.Ptr(5 - b.rng.IntN(4)/3) // mostly 5
	}
	return s
}
