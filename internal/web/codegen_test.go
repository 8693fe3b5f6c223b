package web

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi-validator/paths"

	// The generated client imports oapi-codegen's runtime package; importing
	// it here keeps it (at the version go.mod pins) in go.mod and go.sum, from
	// which the test's temporary module takes its requirements.
	_ "github.com/oapi-codegen/runtime"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

// TestGeneratedClient is issue 15's "a test generates a Go client from the
// served document with oapi-codegen, compiles it and drives every operation
// through it". oapi-codegen is pinned as a tool in go.mod (go tool
// oapi-codegen); the client it writes from the document fetched from the
// live server is compiled in a temporary module with the repository's own
// requirements, together with testdata/apiclient/main.go, which calls every
// operation through the client and checks what comes back. On the server's
// side each request is matched to its operation in the document and its
// response validated against it (checkContract), so an operation the driver
// did not reach, or one it reached with an answer the document does not
// describe, fails here whatever the driver says.
func TestGeneratedClient(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		unavailable(t, "no go command to run oapi-codegen and build the client: %v", err)
	}
	contract, err := apiContract()
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(t, "sqlite")

	var mu sync.Mutex
	reached := map[string]int{}
	var base string
	observe := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())

			// The request as the client sent it, for the validator.
			req := r.Clone(context.Background())
			req.URL.Scheme, req.URL.Host = "http", strings.TrimPrefix(base, "http://")
			req.RequestURI = ""
			if item, errs, _ := paths.FindPath(req, contract.model, nil); item != nil && len(errs) == 0 {
				if op, ok := item.GetOperations().Get(strings.ToLower(r.Method)); ok && op != nil {
					mu.Lock()
					reached[op.OperationId]++
					mu.Unlock()
				}
			}
			checkContract(t, req, body, rec.Result(), rec.Body.Bytes())
		})
	}
	ts := httptest.NewServer(observe(a.srv.Handler()))
	t.Cleanup(ts.Close)
	base = ts.URL

	// The document as the server serves it, not the file in the repository.
	resp, err := http.Get(a.ts.URL + "/api/v1/openapi.json") // not observed: only the driver counts
	if err != nil {
		t.Fatal(err)
	}
	served, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %v", resp.StatusCode, err)
	}
	ops := operationIDs(t, served)

	root := moduleRoot(t, goBin)
	dir := t.TempDir()
	specFile := filepath.Join(dir, "openapi.json")
	writeFile(t, specFile, served)
	gen := exec.Command(goBin, "tool", "oapi-codegen", "-generate", "types,client", "-package", "upshotclient", specFile)
	gen.Dir = root
	var genErr bytes.Buffer
	gen.Stderr = &genErr
	client, err := gen.Output()
	if err != nil {
		unavailable(t, "go tool oapi-codegen: %v\n%s", err, genErr.Bytes())
	}
	checkGeneratedTypes(t, client)

	// A module of its own with the repository's requirements, so the client
	// compiles against the runtime version go.mod pins, and nothing is
	// written into the source tree.
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gomod = regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(gomod, []byte("module upshotclientcheck"))
	writeFile(t, filepath.Join(dir, "go.mod"), gomod)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "go.sum"), sum)
	if err := os.Mkdir(filepath.Join(dir, "upshotclient"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "upshotclient", "client.gen.go"), client)
	driver, err := os.ReadFile(filepath.Join("testdata", "apiclient", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "main.go"), driver)

	build := exec.Command(goBin, "build", "-o", filepath.Join(dir, "apiclient"), ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		// The document's fault or the generator's: the client a user would
		// generate does not compile.
		t.Fatalf("the generated client does not compile: %v\n%s", err, out)
	}

	checked := func() int { contractChecks.Lock(); defer contractChecks.Unlock(); return contractChecks.n }
	before := checked()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run := exec.CommandContext(ctx, filepath.Join(dir, "apiclient"))
	run.Env = append(os.Environ(), "UPSHOT_URL="+ts.URL, "UPSHOT_TOKEN="+testToken)
	out, err := run.CombinedOutput()
	if err != nil {
		t.Errorf("the driver failed: %v\n%s", err, out)
	} else if !strings.HasSuffix(strings.TrimSpace(string(out)), "ok") {
		t.Errorf("the driver did not finish: %s", out)
	}

	mu.Lock()
	defer mu.Unlock()
	requests := 0
	for _, n := range reached {
		requests += n
	}
	// getOpenAPIDocument is the one exchange checkContract leaves alone.
	if got := checked() - before; got < requests-reached["getOpenAPIDocument"] {
		t.Errorf("%d of the driver's %d requests were checked against the document", got, requests)
	}
	for _, id := range ops {
		if reached[id] == 0 {
			t.Errorf("operation %s was not driven through the generated client", id)
		}
	}
	for id := range reached {
		if !slices.Contains(ops, id) {
			t.Errorf("the server saw operation %s, which the served document lacks", id)
		}
	}
	t.Logf("%d operations driven through the generated client (%d bytes of Go) in %d requests", len(reached), len(client), requests)
}

// unavailable stops the test when oapi-codegen cannot run: a failure under
// CI, where the tool is pinned in go.mod and the module proxy reachable, and
// a skip that says why elsewhere (an offline machine with an empty module
// cache).
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	if storetest.InCI() {
		t.Fatalf(format, args...)
	}
	t.Skipf("skipped, the generator cannot run here: "+format, args...)
}

// operationIDs lists the operations of an OpenAPI document.
func operationIDs(t *testing.T, doc []byte) []string {
	t.Helper()
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, item := range d.Paths {
		for method, raw := range item {
			if !slices.Contains([]string{"get", "put", "post", "delete", "patch", "head", "options"}, method) {
				continue
			}
			var op struct {
				OperationID string `json:"operationId"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, op.OperationID)
		}
	}
	slices.Sort(ids)
	if len(ids) < 30 {
		t.Fatalf("only %d operations in the served document", len(ids))
	}
	return ids
}

func moduleRoot(t *testing.T, goBin string) string {
	t.Helper()
	out, err := exec.Command(goBin, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		t.Fatal("go env GOMOD: not in a module")
	}
	return filepath.Dir(gomod)
}

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// typedRoots are the bodies issue 15 names ("the review, export, compare
// and every nested object are fully described"): every generated type
// reachable from them must be one a client reads without type assertions.
var typedRoots = []string{"Review", "Export", "Comparison", "Summary"}

// untypedAllowed are the generated types that may hold interface{}, with
// the reason: the OpenAPI document itself, which the OpenAPI 3.1
// meta-schema describes, not the document.
var untypedAllowed = map[string]string{
	"GetOpenAPIDocumentResponse": "the OpenAPI document itself",
}

// checkGeneratedTypes fails on a generated type that is interface{} or
// map[string]interface{} (what oapi-codegen makes of an object schema with
// no properties, or a value with no type) or json.RawMessage (what it makes
// of a union it cannot type) anywhere in the types reachable from
// typedRoots, and on interface{} in any generated type but those in
// untypedAllowed.
func checkGeneratedTypes(t *testing.T, src []byte) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "client.gen.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("the generated client does not parse: %v", err)
	}
	decls := map[string]ast.Expr{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, spec := range g.Specs {
			ts := spec.(*ast.TypeSpec)
			decls[ts.Name.Name] = ts.Type
		}
	}
	// untyped names the places in e that hold no type: "Field.Sub: interface{}".
	var untyped func(e ast.Expr, at string, rawToo bool, follow func(name string)) []string
	untyped = func(e ast.Expr, at string, rawToo bool, follow func(name string)) []string {
		switch e := e.(type) {
		case *ast.InterfaceType:
			if len(e.Methods.List) > 0 {
				return nil // the client's own interfaces (ClientInterface, HttpRequestDoer)
			}
			return []string{at + ": interface{}"}
		case *ast.Ident:
			if e.Name == "any" {
				return []string{at + ": any"}
			}
			if follow != nil {
				follow(e.Name)
			}
		case *ast.SelectorExpr:
			if x, ok := e.X.(*ast.Ident); ok && rawToo && x.Name == "json" && e.Sel.Name == "RawMessage" {
				return []string{at + ": json.RawMessage"}
			}
		case *ast.StarExpr:
			return untyped(e.X, at, rawToo, follow)
		case *ast.ArrayType:
			return untyped(e.Elt, at+"[]", rawToo, follow)
		case *ast.MapType:
			return untyped(e.Value, at+"{}", rawToo, follow)
		case *ast.StructType:
			var out []string
			for _, fld := range e.Fields.List {
				name := "(embedded)"
				if len(fld.Names) > 0 {
					name = fld.Names[0].Name
				}
				out = append(out, untyped(fld.Type, at+"."+name, rawToo, follow)...)
			}
			return out
		}
		return nil
	}

	seen := map[string]bool{}
	var queue []string
	follow := func(name string) {
		if _, ok := decls[name]; ok && !seen[name] {
			seen[name] = true
			queue = append(queue, name)
		}
	}
	for _, root := range typedRoots {
		if decls[root] == nil {
			t.Errorf("the generated client has no type %s", root)
		}
		follow(root)
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, bad := range untyped(decls[name], name, true, follow) {
			t.Errorf("generated type %s is untyped (the document leaves it free-form)", bad)
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d generated types reachable from %v", len(seen), typedRoots)
	}
	for name, e := range decls {
		if seen[name] || untypedAllowed[name] != "" {
			continue
		}
		for _, bad := range untyped(e, name, false, nil) {
			t.Errorf("generated type %s is untyped (the document leaves it free-form)", bad)
		}
	}
}
