package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// TestManyWritersOnAFreshHandle: more concurrent writers than the handle
// has PostgreSQL connections, each running statements the handle has not
// prepared yet. A transaction holds its connection; one that needed a second
// connection to prepare a statement would wait for a connection that the
// other transactions, waiting the same way, never give back.
func TestManyWritersOnAFreshHandle(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			setup, err := store.Open(ctx, dsn)
			must(t, err)
			const writers = 60
			owners := make([]upshot.OwnerID, writers)
			for i := range owners {
				owners[i], err = setup.CreateUser(ctx, fmt.Sprintf("writer%d", i))
				must(t, err)
			}
			setup.Close()

			db, err := store.Open(ctx, dsn) // a handle that has prepared nothing
			must(t, err)
			defer db.Close()
			// The bound is for a deadlock, which never ends by itself.
			c, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			var wg sync.WaitGroup
			errs := make([]error, writers)
			start := make(chan struct{})
			for i := range writers {
				wg.Go(func() {
					<-start
					errs[i] = db.SetSettings(c, owners[i], []upshot.SettingChange{{Name: "recent_window", Value: "6"}, {Name: upshot.SettingCrisisContacts, Value: "Jo"}})
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("writer %d: %v", i, err)
				}
			}
		})
	}
}
