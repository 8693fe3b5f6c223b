package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Conversions between domain values and the portable column types: optional
// numbers are NULL-able integers, money is integer cents, dates are TEXT
// 'YYYY-MM-DD' (NULL when absent), sets are canonical comma-joined TEXT.

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func nullMoney(p *upshot.Money) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func nullDate(d upshot.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func moneyPtr(n sql.NullInt64) *upshot.Money {
	if !n.Valid {
		return nil
	}
	v := upshot.Money(n.Int64)
	return &v
}

func scanDate(s sql.NullString) (upshot.Date, error) {
	if !s.Valid || s.String == "" {
		return upshot.Date{}, nil
	}
	d, err := upshot.ParseDate(s.String)
	if err != nil {
		return upshot.Date{}, fmt.Errorf("stored date %q is not YYYY-MM-DD", s.String)
	}
	return d, nil
}

// joinSet stores a set already in canonical order (Validate sorts it).
func joinSet(vs []string) string { return strings.Join(vs, ",") }

// splitSet returns a non-nil slice so that an empty set exports as [] however
// the record was created.
func splitSet(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// meta holds the scanned Meta columns.
type meta struct {
	version          int
	created, updated string
}

func (m *meta) dest() []any { return []any{&m.version, &m.created, &m.updated} }

func (m *meta) get() (upshot.Meta, error) {
	c, err := parseTime(m.created)
	if err != nil {
		return upshot.Meta{}, err
	}
	u, err := parseTime(m.updated)
	if err != nil {
		return upshot.Meta{}, err
	}
	return upshot.Meta{Version: m.version, CreatedAt: c, UpdatedAt: u}, nil
}

// newMeta is the Meta of a record created now.
func newMeta(now time.Time) upshot.Meta {
	return upshot.Meta{Version: 1, CreatedAt: now, UpdatedAt: now}
}

// metaArgs are the values of the version, created_at, updated_at columns.
func metaArgs(m upshot.Meta) []any {
	return []any{int64(m.Version), formatTime(m.CreatedAt), formatTime(m.UpdatedAt)}
}
