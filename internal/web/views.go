package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"

	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/report/chart"
	"github.com/upshot-app/upshot/internal/upshot"
)

//go:embed templates
var templateFS embed.FS

// viewNames lists every page template the handlers render. parseViews fails
// when one is missing, so a typo stops the server at start, not a person at
// the moment they try to log a session.
var viewNames = []string{
	"dashboard", "error", "confirm_delete", "plan", "agenda", "record", "guides", "guide",
	"session_form", "sessions", "session",
	"checkins", "checkin_form", "checkin",
	"therapists", "therapist_form",
	"goals", "goal_form",
	"settings", "review", "report", "summary", "compare",
	"locked", "offline", "signin", "signup", "account", "account_delete",
}

type views struct {
	pages map[string]*template.Template
}

func parseViews(static *assets) (*views, error) {
	funcs := template.FuncMap{
		"asset": static.url,
		"figure": func(f *chart.Figure) (template.HTML, error) {
			if f == nil {
				return "", nil
			}
			return report.FigureHTML(*f)
		},
		"safetyNotice": func(text string) (template.HTML, error) { return report.SafetyHTML(text, planPath) },
		"findings":     report.FindingsHTML,
		"deref": func(p *int) string {
			if p == nil {
				return ""
			}
			return strconv.Itoa(*p)
		},
		"fee": func(m *upshot.Money) string {
			if m == nil {
				return ""
			}
			return m.String()
		},
		"invalid":   (*formError).attrs,
		"has":       slices.Contains[[]string],
		"seq":       seq,
		"flagText":  func(f string) string { return upshot.FlagLabels[f] },
		"markLabel": func(m string) string { return upshot.AgendaMarkLabels[m] },
		"swatch":    chart.Swatch,
		"focusColour": func(c string) string {
			return chart.FocusColour(c)
		},
		"focusBar": focusBar,
		"signed": func(n *int) string {
			if n == nil {
				return ""
			}
			return fmt.Sprintf("%+d", *n)
		},
	}
	for k, v := range report.Funcs {
		funcs[k] = v
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range viewNames {
		file := "templates/" + name + ".html"
		if _, err := fs.Stat(templateFS, file); err != nil {
			return nil, fmt.Errorf("web: view %s: %w", name, err)
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts/*.html", file)
		if err != nil {
			return nil, fmt.Errorf("web: view %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: view %s defines no \"content\"", name)
		}
		v.pages[name] = t
	}
	return v, nil
}

// seq returns lo..hi inclusive, for option lists.
func seq(lo, hi int) []int {
	var out []int
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}

// page is what every view receives: the layout reads Title and Nav, the
// view its own Data.
type page struct {
	Title string
	Nav   string // the active section of the navigation
	Flash string // a one-line confirmation after a change
	// Public pages (sign-in, the launch-token page) are shown to someone
	// not yet admitted: no navigation to pages they cannot open.
	Public bool
	Data   any
	// Account is the signed-in owner, for the outbox (static/outbox.js):
	// an entry kept on the device is sent only from a page of the account
	// that kept it. Filled in by render.
	Account upshot.OwnerID
	// OfflineSafety is the safety notice the outbox shows at once when a
	// check-in kept on the device calls for it: on a check-in form with the
	// person's crisis contacts, on the offline page with the default ones.
	// Other pages leave it out (a kept check-in is sent as soon as one of
	// them is open online, and then the server's notice shows).
	OfflineSafety template.HTML
}

// render executes a view into a buffer first, so that a template error gives
// a clean error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, view string, p page) {
	t, ok := s.views.pages[view]
	if !ok {
		s.fail(w, r, fmt.Errorf("web: no view %q", view))
		return
	}
	if c, ok := r.Context().Value(callerKey{}).(*caller); ok {
		p.Account = c.owner
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "view", view, "err", err)
		if view != "error" {
			s.renderError(w, r, http.StatusInternalServerError, "internal error")
		} else {
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		return
	}
	writePage(w, status, buf.Bytes())
}

func writePage(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// execute runs one named template of a view (the whole page is "layout")
// into bytes, for pages rendered ahead of the request that shows them.
func (s *Server) execute(view, name string, data any) ([]byte, error) {
	t, ok := s.views.pages[view]
	if !ok {
		return nil, fmt.Errorf("web: no view %q", view)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("web: view %s: %w", view, err)
	}
	return buf.Bytes(), nil
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Data: struct {
		Status  int
		Message string
	}{status, message}})
}

func (s *Server) pageNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "There is no page here.")
}
