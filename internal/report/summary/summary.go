// Package summary renders the summary a person hands to a new clinician or a
// GP when they seek a second opinion or leave a therapy (app.Summary builds
// it): one or two printed pages in the sections the person chose. Like the
// report it is one self-contained HTML file, with no script and no external
// request, and its safety notice is the one every surface shows.
package summary

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sync"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/report/words"
)

//go:embed summary.html
var templateText string

var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("summary").Funcs(report.Funcs).Parse(templateText))
})

// titles are the sections' headings by name, for the template.
func titles() map[string]string {
	out := map[string]string{}
	for _, s := range usecase.SummarySectionList {
		out[string(s)] = s.Title()
	}
	return out
}

// Render returns the summary's body: the part inside <body>, wrapped in an
// element of class "report summary-doc" (the report's look). plan is the
// address of the person's safety plan for the safety notice to link to, or
// empty where the plan cannot be reached (the standalone file).
func Render(d *usecase.SummaryDoc, plan template.URL) (template.HTML, error) {
	var safety template.HTML
	if d.Safety != nil {
		var err error
		if safety, err = report.SafetyHTML(*d.Safety, plan); err != nil {
			return "", err
		}
	}
	var buf bytes.Buffer
	err := templates().ExecuteTemplate(&buf, "body", struct {
		*usecase.SummaryDoc
		SafetyHTML template.HTML
		Titles     map[string]string
	}{d, safety, titles()})
	if err != nil {
		return "", fmt.Errorf("summary: %w", err)
	}
	return template.HTML(buf.String()), nil
}

// Write renders the summary as one self-contained HTML document, its
// styles inline (the report's stylesheet, which holds the summary's print
// rules too).
func Write(w io.Writer, d *usecase.SummaryDoc) error {
	body, err := Render(d, "")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = templates().ExecuteTemplate(&buf, "document", struct {
		Title string
		CSS   template.CSS
		Body  template.HTML
	}{"Summary of my therapy records, " + words.FormatDate(d.Today), template.CSS(report.Stylesheet()), body})
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
