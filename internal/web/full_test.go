package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
)

// TestDiskFull runs the server on a SQLite database in a real file system
// that is then filled up. A write answers 507 with "the disk is full; nothing
// was saved" (before: 500 "internal error"): JSON from the API, and from a
// form the form again with everything that was typed; nothing is stored;
// pages and reads keep working; once space is freed, writing works again.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	dir := storetest.SmallDisk(t, 4<<20)
	db, err := store.Open(context.Background(), filepath.Join(dir, "upshot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := newAppOn(t, db)
	th, _ := a.seed()
	before := a.counts()
	free := storetest.FillDisk(t, dir)

	// Long enough to need more pages than the WAL holds already.
	note := strings.Repeat("what I would not want to type twice <&> ", 490)
	const message = "the disk is full; nothing was saved"

	r := a.sendJSON("POST", "/api/v1/sessions", fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-16", "note": %q}`, th, note))
	if r.status != http.StatusInsufficientStorage {
		t.Fatalf("API write on a full disk: %d, want 507\n%.300s", r.status, r.body)
	}
	if e := apiErrOf(t, r); e.Code != "disk_full" || e.Message != message {
		t.Errorf("API error %+v, want code disk_full and %q", e, message)
	}

	form := url.Values{"therapist": {fmt.Sprint(th)}, "date": {"2025-06-16"}, "minutes": {"50"}, "format": {"video"}, "note": {note}}
	r = a.postForm("/sessions", form.Encode())
	if r.status != http.StatusInsufficientStorage {
		i := strings.Index(r.text(), "form-error")
		t.Fatalf("form on a full disk: %d, want 507\n%.400s", r.status, r.text()[max(i, 0):])
	}
	page := html.UnescapeString(r.text())
	if !strings.Contains(page, "Nothing was saved.</strong> The disk is full: free some space, then send the form again.") {
		t.Error("the form does not say the disk is full")
	}
	for _, typed := range []string{note, `value="50"`, `value="video" checked`} {
		if !strings.Contains(page, typed) {
			t.Errorf("the form shown again lost what was typed: %.60q", typed)
		}
	}

	for _, path := range []string{"/", "/sessions", "/therapists", "/review", "/api/v1/sessions", "/api/v1/export"} {
		if r := a.get(path); r.status != http.StatusOK {
			t.Errorf("GET %s on a full disk: %d, want 200", path, r.status)
		}
	}
	if got := a.counts(); got != before {
		t.Errorf("records %v after refused writes, want %v", got, before)
	}

	free()
	r = a.postForm("/sessions", form.Encode())
	if r.status != http.StatusSeeOther {
		t.Fatalf("form after space was freed: %d\n%.300s", r.status, r.body)
	}
	if got := a.counts(); got[2] != before[2]+1 {
		t.Errorf("sessions after space was freed: %d, want %d", got[2], before[2]+1)
	}
}
