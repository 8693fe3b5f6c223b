package web

import (
	"context"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Money in the API. A fee is stored exactly, in hundredths, but version 1
// gave it as a JSON number (90.5), which most clients read into a float
// (issue 15: "money is an exact decimal string ... never a float").
// fee_amount is the same amount as an exact decimal string with two
// decimals ("90.50"), beside the currency: the therapist's own, and on a
// session its therapist's. fee stays, deprecated, for one more version.
// Either may be sent; both must agree.

// therapistJSON is a therapist as the API reads and writes it.
type therapistJSON struct {
	upshot.Therapist
	FeeAmount *string `json:"fee_amount"`
}

// sessionJSON is a session as the API reads and writes it. Currency is
// its therapist's (readOnly): accepted in a body, so that a GET body can be
// sent back, and ignored.
type sessionJSON struct {
	upshot.Session
	FeeAmount *string `json:"fee_amount"`
	Currency  string  `json:"currency"`
}

// amount writes m as an exact decimal string with two decimals.
func amount(m *upshot.Money) *string {
	if m == nil {
		return nil
	}
	s := m.Amount()
	return &s
}

// feeFrom settles a body's fee from fee and fee_amount: either, or both
// when they agree.
func feeFrom(fee **upshot.Money, feeAmount *string) error {
	if feeAmount == nil {
		return nil
	}
	m, err := upshot.ParseMoney("fee_amount", *feeAmount)
	if err != nil {
		return err
	}
	if *fee != nil && **fee != m {
		return upshot.Invalid("fee_amount", "fee_amount (%s) and fee (%s) differ; send one, or the same amount in both", *feeAmount, *fee)
	}
	*fee = &m
	return nil
}

func newTherapistJSON(t *upshot.Therapist) *therapistJSON {
	return &therapistJSON{Therapist: *t, FeeAmount: amount(t.Fee)}
}

// currencies maps the owner's therapists to their currencies, for sessions.
func (s *Server) currencies(ctx context.Context, owner upshot.OwnerID) (map[int64]string, error) {
	list, err := s.store.ListTherapists(ctx, owner)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(list))
	for _, t := range list {
		out[t.ID] = t.Currency
	}
	return out, nil
}

func newSessionJSON(ss *upshot.Session, currencies map[int64]string) sessionJSON {
	return sessionJSON{Session: *ss, FeeAmount: amount(ss.Fee), Currency: currencies[ss.TherapistID]}
}

// sessionsJSON is a list of sessions as the API gives them.
func (s *Server) sessionsJSON(ctx context.Context, owner upshot.OwnerID, list []*upshot.Session) ([]*sessionJSON, error) {
	cur, err := s.currencies(ctx, owner)
	if err != nil {
		return nil, err
	}
	// One allocation for the list's values, not one per session.
	vals := make([]sessionJSON, len(list))
	out := make([]*sessionJSON, len(list))
	for i, ss := range list {
		vals[i] = newSessionJSON(ss, cur)
		out[i] = &vals[i]
	}
	return out, nil
}
