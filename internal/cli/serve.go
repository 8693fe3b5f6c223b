package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/web"
)

// serveMemoryLimit is the Go runtime's soft memory limit for `upshot serve` unless the
// GOMEMLIMIT environment variable sets one: the server is meant to live
// beside everything else on a small machine (a home server, a 512 MB VPS),
// and without a limit the heap may grow to twice what is live before a
// collection (GOGC=100), which under bursts of renders of a long record
// made the process hold hundreds of megabytes. The limit is soft: the
// runtime collects harder as the heap nears it and never fails an
// allocation for it (a render that needs more gets it). Idle, the server
// holds about 20 MB resident (the binary and a few MB of heap); a render
// allocates up to 25 MB but holds far less at once. 32 MiB left the whole
// process at most 56 MB resident under the load test's stress (BENCHMARKS.md).
const serveMemoryLimit = 32 << 20

// setServeMemoryLimit applies serveMemoryLimit when getenv has no GOMEMLIMIT;
// the runtime has read GOMEMLIMIT itself at start when it is set.
func setServeMemoryLimit(getenv func(string) string) (limit int64, set bool) {
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), false
	}
	debug.SetMemoryLimit(serveMemoryLimit)
	return serveMemoryLimit, true
}

func (a *app) serveCommand() *cobra.Command {
	var addr string
	var withDemo bool
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--demo]",
		Short: "Run the web app and the JSON API",
		Long: `Run the web app (dashboard, session log, check-ins, review, report) and the
JSON API under /api/v1 on your database. It listens on loopback by default, so
only this machine can reach it, and it prints the address to open with your
launch token, a secret kept in ~/.config/upshot/launch-token (readable by you
alone) that keeps other users of this machine out. --demo serves a fresh temporary database filled
with a demo year instead, and deletes it on exit. Stop with Ctrl-C: requests in
flight finish and the database closes cleanly. Go's soft memory limit is
32 MiB unless the GOMEMLIMIT environment variable sets another.`,
		Args: args(),
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "serve a temporary database filled with demo data")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return usagef(cmd, "--addr must be host:port such as 127.0.0.1:8080, got %q", addr)
		}
		if !isLoopback(host) {
			return usagef(cmd, "--addr %s would serve your records beyond this machine, and Upshot has no accounts yet to keep them private there; "+
				"serve on loopback with --addr 127.0.0.1:%s, and to use it from another device forward that port over SSH "+
				"(ssh -L %s:127.0.0.1:%s this-machine)", addr, port, port, port)
		}
		token, note, err := auth.LaunchToken(a.configDir())
		if err != nil {
			return err
		}
		reg, err := a.registry()
		if err != nil {
			return err
		}
		setServeMemoryLimit(os.Getenv)
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
			db.Now = a.sys.Now
			a.db = db
			if _, err := a.fillDemo(db); err != nil {
				return err
			}
		} else if db, err = a.store(); err != nil {
			return err
		}
		ln, err := net.Listen("tcp", addr)
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("cannot listen on %s: the port is in use (Upshot may be running already); try --addr %s", addr, freeAddr(host))
		}
		if err != nil {
			return fmt.Errorf("cannot listen on %s: %w", addr, err)
		}
		srv, err := web.New(web.Config{
			Store:       db,
			Registry:    reg,
			Addr:        ln.Addr().String(),
			Owner:       a.owner,
			LaunchToken: token,
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
		if note != "" {
			fmt.Fprintf(a.stderr, "Note: %s\n", note)
		}
		fmt.Fprintf(a.stderr, "Upshot is serving %s at http://%s/ (Ctrl-C to stop)\n", what, ln.Addr())
		// The one place the token is shown: the person's own terminal.
		fmt.Fprintf(a.stderr, "Open this address in your browser; it holds your launch token, so keep it to yourself:\n\n    http://%s/?token=%s\n\n", ln.Addr(), token)
		return srv.Serve(a.ctx, ln)
	})
	return cmd
}

// isLoopback reports whether host (from --addr) names this machine alone:
// localhost or a loopback IP. An empty host means every interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// freeAddr suggests an address on host with a port that is free now (the
// system picks it), or host:PORT when none can be found.
func freeAddr(host string) string {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return net.JoinHostPort(host, "PORT")
	}
	defer ln.Close()
	return ln.Addr().String()
}
