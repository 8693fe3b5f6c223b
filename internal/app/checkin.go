package app

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// CheckInStore is what recording and scoring check-ins needs.
type CheckInStore interface {
	upshot.CheckInService
	upshot.SettingService
}

// RecordCheckIn stores answers to def, dated date (today on now's clock
// when zero), and returns the check-in scored against the history of its
// instrument. The answers are checked against def; def must mean what it
// meant to earlier check-ins of the same version, or the new one would be
// scored with another meaning than the old: that is refused as invalid (the
// instrument given is the mistake), on every front end alike.
func RecordCheckIn(ctx context.Context, st CheckInStore, reg *instrument.Registry, owner upshot.OwnerID, now upshot.Clock,
	def *instrument.Definition, answers []*int, date upshot.Date) (checkin.Result, error) {
	today := upshot.DateOf(now())
	if date.IsZero() {
		date = today
	}
	if err := upshot.CheckDate("date", date, today); err != nil {
		return checkin.Result{}, err
	}
	if err := def.CheckAnswers(answers); err != nil {
		return checkin.Result{}, err
	}
	stored, err := st.Definitions(ctx, owner)
	if err != nil {
		return checkin.Result{}, err
	}
	if old, err := checkin.Resolve(nil, stored, def.ID, def.Version); err == nil && !checkin.SameDefinition(old, def) {
		return checkin.Result{}, changedDefinition(def)
	}
	c := &upshot.CheckIn{Instrument: def.ID, InstrumentVersion: def.Version, Date: date, Answers: answers}
	err = st.CreateCheckIn(ctx, owner, c, upshot.Definition{Instrument: def.ID, Version: def.Version, Data: json.RawMessage(def.Raw())})
	if upshot.ErrorCode(err) == upshot.ECONFLICT && upshot.ErrorField(err) == "instrument" {
		// Another writer stored a different definition of this version
		// since the check above: the same mistake, said the same way.
		return checkin.Result{}, changedDefinition(def)
	}
	if err != nil {
		return checkin.Result{}, err
	}
	return scored(ctx, st, reg, owner, c)
}

func changedDefinition(def *instrument.Definition) error {
	return upshot.Invalid("instrument", "%s version %d differs from the definition your earlier check-ins were answered with; give the changed definition a new version number", def.ID, def.Version)
}

// ScoreCheckIn reads one check-in and scores it against the history of its
// instrument, each check-in with the definition it was answered to, with the
// safety notice (and the person's crisis contacts) when its answers call for
// one.
func ScoreCheckIn(ctx context.Context, st CheckInStore, reg *instrument.Registry, owner upshot.OwnerID, id int64) (checkin.Result, error) {
	c, err := st.FindCheckIn(ctx, owner, id)
	if err != nil {
		return checkin.Result{}, err
	}
	return scored(ctx, st, reg, owner, c)
}

func scored(ctx context.Context, st CheckInStore, reg *instrument.Registry, owner upshot.OwnerID, c *upshot.CheckIn) (checkin.Result, error) {
	history, err := st.ListCheckIns(ctx, owner, upshot.CheckInFilter{Instrument: c.Instrument})
	if err != nil {
		return checkin.Result{}, err
	}
	defs, err := st.Definitions(ctx, owner)
	if err != nil {
		return checkin.Result{}, err
	}
	res, err := checkin.EvaluateWith(checkin.Resolver(reg, defs), history, c)
	if err != nil {
		return checkin.Result{}, err
	}
	one := []checkin.Result{res}
	if err := withNotices(ctx, st, owner, one); err != nil {
		return checkin.Result{}, err
	}
	return one[0], nil
}

// CorrectCheckIn changes a stored check-in's date or answers, c carrying
// the version last read (a change made meanwhile is a conflict, not lost),
// and returns it scored again. An instrument left out means the stored one;
// the answers are checked against the definition the check-in was answered
// to, which may be older than today's; the store refuses another instrument.
func CorrectCheckIn(ctx context.Context, st CheckInStore, reg *instrument.Registry, owner upshot.OwnerID, now upshot.Clock, c *upshot.CheckIn) (checkin.Result, error) {
	if err := upshot.CheckDate("date", c.Date, upshot.DateOf(now())); err != nil {
		return checkin.Result{}, err
	}
	stored, err := st.FindCheckIn(ctx, owner, c.ID)
	if err != nil {
		return checkin.Result{}, err
	}
	if c.Instrument == "" && c.InstrumentVersion == 0 {
		c.Instrument, c.InstrumentVersion = stored.Instrument, stored.InstrumentVersion
	}
	if c.Instrument == stored.Instrument && c.InstrumentVersion == stored.InstrumentVersion {
		def, err := StoredDefinition(ctx, st, reg, owner, stored.Instrument, stored.InstrumentVersion)
		if err != nil {
			return checkin.Result{}, err
		}
		if err := def.CheckAnswers(c.Answers); err != nil {
			return checkin.Result{}, err
		}
	}
	if err := st.UpdateCheckIn(ctx, owner, c); err != nil {
		return checkin.Result{}, err
	}
	return scored(ctx, st, reg, owner, c)
}

// StoredDefinition is the definition check-ins of this instrument version
// were answered to (see checkin.Resolve).
func StoredDefinition(ctx context.Context, st upshot.CheckInService, reg *instrument.Registry, owner upshot.OwnerID, instrumentID string, version int) (*instrument.Definition, error) {
	defs, err := st.Definitions(ctx, owner)
	if err != nil {
		return nil, err
	}
	return checkin.Resolve(reg, defs, instrumentID, version)
}

// CheckInHistory scores every check-in f selects, oldest first, each with
// its safety notice when its answers call for one. Change is judged against
// the whole history of the instrument, so a list from a date on says the
// same of each check-in as the whole list.
func CheckInHistory(ctx context.Context, st CheckInStore, reg *instrument.Registry, owner upshot.OwnerID, f upshot.CheckInFilter) ([]checkin.Result, error) {
	all, err := st.ListCheckIns(ctx, owner, upshot.CheckInFilter{Instrument: f.Instrument})
	if err != nil {
		return nil, err
	}
	defs, err := st.Definitions(ctx, owner)
	if err != nil {
		return nil, err
	}
	// One pass over the whole history (sorted by date, then id), then the filter.
	results, err := checkin.History(checkin.Resolver(reg, defs), all)
	if err != nil {
		return nil, err
	}
	out := []checkin.Result{}
	for _, res := range results {
		if f.Since.IsZero() || !res.Date.Before(f.Since) {
			out = append(out, res)
		}
	}
	if err := withNotices(ctx, st, owner, out); err != nil {
		return nil, err
	}
	return out, nil
}

// withNotices fills in the safety notice of each result whose answers call
// for one, with the person's crisis contacts.
func withNotices(ctx context.Context, st upshot.SettingService, owner upshot.OwnerID, results []checkin.Result) error {
	if !slices.ContainsFunc(results, func(r checkin.Result) bool { return r.Safety }) {
		return nil
	}
	settings, err := st.Settings(ctx, owner)
	if err != nil {
		return err
	}
	contacts := settings.Get(upshot.SettingCrisisContacts)
	for i := range results {
		results[i] = results[i].WithNotice(contacts)
	}
	return nil
}

// CheckInPage is one page of check-ins in the order they last changed
// (upshot.ChangeQuery), each scored as in CheckInHistory, against the whole
// history of its instrument: a client that syncs by pages sees the same
// scores as one that reads the whole list. A check-in's result depends on
// the history only through the first check-in of its instrument and the one
// just before it, so those are all that is read beside the page: a page
// costs what its check-ins cost, not what the history does.
func CheckInPage(ctx context.Context, st CheckInPageStore, reg *instrument.Registry, owner upshot.OwnerID, q upshot.ChangeQuery) ([]checkin.Result, error) {
	page, earlier, defs, err := st.CheckInChangesScorable(ctx, owner, q)
	if err != nil || len(page) == 0 {
		return []checkin.Result{}, err
	}
	defFor := checkin.Resolver(reg, defs)
	history := slices.Concat(page, earlier)
	out := make([]checkin.Result, len(page))
	for i, c := range page {
		if out[i], err = checkin.EvaluateWith(defFor, history, c); err != nil {
			return nil, err
		}
	}
	if err := withNotices(ctx, st, owner, out); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckInPageStore is what CheckInPage reads.
type CheckInPageStore interface {
	upshot.ChangeService
	upshot.SettingService
}
