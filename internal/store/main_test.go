package store_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

// TestMain says out loud when PostgreSQL is not tested, so a green run on a
// laptop is never mistaken for one that covered both databases.
func TestMain(m *testing.M) {
	if os.Getenv(storetest.PostgresEnv) == "" && !storetest.InCI() {
		fmt.Fprintf(os.Stderr, "store tests: PostgreSQL NOT tested (set %s to test it)\n", storetest.PostgresEnv)
	}
	os.Exit(m.Run())
}
