// Command upshot is a private, client-owned record of one's psychotherapy.
// All the work is in internal/cli; this only connects it to the process.
package main

import (
	"os"

	"github.com/upshot-app/upshot/internal/cli"
)

func main() { os.Exit(cli.Process()) }
