package web

import (
	"fmt"
	"net/http"

	"github.com/upshot-app/upshot/internal/upshot"
)

type settingsData struct {
	Settings []settingView
	Calendar calendarView
	Error    *formError
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	views, err := s.settingViews(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSettings(w, r, http.StatusOK, flash(r), views, "", nil)
}

// renderSettings shows the settings page with its calendar section: views
// as given (a refused form's values), the calendar address only when it was
// just made (address), ferr the form's error if any.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, flash string, views []settingView, address string, ferr error) {
	cal, err := s.calendarSection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cal.Address = address
	data := settingsData{Settings: views, Calendar: cal}
	if ferr != nil {
		data.Error = toFormError(ferr)
	}
	s.render(w, r, status, "settings", page{Title: "Settings", Nav: "settings", Flash: flash, Data: data})
}

// settingsSave writes the settings whose value changed. A value equal to
// the default of a setting never set is left unset, so a later change of
// default still reaches it. The changes are written in one transaction, so
// a refused value or a failed write saves none of them.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) {
	v, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views, err := s.settingViews(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var changes []upshot.SettingChange
	var ferr error
	for i, sv := range views {
		raw, ok := v[string(sv.Name)]
		if !ok {
			continue
		}
		value := raw[0]
		if sv.Kind != upshot.KindText {
			value = trimSpace(value)
		}
		views[i].Value = value
		if value == sv.Value || (!sv.IsSet && value == sv.Default) {
			continue
		}
		if _, err := upshot.CheckSetting(string(sv.Name), value); err != nil {
			if ferr == nil {
				ferr = err
			}
			continue
		}
		changes = append(changes, upshot.SettingChange{Name: sv.Name, Value: value})
	}
	if ferr == nil && len(changes) > 0 {
		if err := s.store.SetSettings(r.Context(), ownerOf(r), changes); err != nil {
			if upshot.ErrorCode(err) != upshot.EFULL {
				s.fail(w, r, err)
				return
			}
			ferr = err // a full disk: show what was typed again
		}
	}
	if ferr != nil {
		for i := range views {
			views[i].Invalid = string(views[i].Name) == upshot.ErrorField(ferr)
		}
		s.renderSettings(w, r, statusOf(ferr), "", views, "", ferr)
		return
	}
	http.Redirect(w, r, "/settings?done=settings-saved", http.StatusSeeOther)
}

func (s *Server) settingReset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	def, ok := upshot.LookupSetting(name)
	if !ok {
		s.fail(w, r, upshot.Errorf(upshot.ENOTFOUND, "name", "no setting %q", name))
		return
	}
	if err := s.store.UnsetSetting(r.Context(), ownerOf(r), def.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/settings?done=settings-saved#setting-%s", name), http.StatusSeeOther)
}
