package upshot

import (
	"strconv"
	"strings"
)

// Money is an amount in hundredths of the currency unit. Integers, because a
// cost summed over a year of sessions must not drift like a float would.
type Money int64

// MaxMoney bounds a single fee: far above any session fee, low enough that a
// decade of sums cannot overflow.
const MaxMoney Money = 100_000_000 // 1,000,000.00

// ParseMoney reads "80", "80.5" or "80.50"; no sign, no thousands separators.
func ParseMoney(field, s string) (Money, error) {
	bad := Invalid(field, "%s must be an amount like 80 or 80.50 (0 to 1000000), got %q", field, s)
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasFrac && frac == "") || len(whole) > 7 {
		return 0, bad
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, bad
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	m := Money(w*100 + f)
	if m > MaxMoney {
		return 0, bad
	}
	return m, nil
}

// Per divides an amount by n (n > 0), rounded to the nearest hundredth,
// halves up: what each of n things cost ("per goal solved"). It stays in
// whole hundredths, as every sum of money does.
func (m Money) Per(n int) Money {
	return (m + Money(n)/2) / Money(n)
}

// String writes the shortest exact decimal: 80, 80.5, 80.05.
func (m Money) String() string {
	s := strconv.FormatInt(int64(m/100), 10)
	c := int64(m % 100)
	if c < 0 {
		c = -c
	}
	switch {
	case c == 0:
		return s
	case c%10 == 0:
		return s + "." + strconv.FormatInt(c/10, 10)
	case c < 10:
		return s + ".0" + strconv.FormatInt(c, 10)
	default:
		return s + "." + strconv.FormatInt(c, 10)
	}
}

// Amount writes m as an exact decimal string with two decimals ("90.50",
// "5310.00"): money as the API and the review's JSON give it beside the
// JSON number of version 1, which most clients read into a float.
func (m Money) Amount() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/100, 10) + "." + strconv.FormatInt(v%100/10, 10) + strconv.FormatInt(v%10, 10)
}

// Amounts is Amount for each currency of an amount per currency; nil for
// nil (an amount that could not be worked out stays null).
func Amounts(per map[string]Money) map[string]string {
	if per == nil {
		return nil
	}
	out := make(map[string]string, len(per))
	for c, m := range per {
		out[c] = m.Amount()
	}
	return out
}

// MarshalJSON writes a JSON number with the exact decimal value.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney("fee", string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
