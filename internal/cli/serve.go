package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
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

// serveOptions are the flags of 'upshot serve' beyond the address.
type serveOptions struct {
	tlsCert, tlsKey string
	behindProxy     bool
	publicURL       string
	idleDays        int
	maxDays         int
	auditDays       int
	registration    string
}

func (a *app) serveCommand() *cobra.Command {
	var addr string
	var withDemo bool
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--demo] [--tls-cert FILE --tls-key FILE | --behind-proxy] [--public-url URL]",
		Short: "Run the web app and the JSON API",
		Long: `Run the web app (dashboard, session log, check-ins, review, report) and the
JSON API under /api/v1 on your database. It listens on loopback by default, so
only this machine can reach it, and it prints the address to open with your
launch token, a secret kept in ~/.config/upshot/launch-token (readable by you
alone) that keeps other users of this machine out. --demo serves a fresh temporary database filled
with a demo year instead, and deletes it on exit. Stop with Ctrl-C: requests in
flight finish and the database closes cleanly. Go's soft memory limit is
32 MiB unless the GOMEMLIMIT environment variable sets another.

Accounts: once any account has a password ('upshot user add', 'upshot user
passwd'), everyone signs in, and the launch token no longer opens anything.
To serve beyond this machine, accounts must exist and the connection must be
encrypted: either Upshot's own TLS (--tls-cert and --tls-key) or a proxy on
this machine that terminates TLS (--behind-proxy, with --addr on loopback);
--public-url names the address people open (its host is the only name
answered besides localhost).`,
		Args: args(),
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "serve a temporary database filled with demo data")
	cmd.Flags().StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate file (PEM, with its chain)")
	cmd.Flags().StringVar(&o.tlsKey, "tls-key", "", "the private key file (PEM) of --tls-cert")
	cmd.Flags().BoolVar(&o.behindProxy, "behind-proxy", false, "a proxy on this machine terminates TLS; trust its X-Forwarded-Proto and X-Forwarded-For")
	cmd.Flags().StringVar(&o.publicURL, "public-url", "", "the address people open, such as https://upshot.example.org")
	cmd.Flags().IntVar(&o.idleDays, "session-idle-days", int(usecase.DefaultSessionIdle/(24*time.Hour)), "a sign-in ends after this many days unused")
	cmd.Flags().IntVar(&o.maxDays, "session-max-days", int(usecase.DefaultSessionAbsolute/(24*time.Hour)), "a sign-in ends this many days after it began, used or not")
	cmd.Flags().StringVar(&o.registration, "registration", string(usecase.RegistrationClosed), "who may sign up on the web: closed, invite (links from 'upshot user invite') or open")
	cmd.Flags().IntVar(&o.auditDays, "audit-days", usecase.DefaultAuditDays, "keep each account's activity log (sign-ins, token changes, exports) this many days")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return usagef(cmd, "--addr must be host:port such as 127.0.0.1:8080, got %q", addr)
		}
		if err := o.check(cmd); err != nil {
			return err
		}
		network := !isLoopback(host) || o.behindProxy
		if network {
			// What the flags alone decide, before the database is opened.
			if err := checkNetworkFlags(cmd, addr, host, port, o); err != nil {
				return err
			}
		}
		reg, err := a.registry()
		if err != nil {
			return err
		}
		var db *store.DB
		if withDemo {
			if network {
				return usagef(cmd, "--demo serves on loopback only: leave out --addr %s and --behind-proxy", addr)
			}
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
		if network {
			if err := a.checkNetworkAccounts(cmd, db, addr, port); err != nil {
				return err
			}
		}
		var tlsConfig *tls.Config
		if o.tlsCert != "" {
			cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
			if err != nil {
				return usagef(cmd, "--tls-cert and --tls-key: cannot load the certificate and key: %v", err)
			}
			tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		}
		token, note, err := auth.LaunchToken(a.configDir())
		if err != nil {
			return err
		}
		setServeMemoryLimit(os.Getenv)
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
			BehindProxy: o.behindProxy,
			PublicURL:   o.publicURL,
			Sessions: usecase.SessionPolicy{
				Idle:     time.Duration(o.idleDays) * 24 * time.Hour,
				Absolute: time.Duration(o.maxDays) * 24 * time.Hour,
			},
			AuditDays:    o.auditDays,
			Registration: o.signUps(),
			// Request logs hold method, route, status and duration only.
			Logger: slog.New(slog.NewTextHandler(a.stderr, nil)),
			Now:    db.Now,
		})
		if err != nil {
			ln.Close()
			return err
		}
		scheme := "http"
		if tlsConfig != nil {
			ln = tls.NewListener(ln, tlsConfig)
			scheme = "https"
		}
		what := "your records"
		if withDemo {
			what = "a temporary demo database"
		}
		if note != "" {
			fmt.Fprintf(a.stderr, "Note: %s\n", note)
		}
		fmt.Fprintf(a.stderr, "Upshot is serving %s at %s://%s/ (Ctrl-C to stop)\n", what, scheme, ln.Addr())
		signIn, err := db.PasswordsExist(a.ctx)
		if err != nil {
			ln.Close()
			return err
		}
		switch {
		case signIn || !isLoopback(host) || o.behindProxy:
			where := o.publicURL
			if where == "" {
				where = fmt.Sprintf("%s://%s", scheme, ln.Addr())
			}
			fmt.Fprintf(a.stderr, "Accounts have passwords, so everyone signs in at %s/signin\n", strings.TrimSuffix(where, "/"))
		default:
			// The one place the token is shown: the person's own terminal.
			fmt.Fprintf(a.stderr, "Open this address in your browser; it holds your launch token, so keep it to yourself:\n\n    %s://%s/?token=%s\n\n", scheme, ln.Addr(), token)
		}
		return srv.Serve(a.ctx, ln)
	})
	return cmd
}

// check refuses flags that do not go together.
func (o serveOptions) check(cmd *cobra.Command) error {
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return usagef(cmd, "--tls-cert and --tls-key go together: give both files, or neither")
	}
	if o.tlsCert != "" && o.behindProxy {
		return usagef(cmd, "--tls-cert and --behind-proxy exclude each other: either Upshot speaks TLS itself, or the proxy in front does")
	}
	if o.publicURL != "" {
		u, err := url.Parse(o.publicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return usagef(cmd, "--public-url must be an origin such as https://upshot.example.org (scheme and host, no path), got %q", o.publicURL)
		}
	}
	if o.idleDays < 1 || o.maxDays < 1 || o.idleDays > o.maxDays || o.maxDays > 3650 {
		return usagef(cmd, "--session-idle-days and --session-max-days are 1 to 3650 days, idle no longer than max; got %d and %d", o.idleDays, o.maxDays)
	}
	if _, err := usecase.ParseRegistration(o.registration); err != nil {
		return usagef(cmd, "%s", upshot.ErrorMessage(err))
	}
	if o.auditDays < 1 || o.auditDays > usecase.MaxAuditDays {
		return usagef(cmd, "--audit-days is 1 to %d days, got %d", usecase.MaxAuditDays, o.auditDays)
	}
	return nil
}

// Serving beyond loopback (or behind a proxy) is refused unless accounts
// with passwords exist and the connection is encrypted; the refusal says
// exactly what to do. Nothing is listened on before.

func localAdvice(port string) string {
	return fmt.Sprintf("or serve on loopback with --addr 127.0.0.1:%s, and to use it from another device forward that port over SSH (ssh -L %s:127.0.0.1:%s this-machine)", port, port, port)
}

// checkNetworkFlags checks what the flags decide.
func checkNetworkFlags(cmd *cobra.Command, addr, host, port string, o serveOptions) error {
	switch {
	case o.behindProxy && !isLoopback(host):
		return usagef(cmd, "--behind-proxy trusts the proxy's headers only from this machine, so Upshot must listen on loopback: use --addr 127.0.0.1:%s and point the proxy there", port)
	case o.behindProxy && o.publicURL == "":
		return usagef(cmd, "--behind-proxy needs --public-url, the address people open (such as https://upshot.example.org), so that Upshot answers to that host name and no other")
	case !o.behindProxy && o.tlsCert == "":
		return usagef(cmd, "--addr %s would serve your records beyond this machine unencrypted; to serve there, accounts need passwords ('upshot user add NAME') "+
			"and the connection needs TLS: give --tls-cert FILE --tls-key FILE, or run a TLS proxy (such as Caddy, see deploy/) on this machine "+
			"and serve with --behind-proxy --public-url https://YOUR-HOST --addr 127.0.0.1:%s; %s", addr, port, localAdvice(port))
	case o.publicURL == "" && (net.ParseIP(host) == nil || net.ParseIP(host).IsUnspecified()):
		return usagef(cmd, "--addr %s answers on every address or by a host name; give --public-url (such as https://upshot.example.org) so that Upshot knows which host name to answer to", addr)
	}
	return nil
}

// checkNetworkAccounts checks that an account has a password.
func (a *app) checkNetworkAccounts(cmd *cobra.Command, db *store.DB, addr, port string) error {
	exist, err := db.PasswordsExist(a.ctx)
	if err != nil {
		return err
	}
	if !exist {
		return usagef(cmd, "--addr %s with these flags would serve your records beyond this machine, and no account has a password to keep them private there; "+
			"first add an account with 'upshot user add NAME' (or give yours one with 'upshot user passwd %s'), then start serve again; %s",
			addr, upshot.LocalLogin, localAdvice(port))
	}
	return nil
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

// signUps is --registration, checked by check.
func (o serveOptions) signUps() usecase.Registration {
	r, _ := usecase.ParseRegistration(o.registration)
	return r
}
