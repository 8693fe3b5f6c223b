package review

import (
	"slices"

	"github.com/upshot-app/upshot/internal/upshot"
)

// ConductSummary is how the person rated one therapist's conduct.
type ConductSummary struct {
	TherapistID int64            `json:"therapist_id"`
	Qualities   []QualitySummary `json:"qualities"`
}

// QualitySummary averages one quality (1-5). Recent is the ratings given in
// the therapist's last recent_window sessions, earlier the ones given
// before them. An average over no ratings is null, not 0: 0 is not on the
// scale.
type QualitySummary struct {
	Quality        string   `json:"quality"`
	Average        float64  `json:"average"`
	Ratings        int      `json:"ratings"`
	EarlierAverage *float64 `json:"earlier_average"`
	EarlierRatings int      `json:"earlier_ratings"`
	RecentAverage  *float64 `json:"recent_average"`
	RecentRatings  int      `json:"recent_ratings"`
}

// FlagSummary counts red flags with one therapist, by kind.
type FlagSummary struct {
	TherapistID       int64          `json:"therapist_id"`
	Counts            map[string]int `json:"counts"`
	SessionsWithFlags int            `json:"sessions_with_flags"`
	Sessions          []int64        `json:"sessions"`
}

type rating struct {
	value   int
	session int64
}

func average(rs []rating) float64 {
	if len(rs) == 0 {
		return 0
	}
	sum := 0
	for _, r := range rs {
		sum += r.value
	}
	return float64(sum) / float64(len(rs))
}

// therapistFindings applies the rules about one therapist's work: conduct,
// red flags, expertise and how the person felt after sessions. Each is
// judged on that therapist's sessions alone.
func (r *run) therapistFindings() {
	if len(r.sessions) == 0 {
		return
	}
	recentN := r.intSetting(upshot.SettingRecentWindow)
	concernMax, trendDrop, trendMin := r.floatSetting(upshot.SettingConductConcernMax), r.floatSetting(upshot.SettingConductTrendDrop), r.intSetting(upshot.SettingConductTrendMinRatings)
	flagWindow, flagMin := r.intSetting(upshot.SettingRedFlagWindow), r.intSetting(upshot.SettingRedFlagMinSessions)
	expertiseMin := r.intSetting(upshot.SettingNoExpertiseMin)
	worseWindow, worseMin := r.intSetting(upshot.SettingWorseAfterWindow), r.intSetting(upshot.SettingWorseAfterMin)
	longDays, longMin := r.intSetting(upshot.SettingFlagLongWindowDays), r.intSetting(upshot.SettingFlagLongMinSessions)
	rise, helpfulMax := r.floatSetting(upshot.SettingFrequencyRise), r.floatSetting(upshot.SettingHelpfulLowMax)
	for _, id := range r.order {
		ss := r.byTherapist[id]
		r.conduct(id, ss, recentN, concernMax, trendDrop, trendMin)
		r.redFlags(id, ss, flagWindow, flagMin, longDays, longMin)
		r.frequency(id, ss, rise)
		r.helpfulness(id, lastN(ss, recentN), helpfulMax)
		r.goalsWorsening(id, lastN(ss, recentN))
		r.expertise(id, lastN(ss, recentN), expertiseMin)
		r.worseAfter(id, lastN(ss, worseWindow), worseMin)
	}
}

// conduct applies conduct_concern and conduct_trend to one therapist's
// sessions ss (in date order). "Recent" is the last recentN sessions, as for
// the focus and expertise rules, so a rating long ago never counts as recent
// however few ratings came after it.
func (r *run) conduct(id int64, ss []*upshot.Session, recentN int, concernMax, trendDrop float64, trendMin int) {
	sum := ConductSummary{TherapistID: id, Qualities: []QualitySummary{}}
	var low []qualityAverage
	var fell []qualityFall
	var lowSessions, fellSessions []int64
	nums := map[string]float64{}
	trendNums := map[string]float64{}
	recentFrom := len(ss) - len(lastN(ss, recentN))
	for _, q := range upshot.Qualities {
		var earlier, recent []rating
		for i, s := range ss {
			if v := s.Conduct.Get(q); v != nil {
				if i >= recentFrom {
					recent = append(recent, rating{*v, s.ID})
				} else {
					earlier = append(earlier, rating{*v, s.ID})
				}
			}
		}
		all := append(slices.Clone(earlier), recent...)
		if len(all) == 0 {
			continue
		}
		qs := QualitySummary{Quality: q, Average: round(average(all), 2), Ratings: len(all),
			RecentRatings: len(recent), EarlierRatings: len(earlier)}
		if len(earlier) > 0 {
			e := round(average(earlier), 2)
			qs.EarlierAverage = &e
		}
		if len(recent) > 0 {
			ra := round(average(recent), 2)
			qs.RecentAverage = &ra
		}
		sum.Qualities = append(sum.Qualities, qs)
		if len(recent) == 0 {
			continue
		}
		ra := average(recent)
		if ra <= concernMax+eps {
			low = append(low, qualityAverage{q, ra})
			nums[q+"_recent"] = round(ra, 2)
			lowSessions = appendRatings(lowSessions, recent)
		}
		if len(recent) >= trendMin && len(earlier) >= trendMin {
			ea := average(earlier)
			if ea-ra >= trendDrop-eps {
				fell = append(fell, qualityFall{q, ea, ra})
				trendNums[q+"_earlier"] = round(ea, 2)
				trendNums[q+"_recent"] = round(ra, 2)
				fellSessions = appendRatings(fellSessions, all)
			}
		}
	}
	r.out.Conduct = append(r.out.Conduct, sum)
	name := r.name(id)
	if len(low) > 0 {
		nums["max"] = concernMax
		f := Finding{Code: CodeConductConcern, TherapistID: id, Evidence: Evidence{Sessions: sortedUnique(lowSessions), Numbers: nums}}
		f.Title, f.Detail = conductConcernWords(name, len(lastN(ss, recentN)), low, concernMax)
		r.add(f, 0)
	}
	if len(fell) > 0 {
		trendNums["drop"] = trendDrop
		f := Finding{Code: CodeConductTrend, TherapistID: id, Evidence: Evidence{Sessions: sortedUnique(fellSessions), Numbers: trendNums}}
		f.Title, f.Detail = conductTrendWords(name, len(lastN(ss, recentN)), fell, trendDrop)
		r.add(f, 0)
	}
}

func appendRatings(ids []int64, rs []rating) []int64 {
	for _, r := range rs {
		ids = append(ids, r.session)
	}
	return ids
}

func sortedUnique(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// redFlags applies red_flags: a flag of any kind in at least
// red_flag_min_sessions of the last red_flag_window sessions, or a boundary
// flag at any time. Sessions are counted, not kinds: a therapist who blames
// the person once, steers to the relationship the next time and rewrites
// their account the time after shows a pattern no single kind repeats.
func (r *run) redFlags(id int64, ss []*upshot.Session, window, minSessions, longDays, longMin int) {
	fs := FlagSummary{TherapistID: id, Counts: map[string]int{}, Sessions: []int64{}}
	var boundary []*upshot.Session
	for _, s := range ss {
		if len(s.Flags) == 0 {
			continue
		}
		fs.SessionsWithFlags++
		fs.Sessions = append(fs.Sessions, s.ID)
		for _, f := range s.Flags {
			fs.Counts[f]++
		}
		if s.HasFlag(upshot.FlagBoundary) {
			boundary = append(boundary, s)
		}
	}
	r.out.Flags = append(r.out.Flags, fs)
	if fs.SessionsWithFlags == 0 {
		return
	}
	recent := lastN(ss, window)
	var flagged []int64
	perKind := map[string]int{}
	for _, s := range recent {
		if len(s.Flags) == 0 {
			continue
		}
		flagged = append(flagged, s.ID)
		for _, f := range s.Flags {
			perKind[f]++
		}
	}
	facts := redFlagFacts{Name: r.name(id)}
	var evidence []int64
	nums := map[string]float64{}
	if len(flagged) >= minSessions {
		for _, f := range upshot.Flags {
			if n := perKind[f]; n > 0 {
				facts.Kinds = append(facts.Kinds, flagCount{f, n})
				nums[f] = float64(n)
			}
		}
		nums["sessions_flagged"] = float64(len(flagged))
		evidence = append(evidence, flagged...)
		facts.Flagged, facts.Window, facts.MinSessions = len(flagged), len(recent), minSessions
	} else if long, ev, n := r.longFlags(ss, longDays, longMin); long != nil {
		// Flags spread thin over a long time still count.
		facts.Long = long
		evidence = append(evidence, ev...)
		for k, v := range n {
			nums[k] = v
		}
	}
	for _, s := range boundary {
		facts.Boundaries = append(facts.Boundaries, s.Date)
		evidence = append(evidence, s.ID)
	}
	if len(boundary) > 0 {
		nums[upshot.FlagBoundary+"_ever"] = float64(len(boundary))
	}
	if facts.Flagged == 0 && facts.Long == nil && len(facts.Boundaries) == 0 {
		return
	}
	nums["window"], nums["min_sessions"] = float64(window), float64(minSessions)
	f := Finding{Code: CodeRedFlags, TherapistID: id, Evidence: Evidence{Sessions: sortedUnique(evidence), Numbers: nums}}
	f.Title, f.Detail = redFlagWords(facts)
	r.add(f, 0)
}

// expertise applies no_expertise over the recent sessions: got "none", or
// an opinion the person asked for was withheld.
func (r *run) expertise(id int64, recent []*upshot.Session, minCount int) {
	var hit []int64
	none, withheld := 0, 0
	for _, s := range recent {
		n := slices.Contains(s.Got, upshot.GotNone)
		w := s.HasFlag(upshot.FlagWithheldOpinion)
		if n {
			none++
		}
		if w {
			withheld++
		}
		if n || w {
			hit = append(hit, s.ID)
		}
	}
	if len(hit) < minCount {
		return
	}
	f := Finding{Code: CodeNoExpertise, TherapistID: id,
		Evidence: Evidence{Sessions: hit, Numbers: map[string]float64{"sessions": float64(len(hit)), "got_none": float64(none),
			"withheld_opinion": float64(withheld), "min_sessions": float64(minCount)}}}
	f.Title, f.Detail = noExpertiseWords(r.name(id), len(hit), len(recent), none, withheld, minCount)
	r.add(f, 0)
}

func (r *run) worseAfter(id int64, recent []*upshot.Session, minCount int) {
	var hit []int64
	for _, s := range recent {
		if s.After == upshot.AfterWorse {
			hit = append(hit, s.ID)
		}
	}
	if len(hit) < minCount {
		return
	}
	f := Finding{Code: CodeWorseAfter, TherapistID: id,
		Evidence: Evidence{Sessions: hit, Numbers: map[string]float64{"worse": float64(len(hit)), "window": float64(len(recent)), "min": float64(minCount)}}}
	f.Title, f.Detail = worseAfterWords(r.name(id), len(hit), len(recent), minCount)
	r.add(f, 0)
}

func joinOr(items []string) string {
	if len(items) == 2 {
		return items[0] + " or " + items[1]
	}
	return joinAnd(items)
}
