package cli

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/web"
)

func (a *app) serveCommand() *cobra.Command {
	var addr string
	var withDemo bool
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--demo]",
		Short: "Run the web app and the JSON API",
		Long: `Run the web app (dashboard, session log, check-ins, review, report) and the
JSON API under /api/v1 on your database. It listens on loopback by default, so
only this machine can reach it. --demo serves a fresh temporary database filled
with a demo year instead, and deletes it on exit. Stop with Ctrl-C: requests in
flight finish and the database closes cleanly.`,
		Args: args(),
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "serve a temporary database filled with demo data")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return usagef(cmd, "--addr must be host:port such as 127.0.0.1:8080, got %q", addr)
		}
		reg, err := a.registry()
		if err != nil {
			return err
		}
		var db *store.DB
		if withDemo {
			dir, err := os.MkdirTemp("", "upshot-demo-")
			if err != nil {
				return err
			}
			defer func() {
				a.close() // before the files go
				os.RemoveAll(dir)
			}()
			if db, err = store.Open(a.ctx, filepath.Join(dir, "upshot.db")); err != nil {
				return err
			}
			a.db = db
			if _, err := a.fillDemo(db); err != nil {
				return err
			}
		} else if db, err = a.store(); err != nil {
			return err
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("cannot listen on %s: %w", addr, err)
		}
		srv, err := web.New(web.Config{
			Store:    db,
			Registry: reg,
			Addr:     ln.Addr().String(),
			Owner:    a.owner,
			// Request logs hold method, route, status and duration only.
			Logger: slog.New(slog.NewTextHandler(a.stderr, nil)),
			Now:    db.Now,
		})
		if err != nil {
			ln.Close()
			return err
		}
		what := "your records"
		if withDemo {
			what = "a temporary demo database"
		}
		fmt.Fprintf(a.stderr, "Upshot is serving %s at http://%s/ (Ctrl-C to stop)\n", what, ln.Addr())
		return srv.Serve(a.ctx, ln)
	})
	return cmd
}
