package app

import (
	"context"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// AddGoal records a new goal: open and opened today unless it says
// otherwise, and closed today when it is recorded as already solved or
// dropped without a date.
func AddGoal(ctx context.Context, st upshot.GoalService, owner upshot.OwnerID, now upshot.Clock, g *upshot.Goal) error {
	today := upshot.DateOf(now())
	if g.Status == "" {
		g.Status = upshot.GoalOpen
	}
	if g.Opened.IsZero() {
		g.Opened = today
	}
	closeToday(g, today)
	if err := g.Validate(today); err != nil {
		return err
	}
	return st.CreateGoal(ctx, owner, g)
}

// EditGoal replaces a stored goal, g carrying the version last read; a goal
// solved or dropped without a date is closed today.
func EditGoal(ctx context.Context, st upshot.GoalService, owner upshot.OwnerID, now upshot.Clock, g *upshot.Goal) error {
	today := upshot.DateOf(now())
	closeToday(g, today)
	if err := g.Validate(today); err != nil {
		return err
	}
	return st.UpdateGoal(ctx, owner, g)
}

// ClosingStatuses are the ways a goal ends.
var ClosingStatuses = []string{upshot.GoalSolved, upshot.GoalDropped}

// CloseGoal marks a goal solved or dropped on date (today when zero).
func CloseGoal(ctx context.Context, st upshot.GoalService, owner upshot.OwnerID, now upshot.Clock, id int64, status string, date upshot.Date) (*upshot.Goal, error) {
	if !slices.Contains(ClosingStatuses, status) {
		return nil, upshot.Invalid("status", "status must be one of %s, got %q", strings.Join(ClosingStatuses, ", "), status)
	}
	g, err := st.FindGoal(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	g.Status, g.Closed = status, date
	return g, EditGoal(ctx, st, owner, now, g)
}

// closeToday dates a goal that is solved or dropped without a date today.
func closeToday(g *upshot.Goal, today upshot.Date) {
	if g.Status != upshot.GoalOpen && g.Closed.IsZero() {
		g.Closed = today
	}
}
