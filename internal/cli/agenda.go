package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

func (a *app) agendaCommand() *cobra.Command {
	return group("agenda", "Things you want to raise in your sessions, and what became of them",
		a.agendaAdd(), a.agendaList(), a.agendaShow(), a.agendaAdopt(),
		a.agendaStatus("done", upshot.AgendaDealtWith, "Mark an item dealt with (outside a session)"),
		a.agendaStatus("drop", upshot.AgendaDropped, "Drop an item you no longer want to raise (its history is kept)"),
		a.agendaStatus("reopen", upshot.AgendaOpen, "Open a closed item again"),
		a.agendaDelete())
}

func (a *app) agendaAdd() *cobra.Command {
	return &cobra.Command{
		Use:     "add TEXT",
		Short:   "Add something you want to raise, in your own words; prints its id",
		Example: `  upshot agenda add "Ask why we keep talking about our relationship instead of work"`,
		Args:    args("TEXT"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			return a.addAgendaItem(strings.Join(args, " "), upshot.AgendaMine)
		}),
	}
}

func (a *app) addAgendaItem(text, source string) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	it := &upshot.AgendaItem{Text: text, Source: source}
	created, err := usecase.AddAgendaItem(a.ctx, db, a.owner, a.sys.Now, it)
	if err != nil {
		return renameField(err, map[string]string{"text": "TEXT"})
	}
	if !created {
		fmt.Fprintf(a.stderr, "upshot: already on your agenda as item %d\n", it.ID)
	}
	_, err = fmt.Fprintln(a.stdout, it.ID)
	return err
}

func (a *app) agendaAdopt() *cobra.Command {
	var f reviewFlags
	cmd := &cobra.Command{
		Use:   "adopt [N]",
		Short: "Add the review's N-th suggestion of what to bring to your agenda (without N, list them)",
		Args:  cobra.MaximumNArgs(1),
	}
	f.register(cmd)
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		_, r, err := a.runReview(cmd, f)
		if err != nil {
			return err
		}
		if len(args) == 0 {
			if len(r.Agenda) == 0 {
				_, err := fmt.Fprintln(a.stdout, "The review suggests nothing to bring just now.")
				return err
			}
			for i, s := range r.Agenda {
				fmt.Fprintf(a.stdout, "%d. %s\n", i+1, s)
			}
			_, err := fmt.Fprintln(a.stdout, "\nAdd one to your agenda with: upshot agenda adopt N")
			return err
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 1 || n > len(r.Agenda) {
			if len(r.Agenda) == 0 {
				return upshot.Invalid("N", "the review suggests nothing to bring just now")
			}
			return upshot.Invalid("N", "N must be 1 to %d (the review's suggestions, listed by 'upshot agenda adopt'), got %q", len(r.Agenda), args[0])
		}
		return a.addAgendaItem(r.Agenda[n-1], upshot.AgendaReview)
	})
	return cmd
}

func (a *app) agendaList() *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "list [--all] [--json]",
		Short: "List the open items, the ones raised again and again first",
		Args:  args(),
	}
	cmd.Flags().BoolVar(&all, "all", false, "also the items dealt with or dropped")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (each item with its history, as the API gives it)")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		entries, err := usecase.Agenda(a.ctx, db, a.owner)
		if err != nil {
			return err
		}
		if !all {
			open := entries[:0:0]
			for _, e := range entries {
				if e.Open() {
					open = append(open, e)
				}
			}
			entries = open
		}
		if asJSON {
			return writeJSON(a.stdout, entries)
		}
		if len(entries) == 0 {
			_, err := fmt.Fprintln(a.stdout, "Nothing on your agenda. Add something with: upshot agenda add \"TEXT\" (or adopt a suggestion: upshot agenda adopt)")
			return err
		}
		for _, e := range entries {
			writeAgendaLine(a.stdout, e)
		}
		return nil
	})
	return cmd
}

// writeAgendaLine is one item: id, state, how often raised, the text.
func writeAgendaLine(w io.Writer, e upshot.AgendaEntry) {
	state := "open"
	switch {
	case e.Unresolved:
		state = "raised " + strconv.Itoa(e.Raised) + "x, not dealt with: raise it first"
	case e.State == upshot.AgendaDealtWith:
		state = "dealt with " + e.DealtWith.String()
	case e.State == upshot.AgendaDropped:
		state = "dropped " + e.Item.Closed.String()
	case e.Raised > 0:
		state = "open, raised " + strconv.Itoa(e.Raised) + "x"
	}
	from := ""
	if e.Item.Source == upshot.AgendaReview {
		from = " (from the review)"
	}
	fmt.Fprintf(w, "%d\t%s\t%s%s\n", e.Item.ID, state, e.Item.Text, from)
}

func (a *app) agendaShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "Show an item with its history: each session it was shown at and what became of it",
		Args:  args("ID"),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		id, err := parseID("agenda item", args[0])
		if err != nil {
			return err
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		e, err := usecase.AgendaEntryOf(a.ctx, db, a.owner, id)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.stdout, e)
		}
		writeAgendaLine(a.stdout, *e)
		fmt.Fprintf(a.stdout, "added %s\n", e.Item.Opened)
		for _, h := range e.History {
			fmt.Fprintf(a.stdout, "%s\tsession %d\t%s\n", h.Date, h.SessionID, upshot.AgendaMarkLabels[h.Mark])
		}
		if !e.Item.Closed.IsZero() {
			fmt.Fprintf(a.stdout, "%s\t%s by hand\n", e.Item.Closed, strings.ReplaceAll(e.Item.Status, "_", " "))
		}
		return nil
	})
	return cmd
}

func (a *app) agendaStatus(use, status, short string) *cobra.Command {
	return &cobra.Command{
		Use:   use + " ID",
		Short: short,
		Args:  args("ID"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			id, err := parseID("agenda item", args[0])
			if err != nil {
				return err
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			_, err = usecase.SetAgendaStatus(a.ctx, db, a.owner, a.sys.Now, id, status)
			return err
		}),
	}
}

func (a *app) agendaDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete an item that was never shown at a session (drop one that was)",
		Args:  args("ID"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			id, err := parseID("agenda item", args[0])
			if err != nil {
				return err
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			return db.DeleteAgendaItem(a.ctx, a.owner, id)
		}),
	}
}
