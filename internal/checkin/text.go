package checkin

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// SafetyNotice is the text every surface shows first when a check-in carries
// the safety flag. It follows safe-messaging practice: calm, hopeful, about
// reaching out; no scores, no alarm, no judgement, and honest that Upshot is
// not a crisis service. crisisContacts is the person's crisis_contacts setting.
func SafetyNotice(crisisContacts string) string {
	contacts := strings.TrimSpace(crisisContacts)
	var b strings.Builder
	b.WriteString("Your answers say you have had thoughts of being better off dead or of hurting yourself. ")
	b.WriteString("You deserve support with this, and you don't have to face it alone. ")
	b.WriteString("Talking to someone you trust, your therapist or your doctor can help.\n")
	if contacts != "" {
		b.WriteString(contacts)
		b.WriteString("\n")
	}
	b.WriteString("Upshot is not a crisis service.")
	return b.String()
}

// ChangeShort is the short words for a change of r ("reliably better"), as
// tables show it; "" when it is not a change by the instrument's rule.
func (r Result) ChangeShort(c *Change) string {
	short, _ := r.changeWords(c)
	return short
}

// changeWords words c by the rule of the definition r was judged by. A
// Result built by hand has none, and then no rule is claimed at all.
func (r Result) changeWords(c *Change) (short, long string) {
	if r.def == nil {
		return "", ""
	}
	return r.def.ChangeWords(c.Reliable)
}

// rangeName names the range past the cut-off ("the clinical range").
func (r Result) rangeName() string {
	var c *instrument.Caseness
	if r.def != nil {
		c = r.def.Caseness
	}
	return c.RangeName()
}

// changeText is one comparison in words: "down 7 from your first check-in
// (15): a reliable improvement".
func (r Result) changeText(c *Change, since string) string {
	text := fmt.Sprintf("%s %s (%d)", moveWords(c), since, c.From)
	if _, words := r.changeWords(c); words != "" {
		text += ": " + words
	}
	return text
}

func moveWords(c *Change) string {
	switch {
	case c.Delta < 0:
		return fmt.Sprintf("down %d", -c.Delta)
	case c.Delta > 0:
		return fmt.Sprintf("up %d", c.Delta)
	default:
		return "no change"
	}
}

// BaselineText describes the change from the first check-in, e.g. "down 7
// from your first check-in: a reliable improvement"; "" when this is the first.
func (r Result) BaselineText() string {
	if r.Change.Baseline == nil {
		return ""
	}
	return r.changeText(r.Change.Baseline, "from your first check-in")
}

// PreviousText describes the change since the check-in just before this one.
func (r Result) PreviousText() string {
	if r.Change.Previous == nil {
		return ""
	}
	return r.changeText(r.Change.Previous, "since your last check-in")
}

// RecoveryText says, in the NHS Talking Therapies sense, whether the scores
// have moved out of the clinical range since the first check-in; "" when
// recovery cannot apply.
func (r Result) RecoveryText() string {
	switch {
	case r.Recovery == nil:
		return ""
	case r.ReliableRecovery != nil && *r.ReliableRecovery:
		return "reliable recovery: your first check-in was in " + r.rangeName() + ", this one is not, and the change is reliable"
	case *r.Recovery:
		return "recovery: your first check-in was in " + r.rangeName() + " and this one is not"
	default:
		return "your first check-in was in " + r.rangeName() + " and this one still is"
	}
}

// CasenessText words the clinical cut-off neutrally, right for scales where
// higher is worse and for those where higher is better; "" when the
// instrument has no cut-off.
func (r Result) CasenessText() string {
	switch {
	case r.Caseness == nil:
		return ""
	case *r.Caseness:
		return "In " + r.rangeName() + " for this questionnaire."
	default:
		return "Not in " + r.rangeName() + " for this questionnaire."
	}
}

// Attributions returns the attribution line of each questionnaire with
// check-ins, in the registry's order.
func Attributions(snap *upshot.Snapshot, reg *instrument.Registry) []string {
	resolve := Resolver(reg, snap.Definitions)
	seen := map[string]bool{}
	var defs []*instrument.Definition
	for _, c := range snap.CheckIns {
		if seen[c.Instrument] {
			continue
		}
		seen[c.Instrument] = true
		if d, err := resolve(c); err == nil {
			defs = append(defs, d)
		}
	}
	rank := func(d *instrument.Definition) int {
		if reg != nil {
			for i, r := range reg.All() {
				if r.ID == d.ID {
					return i
				}
			}
		}
		return 1 << 20
	}
	slices.SortFunc(defs, func(a, b *instrument.Definition) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.ID, b.ID))
	})
	var out []string
	for _, d := range defs {
		line := d.Label() + ": " + strings.TrimSpace(d.Attribution)
		if d.Note != "" {
			line += " " + strings.TrimSpace(d.Note)
		}
		out = append(out, line)
	}
	return out
}
