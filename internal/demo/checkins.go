package demo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// instruments are the ones the demo answers, in the order people meet them.
var instruments = []string{"phq9", "gad7", "who5", "focus"}

// point is a target score on a day of the story; targets between points are
// interpolated along a straight line.
type point struct {
	day   int
	score float64
}

// The score courses. Moderate at the start, a little better while the first
// therapy works, worse as it drifts, worst in the weeks between therapies,
// then recovering with the second: below caseness, and a reliable
// improvement against the first check-in, against the first one with the
// second therapist, and against the worst.
var (
	phq9Course = []point{{0, 13}, {56, 11}, {98, 12}, {140, 14}, {182, 16}, {end1, 17}, {end1 + 14, 18},
		{start2, 17}, {start2 + 14, 16}, {start2 + 42, 13}, {start2 + 70, 10}, {start2 + 98, 8}, {span, 6}}
	gad7Course = []point{{0, 10}, {56, 9}, {98, 10}, {140, 12}, {182, 14}, {end1, 15}, {end1 + 14, 15},
		{start2, 14}, {start2 + 42, 10}, {start2 + 70, 8}, {start2 + 98, 6}, {span, 5}}
	// WHO-5 on its 0-100 scale: higher is better.
	who5Course = []point{{0, 40}, {56, 48}, {98, 44}, {140, 36}, {182, 28}, {end1 + 14, 24},
		{start2, 28}, {start2 + 42, 40}, {start2 + 70, 48}, {start2 + 98, 56}, {span, 64}}
	// Preoccupation with the therapist and the relationship, 0-1, read by
	// the focus check.
	preoccupation = []point{{0, 0.1}, {56, 0.1}, {98, 0.3}, {140, 0.6}, {182, 0.85}, {end1, 1},
		{start2, 0.8}, {start2 + 42, 0.4}, {start2 + 70, 0.2}, {span, 0.05}}
)

// safetyDay is the check-in in the worst weeks, between the two therapies,
// on which PHQ-9 item 9 is answered "several days": realistic for the story,
// and it lets the history show a safety notice. The latest check-in answers
// it 0, so the demo does not open with one.
const safetyDay = span - 10*14

func at(course []point, day int) float64 {
	if day <= course[0].day {
		return course[0].score
	}
	for i := 1; i < len(course); i++ {
		a, b := course[i-1], course[i]
		if day <= b.day {
			return lerp(a.score, b.score, float64(day-a.day)/float64(b.day-a.day))
		}
	}
	return course[len(course)-1].score
}

// checkDays lays check-ins back from the latest session at a fixed interval
// and adds one on the first day, the baseline.
func checkDays(every int) []int {
	days := []int{}
	for d := span % every; d <= span; d += every {
		days = append(days, d)
	}
	if days[0] != 0 {
		days = append([]int{0}, days...)
	}
	return days
}

func (b *builder) checkIns(reg *instrument.Registry) ([]*upshot.CheckIn, []upshot.Definition, error) {
	defs := map[string]*instrument.Definition{}
	var out []upshot.Definition
	for _, id := range instruments {
		d, ok := reg.Get(id)
		if !ok {
			return nil, nil, fmt.Errorf("demo: instrument %q is not in the registry", id)
		}
		defs[id] = d
		out = append(out, upshot.Definition{Instrument: d.ID, Version: d.Version, Data: d.Raw()})
	}

	var cs []*upshot.CheckIn
	add := func(id string, day int, answers []int, want int) error {
		d := defs[id]
		c := &upshot.CheckIn{Instrument: d.ID, InstrumentVersion: d.Version, Date: b.day(day), Meta: meta(b.day(day))}
		for _, a := range answers {
			c.Answers = append(c.Answers, upshot.Ptr(a))
		}
		sc, err := d.Score(c.Answers)
		if err != nil {
			return fmt.Errorf("demo: %s answers on day %d: %w", id, day, err)
		}
		if sc.Total != want {
			return fmt.Errorf("demo: %s on day %d scores %d, the story needs %d", id, day, sc.Total, want)
		}
		cs = append(cs, c)
		return nil
	}

	// Fixed scores where the story and its review hinge on them; the rest
	// wobble a little, as real answers do.
	fixed := map[int]bool{0: true, start2: true, safetyDay: true, span: true}
	target := func(course []point, day int) int {
		v := int(math.Round(at(course, day)))
		if !fixed[day] && b.rng.IntN(3) == 0 {
			v += []int{-1, 1}[b.rng.IntN(2)]
		}
		return v
	}
	for _, day := range checkDays(14) {
		phq := target(phq9Course, day)
		item9 := 0
		if day == safetyDay {
			item9 = 1
		}
		// Sleep and tiredness first: the person came about sleep.
		a := b.spread(phq-item9, 9, 3, []int{2, 3, 1, 0, 6, 5, 4, 7})
		a[8] = item9
		if err := add("phq9", day, a, phq); err != nil {
			return nil, nil, err
		}
		gad := target(gad7Course, day)
		if err := add("gad7", day, b.spread(gad, 7, 3, []int{1, 0, 2, 3, 4, 6, 5}), gad); err != nil {
			return nil, nil, err
		}
	}
	for _, day := range checkDays(28) {
		// WHO-5 is answered on a 0-25 raw scale and reported x4.
		raw := clamp(int(math.Round(at(who5Course, day)/4))+b.jitter(1)*btoi(!fixed[day]), 0, 25)
		if err := add("who5", day, b.spread(raw, 5, 5, []int{1, 0, 4, 2, 3}), raw*4); err != nil {
			return nil, nil, err
		}
		p := at(preoccupation, day)
		freeTime := clamp(int(math.Round(4*p)), 0, 4)
		putOff := clamp(int(math.Round(3*p)), 0, 4)
		lifeAttention := clamp(int(math.Round(3.5-3*p)), 0, 4) // reverse scored
		if err := add("focus", day, []int{freeTime, putOff, lifeAttention}, freeTime+putOff+4-lifeAttention); err != nil {
			return nil, nil, err
		}
	}
	sortCheckIns(cs, instruments)
	// In the order an export lists them, so an export of the imported demo
	// is this same document.
	slices.SortFunc(out, func(a, b upshot.Definition) int {
		return cmp.Or(strings.Compare(a.Instrument, b.Instrument), cmp.Compare(a.Version, b.Version))
	})
	return cs, out, nil
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

// spread shares total out over n items scored 0-hi, most to the items first
// in order, then moves a point or two between items so that answer sets with
// the same total do not all look alike. Items not in order stay 0.
func (b *builder) spread(total, n, hi int, order []int) []int {
	a := make([]int, n)
	if total > hi*len(order) {
		total = hi * len(order) // cannot happen with the courses above; the score check would say so
	}
	for left := total; left > 0; {
		for _, i := range order {
			if left > 0 && a[i] < hi {
				a[i]++
				left--
			}
		}
	}
	for range 2 {
		from, to := order[b.rng.IntN(len(order))], order[b.rng.IntN(len(order))]
		if from != to && a[from] > 0 && a[to] < hi {
			a[from]--
			a[to]++
		}
	}
	return a
}
