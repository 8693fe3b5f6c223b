package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The demo is loaded through store.Import, so it must be a document the store
// accepts and, exported again, gives back unchanged: the demo is exactly what
// an export of the demo database says.
func TestImportRoundTrip(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) { testImportRoundTrip(t, storetest.Open(t, backend)) })
	}
}

func testImportRoundTrip(t *testing.T, db *store.DB) {
	ctx := context.Background()
	snap, err := Build(upshot.Today(), instrument.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Import(ctx, upshot.DefaultOwner, snap); err != nil {
		t.Fatalf("Import: %v", err)
	}
	back, err := db.Export(ctx, upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	back.ExportedAt = snap.ExportedAt
	got, err := json.MarshalIndent(back, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("export after import differs from the demo:\n%s", firstDiff(want, got))
	}
	if err := db.Import(ctx, upshot.DefaultOwner, snap); upshot.ErrorCode(err) != upshot.ECONFLICT {
		t.Errorf("second import into the demo database: %v, want ECONFLICT", err)
	}
}

// firstDiff shows the lines around the first difference, enough to see which
// record and field disagree without printing the whole document.
func firstDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(al) && i < len(bl); i++ {
		if !bytes.Equal(al[i], bl[i]) {
			lo := max(i-3, 0)
			return "demo:\n" + string(bytes.Join(al[lo:min(i+3, len(al))], []byte("\n"))) +
				"\nexport:\n" + string(bytes.Join(bl[lo:min(i+3, len(bl))], []byte("\n")))
		}
	}
	return "one document is a prefix of the other"
}
