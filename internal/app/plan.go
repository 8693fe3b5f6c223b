package app

import (
	"context"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// planSection finds a section or says which keys exist.
func planSection(field, key string) (upshot.PlanSection, error) {
	s, ok := upshot.LookupPlanSection(key)
	if !ok {
		return s, upshot.Invalid(field, "unknown safety plan section %q; use one of %s", key, upshot.PlanSectionKeys())
	}
	return s, nil
}

// PlanLines turns a block of text, one item a line (a form's text box), into
// items: each line trimmed, blank lines left out.
func PlanLines(text string) []string {
	items := []string{}
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			items = append(items, l)
		}
	}
	return items
}

// AddPlanItem appends one item to a section of the owner's plan.
func AddPlanItem(ctx context.Context, st upshot.SafetyPlanService, owner upshot.OwnerID, section, text string) (*upshot.SafetyPlan, error) {
	s, err := planSection("SECTION", section)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, upshot.Invalid("TEXT", "the item is empty; write what you want in the plan")
	}
	return editPlan(ctx, st, owner, func(p *upshot.SafetyPlan) error {
		items := s.Items(p)
		*items = append(*items, text)
		return nil
	})
}

// RemovePlanItem removes the n-th item (counting from 1, as `plan show`
// numbers them) of a section.
func RemovePlanItem(ctx context.Context, st upshot.SafetyPlanService, owner upshot.OwnerID, section string, n int) (*upshot.SafetyPlan, error) {
	s, err := planSection("SECTION", section)
	if err != nil {
		return nil, err
	}
	return editPlan(ctx, st, owner, func(p *upshot.SafetyPlan) error {
		items := s.Items(p)
		if n < 1 || n > len(*items) {
			if len(*items) == 0 {
				return upshot.Invalid("NUMBER", "%s has no items to remove", s.Key)
			}
			return upshot.Invalid("NUMBER", "NUMBER must be 1 to %d (the items of %s), got %d", len(*items), s.Key, n)
		}
		*items = append((*items)[:n-1], (*items)[n:]...)
		return nil
	})
}

// SetPlanSection replaces a section's items (none clears it).
func SetPlanSection(ctx context.Context, st upshot.SafetyPlanService, owner upshot.OwnerID, section string, items []string) (*upshot.SafetyPlan, error) {
	s, err := planSection("SECTION", section)
	if err != nil {
		return nil, err
	}
	var clean []string
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			clean = append(clean, it)
		}
	}
	return editPlan(ctx, st, owner, func(p *upshot.SafetyPlan) error {
		*s.Items(p) = clean
		return nil
	})
}

// SavePlanText saves a whole plan written as one text per section (the web
// form), refusing a stale version: another tab may have saved in between.
func SavePlanText(ctx context.Context, st upshot.SafetyPlanService, owner upshot.OwnerID, version int, texts map[string]string) (*upshot.SafetyPlan, error) {
	p := &upshot.SafetyPlan{Meta: upshot.Meta{Version: version}}
	for _, s := range upshot.PlanSections {
		*s.Items(p) = PlanLines(texts[s.Key])
	}
	if err := st.PutSafetyPlan(ctx, owner, p); err != nil {
		return nil, err
	}
	return p, nil
}

// editPlan reads the plan, changes it and saves it at the version read, so
// a change made meanwhile elsewhere is refused rather than lost.
func editPlan(ctx context.Context, st upshot.SafetyPlanService, owner upshot.OwnerID, change func(*upshot.SafetyPlan) error) (*upshot.SafetyPlan, error) {
	p, err := st.SafetyPlan(ctx, owner)
	if err != nil {
		return nil, err
	}
	if err := change(p); err != nil {
		return nil, err
	}
	if err := st.PutSafetyPlan(ctx, owner, p); err != nil {
		return nil, err
	}
	return p, nil
}
