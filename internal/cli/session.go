package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// sessionFieldFlags maps Session fields (the first word of an error's field)
// to their flags.
var sessionFieldFlags = map[string]string{
	"therapist": "--therapist", "date": "--date", "minutes": "--minutes", "fee": "--fee",
	"format": "--format", "agenda": "--agenda", "focus": "--focus", "goals": "--goals",
	"progress": "--progress", "got": "--got", "helpful": "--helpful", "after": "--after",
	"conduct": "--conduct", "flags": "--flags", "note": "--note", "agenda_items": "--raised",
}

// sessionFlags are the flags of session add and edit, kept as text so that
// every value goes through the domain parsers and their messages.
type sessionFlags struct {
	therapist, date, minutes, fee, format, agenda, focus, goals, progress,
	got, helpful, after, conduct, flags, note string
	// What became of agenda items: ids per mark.
	raised, dealtWith, notRaised string
}

func (f *sessionFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.therapist, "therapist", "", "therapist id (see 'upshot therapist list')")
	fs.StringVar(&f.date, "date", "", "date of the session, YYYY-MM-DD")
	fs.StringVar(&f.minutes, "minutes", "", fmt.Sprintf("length in minutes, 1-%d", upshot.MaxSessionMinutes))
	fs.StringVar(&f.fee, "fee", "", "fee paid, e.g. 80 or 80.50")
	fs.StringVar(&f.format, "format", "", strings.Join(upshot.Formats, "|"))
	fs.StringVar(&f.agenda, "agenda", "", "who set the agenda: "+strings.Join(upshot.Agendas, "|"))
	fs.StringVar(&f.focus, "focus", "", "where the time went, in minutes or shares: life=30,relationship=10,therapist=0,admin=5,other=5")
	fs.StringVar(&f.goals, "goals", "", "ids of the goals the session addressed: 1,3")
	fs.StringVar(&f.progress, "progress", "", "progress per goal, -3 much worse .. +3 much better: 1=+1,3=-2")
	fs.StringVar(&f.got, "got", "", "what you got: "+strings.Join(upshot.Inputs, ","))
	fs.StringVar(&f.helpful, "helpful", "", "how helpful it was, 0-10")
	fs.StringVar(&f.after, "after", "", "how you felt after, compared with before: "+strings.Join(upshot.Afters, "|"))
	fs.StringVar(&f.conduct, "conduct", "", "the therapist's conduct, 1-5 each: "+strings.Join(upshot.Qualities, "=4,")+"=4")
	fs.StringVar(&f.flags, "flags", "", "red flags: "+strings.Join(upshot.Flags, ","))
	fs.StringVar(&f.note, "note", "", "your own note (private)")
	fs.StringVar(&f.raised, "raised", "", "ids of agenda items you raised and that were not dealt with: 1,3 (see 'upshot agenda list')")
	fs.StringVar(&f.dealtWith, "dealt-with", "", "ids of agenda items that were raised and dealt with")
	fs.StringVar(&f.notRaised, "not-raised", "", "ids of agenda items that did not come up")
}

// applyMarks sets what became of the agenda items named by --raised,
// --dealt-with and --not-raised, keeping the marks of items not named.
func (f *sessionFlags) applyMarks(cmd *cobra.Command, s *upshot.Session) error {
	byItem := map[int64]string{}
	for _, m := range s.AgendaItems {
		byItem[m.ItemID] = m.Mark
	}
	named := map[int64]string{}
	for _, fl := range []struct{ flag, value, mark string }{
		{"raised", f.raised, upshot.MarkRaised}, {"dealt-with", f.dealtWith, upshot.MarkDealtWith}, {"not-raised", f.notRaised, upshot.MarkNotRaised},
	} {
		if !changed(cmd, fl.flag) {
			continue
		}
		ids, err := upshot.ParseIDs("--"+fl.flag, fl.value)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if other, ok := named[id]; ok {
				return upshot.Invalid("--"+fl.flag, "agenda item %d is named by --%s and --%s; give each item one mark", id, other, fl.flag)
			}
			named[id] = fl.flag
			byItem[id] = fl.mark
		}
	}
	s.AgendaItems = s.AgendaItems[:0]
	for id, m := range byItem {
		s.AgendaItems = append(s.AgendaItems, upshot.AgendaMark{ItemID: id, Mark: m})
	}
	return nil
}

// apply parses every flag that was given into s, leaving the rest as they
// are: add starts from an empty session, edit from the stored one.
func (f *sessionFlags) apply(cmd *cobra.Command, s *upshot.Session, today upshot.Date) error {
	var err error
	if changed(cmd, "therapist") {
		ids, err := upshot.ParseIDs("--therapist", f.therapist)
		if err != nil {
			return err
		}
		if len(ids) != 1 {
			return upshot.Invalid("--therapist", "--therapist must be one therapist id, got %q", f.therapist)
		}
		s.TherapistID = ids[0]
	}
	if changed(cmd, "date") {
		if s.Date, err = dateFlag("--date", f.date, today); err != nil {
			return err
		}
	}
	if changed(cmd, "minutes") {
		n, err := upshot.ParseInt("--minutes", f.minutes, 1, upshot.MaxSessionMinutes)
		if err != nil {
			return err
		}
		s.Minutes = &n
	}
	if changed(cmd, "fee") {
		m, err := upshot.ParseMoney("--fee", f.fee)
		if err != nil {
			return err
		}
		s.Fee = &m
	}
	if changed(cmd, "format") {
		s.Format = strings.TrimSpace(f.format)
		if !slices.Contains(upshot.Formats, s.Format) {
			return oneOf("--format", f.format, upshot.Formats)
		}
	}
	if changed(cmd, "agenda") {
		s.Agenda = strings.TrimSpace(f.agenda)
		if !slices.Contains(upshot.Agendas, s.Agenda) {
			return oneOf("--agenda", f.agenda, upshot.Agendas)
		}
	}
	if changed(cmd, "after") {
		s.After = strings.TrimSpace(f.after)
		if !slices.Contains(upshot.Afters, s.After) {
			return oneOf("--after", f.after, upshot.Afters)
		}
	}
	if changed(cmd, "focus") {
		if s.Focus, err = upshot.ParseFocus(f.focus); err != nil {
			return renameField(err, sessionFieldFlags)
		}
	}
	if changed(cmd, "goals") || changed(cmd, "progress") {
		if s.Goals, err = f.mergeGoals(cmd, s.Goals); err != nil {
			return err
		}
	}
	if changed(cmd, "got") {
		if s.Got, err = upshot.ParseGot(f.got); err != nil {
			return renameField(err, sessionFieldFlags)
		}
	}
	if changed(cmd, "helpful") {
		n, err := upshot.ParseInt("--helpful", f.helpful, 0, 10)
		if err != nil {
			return err
		}
		s.Helpful = &n
	}
	if changed(cmd, "conduct") {
		if s.Conduct, err = upshot.ParseConduct(f.conduct); err != nil {
			return renameField(err, sessionFieldFlags)
		}
	}
	if changed(cmd, "flags") {
		if s.Flags, err = upshot.ParseFlags(f.flags); err != nil {
			return renameField(err, sessionFieldFlags)
		}
	}
	if changed(cmd, "note") {
		s.Note = f.note
	}
	if changed(cmd, "raised") || changed(cmd, "dealt-with") || changed(cmd, "not-raised") {
		return f.applyMarks(cmd, s)
	}
	return nil
}

// mergeGoals works out the goals addressed after --goals and/or --progress.
// --goals replaces the set of goals addressed (keeping the ratings of those
// that stay); --progress rates goals, adding them if needed and keeping other
// ratings. On add, current is empty.
func (f *sessionFlags) mergeGoals(cmd *cobra.Command, current []upshot.GoalProgress) ([]upshot.GoalProgress, error) {
	addressed := make([]int64, 0, len(current))
	for _, g := range current {
		addressed = append(addressed, g.GoalID)
	}
	if changed(cmd, "goals") {
		ids, err := upshot.ParseIDs("--goals", f.goals)
		if err != nil {
			return nil, err
		}
		seen := map[int64]bool{}
		for _, id := range ids {
			if seen[id] {
				return nil, upshot.Invalid("--goals", "--goals lists goal %d twice", id)
			}
			seen[id] = true
		}
		addressed = ids
	}
	var rated []upshot.GoalProgress
	if changed(cmd, "progress") {
		p, err := upshot.ParseProgress(f.progress)
		if err != nil {
			return nil, renameField(err, sessionFieldFlags)
		}
		rated = p
	}
	given := map[int64]bool{}
	for _, p := range rated {
		given[p.GoalID] = true
	}
	for _, g := range current {
		if g.Progress != nil && !given[g.GoalID] && slices.Contains(addressed, g.GoalID) {
			rated = append(rated, g)
		}
	}
	out := upshot.MergeGoals(addressed, rated)
	if out == nil {
		out = []upshot.GoalProgress{}
	}
	return out, nil
}

// sessionError names the flag an error is about. A goal that is not there
// came from --progress when only --progress named goals.
func sessionError(cmd *cobra.Command, err error) error {
	if upshot.ErrorField(err) == "goals" && !changed(cmd, "goals") && changed(cmd, "progress") {
		return renameField(err, map[string]string{"goals": "--progress"})
	}
	return renameField(err, sessionFieldFlags)
}

func oneOf(flag, got string, allowed []string) error {
	return upshot.Invalid(flag, "%s must be one of %s, got %q", flag, strings.Join(allowed, ", "), got)
}

func (a *app) sessionCommand() *cobra.Command {
	return group("session", "Record your sessions",
		a.sessionAdd(), a.sessionList(), a.sessionShow(), a.sessionEdit(), a.sessionDelete())
}

func (a *app) sessionAdd() *cobra.Command {
	var f sessionFlags
	cmd := &cobra.Command{
		Use:   "add --therapist ID --date YYYY-MM-DD [flags]",
		Short: "Record a session; prints the new id",
		Example: `  upshot session add --therapist 1 --date 2024-03-05 --minutes 50 --fee 90 --format video \
      --agenda me --focus life=35,relationship=10,admin=5 --goals 1 --progress 1=+1 \
      --got insight,strategy --helpful 7 --after better --conduct empathy=4,respect=5`,
		Args: args(),
	}
	f.register(cmd)
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		today := a.today()
		if !changed(cmd, "therapist") || !changed(cmd, "date") {
			if !a.interactive() {
				if !changed(cmd, "therapist") {
					return missing("--therapist", "the therapist's id; see 'upshot therapist list'")
				}
				return missing("--date", "YYYY-MM-DD")
			}
			if !changed(cmd, "therapist") {
				if err := a.askTherapist(&f.therapist); err != nil {
					return err
				}
				cmd.Flags().Set("therapist", f.therapist)
			}
			if !changed(cmd, "date") {
				if err := a.askDate("Date of the session", &f.date); err != nil {
					return err
				}
				cmd.Flags().Set("date", f.date)
			}
		}
		s := &upshot.Session{Goals: []upshot.GoalProgress{}, Got: []string{}, Flags: []string{}}
		if err := f.apply(cmd, s, today); err != nil {
			return err
		}
		// Refused before the database is opened: bad input writes nothing,
		// not even a new empty database.
		if err := s.Validate(today); err != nil {
			return renameField(err, sessionFieldFlags)
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		if err := usecase.LogSession(a.ctx, db, a.owner, a.sys.Now, s); err != nil {
			return sessionError(cmd, err)
		}
		_, err = fmt.Fprintln(a.stdout, s.ID)
		return err
	})
	return cmd
}

func (a *app) sessionEdit() *cobra.Command {
	var f sessionFlags
	cmd := &cobra.Command{
		Use:   "edit ID [flags]",
		Short: "Change the flags given on a recorded session; the rest stays as it is",
		Args:  args("ID"),
	}
	f.register(cmd)
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		id, err := parseID("session", args[0])
		if err != nil {
			return err
		}
		if cmd.Flags().NFlag() == 0 {
			return usagef(cmd, "nothing to change: give the flags to change, e.g. --helpful 6")
		}
		today := a.today()
		// Parse everything before reading, so bad input is refused even for
		// a session id that does not exist, and nothing is written.
		probe := &upshot.Session{}
		if err := f.apply(cmd, probe, today); err != nil {
			return err
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		s, err := db.FindSession(a.ctx, a.owner, id)
		if err != nil {
			return err
		}
		// s carries the Version read here: if the session changes before
		// the update, the store refuses it as a conflict instead of losing
		// the other change.
		if err := f.apply(cmd, s, today); err != nil {
			return err
		}
		return sessionError(cmd, usecase.EditSession(a.ctx, db, a.owner, a.sys.Now, s))
	})
	return cmd
}

func (a *app) sessionDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a recorded session",
		Args:  args("ID"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			id, err := parseID("session", args[0])
			if err != nil {
				return err
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			return db.DeleteSession(a.ctx, a.owner, id)
		}),
	}
}

func (a *app) sessionList() *cobra.Command {
	var asJSON bool
	var therapist string
	cmd := &cobra.Command{Use: "list", Short: "List your sessions (notes are shown only by 'session show')", Args: args()}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the full records, notes included)")
	cmd.Flags().StringVar(&therapist, "therapist", "", "only sessions with this therapist id")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		var filter upshot.SessionFilter
		if changed(cmd, "therapist") {
			id, err := parseID("therapist", therapist)
			if err != nil {
				return renameField(err, map[string]string{"ID": "--therapist"})
			}
			filter.TherapistID = id
		}
		db, err := a.reader()
		if err != nil {
			return err
		}
		ss, err := db.ListSessions(a.ctx, a.owner, filter)
		if err != nil {
			return err
		}
		if ss == nil {
			ss = []*upshot.Session{}
		}
		if asJSON {
			return writeJSON(a.stdout, ss)
		}
		if len(ss) == 0 {
			_, err := fmt.Fprintln(a.stdout, "No sessions yet. Record one with: upshot session add --therapist ID --date YYYY-MM-DD")
			return err
		}
		names, err := a.therapistNames(db)
		if err != nil {
			return err
		}
		rows := make([][]string, len(ss))
		for i, s := range ss {
			life, rel := "", ""
			if s.Focus != nil {
				life = percent(s.Focus.LifeShare())
				rel = percent(s.Focus.RelationshipShare())
			}
			rows[i] = []string{fmt.Sprint(s.ID), s.Date.String(), names[s.TherapistID], intText(s.Minutes), life, rel,
				intText(s.Helpful), s.After, fmt.Sprint(len(s.Goals)), strings.Join(s.Got, ","), strings.Join(s.Flags, ",")}
		}
		return table(a.stdout, []string{"ID", "DATE", "THERAPIST", "MIN", "LIFE", "REL+THER", "HELPFUL", "AFTER", "GOALS", "GOT", "RED FLAGS"}, rows)
	})
	return cmd
}

func percent(share float64) string { return fmt.Sprintf("%.0f%%", share*100) }

func (a *app) therapistNames(db *store.DB) (map[int64]string, error) {
	ts, err := db.ListTherapists(a.ctx, a.owner)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(ts))
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	return names, nil
}

func (a *app) sessionShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "show ID", Short: "Show one session in full, with its note", Args: args("ID")}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		id, err := parseID("session", args[0])
		if err != nil {
			return err
		}
		db, err := a.reader()
		if err != nil {
			return err
		}
		s, err := db.FindSession(a.ctx, a.owner, id)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.stdout, s)
		}
		t, err := db.FindTherapist(a.ctx, a.owner, s.TherapistID)
		if err != nil {
			return err
		}
		goals, err := db.ListGoals(a.ctx, a.owner)
		if err != nil {
			return err
		}
		titles := map[int64]string{}
		for _, g := range goals {
			titles[g.ID] = g.Title
		}
		return writeSession(a.stdout, s, t, titles)
	})
	return cmd
}

func writeSession(w io.Writer, s *upshot.Session, t *upshot.Therapist, goalTitles map[int64]string) error {
	var rows [][2]string
	add := func(k, v string) {
		if v != "" {
			rows = append(rows, [2]string{k, v})
		}
	}
	add("Session", fmt.Sprint(s.ID))
	add("Date", s.Date.String())
	add("Therapist", fmt.Sprintf("%s (id %d)", t.Name, t.ID))
	if s.Minutes != nil {
		add("Minutes", fmt.Sprint(*s.Minutes))
	}
	add("Fee paid", moneyText(s.Fee, t.Currency))
	add("Format", strings.ReplaceAll(s.Format, "_", " "))
	add("Agenda set by", s.Agenda)
	if f := s.Focus; f != nil {
		var parts []string
		for _, c := range upshot.FocusCategories {
			if v := f.Get(c); v > 0 {
				parts = append(parts, fmt.Sprintf("%s %d (%s)", c, v, percent(float64(v)/float64(f.Total()))))
			}
		}
		add("Focus", strings.Join(parts, ", "))
	}
	for _, g := range s.Goals {
		v := fmt.Sprintf("%d %s", g.GoalID, goalTitles[g.GoalID])
		if g.Progress != nil {
			v += fmt.Sprintf(" (progress %+d)", *g.Progress)
		}
		add("Goal addressed", v)
	}
	add("What I got", strings.Join(s.Got, ", "))
	if s.Helpful != nil {
		add("Helpful", fmt.Sprintf("%d of 10", *s.Helpful))
	}
	add("After", s.After)
	var conduct []string
	for _, q := range upshot.Qualities {
		if v := s.Conduct.Get(q); v != nil {
			conduct = append(conduct, fmt.Sprintf("%s %d", q, *v))
		}
	}
	add("Conduct (1-5)", strings.Join(conduct, ", "))
	var flags []string
	for _, f := range s.Flags {
		flags = append(flags, upshot.FlagLabels[f]+" ("+f+")")
	}
	add("Red flags", strings.Join(flags, "; "))
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s:\t%s\n", r[0], r[1])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if s.Note != "" {
		// The person asked for this session: the note is theirs to read.
		if _, err := fmt.Fprintf(w, "\nNote:\n%s\n", s.Note); err != nil {
			return err
		}
	}
	return nil
}
