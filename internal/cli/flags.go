package cli

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/upshot-app/upshot/internal/upshot"
)

// renameField rewrites a domain error about a field into one about the flag
// the value came from ("helpful must be 0-10" becomes "--helpful must be
// 0-10"), so the person knows what to change on their command line. names
// maps the field's first word to the flag; errors about other fields pass.
func renameField(err error, names map[string]string) error {
	var e *upshot.Error
	if !errors.As(err, &e) {
		return err
	}
	word := e.Field
	if i := strings.IndexAny(word, " .["); i >= 0 {
		word = word[:i]
	}
	flag, ok := names[word]
	if !ok {
		return err
	}
	msg := e.Message
	if rest, ok := strings.CutPrefix(msg, word); ok && (rest == "" || rest[0] == ' ' || rest[0] == ':') {
		msg = flag + rest
	} else {
		msg = flag + ": " + msg
	}
	return &upshot.Error{Code: e.Code, Field: flag, Message: msg}
}

// prefixFlag puts the flag in front of a message that names something inside
// the value ("--answers: item 9 must be one of 0, 1, 2, 3, got 4").
func prefixFlag(err error, flag string) error {
	var e *upshot.Error
	if !errors.As(err, &e) {
		return err
	}
	return &upshot.Error{Code: e.Code, Field: flag, Message: flag + ": " + e.Message}
}

// invalidRef turns "no such therapist/goal" from the store into invalid
// input: the record being written names something that is not there.
func invalidRef(err error) error {
	var e *upshot.Error
	if errors.As(err, &e) && e.Code == upshot.ENOTFOUND && strings.HasPrefix(e.Field, "--") {
		return &upshot.Error{Code: upshot.EINVALID, Field: e.Field, Message: e.Message}
	}
	return err
}

// parseID reads a record id given as a positional argument.
func parseID(kind, s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, upshot.Invalid("ID", "%s ID must be a positive whole number, got %q", kind, s)
	}
	return id, nil
}

// dateFlag reads a date flag and refuses the future: back-dating is normal,
// recording what has not happened yet is not.
func dateFlag(flag, value string, today upshot.Date) (upshot.Date, error) {
	d, err := upshot.ParseDateField(flag, strings.TrimSpace(value))
	if err != nil {
		return upshot.Date{}, err
	}
	if err := upshot.CheckDate(flag, d, today); err != nil {
		return upshot.Date{}, err
	}
	return d, nil
}

// optionalDate is a date flag that defaults to today.
func optionalDate(cmd *cobra.Command, flag, value string, today upshot.Date) (upshot.Date, error) {
	if !cmd.Flags().Changed(strings.TrimPrefix(flag, "--")) {
		return today, nil
	}
	return dateFlag(flag, value, today)
}

// changed reports whether a flag was given on the command line.
func changed(cmd *cobra.Command, name string) bool { return cmd.Flags().Changed(name) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table writes aligned columns; empty cells show as "-" so columns line up
// and a blank is visibly "not recorded".
func table(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	write := func(cells []string) {
		for i, c := range cells {
			if c == "" {
				c = "-"
			}
			if i > 0 {
				io.WriteString(tw, "\t")
			}
			io.WriteString(tw, cell(c))
		}
		io.WriteString(tw, "\n")
	}
	write(header)
	for _, r := range rows {
		write(r)
	}
	return tw.Flush()
}

// cell keeps a table cell on one line and short enough to scan.
func cell(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	const max = 40
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func intText(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func moneyText(m *upshot.Money, currency string) string {
	if m == nil {
		return ""
	}
	if currency != "" {
		return m.String() + " " + currency
	}
	return m.String()
}
