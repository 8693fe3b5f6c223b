package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report"
)

func (a *app) compareCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "compare [ID...] [--json]",
		Short: "Your therapists side by side: what your records show for each",
		Long: `Put your therapists side by side: sessions, weeks and cost (also per reliable
improvement and per goal solved), each questionnaire from the start of the
course to its latest score, the NHS Talking Therapies outcome, where the time
went, goals, what you got, how helpful you found the sessions, who set the
agenda, conduct, red flags and how you felt after. Every figure is the
review's for that therapist alone (upshot review --therapist ID). It states
your records; it does not rank or score anyone.

Without IDs every therapist with a session is compared.`,
		Example: `  upshot compare          # every therapist you have sessions with
  upshot compare 1 2      # these two
  upshot compare --json`,
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the comparison as JSON (as GET /api/v1/compare gives it)")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		var ids []int64
		for _, s := range args {
			id, err := parseID("therapist", s)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		reg, err := a.registry()
		if err != nil {
			return err
		}
		db, err := a.reader()
		if err != nil {
			return err
		}
		c, err := usecase.Compare(a.ctx, db, reg, a.owner, a.today(), ids...)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.stdout, c)
		}
		if len(c.Courses) == 0 {
			_, err := fmt.Fprintln(a.stdout, "No sessions yet, so nothing to compare. Log one with: upshot session add")
			return err
		}
		return writeCompareText(a.stdout, report.ComparisonTable(c, nil), a.width())
	})
	return cmd
}

// writeCompareText prints the table with each cell wrapped in its column:
// the label column first, then one column per therapist, in width columns.
func writeCompareText(w io.Writer, t report.CompareTable, width int) error {
	const gap = 2
	labelW := 0
	for _, r := range t.Rows {
		labelW = max(labelW, utf8.RuneCountInString(r.Label))
	}
	labelW = min(labelW, 24)
	n := len(t.Head)
	colW := max(16, (width-labelW-gap*n)/n)
	var b strings.Builder
	line := func(label string, cells []string) {
		cols := [][]string{wrapText(label, labelW)}
		for _, c := range cells {
			cols = append(cols, wrapText(c, colW))
		}
		height := 0
		for _, c := range cols {
			height = max(height, len(c))
		}
		for i := range height {
			var l strings.Builder
			for j, c := range cols {
				cw := colW
				if j == 0 {
					cw = labelW
				} else {
					l.WriteString(strings.Repeat(" ", gap))
				}
				s := ""
				if i < len(c) {
					s = c[i]
				}
				l.WriteString(s + strings.Repeat(" ", max(0, cw-utf8.RuneCountInString(s))))
			}
			b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
		}
	}
	var names, spans []string
	for _, h := range t.Head {
		names = append(names, fmt.Sprintf("%s (#%d)", h.Name, h.TherapistID))
		spans = append(spans, h.Span)
	}
	line("", names)
	line("", spans)
	b.WriteString("\n")
	for _, r := range t.Rows {
		texts := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			texts[i] = cell0(c.Text)
		}
		line(r.Label, texts)
	}
	b.WriteString("\nThe records side by side, not a score of anyone. Each figure is the review's for\n" +
		"that therapist alone: see upshot review --therapist ID for what it rests on.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// cell0 keeps a cell's text on its lines: no control characters (a goal's
// title is the person's own text).
func cell0(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// wrapText breaks s into lines of at most w runes, at spaces where it can.
func wrapText(s string, w int) []string {
	var out []string
	for _, word := range strings.Fields(s) {
		for utf8.RuneCountInString(word) > w {
			r := []rune(word)
			out = appendWord(out, string(r[:w]), w)
			word = string(r[w:])
		}
		out = appendWord(out, word, w)
	}
	if out == nil {
		out = []string{""}
	}
	return out
}

func appendWord(lines []string, word string, w int) []string {
	if n := len(lines); n > 0 && utf8.RuneCountInString(lines[n-1])+1+utf8.RuneCountInString(word) <= w {
		lines[n-1] += " " + word
		return lines
	}
	return append(lines, word)
}
