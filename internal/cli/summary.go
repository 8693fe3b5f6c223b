package cli

import (
	"bytes"
	"strings"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report/summary"
	"github.com/upshot-app/upshot/internal/upshot"
)

func (a *app) summaryCommand() *cobra.Command {
	var out, sections string
	cmd := &cobra.Command{
		Use:   "summary [-o FILE.html] [--sections LIST]",
		Short: "Write a one-to-two page summary for a new clinician or your GP",
		Long: `Write a short summary of your records to hand to a new clinician or your GP,
for a second opinion or when leaving a therapy: the courses of therapy, your
questionnaire scores with their published cut-offs, what was tried, what
helped, concerns the records show and your open goals. It is one
self-contained HTML file that opens in any browser and prints on one or two
A4 pages. Without -o it goes to standard output.

--sections picks what goes in, comma-separated, from: ` + usecase.SummarySectionNames() + `.
By default every section but notes: your session notes are included only
when you name them.`,
		Args: args(),
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the summary to FILE (created private, replaced whole)")
	cmd.Flags().StringVar(&sections, "sections", "", "the sections to include, comma-separated ("+usecase.SummarySectionNames()+"; default all but notes)")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		if changed(cmd, "output") && out == "" {
			return upshot.Invalid("-o", "-o needs a file name")
		}
		var names []string // nil: the default sections
		if changed(cmd, "sections") {
			names = strings.Split(sections, ",")
		}
		// Checked before the database is opened, so a mistyped name
		// writes nothing and touches nothing.
		if _, err := usecase.SummarySections("--sections", names); err != nil {
			return err
		}
		reg, err := a.registry()
		if err != nil {
			return err
		}
		db, err := a.reader()
		if err != nil {
			return err
		}
		doc, err := usecase.Summary(a.ctx, db, reg, a.owner, a.today(), "--sections", names)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := summary.Write(&buf, doc); err != nil {
			return err
		}
		return a.writeOut(out, buf.Bytes(), "Summary written to %s (open it in a browser to read or print it)")
	})
	return cmd
}
