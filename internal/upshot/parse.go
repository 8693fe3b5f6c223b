package upshot

import (
	"strconv"
	"strings"
)

// Parsers for the compact forms people type on the command line and scripts
// send: "life=30,relationship=10", "3=+1,4=-2", "insight,strategy". They are
// pure so that the CLI, the web forms and the fuzz tests share one grammar.

// splitList splits "a, b,c" into trimmed items; an empty string is an empty list.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// splitPairs parses "k=v,k=v" and refuses a malformed or repeated key.
func splitPairs(field, s, form string) ([][2]string, error) {
	var out [][2]string
	seen := map[string]bool{}
	for _, p := range splitList(s) {
		k, v, ok := strings.Cut(p, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, Invalid(field, "%s must look like %s, got %q", field, form, p)
		}
		if seen[k] {
			return nil, Invalid(field, "%s gives %q twice", field, k)
		}
		seen[k] = true
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

func parseInt(field, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 10 {
		return 0, Invalid(field, "%s must be a whole number, got %q", field, s)
	}
	return n, nil
}

// ParseInt reads a whole number for a named field and checks its range.
func ParseInt(field, s string, lo, hi int) (int, error) {
	n, err := parseInt(field, strings.TrimSpace(s))
	if err != nil {
		return 0, Invalid(field, "%s must be a whole number %d-%d, got %q", field, lo, hi, s)
	}
	if n < lo || n > hi {
		return 0, Invalid(field, "%s must be %d-%d, got %d", field, lo, hi, n)
	}
	return n, nil
}

// ParseFocus reads "life=30,relationship=10,therapist=0,admin=5,other=5".
// Categories left out are 0.
func ParseFocus(s string) (*Focus, error) {
	pairs, err := splitPairs("focus", s, "life=30,relationship=10")
	if err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, Invalid("focus", "focus must give minutes to at least one of %s", joinComma(FocusCategories))
	}
	var f Focus
	for _, p := range pairs {
		n, err := parseInt("focus "+p[0], p[1])
		if err != nil {
			return nil, err
		}
		if !f.Set(p[0], n) {
			return nil, Invalid("focus", "focus category must be one of %s, got %q", joinComma(FocusCategories), p[0])
		}
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// ParseIDs reads "3,7,12" as record ids.
func ParseIDs(field, s string) ([]int64, error) {
	var ids []int64
	for _, p := range splitList(s) {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return nil, Invalid(field, "%s must be ids (positive whole numbers) separated by commas, got %q", field, p)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// ParseProgress reads "3=+1,4=-2": goal id = progress from -3 to +3.
func ParseProgress(s string) ([]GoalProgress, error) {
	pairs, err := splitPairs("progress", s, "3=+1,4=-2")
	if err != nil {
		return nil, err
	}
	out := make([]GoalProgress, 0, len(pairs))
	seen := map[int64]bool{}
	for _, p := range pairs {
		id, err := strconv.ParseInt(p[0], 10, 64)
		if err != nil || id <= 0 {
			return nil, Invalid("progress", "progress must name a goal id, got %q", p[0])
		}
		// "1" and "01" differ as text but name one goal.
		if seen[id] {
			return nil, Invalid("progress", "progress gives goal %d twice", id)
		}
		seen[id] = true
		n, err := parseInt("progress", p[1])
		if err != nil || n < -3 || n > 3 {
			return nil, Invalid("progress", "progress for goal %d must be -3 to +3, got %q", id, p[1])
		}
		out = append(out, GoalProgress{GoalID: id, Progress: Ptr(n)})
	}
	return out, nil
}

// MergeGoals combines --goals (addressed, no rating) with --progress (addressed
// with a rating); a goal in both keeps its rating.
func MergeGoals(addressed []int64, progress []GoalProgress) []GoalProgress {
	out := append([]GoalProgress(nil), progress...)
	have := map[int64]bool{}
	for _, p := range progress {
		have[p.GoalID] = true
	}
	for _, id := range addressed {
		if !have[id] {
			have[id] = true
			out = append(out, GoalProgress{GoalID: id})
		}
	}
	sortGoals(out)
	return out
}

// ParseConduct reads "empathy=4,respect=5".
func ParseConduct(s string) (Conduct, error) {
	var c Conduct
	pairs, err := splitPairs("conduct", s, "empathy=4,respect=5")
	if err != nil {
		return c, err
	}
	for _, p := range pairs {
		slot := c.Field(p[0])
		if slot == nil {
			return c, Invalid("conduct", "conduct quality must be one of %s, got %q", joinComma(Qualities), p[0])
		}
		n, err := parseInt("conduct "+p[0], p[1])
		if err != nil || n < 1 || n > 5 {
			return c, Invalid("conduct", "conduct %s must be 1-5, got %q", p[0], p[1])
		}
		*slot = Ptr(n)
	}
	return c, nil
}

// ParseGot reads "insight,strategy" into the canonical order.
func ParseGot(s string) ([]string, error) {
	got, err := canonicalSet("got", splitList(s), Inputs)
	if err != nil {
		return nil, err
	}
	if len(got) > 1 && got[len(got)-1] == GotNone {
		return nil, Invalid("got", "got cannot combine none with other inputs")
	}
	return got, nil
}

// ParseFlags reads "pushed_relationship,blamed" into the canonical order.
func ParseFlags(s string) ([]string, error) {
	return canonicalSet("flags", splitList(s), Flags)
}
