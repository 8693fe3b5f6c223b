// Command upshot is a private, client-owned record of one's psychotherapy.
// All the work is in internal/cli; this only connects it to the process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/upshot-app/upshot/internal/cli"
)

func main() {
	// Ctrl-C or a terminating signal cancels the context, so a write in
	// progress rolls back cleanly instead of being cut off mid-way.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// Only the first signal waits for the clean stop: a second one ends the
	// process at once, as people expect of a second Ctrl-C (SQLite's and
	// PostgreSQL's own journals keep the database whole even then).
	context.AfterFunc(ctx, stop)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
