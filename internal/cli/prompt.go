package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/huh"
	"golang.org/x/term"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// interactive reports whether a person is at a terminal to answer questions.
// Scripts, pipes and tests are not: there a missing value is an error that
// names the flag, never a prompt that would hang.
func (a *app) interactive() bool {
	in, ok := a.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return false
	}
	// The form draws on stderr so that stdout carries only the result.
	out, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(out.Fd()))
}

// missing is the error for a required value that was not given.
func missing(flag, hint string) error {
	if hint != "" {
		return upshot.Invalid(flag, "%s is required (%s)", flag, hint)
	}
	return upshot.Invalid(flag, "%s is required", flag)
}

func (a *app) runForm(groups ...*huh.Group) error {
	err := huh.NewForm(groups...).WithInput(a.stdin).WithOutput(a.stderr).RunWithContext(a.ctx)
	if errors.Is(err, huh.ErrUserAborted) {
		return errors.New("cancelled; nothing was saved")
	}
	return err
}

// validator adapts a domain check to a form field.
func validator(check func(string) error) func(string) error {
	return func(s string) error {
		if err := check(s); err != nil {
			return errors.New(upshot.ErrorMessage(err))
		}
		return nil
	}
}

func (a *app) askText(title, hint string, value *string, check func(string) error) error {
	in := huh.NewInput().Title(title).Value(value).Validate(validator(check))
	if hint != "" {
		in = in.Description(hint)
	}
	return a.runForm(huh.NewGroup(in))
}

func (a *app) askChoice(title string, choices []string, value *string) error {
	opts := make([]huh.Option[string], len(choices))
	for i, c := range choices {
		opts[i] = huh.NewOption(strings.ReplaceAll(c, "_", " "), c)
	}
	return a.runForm(huh.NewGroup(huh.NewSelect[string]().Title(title).Options(opts...).Value(value)))
}

// askDate asks for a date, offering today.
func (a *app) askDate(title string, value *string) error {
	today := a.today()
	if *value == "" {
		*value = today.String()
	}
	return a.askText(title, "YYYY-MM-DD; today is "+today.String(), value, func(s string) error {
		_, err := dateFlag("date", s, today)
		return err
	})
}

// askTherapist offers the therapists on record.
func (a *app) askTherapist(value *string) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	ts, err := db.ListTherapists(a.ctx, a.owner)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return upshot.Invalid("--therapist", "--therapist is required, and there is no therapist yet: add one with 'upshot therapist add NAME'")
	}
	opts := make([]huh.Option[string], 0, len(ts))
	for _, t := range ts {
		label := t.Name
		if !t.Ended.IsZero() {
			label += " (ended " + t.Ended.String() + ")"
		}
		opts = append(opts, huh.NewOption(label, fmt.Sprint(t.ID)))
	}
	if *value == "" {
		*value = opts[len(opts)-1].Value // the latest therapist is the likely one
	}
	return a.runForm(huh.NewGroup(huh.NewSelect[string]().Title("Therapist").Options(opts...).Value(value)))
}

// askAnswers asks each item of a questionnaire with its exact wording and
// options, one page per item, as the paper form does.
func (a *app) askAnswers(def *instrument.Definition) ([]*int, error) {
	values := make([]int, len(def.Items))
	groups := make([]*huh.Group, len(def.Items))
	for i, it := range def.Items {
		opts := make([]huh.Option[int], 0, len(def.ItemOptions(i)))
		for _, o := range def.ItemOptions(i) {
			opts = append(opts, huh.NewOption(fmt.Sprintf("%s (%d)", o.Label, o.Score), o.Score))
		}
		values[i] = opts[0].Value
		desc := fmt.Sprintf("%s · question %d of %d", def.Label(), i+1, len(def.Items))
		if def.Instruction != "" {
			desc = def.Instruction + "\n" + desc
		}
		groups[i] = huh.NewGroup(huh.NewSelect[int]().Title(it.Text).Description(desc).Options(opts...).Value(&values[i]))
	}
	if err := a.runForm(groups...); err != nil {
		return nil, err
	}
	answers := make([]*int, len(values))
	for i := range values {
		answers[i] = upshot.Ptr(values[i])
	}
	return answers, nil
}
