package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The full lists are kept between requests (lists.go); they must follow
// every write at once, by this server or another process, settings
// included, and say exactly what the same list read for one request says.
func TestFullListsFollowEveryChange(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			db := openStore(t, dsn)
			a := dashApp(t, dsn, db, upshot.DefaultOwner, &clock{now: testNow})
			cli := openStore(t, dsn)
			therapist, _ := a.seed()
			ctx := context.Background()

			list := func(path string) []map[string]any {
				t.Helper()
				r := a.get(path)
				if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Fatalf("GET %s: %d %s", path, r.status, r.header.Get("Content-Type"))
				}
				// The same list read for this request alone (a filter that
				// keeps everything) is the same bytes.
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				if again := a.get(path + sep + "since=1900-01-01"); string(again.body) != string(r.body) {
					t.Fatalf("GET %s kept differs from one read for the request:\n%s\n%s", path, r.body, again.body)
				}
				var out []map[string]any
				if err := json.Unmarshal(r.body, &out); err != nil {
					t.Fatalf("GET %s: %v", path, err)
				}
				return out
			}
			before := list("/api/v1/sessions")
			list("/api/v1/sessions") // now kept

			// A session by another process (the CLI) is in the next list.
			s := &upshot.Session{TherapistID: therapist, Date: upshot.NewDate(2025, time.June, 9), Note: "from the CLI"}
			if err := cli.CreateSession(ctx, upshot.DefaultOwner, s); err != nil {
				t.Fatal(err)
			}
			after := list("/api/v1/sessions")
			if len(after) != len(before)+1 || after[len(after)-1]["id"] != float64(s.ID) {
				t.Fatalf("after a session by another process: %d sessions (was %d), last %v", len(after), len(before), after[len(after)-1]["id"])
			}
			// And through the API.
			r := a.sendJSON("PUT", fmt.Sprintf("/api/v1/sessions/%d", s.ID),
				fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-09", "note": "edited", "version": 1}`, therapist))
			if r.status != http.StatusOK {
				t.Fatalf("PUT session: %d %s", r.status, r.body)
			}
			if got := list("/api/v1/sessions"); got[len(got)-1]["note"] != "edited" {
				t.Fatalf("after an edit the list says %v", got[len(got)-1]["note"])
			}

			// A check-in that calls for the safety notice carries the crisis
			// contacts, and follows a change of them made elsewhere.
			def, _ := a.reg.Get("phq9")
			c := &upshot.CheckIn{Instrument: def.ID, InstrumentVersion: def.Version, Date: upshot.NewDate(2025, time.June, 10),
				Answers: answers(0, 0, 0, 0, 0, 0, 0, 0, 1)}
			if err := cli.CreateCheckIn(ctx, upshot.DefaultOwner, c, upshot.Definition{Instrument: def.ID, Version: def.Version, Data: def.Raw()}); err != nil {
				t.Fatal(err)
			}
			notice := func() string {
				t.Helper()
				for _, res := range list("/api/v1/checkins") {
					if res["id"] == float64(c.ID) {
						b, _ := json.Marshal(res["safety_notice"])
						return string(b)
					}
				}
				t.Fatalf("check-in %d is not in the list", c.ID)
				return ""
			}
			if n := notice(); n == "null" || n == `""` {
				t.Fatal("the check-in lacks its safety notice")
			}
			if err := cli.SetSetting(ctx, upshot.DefaultOwner, upshot.SettingCrisisContacts, "Call Ana on 555 0100"); err != nil {
				t.Fatal(err)
			}
			if n := notice(); !strings.Contains(n, "Call Ana on 555 0100") {
				t.Errorf("the safety notice after the crisis contacts changed: %s", n)
			}
			// The filtered lists are not the full one.
			if got := list("/api/v1/checkins?instrument=gad7"); len(got) != 0 {
				t.Errorf("GAD-7 check-ins: %d, want 0", len(got))
			}
		})
	}
}
