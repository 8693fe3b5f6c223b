package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Every API response a test receives is checked against the OpenAPI
// document the server serves (issue 15: "every response in the API test
// suite is validated against the document with a maintained validator"),
// with pb33f/libopenapi-validator, which reads OpenAPI 3.1 and its JSON
// Schema 2020-12. A status the document does not list for the operation,
// or a body that does not match its schema, fails the test that got it.
// Requests to no operation at all (an unknown path, a method a path lacks)
// are the API's own 404 and 405, which belong to no operation.

type contract struct {
	model *v3.Document
	validator.Validator
}

var apiContract = sync.OnceValues(func() (*contract, error) {
	doc, err := libopenapi.NewDocument(openAPI)
	if err != nil {
		return nil, err
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi.json: %v", errs)
	}
	if ok, problems := v.ValidateDocument(); !ok {
		var b strings.Builder
		for _, p := range problems {
			fmt.Fprintf(&b, "\n  %s: %s", p.Message, p.Reason)
		}
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI 3.1 document:%s", b.String())
	}
	return &contract{model: &m.Model, Validator: v}, nil
})

// documented reports whether the operation lists the status (or a default
// or a range such as 4XX). The validator checks a body against the
// response the document gives for its status, but passes a status the
// document does not list at all; a client generated from the document
// would not expect it, so it is checked here.
func (c *contract) documented(req *http.Request, status int) (found, ok bool) {
	item, errs, _ := paths.FindPath(req, c.model, nil)
	if item == nil || len(errs) > 0 {
		return false, false
	}
	op, present := item.GetOperations().Get(strings.ToLower(req.Method))
	if !present || op == nil || op.Responses == nil {
		return false, false
	}
	code := strconv.Itoa(status)
	if _, listed := op.Responses.Codes.Get(code); listed {
		return true, true
	}
	if _, listed := op.Responses.Codes.Get(code[:1] + "XX"); listed {
		return true, true
	}
	return true, op.Responses.Default != nil
}

// contractChecks counts the responses checked, so a run that checked none
// can be told apart from one that passed.
var contractChecks struct {
	sync.Mutex
	n int
}

// checkContract validates one API exchange; reqBody and respBody are the
// bytes sent and received (both readers are spent by then).
func checkContract(t testing.TB, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.URL.Path == "/api/v1/openapi.json" {
		return
	}
	v, err := apiContract()
	if err != nil {
		t.Fatal(err)
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	w := *resp
	w.Body = io.NopCloser(bytes.NewReader(respBody))
	if found, listed := v.documented(r, resp.StatusCode); found && !listed {
		t.Errorf("%s %s answered %d, a status openapi.json does not list for it\n  body: %.300s", req.Method, req.URL.Path, resp.StatusCode, respBody)
		return
	}
	ok, errs := v.ValidateHttpResponse(r, &w)
	if ok {
		contractChecks.Lock()
		contractChecks.n++
		contractChecks.Unlock()
		return
	}
	var b strings.Builder
	for _, e := range errs {
		if e.IsPathMissingError() || e.IsOperationMissingError() {
			return // no operation: the catch-all 404 or a 405
		}
		fmt.Fprintf(&b, "\n  %s", e.Message)
		if e.Reason != "" {
			fmt.Fprintf(&b, ": %s", e.Reason)
		}
		for _, se := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n    %s at %s (schema %s)", se.Reason, se.FieldPath, se.KeywordLocation)
		}
	}
	t.Errorf("%s %s answered %d, which openapi.json does not describe:%s\n  body: %.300s", req.Method, req.URL.Path, resp.StatusCode, b.String(), respBody)
}

// TestAPIResponsesMatchTheDocument drives the API through the common cases
// (every record kind created, read, listed, changed, refused and deleted)
// so that the contract check above sees each operation, and fails when it
// saw none.
func TestAPIResponsesMatchTheDocument(t *testing.T) {
	a := newApp(t, "sqlite")
	ids := a.seedAll()
	before := func() int { contractChecks.Lock(); defer contractChecks.Unlock(); return contractChecks.n }()
	for _, rt := range a.srv.router.routes {
		if !strings.HasPrefix(rt.pattern, "GET /api/v1/") || rt.public {
			continue
		}
		_, path := routeRequest(t, a, rt.pattern, ids)
		a.get(path)
		if strings.HasSuffix(rt.pattern, "/{id}") {
			a.get(path[:strings.LastIndex(path, "/")] + "/999999") // none such: 404
		}
	}
	a.sendJSON("POST", "/api/v1/sessions", `{"therapist_id": 999999}`)
	a.sendJSON("POST", "/api/v1/sessions", `{"minutes": "fifty"}`)
	a.sendJSON("POST", "/api/v1/goals", `{}`)
	a.sendJSON("PUT", "/api/v1/settings/recent_window", `{"value": "3"}`)
	a.sendJSON("PUT", "/api/v1/settings/recent_window", `{"value": "300"}`)
	a.sendJSON("PUT", "/api/v1/settings/no_such", `{"value": "3"}`)
	a.sendJSON("POST", "/api/v1/checkins", `{"instrument": "gad7", "answers": [1,1,1,1,1,1,1]}`)
	a.sendJSON("POST", "/api/v1/checkins", `{"instrument": "gad7", "answers": [1]}`)
	a.do("POST", "/api/v1/therapists", strings.NewReader(`{"name": "x"}`), "Content-Type: text/plain")
	a.do("DELETE", "/api/v1/checkins/"+itoa(ids["checkins"]), nil)
	after := func() int { contractChecks.Lock(); defer contractChecks.Unlock(); return contractChecks.n }()
	if after-before < 20 {
		t.Errorf("only %d API responses were checked against the document", after-before)
	}
	t.Logf("%d API responses checked against openapi.json", after-before)
}

// TestOperationIDs: every operation has an operationId a client generator
// turns into a method name as it stands: camelCase, singular for one record
// (getTherapist, createTherapist), unique, starting with a verb (issue 15).
func TestOperationIDs(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	methods := []string{"get", "put", "post", "delete", "patch"}
	camel := regexp.MustCompile(`^(get|list|create|update|replace|delete|set|unset)([A-Z][a-z0-9]*)+$`)
	seen := map[string]string{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			if !slices.Contains(methods, method) {
				continue // the path's parameters, not an operation
			}
			var op struct {
				OperationID string `json:"operationId"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			where := strings.ToUpper(method) + " " + path
			id := op.OperationID
			switch {
			case !camel.MatchString(id):
				t.Errorf("%s: operationId %q is not a verb and a camelCase noun", where, id)
			case seen[id] != "":
				t.Errorf("%s: operationId %q is also %s's", where, id, seen[id])
			case strings.HasSuffix(path, "}") && strings.HasSuffix(id, "s"):
				t.Errorf("%s: operationId %q names one record in the plural", where, id)
			}
			seen[id] = where
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d operations read", len(seen))
	}
}
