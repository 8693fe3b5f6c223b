package web

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// maxBody bounds a JSON request body: a session with the longest note is
// well under it.
const maxBody = 1 << 20

//go:embed openapi.json
var openAPI []byte

// decodeJSON reads exactly one JSON value into v, refusing unknown fields,
// trailing data and bodies over maxBody. Errors carry a code for statusOf.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSONType(ct) {
		return upshot.Errorf(codeUnsupportedType, "Content-Type", "the body must be JSON (Content-Type: application/json), got %q", ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return jsonError(err)
	}
	// The JSON decoder would quietly turn bytes that are not UTF-8 into
	// U+FFFD and store the altered text; refuse the body instead.
	if !utf8.Valid(body) {
		return upshot.Errorf(codeMalformed, "", "the body is not valid UTF-8; JSON must be sent as UTF-8")
	}
	// The strict reading imports use too (archive.UnmarshalStrict): a key
	// twice, a key in another case or an escaped lone surrogate is refused,
	// not read one of two ways.
	err = archive.UnmarshalStrict(body, v)
	if err == nil {
		return nil
	}
	// encoding/json's account where it sees the problem too, so messages
	// stay as they were; what only the strict reading refuses, in its words.
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return upshot.Errorf(codeMalformed, "", "the body must hold a single JSON value, found more after it")
	}
	var se *archive.StrictError
	if errors.As(err, &se) {
		field := se.Path
		if se.Key != "" {
			field = se.Key // as for other unknown fields: the key itself
		}
		return upshot.Errorf(codeMalformed, field, "%s", se.Error())
	}
	return jsonError(err)
}

// isJSONType reports whether a Content-Type header names JSON:
// application/json, with parameters (charset) or none.
func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// queryParams refuses a request whose query names a parameter other than
// those given (400, field the parameter), so that a misspelt or unsupported
// one is not silently ignored. A parameter may be given once, unless its
// name is listed with a * ("therapist*": one or more).
func queryParams(h http.HandlerFunc, allowed ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				failAPI(w, r, upshot.Errorf(codeMalformed, "", "the query string cannot be read: %v", err))
				return
			}
			for _, name := range slices.Sorted(maps.Keys(q)) {
				repeatable := slices.Contains(allowed, name+"*")
				if !repeatable && !slices.Contains(allowed, name) {
					what := "no query parameters"
					if len(allowed) > 0 {
						what = "only " + strings.ReplaceAll(strings.Join(allowed, ", "), "*", "")
					}
					failAPI(w, r, upshot.Errorf(codeMalformed, name, "unknown query parameter %q: %s %s takes %s", name, r.Method, r.Pattern, what))
					return
				}
				if !repeatable && len(q[name]) > 1 {
					failAPI(w, r, upshot.Errorf(codeMalformed, name, "query parameter %q is given %d times; give it once", name, len(q[name])))
					return
				}
			}
		}
		h(w, r)
	}
}

// failAPI answers an API error where no Server is at hand: the refusals
// that need none of its state (no log, no page).
func failAPI(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	writeProblem(w, status, newProblem(r, status, err))
}

// jsonError explains a decoding failure without echoing the body.
func jsonError(err error) error {
	var (
		mbe *http.MaxBytesError
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		ue  *upshot.Error
	)
	switch {
	case errors.As(err, &mbe):
		return upshot.Errorf(codeTooLarge, "", "the body is larger than %d bytes", maxBody)
	case errors.As(err, &ue):
		// A field's own parser (dates, money) refused the value.
		return err
	case errors.As(err, &syn):
		return upshot.Errorf(codeMalformed, "", "the body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		return upshot.Errorf(codeMalformed, typ.Field, "%s must be a JSON %s, got a %s", orBody(typ.Field), typ.Type.Kind(), typ.Value)
	case errors.Is(err, io.EOF):
		return upshot.Errorf(codeMalformed, "", "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return upshot.Errorf(codeMalformed, "", "the body ends in the middle of the JSON")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return upshot.Errorf(codeMalformed, f, "unknown field %q", f)
	}
	return upshot.Errorf(codeMalformed, "", "the body is not the JSON expected")
}

func orBody(field string) string {
	if field == "" {
		return "the body"
	}
	return field
}

// pathID reads the {id} of a route.
func pathID(r *http.Request) (int64, error) {
	s := r.PathValue("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, upshot.Errorf(upshot.ENOTFOUND, "id", "no record with id %q: ids are positive whole numbers", s)
	}
	return id, nil
}

// checkBodyID refuses a body that names another record than the URL.
func checkBodyID(bodyID, id int64) error {
	if bodyID != 0 && bodyID != id {
		return upshot.Invalid("id", "id in the body (%d) does not match the URL (%d)", bodyID, id)
	}
	return nil
}

func checkVersion(v int) error {
	if v < 1 {
		return upshot.Invalid("version", "version is required: send the version you last read, so a change made elsewhere is not overwritten")
	}
	return nil
}

// Therapists.

func (s *Server) apiTherapistList(w http.ResponseWriter, r *http.Request) {
	page := func(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*therapistJSON, error) {
		list, err := s.store.TherapistChanges(ctx, owner, q)
		return therapistsJSON(list), err
	}
	if changed(s, w, r, page, func(t *therapistJSON) upshot.Meta { return t.Meta }, func(t *therapistJSON) int64 { return t.ID }) {
		return
	}
	list, err := s.store.ListTherapists(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, therapistsJSON(list))
}

func therapistsJSON(list []*upshot.Therapist) []*therapistJSON {
	out := make([]*therapistJSON, len(list))
	for i, t := range list {
		out[i] = newTherapistJSON(t)
	}
	return out
}

func (s *Server) apiTherapistCreate(w http.ResponseWriter, r *http.Request) {
	var in therapistJSON
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	t := in.Therapist
	t.ID, t.Meta = 0, upshot.Meta{}
	if err := feeFrom(&t.Fee, in.FeeAmount); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.CreateTherapist(r.Context(), ownerOf(r), &t); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/therapists/%d", t.ID))
	w.Header().Set("ETag", versionETag(t.Version))
	writeJSON(w, http.StatusCreated, newTherapistJSON(&t))
}

func (s *Server) apiTherapistGet(w http.ResponseWriter, r *http.Request) {
	find := func(ctx context.Context, owner upshot.OwnerID, id int64) (*therapistJSON, error) {
		t, err := s.store.FindTherapist(ctx, owner, id)
		if err != nil {
			return nil, err
		}
		return newTherapistJSON(t), nil
	}
	apiGet(s, w, r, find, func(t *therapistJSON) int { return t.Version })
}

func (s *Server) apiTherapistUpdate(w http.ResponseWriter, r *http.Request) {
	apiUpdate(s, w, r, func(t *therapistJSON) (*int64, *int) { return &t.ID, &t.Version }, func(ctx context.Context, owner upshot.OwnerID, t *therapistJSON) error {
		if err := feeFrom(&t.Fee, t.FeeAmount); err != nil {
			return err
		}
		if err := s.store.UpdateTherapist(ctx, owner, &t.Therapist); err != nil {
			return err
		}
		t.FeeAmount = amount(t.Fee)
		return nil
	})
}

func (s *Server) apiTherapistDelete(w http.ResponseWriter, r *http.Request) {
	s.apiDelete(w, r, s.store.DeleteTherapist)
}

// Goals.

func (s *Server) apiGoalList(w http.ResponseWriter, r *http.Request) {
	if changed(s, w, r, s.store.GoalChanges, func(g *upshot.Goal) upshot.Meta { return g.Meta }, func(g *upshot.Goal) int64 { return g.ID }) {
		return
	}
	list, err := s.store.ListGoals(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

func (s *Server) apiGoalCreate(w http.ResponseWriter, r *http.Request) {
	var g upshot.Goal
	if err := decodeJSON(w, r, &g); err != nil {
		s.fail(w, r, err)
		return
	}
	g.ID, g.Meta = 0, upshot.Meta{}
	// {"title": ..., "domain": ...} is enough: app.AddGoal fills in the rest.
	if err := usecase.AddGoal(r.Context(), s.store, ownerOf(r), s.now, &g); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/goals/%d", g.ID))
	w.Header().Set("ETag", versionETag(g.Version))
	writeJSON(w, http.StatusCreated, &g)
}

func (s *Server) apiGoalGet(w http.ResponseWriter, r *http.Request) {
	apiGet(s, w, r, s.store.FindGoal, func(g *upshot.Goal) int { return g.Version })
}

func (s *Server) apiGoalUpdate(w http.ResponseWriter, r *http.Request) {
	apiUpdate(s, w, r, func(g *upshot.Goal) (*int64, *int) { return &g.ID, &g.Version }, func(ctx context.Context, owner upshot.OwnerID, g *upshot.Goal) error {
		return usecase.EditGoal(ctx, s.store, owner, s.now, g)
	})
}

func (s *Server) apiGoalDelete(w http.ResponseWriter, r *http.Request) {
	s.apiDelete(w, r, s.store.DeleteGoal)
}

// Sessions.

func (s *Server) apiSessionList(w http.ResponseWriter, r *http.Request) {
	var f upshot.SessionFilter
	q := r.URL.Query()
	if v := q.Get("therapist"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, upshot.Invalid("therapist", "therapist must be a therapist id, got %q", v))
			return
		}
		f.TherapistID = id
	}
	if v := q.Get("since"); v != "" {
		d, err := upshot.ParseDateField("since", v)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.Since = d
	}
	if f != (upshot.SessionFilter{}) && pagedRequest(r) {
		s.fail(w, r, filterAndPage("therapist, since"))
		return
	}
	page := func(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*sessionJSON, error) {
		list, err := s.store.SessionChanges(ctx, owner, q)
		if err != nil {
			return nil, err
		}
		return s.sessionsJSON(ctx, owner, list)
	}
	if changed(s, w, r, page, func(ss *sessionJSON) upshot.Meta { return ss.Meta }, func(ss *sessionJSON) int64 { return ss.ID }) {
		return
	}
	s.writeList(w, r, s.sessionLists, f == upshot.SessionFilter{}, func(ctx context.Context) ([]byte, error) {
		list, err := s.store.ListSessions(ctx, ownerOf(r), f)
		if err != nil {
			return nil, err
		}
		out, err := s.sessionsJSON(ctx, ownerOf(r), list)
		if err != nil {
			return nil, err
		}
		return encodeList(out)
	})
}

func (s *Server) apiSessionCreate(w http.ResponseWriter, r *http.Request) {
	var in sessionJSON
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ss := in.Session
	ss.ID, ss.Meta = 0, upshot.Meta{}
	if err := feeFrom(&ss.Fee, in.FeeAmount); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := usecase.LogSession(r.Context(), s.store, ownerOf(r), s.now, &ss); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.sessionOut(r.Context(), ownerOf(r), &ss)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/sessions/%d", ss.ID))
	w.Header().Set("ETag", versionETag(ss.Version))
	writeJSON(w, http.StatusCreated, out)
}

// sessionOut is one session as the API gives it, with its therapist's
// currency: one therapist read, not the list.
func (s *Server) sessionOut(ctx context.Context, owner upshot.OwnerID, ss *upshot.Session) (*sessionJSON, error) {
	th, err := s.store.FindTherapist(ctx, owner, ss.TherapistID)
	if err != nil && upshot.ErrorCode(err) != upshot.ENOTFOUND {
		return nil, err
	}
	cur := map[int64]string{}
	if th != nil {
		cur[th.ID] = th.Currency
	}
	out := newSessionJSON(ss, cur)
	return &out, nil
}

func (s *Server) apiSessionGet(w http.ResponseWriter, r *http.Request) {
	find := func(ctx context.Context, owner upshot.OwnerID, id int64) (*sessionJSON, error) {
		ss, err := s.store.FindSession(ctx, owner, id)
		if err != nil {
			return nil, err
		}
		return s.sessionOut(ctx, owner, ss)
	}
	apiGet(s, w, r, find, func(ss *sessionJSON) int { return ss.Version })
}

func (s *Server) apiSessionUpdate(w http.ResponseWriter, r *http.Request) {
	apiUpdate(s, w, r, func(ss *sessionJSON) (*int64, *int) { return &ss.ID, &ss.Version }, func(ctx context.Context, owner upshot.OwnerID, ss *sessionJSON) error {
		if err := feeFrom(&ss.Fee, ss.FeeAmount); err != nil {
			return err
		}
		if err := usecase.EditSession(ctx, s.store, owner, s.now, &ss.Session); err != nil {
			return err
		}
		out, err := s.sessionOut(ctx, owner, &ss.Session)
		if err != nil {
			return err
		}
		*ss = *out
		return nil
	})
}

func (s *Server) apiSessionDelete(w http.ResponseWriter, r *http.Request) {
	s.apiDelete(w, r, s.store.DeleteSession)
}

// Check-ins. They are created from answers and read back as results, scored
// against the history of their instrument; PUT corrects one.

// checkinRequest is the body of POST /api/v1/checkins.
type checkinRequest struct {
	Instrument string      `json:"instrument"`
	Answers    []*int      `json:"answers"`
	Date       upshot.Date `json:"date"`
}

func (s *Server) apiCheckinList(w http.ResponseWriter, r *http.Request) {
	var f upshot.CheckInFilter
	q := r.URL.Query()
	if v := q.Get("instrument"); v != "" {
		if _, ok := s.reg.Get(v); !ok {
			s.fail(w, r, s.unknownInstrument(v))
			return
		}
		f.Instrument = v
	}
	if v := q.Get("since"); v != "" {
		d, err := upshot.ParseDateField("since", v)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.Since = d
	}
	if f != (upshot.CheckInFilter{}) && pagedRequest(r) {
		s.fail(w, r, filterAndPage("instrument, since"))
		return
	}
	page := func(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]checkin.Result, error) {
		return usecase.CheckInPage(ctx, s.store, s.reg, owner, q)
	}
	if changed(s, w, r, page, func(c checkin.Result) upshot.Meta { return upshot.Meta{UpdatedAt: c.UpdatedAt} }, func(c checkin.Result) int64 { return c.ID }) {
		return
	}
	s.writeList(w, r, s.checkinLists, f == upshot.CheckInFilter{}, func(ctx context.Context) ([]byte, error) {
		results, err := usecase.CheckInHistory(ctx, s.store, s.reg, ownerOf(r), f)
		if err != nil {
			return nil, err
		}
		return encodeList(results)
	})
}

func (s *Server) apiCheckinCreate(w http.ResponseWriter, r *http.Request) {
	var req checkinRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.createCheckin(r, req.Instrument, req.Answers, req.Date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/checkins/%d", res.ID))
	s.writeCheckin(w, r, http.StatusCreated, res)
}

func (s *Server) apiCheckinGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := usecase.ScoreCheckIn(r.Context(), s.store, s.reg, ownerOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag, body, err := contentETag(res.Version, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if notModified(w, r, etag) {
		return
	}
	w.Header().Set("ETag", etag)
	writeRawJSON(w, http.StatusOK, body)
}

// checkinETag is the current ETag and version of a check-in, for If-Match.
func (s *Server) checkinETag(r *http.Request) func(id int64) (string, int, error) {
	return func(id int64) (string, int, error) {
		res, err := usecase.ScoreCheckIn(r.Context(), s.store, s.reg, ownerOf(r), id)
		if err != nil {
			return "", 0, err
		}
		etag, _, err := contentETag(res.Version, res)
		return etag, res.Version, err
	}
}

// checkinPut is the body of PUT /api/v1/checkins/{id}: the check-in as the
// export has it, or as GET gives it. What GET adds is worked out from the
// answers (readOnly in the document): it is accepted, so that a client can
// PUT back the body it read with one answer changed, and ignored, since the
// check-in is scored again.
type checkinPut struct {
	upshot.CheckIn
	Name             json.RawMessage `json:"name"`
	Total            json.RawMessage `json:"total"`
	Max              json.RawMessage `json:"max"`
	Band             json.RawMessage `json:"band"`
	Caseness         json.RawMessage `json:"caseness"`
	Safety           json.RawMessage `json:"safety"`
	Change           json.RawMessage `json:"change"`
	Recovery         json.RawMessage `json:"recovery"`
	ReliableRecovery json.RawMessage `json:"reliable_recovery"`
	Note             json.RawMessage `json:"note"`
	SafetyNotice     json.RawMessage `json:"safety_notice"`
}

// apiCheckinUpdate corrects a check-in's date or answers. The body is the
// check-in as the export has it (instrument, instrument_version, date,
// answers, version); the answers are checked against the definition they were
// given to, and the answer is the check-in scored again, as GET gives it.
func (s *Server) apiCheckinUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var put checkinPut
	if err := decodeJSON(w, r, &put); err != nil {
		s.fail(w, r, err)
		return
	}
	c := put.CheckIn
	if err := s.versionFromIfMatch(r, id, &c.Version, s.checkinETag(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := errors.Join(checkBodyID(c.ID, id), checkVersion(c.Version)); err != nil {
		s.fail(w, r, err)
		return
	}
	c.ID = id
	res, err := usecase.CorrectCheckIn(r.Context(), s.store, s.reg, ownerOf(r), s.now, &c)
	if err != nil {
		s.fail(w, r, preconditionOf(r, err))
		return
	}
	s.writeCheckin(w, r, http.StatusOK, res) // the corrected check-in, scored again
}

func (s *Server) apiCheckinDelete(w http.ResponseWriter, r *http.Request) {
	s.apiDeleteMatching(w, r, s.store.DeleteCheckIn, s.checkinETag(r))
}

// writeCheckin answers with a scored check-in and its ETag.
func (s *Server) writeCheckin(w http.ResponseWriter, r *http.Request, status int, res checkin.Result) {
	etag, body, err := contentETag(res.Version, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag)
	writeRawJSON(w, status, body)
}

// Settings.

// settingView is a setting with its definition, as the API and the settings
// page show it.
type settingView struct {
	upshot.SettingDef
	Value string `json:"value"`
	IsSet bool   `json:"is_set"`
	// Invalid marks, on the settings page, the value a refused form was
	// refused for.
	Invalid bool `json:"-"`
}

// Threshold tells the review's thresholds (numbers, folded away on the
// settings page) from the settings a person is expected to choose.
func (v settingView) Threshold() bool {
	return v.Kind == upshot.KindInt || v.Kind == upshot.KindNumber
}

func (s *Server) settingViews(r *http.Request) ([]settingView, error) {
	set, err := s.store.Settings(r.Context(), ownerOf(r))
	if err != nil {
		return nil, err
	}
	out := make([]settingView, len(upshot.SettingDefs))
	for i, d := range upshot.SettingDefs {
		_, isSet := set[d.Name]
		out[i] = settingView{SettingDef: d, Value: set.Get(d.Name), IsSet: isSet}
	}
	return out, nil
}

func (s *Server) apiSettingList(w http.ResponseWriter, r *http.Request) {
	views, err := s.settingViews(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, views)
}

func (s *Server) apiSettingSet(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	def, ok := upshot.LookupSetting(name)
	if !ok {
		_, err := upshot.CheckSetting(name, "")
		s.fail(w, r, upshot.Errorf(upshot.ENOTFOUND, "name", "%s", upshot.ErrorMessage(err)))
		return
	}
	var body struct {
		Value string `json:"value"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.SetSetting(r.Context(), ownerOf(r), def.Name, body.Value); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiSettingList(w, r)
}

func (s *Server) apiSettingUnset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	def, ok := upshot.LookupSetting(name)
	if !ok {
		_, err := upshot.CheckSetting(name, "")
		s.fail(w, r, upshot.Errorf(upshot.ENOTFOUND, "name", "%s", upshot.ErrorMessage(err)))
		return
	}
	if err := s.store.UnsetSetting(r.Context(), ownerOf(r), def.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// instrumentView is a questionnaire as a client needs it to ask the questions.
type instrumentView struct {
	ID          string           `json:"id"`
	Version     int              `json:"version"`
	Name        string           `json:"name"`
	ShortName   string           `json:"short_name"`
	Instruction string           `json:"instruction"`
	Items       []instrumentItem `json:"items"`
	Min         int              `json:"min"`
	Max         int              `json:"max"`
	Source      string           `json:"source"`
	Licence     string           `json:"licence"`
	Attribution string           `json:"attribution"`
	Validated   bool             `json:"validated"`
	Note        string           `json:"note,omitempty"`
}

type instrumentItem struct {
	Text    string       `json:"text"`
	Options []optionView `json:"options"`
}

type optionView struct {
	Label string `json:"label"`
	Score int    `json:"score"`
}

func (s *Server) apiInstrumentList(w http.ResponseWriter, r *http.Request) {
	var out []instrumentView
	for _, d := range s.reg.All() {
		v := instrumentView{ID: d.ID, Version: d.Version, Name: d.Name, ShortName: d.Label(), Instruction: d.Instruction,
			Min: d.Min, Max: d.Max, Source: d.Source, Licence: d.Licence, Attribution: d.Attribution,
			Validated: d.Validated, Note: d.Note}
		for i, it := range d.Items {
			item := instrumentItem{Text: it.Text}
			for _, o := range d.ItemOptions(i) {
				item.Options = append(item.Options, optionView{Label: o.Label, Score: o.Score})
			}
			v.Items = append(v.Items, item)
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, out)
}

// Review, export, description.

func (s *Server) apiReview(w http.ResponseWriter, r *http.Request) {
	rv, _, err := s.runReview(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rv)
}

// runReview reviews the owner's records with the scope in the query
// (therapist, since).
func (s *Server) runReview(r *http.Request) (*review.Review, *upshot.Snapshot, error) {
	opt, err := s.reviewOptions(r)
	if err != nil {
		return nil, nil, err
	}
	snap, err := s.store.Export(r.Context(), ownerOf(r))
	if err != nil {
		return nil, nil, err
	}
	if opt.TherapistID != 0 {
		found := false
		for _, t := range snap.Therapists {
			found = found || t.ID == opt.TherapistID
		}
		if !found {
			return nil, nil, upshot.NotFound("therapist", opt.TherapistID)
		}
	}
	return review.Run(snap, s.reg, opt), snap, nil
}

func (s *Server) reviewOptions(r *http.Request) (review.Options, error) {
	opt := review.Options{Today: s.today()}
	q := r.URL.Query()
	if v := q.Get("therapist"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return opt, upshot.Invalid("therapist", "therapist must be a therapist id, got %q", v)
		}
		opt.TherapistID = id
	}
	if v := q.Get("since"); v != "" {
		d, err := upshot.ParseDateField("since", v)
		if err != nil {
			return opt, err
		}
		opt.Since = d
	}
	return opt, nil
}

// apiCompare puts the therapists named by therapist=ID (repeated; none:
// every therapist with a session) side by side (app.Compare).
func (s *Server) apiCompare(w http.ResponseWriter, r *http.Request) {
	c, err := s.compare(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// compare reads the therapists to compare from the query, as the API and
// the comparison page take them: therapist=ID, repeated.
func (s *Server) compare(r *http.Request) (*usecase.Comparison, error) {
	var ids []int64
	for _, v := range r.URL.Query()["therapist"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, upshot.Invalid("therapist", "therapist must be a therapist id, got %q", v)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return usecase.Compare(r.Context(), s.store, s.reg, ownerOf(r), s.today(), ids...)
}

func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	snap, err := s.store.Export(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := archive.Encode(&buf, snap); err != nil {
		s.fail(w, r, err)
		return
	}
	s.auditExport(r, "JSON")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="upshot-export-%s.json"`, s.today()))
	w.Write(buf.Bytes())
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}

// apiNotFound answers what no API route took: 405 with an Allow header when
// the path exists under other methods, else 404.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.fail(w, r, upshot.Errorf(codeNotAllowed, "", "%s is not allowed on %s; it allows %s", r.Method, r.URL.Path, strings.Join(allow, ", ")))
		return
	}
	s.fail(w, r, upshot.Errorf(upshot.ENOTFOUND, "", "no API resource at %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path))
}

// probedMethods are the methods an Allow header may list, in its order.
var probedMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// allowedMethods lists the methods the API routes accept for r's path.
func (s *Server) allowedMethods(r *http.Request) []string {
	var out []string
	for _, m := range probedMethods {
		probe := r.WithContext(r.Context())
		probe.Method = m
		// A route's pattern always names its method; the mux's own
		// redirects and not-found answers carry no such pattern.
		_, pattern := s.api.Handler(probe)
		if strings.Contains(pattern, " /api/") {
			out = append(out, m)
		}
	}
	return out
}

// apiDelete deletes the record named by {id} and answers 204. With
// If-Match it deletes only the version named (412 otherwise); current,
// when given, is the record's ETag for representations that are more than
// their version (a check-in, an agenda entry).
func (s *Server) apiDelete(w http.ResponseWriter, r *http.Request, del func(ctx context.Context, owner upshot.OwnerID, id int64) error) {
	s.apiDeleteMatching(w, r, del, nil)
}

func (s *Server) apiDeleteMatching(w http.ResponseWriter, r *http.Request, del func(ctx context.Context, owner upshot.OwnerID, id int64) error,
	current func(id int64) (etag string, version int, err error)) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if match, given := ifMatch(r); given {
		version, err := s.matchedVersion(r, match, id, current)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if version > 0 {
			ctx = upshot.WithExpectedVersion(ctx, version)
		}
	}
	if err := del(ctx, ownerOf(r), id); err != nil {
		s.fail(w, r, preconditionOf(r, err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// matchedVersion is the version an If-Match names: read from a version
// ETag ("3"), or, for a representation that is more than its version,
// found by comparing with the current ETag. 0 for "*".
func (s *Server) matchedVersion(r *http.Request, match string, id int64, current func(int64) (string, int, error)) (int, error) {
	if match == "*" {
		return 0, nil
	}
	if current != nil {
		etag, version, err := current(id)
		if err != nil {
			return 0, err
		}
		for _, e := range strings.Split(match, ",") {
			if strings.TrimSpace(e) == etag {
				return version, nil
			}
		}
		return 0, preconditionFailed(match, etag)
	}
	if len(match) > 2 && match[0] == '"' && match[len(match)-1] == '"' {
		if v, err := strconv.Atoi(match[1 : len(match)-1]); err == nil && v > 0 {
			return v, nil
		}
	}
	return 0, upshot.Errorf(codePrecondition, "If-Match", "If-Match must be an ETag this server gave (a version in quotes, such as \"3\") or *, got %s", match)
}

// preconditionOf turns the store's stale-version conflict into 412 when the
// version came from If-Match: the client's precondition failed.
func preconditionOf(r *http.Request, err error) error {
	if _, given := ifMatch(r); given && upshot.ErrorCode(err) == upshot.ECONFLICT && upshot.ErrorField(err) == "version" {
		return upshot.Errorf(codePrecondition, "If-Match", "%s", upshot.ErrorMessage(err))
	}
	return err
}

// apiGet answers GET /{id} with the record find returns for this owner,
// its ETag its version; If-None-Match naming it answers 304.
func apiGet[T any](s *Server, w http.ResponseWriter, r *http.Request, find func(context.Context, upshot.OwnerID, int64) (*T, error), version func(*T) int) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := find(r.Context(), ownerOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := versionETag(version(rec))
	if notModified(w, r, etag) {
		return
	}
	w.Header().Set("ETag", etag)
	writeJSON(w, http.StatusOK, rec)
}

// apiUpdate answers PUT /{id}: the body is the whole record, and the
// version it replaces is named by If-Match (its ETag) or the body's
// version, so a change made elsewhere meanwhile is refused (412 or 409),
// not lost. key gives the record's id and version slots (Go generics cannot
// reach struct fields).
func apiUpdate[T any](s *Server, w http.ResponseWriter, r *http.Request, key func(*T) (*int64, *int), update func(context.Context, upshot.OwnerID, *T) error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rec T
	if err := decodeJSON(w, r, &rec); err != nil {
		s.fail(w, r, err)
		return
	}
	recID, version := key(&rec)
	if err := s.versionFromIfMatch(r, id, version, nil); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := errors.Join(checkBodyID(*recID, id), checkVersion(*version)); err != nil {
		s.fail(w, r, err)
		return
	}
	*recID = id
	if err := update(r.Context(), ownerOf(r), &rec); err != nil {
		s.fail(w, r, preconditionOf(r, err))
		return
	}
	w.Header().Set("ETag", versionETag(*version))
	writeJSON(w, http.StatusOK, &rec)
}

// versionFromIfMatch fills the body's version from If-Match when the body
// has none, and refuses the two naming different versions.
func (s *Server) versionFromIfMatch(r *http.Request, id int64, version *int, current func(int64) (string, int, error)) error {
	match, given := ifMatch(r)
	if !given {
		return nil
	}
	v, err := s.matchedVersion(r, match, id, current)
	if err != nil {
		return err
	}
	switch {
	case v == 0: // "*": the body names the version
	case *version == 0:
		*version = v
	case *version != v:
		return upshot.Invalid("version", "If-Match names version %d and the body version %d; send one, or the same in both", v, *version)
	}
	return nil
}

func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// Check-in helpers shared by the API and the pages.

func (s *Server) unknownInstrument(id string) error {
	var ids []string
	for _, d := range s.reg.All() {
		ids = append(ids, d.ID)
	}
	return upshot.Invalid("instrument", "instrument must be one of %s, got %q", strings.Join(ids, ", "), id)
}

// createCheckin records a check-in of the server's current definition of
// the instrument (app.RecordCheckIn) and returns it scored.
func (s *Server) createCheckin(r *http.Request, instrumentID string, answers []*int, date upshot.Date) (checkin.Result, error) {
	def, ok := s.reg.Get(instrumentID)
	if !ok {
		return checkin.Result{}, s.unknownInstrument(instrumentID)
	}
	return usecase.RecordCheckIn(r.Context(), s.store, s.reg, ownerOf(r), s.now, def, answers, date)
}
