package summary

import (
	"strings"
	"testing"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// With nothing recorded, each chosen section says so instead of an empty
// table, and the standalone file is whole, with its styles and no script.
func TestEmptyRecords(t *testing.T) {
	today := upshot.DateOf(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	d := usecase.BuildSummary(&upshot.Snapshot{}, instrument.Builtin(), today, usecase.SummarySectionList)
	var b strings.Builder
	if err := Write(&b, d); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"<!doctype html>", "<style>", "Summary of my therapy records", "The records hold no sessions.",
		"The records hold no scored standard questionnaire.", "The review found no concern in the records.", "No goal is open.",
		"No session has a note.", "</html>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the empty summary lacks %q", want)
		}
	}
	if strings.Contains(out, "Support is available") || strings.Contains(out, "<script") || strings.Contains(out, "notes are not included") {
		t.Error("the empty summary with notes chosen has a safety notice, a script, or says notes are left out")
	}
}
