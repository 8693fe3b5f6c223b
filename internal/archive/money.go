package archive

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Money in the export (issue 15: "money is an exact decimal string or
// integer minor units with its currency, never a float"). Version 1 gave a
// therapist's and a session's fee as a JSON number (90.5), which most
// readers turn into a float. From version 4 the file also gives it as
// fee_amount, an exact decimal string with two decimals ("90.50") in the
// therapist's currency (a session's is its therapist's), as the API does;
// fee stays for older readers. An import reads either and refuses a file
// where both are given and differ.

// document is the export document as written and read: a Snapshot whose
// therapists and sessions carry fee_amount. Its fields are the Snapshot's
// in the same order (TestDocumentMirrorsSnapshot).
type document struct {
	Format      string               `json:"format"`
	Version     int                  `json:"version"`
	ExportedAt  time.Time            `json:"exported_at"`
	Therapists  []*therapistDoc      `json:"therapists"`
	Goals       []*upshot.Goal       `json:"goals"`
	Sessions    []*sessionDoc        `json:"sessions"`
	CheckIns    []*upshot.CheckIn    `json:"checkins"`
	Definitions []upshot.Definition  `json:"definitions"`
	Settings    upshot.Settings      `json:"settings"`
	SafetyPlan  *upshot.SafetyPlan   `json:"safety_plan,omitempty"`
	AgendaItems []*upshot.AgendaItem `json:"agenda_items,omitempty"`
}

// feeAmount is fee_amount as it stands in the file: left out before
// version 4, null when there is no fee, else a JSON string. Kept raw so
// that reading it can say exactly what is wrong with it.
type feeAmount = json.RawMessage

type therapistDoc struct {
	upshot.Therapist
	FeeAmount feeAmount `json:"fee_amount,omitempty"`
}

type sessionDoc struct {
	upshot.Session
	FeeAmount feeAmount `json:"fee_amount,omitempty"`
}

// amountOf is fee_amount for a fee in a file of the given version.
func amountOf(fee *upshot.Money, version int) feeAmount {
	switch {
	case version < 4:
		return nil
	case fee == nil:
		return feeAmount("null")
	}
	return feeAmount(`"` + fee.Amount() + `"`)
}

// newDocument is the document that writes s.
func newDocument(s *upshot.Snapshot) *document {
	d := &document{
		Format: s.Format, Version: s.Version, ExportedAt: s.ExportedAt,
		Goals: s.Goals, CheckIns: s.CheckIns, Definitions: s.Definitions,
		Settings: s.Settings, SafetyPlan: s.SafetyPlan, AgendaItems: s.AgendaItems,
	}
	if s.Therapists != nil {
		d.Therapists = make([]*therapistDoc, len(s.Therapists))
	}
	for i, t := range s.Therapists {
		if t != nil {
			d.Therapists[i] = &therapistDoc{Therapist: *t, FeeAmount: amountOf(t.Fee, s.Version)}
		}
	}
	if s.Sessions != nil {
		d.Sessions = make([]*sessionDoc, len(s.Sessions))
	}
	for i, ss := range s.Sessions {
		if ss != nil {
			d.Sessions[i] = &sessionDoc{Session: *ss, FeeAmount: amountOf(ss.Fee, s.Version)}
		}
	}
	return d
}

// snapshot is the document's records as a Snapshot, fee_amount aside
// (settleFees reads it once the snapshot is valid).
func (d *document) snapshot() *upshot.Snapshot {
	s := &upshot.Snapshot{
		Format: d.Format, Version: d.Version, ExportedAt: d.ExportedAt,
		Goals: d.Goals, CheckIns: d.CheckIns, Definitions: d.Definitions,
		Settings: d.Settings, SafetyPlan: d.SafetyPlan, AgendaItems: d.AgendaItems,
	}
	if d.Therapists != nil {
		s.Therapists = make([]*upshot.Therapist, len(d.Therapists))
	}
	for i, t := range d.Therapists {
		if t != nil {
			s.Therapists[i] = &t.Therapist
		}
	}
	if d.Sessions != nil {
		s.Sessions = make([]*upshot.Session, len(d.Sessions))
	}
	for i, ss := range d.Sessions {
		if ss != nil {
			s.Sessions[i] = &ss.Session
		}
	}
	return s
}

// settleFees reads each fee_amount into the fee beside it (s is
// d.snapshot(), already valid): a file before version 4 has none, and one
// that gives both must give the same amount.
func (d *document) settleFees(s *upshot.Snapshot) error {
	for i, t := range d.Therapists {
		if t == nil {
			continue
		}
		if err := settleFee(fmt.Sprintf("therapists[%d]", i), &s.Therapists[i].Fee, t.FeeAmount, s.Version); err != nil {
			return err
		}
	}
	for i, ss := range d.Sessions {
		if ss == nil {
			continue
		}
		if err := settleFee(fmt.Sprintf("sessions[%d]", i), &s.Sessions[i].Fee, ss.FeeAmount, s.Version); err != nil {
			return err
		}
	}
	return nil
}

func settleFee(at string, fee **upshot.Money, raw feeAmount, version int) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	field := at + ".fee_amount"
	if version < 4 {
		return upshot.Invalid(field, "%s: fee_amount needs export version 4 or later; this file says version %d", at, version)
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return upshot.Invalid(field, "%s: fee_amount must be an exact decimal string such as \"90.50\", got %s", at, raw)
	}
	if strings.TrimSpace(text) != text {
		return upshot.Invalid(field, "%s: fee_amount must be an exact decimal string such as \"90.50\", got %q", at, text)
	}
	m, err := upshot.ParseMoney("fee_amount", text)
	if err != nil {
		return upshot.Invalid(field, "%s: %s", at, upshot.ErrorMessage(err))
	}
	if *fee != nil && **fee != m {
		return upshot.Invalid(field, "%s: fee_amount (%s) and fee (%s) differ; they are the same amount written two ways", at, text, *fee)
	}
	*fee = &m
	return nil
}
