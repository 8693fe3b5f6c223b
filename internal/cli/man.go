package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// manCommand writes a man page per command, generated from the commands
// themselves, so the pages say exactly what --help says.
func (a *app) manCommand(root *cobra.Command) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man -o DIR",
		Short: "Write man pages for every command into DIR",
		Long: `Write a man page for upshot and each of its commands (upshot.1,
upshot-session-add.1, ...) into DIR, created if needed. Read one with
'man DIR/upshot.1', or put DIR on your MANPATH.`,
		Example: "  upshot man -o ~/.local/share/man/man1",
		Args:    args(),
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "", "the directory to write the pages to")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		if dir == "" {
			return missing("-o", "the directory to write the man pages to")
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
		header := &doc.GenManHeader{Title: "UPSHOT", Section: "1", Source: "Upshot " + Version, Manual: "Upshot Manual"}
		if err := doc.GenManTree(root, header, dir); err != nil {
			return fmt.Errorf("write the man pages to %s: %w", dir, err)
		}
		a.tell("Man pages written to %s", dir)
		return nil
	})
	return cmd
}
