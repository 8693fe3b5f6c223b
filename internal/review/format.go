package review

import (
	"math"
	"strconv"
	"strings"
)

// eps absorbs float error in threshold comparisons, so that 3 of 10 minutes
// is exactly 30% and a rule set at 30 fires on it.
const eps = 1e-9

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// num writes x with at most places decimals and no trailing zeros.
func num(x float64, places int) string {
	return strconv.FormatFloat(round(x, places), 'f', -1, 64)
}

// pct writes a share (0-1) as a percentage with at most one decimal.
func pct(share float64) string { return num(share*100, 1) + "%" }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}

// lastSessions is "last 4 sessions", or "last session" for one: never
// "your last 1 session".
func lastSessions(n int) string {
	if n == 1 {
		return "last session"
	}
	return "last " + itoa(n) + " sessions"
}

// joinAnd lists items the way a sentence does: "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func quote(s string) string { return "'" + s + "'" }
