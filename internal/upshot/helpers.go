package upshot

import (
	"slices"
	"strings"
)

func joinComma(vs []string) string { return strings.Join(vs, ", ") }

func sortGoals(gs []GoalProgress) {
	slices.SortFunc(gs, func(a, b GoalProgress) int {
		switch {
		case a.GoalID < b.GoalID:
			return -1
		case a.GoalID > b.GoalID:
			return 1
		}
		return 0
	})
}

// Ptr returns a pointer to v; handy for optional fields.
func Ptr[T any](v T) *T { return &v }
