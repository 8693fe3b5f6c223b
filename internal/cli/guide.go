package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/upshot-app/upshot/internal/guide"
	"github.com/upshot-app/upshot/internal/upshot"
)

func (a *app) guideCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "guide [SLUG]",
		Short: "Read a short guide: raising a concern, good conduct, a second opinion, ending, complaining",
		Long: `Print a guide as Markdown, or list the guides when no SLUG is given. The same
guides are at /guides in the web app. They inform; they never diagnose.`,
		Example: "  upshot guide\n  upshot guide complain",
		Args:    cobra.MaximumNArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				var b strings.Builder
				for _, g := range guide.All() {
					fmt.Fprintf(&b, "%-36s %s\n", g.Slug, g.Title)
				}
				b.WriteString("\nRead one with: upshot guide SLUG\n")
				_, err := fmt.Fprint(a.stdout, b.String())
				return err
			}
			g, ok := guide.Find(args[0])
			if !ok {
				return upshot.Invalid("SLUG", "SLUG must be one of %s, got %q", strings.Join(guide.Slugs(), ", "), args[0])
			}
			_, err := fmt.Fprint(a.stdout, g.Markdown)
			return err
		}),
	}
}
