package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/guide"
	"github.com/upshot-app/upshot/internal/upshot"
)

// planHint is the line the CLI prints under the safety notice, so that the
// person's own plan is one command away wherever the notice appears.
const planHint = "Your safety plan: upshot plan show"

func (a *app) planCommand() *cobra.Command {
	return group("plan", "Your safety plan: warning signs, coping steps, people to call, reasons to live",
		a.planShow(), a.planAdd(), a.planRemove(), a.planSet())
}

func planSectionsHelp() string {
	var b strings.Builder
	b.WriteString("SECTION is one of:\n")
	for _, s := range upshot.PlanSections {
		fmt.Fprintf(&b, "  %-18s  %s\n", s.Key, s.Title)
	}
	return b.String()
}

func (a *app) planShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [--json]",
		Short: "Print your safety plan, with example crisis lines after your own",
		Args:  args(),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the plan as the API gives it)")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		p, err := db.SafetyPlan(a.ctx, a.owner)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.stdout, p)
		}
		_, err = fmt.Fprint(a.stdout, planText(p))
		return err
	})
	return cmd
}

// planText is the plan as the terminal shows it: every section in order,
// items numbered for `plan remove`, the shipped examples after the
// person's own professionals and lines.
func planText(p *upshot.SafetyPlan) string {
	var b strings.Builder
	b.WriteString("My safety plan\n")
	if p.Empty() {
		b.WriteString("\nNothing written yet. A plan is best made on a calmer day, perhaps with someone you trust or your\ntherapist. Add to it with: upshot plan add SECTION \"TEXT\"\n")
	}
	for _, s := range upshot.PlanSections {
		fmt.Fprintf(&b, "\n%s (%s)\n  %s\n", s.Title, s.Key, s.Prompt)
		items := *s.Items(p)
		for i, it := range items {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, it)
		}
		if s.Key == "professionals" {
			ex := guide.ExampleCrisisLines()
			b.WriteString("  Examples (after your own):\n")
			for _, l := range ex.Lines {
				fmt.Fprintf(&b, "  - %s, %s: %s\n", l.Name, l.Region, l.Contact)
			}
			fmt.Fprintf(&b, "  %s\n", ex.Note)
		}
	}
	if p.Version > 0 {
		fmt.Fprintf(&b, "\nLast changed %s.\n", p.UpdatedAt.Format("2006-01-02"))
	}
	return b.String()
}

func (a *app) planAdd() *cobra.Command {
	return &cobra.Command{
		Use:     "add SECTION TEXT",
		Short:   "Add an item in your own words to a section of your plan",
		Long:    "Add an item to the end of a section of your safety plan.\n\n" + planSectionsHelp(),
		Example: `  upshot plan add ask_for_help "Jo, 0123 456 789"` + "\n" + `  upshot plan add reasons_to_live "my niece's birthday in May"`,
		Args:    args("SECTION", "TEXT"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			db, err := a.store()
			if err != nil {
				return err
			}
			p, err := usecase.AddPlanItem(a.ctx, db, a.owner, args[0], args[1])
			if err != nil {
				return err
			}
			s, _ := upshot.LookupPlanSection(args[0])
			_, err = fmt.Fprintf(a.stdout, "%s: %d items\n", s.Title, len(*s.Items(p)))
			return err
		}),
	}
}

func (a *app) planRemove() *cobra.Command {
	return &cobra.Command{
		Use:   "remove SECTION NUMBER",
		Short: "Remove an item (numbered as `upshot plan show` numbers it)",
		Long:  "Remove one item from a section of your safety plan.\n\n" + planSectionsHelp(),
		Args:  args("SECTION", "NUMBER"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			n, err := strconv.Atoi(args[1])
			if err != nil {
				return upshot.Invalid("NUMBER", "NUMBER must be a whole number (the item's number in `upshot plan show`), got %q", args[1])
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			p, err := usecase.RemovePlanItem(a.ctx, db, a.owner, args[0], n)
			if err != nil {
				return err
			}
			s, _ := upshot.LookupPlanSection(args[0])
			_, err = fmt.Fprintf(a.stdout, "%s: %d items\n", s.Title, len(*s.Items(p)))
			return err
		}),
	}
}

func (a *app) planSet() *cobra.Command {
	return &cobra.Command{
		Use:   "set SECTION [ITEM...]",
		Short: "Replace a section's items with these (none clears the section)",
		Long:  "Replace all items of one section of your safety plan, in the order given.\n\n" + planSectionsHelp(),
		Example: `  upshot plan set coping_steps "walk round the block" "cold water on my face" "music: the calm playlist"
  upshot plan set warning_signs`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usagef(cmd, "SECTION is required")
			}
			return nil
		},
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			db, err := a.store()
			if err != nil {
				return err
			}
			p, err := usecase.SetPlanSection(a.ctx, db, a.owner, args[0], args[1:])
			if err != nil {
				return err
			}
			s, _ := upshot.LookupPlanSection(args[0])
			_, err = fmt.Fprintf(a.stdout, "%s: %d items\n", s.Title, len(*s.Items(p)))
			return err
		}),
	}
}
