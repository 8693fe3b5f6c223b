package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

var goalFlags = map[string]string{
	"title": "TITLE", "domain": "--domain", "severity": "--severity", "solved_when": "--solved-when",
	"opened": "--opened", "status": "--status", "closed": "--date",
}

func (a *app) goalCommand() *cobra.Command {
	return group("goal", "Record the real-life problems you came to solve",
		a.goalAdd(), a.goalList(), a.goalClose())
}

func (a *app) goalAdd() *cobra.Command {
	var domain, severity, solvedWhen, opened string
	cmd := &cobra.Command{
		Use:     "add TITLE",
		Short:   "Add a goal in your own words; prints the new id",
		Example: `  upshot goal add "Stop dreading Monday meetings" --domain work --severity 7 --solved-when "I sleep on Sunday nights"`,
		Args:    optionalArg,
	}
	cmd.Flags().StringVar(&domain, "domain", "", "life domain: "+strings.Join(upshot.Domains, ", "))
	cmd.Flags().StringVar(&severity, "severity", "", "how bad it is now, 0-10")
	cmd.Flags().StringVar(&solvedWhen, "solved-when", "", "how you will know it is solved")
	cmd.Flags().StringVar(&opened, "opened", "", "when you set the goal (YYYY-MM-DD, default today)")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		today := a.today()
		g := &upshot.Goal{Domain: strings.TrimSpace(domain), SolvedWhen: solvedWhen, Status: upshot.GoalOpen}
		tty := a.interactive()
		switch {
		case len(args) == 1:
			g.Title = args[0]
		case tty:
			if err := a.askText("Your goal, in your own words", "e.g. stop dreading Monday meetings", &g.Title, func(s string) error {
				return upshot.CheckText("title", s, upshot.MaxTitleLen, false)
			}); err != nil {
				return err
			}
		default:
			return missing("TITLE", "the goal in your own words")
		}
		if !changed(cmd, "domain") {
			if !tty {
				return missing("--domain", "one of "+strings.Join(upshot.Domains, ", "))
			}
			if err := a.askChoice("Life domain", upshot.Domains, &g.Domain); err != nil {
				return err
			}
		}
		if changed(cmd, "severity") {
			n, err := upshot.ParseInt("--severity", severity, 0, 10)
			if err != nil {
				return err
			}
			g.Severity = &n
		}
		var err error
		if g.Opened, err = optionalDate(cmd, "--opened", opened, today); err != nil {
			return err
		}
		// Refused before the database is opened: bad input writes nothing,
		// not even a new empty database.
		if err := g.Validate(today); err != nil {
			return renameField(err, goalFlags)
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		if err := usecase.AddGoal(a.ctx, db, a.owner, a.sys.Now, g); err != nil {
			return renameField(err, goalFlags)
		}
		_, err = fmt.Fprintln(a.stdout, g.ID)
		return err
	})
	return cmd
}

func (a *app) goalList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "list", Short: "List your goals", Args: args()}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		db, err := a.reader()
		if err != nil {
			return err
		}
		gs, err := db.ListGoals(a.ctx, a.owner)
		if err != nil {
			return err
		}
		if gs == nil {
			gs = []*upshot.Goal{}
		}
		if asJSON {
			return writeJSON(a.stdout, gs)
		}
		if len(gs) == 0 {
			_, err := fmt.Fprintln(a.stdout, "No goals yet. Add one with: upshot goal add TITLE --domain DOMAIN")
			return err
		}
		rows := make([][]string, len(gs))
		for i, g := range gs {
			rows[i] = []string{fmt.Sprint(g.ID), g.Title, g.Domain, intText(g.Severity), g.Status, g.Opened.String(), g.Closed.String()}
		}
		return table(a.stdout, []string{"ID", "GOAL", "DOMAIN", "SEVERITY", "STATUS", "OPENED", "CLOSED"}, rows)
	})
	return cmd
}

func (a *app) goalClose() *cobra.Command {
	var status, date string
	cmd := &cobra.Command{Use: "close ID", Short: "Mark a goal solved or dropped", Args: args("ID")}
	cmd.Flags().StringVar(&status, "status", "", "solved or dropped")
	cmd.Flags().StringVar(&date, "date", "", "when (YYYY-MM-DD, default today)")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		id, err := parseID("goal", args[0])
		if err != nil {
			return err
		}
		today := a.today()
		status = strings.TrimSpace(status)
		if !changed(cmd, "status") {
			if !a.interactive() {
				return missing("--status", "solved or dropped")
			}
			if err := a.askChoice("How did the goal end?", usecase.ClosingStatuses, &status); err != nil {
				return err
			}
		}
		if !slices.Contains(usecase.ClosingStatuses, status) {
			// Refused before the database is opened, as the date below.
			return upshot.Invalid("--status", "--status must be one of %s, got %q", strings.Join(usecase.ClosingStatuses, ", "), status)
		}
		closed, err := optionalDate(cmd, "--date", date, today)
		if err != nil {
			return err
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		_, err = usecase.CloseGoal(a.ctx, db, a.owner, a.sys.Now, id, status, closed)
		return renameField(err, goalFlags)
	})
	return cmd
}
