package instrument

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/upshot-app/upshot/internal/upshot"
)

//go:embed defs/*.json
var defsFS embed.FS

// builtinOrder is the order people meet the instruments in: the two NHS
// Talking Therapies measures first, then wellbeing, then our own check.
var builtinOrder = []string{"phq9", "gad7", "who5", "focus"}

// Registry is the set of instruments one run of the program knows. Built-ins
// come first and cannot be shadowed, so "phq9" always means the published
// PHQ-9 and its scores stay comparable with everyone else's.
type Registry struct {
	mu   sync.RWMutex
	defs map[string]*Definition
}

// Builtin returns a registry holding the shipped instruments. It panics only
// if the embedded files are broken, which the package tests rule out.
func Builtin() *Registry {
	r := &Registry{defs: map[string]*Definition{}}
	for _, id := range builtinOrder {
		data, err := defsFS.ReadFile("defs/" + id + ".json")
		if err != nil {
			panic(fmt.Sprintf("instrument: built-in %s: %v", id, err))
		}
		d, err := Parse(data)
		if err != nil {
			panic(fmt.Sprintf("instrument: built-in %s.json: %v", id, err))
		}
		if d.ID != id {
			panic(fmt.Sprintf("instrument: built-in %s.json has id %q", id, d.ID))
		}
		d.Builtin = true
		r.defs[id] = d
	}
	return r
}

// Load reads and parses one definition file; errors name the file so a person
// with several custom instruments knows which one to fix.
func Load(path string) (*Definition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("instrument definition %s: %w", path, err)
	}
	d, err := Parse(data)
	if err != nil {
		return nil, inFile(path, err)
	}
	return d, nil
}

// inFile prefixes a domain error's message with the file name, keeping its
// code and field so callers still classify it as invalid input.
func inFile(path string, err error) error {
	var e *upshot.Error
	if errors.As(err, &e) {
		return &upshot.Error{Code: e.Code, Field: e.Field, Message: path + ": " + e.Message}
	}
	return fmt.Errorf("%s: %w", path, err)
}

// LoadDir adds every *.json definition in dir. It is all or nothing: one
// broken file leaves the registry as it was, so scores are never computed
// against half a configuration. A missing dir is normal (nothing configured).
func (r *Registry) LoadDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("instrument definitions %s: %w", dir, err)
	}
	var loaded []*Definition
	files := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		d, err := Load(path)
		if err != nil {
			return err
		}
		if prev, dup := files[d.ID]; dup {
			return inFile(path, upshot.Invalid("id", "instrument %s is already defined in %s", d.ID, prev))
		}
		if err := r.check(d); err != nil {
			return inFile(path, err)
		}
		files[d.ID] = path
		loaded = append(loaded, d)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range loaded {
		if err := r.checkLocked(d); err != nil {
			return err
		}
	}
	for _, d := range loaded {
		r.put(d)
	}
	return nil
}

// Add registers a custom definition, validating it as Parse would, because a
// definition built in Go must meet the same rules as one read from a file.
// A definition that was never parsed gets its JSON encoding as Raw.
func (r *Registry) Add(def *Definition) error {
	if def == nil {
		return upshot.Invalid("definition", "instrument definition: missing")
	}
	if err := def.validate(); err != nil {
		return err
	}
	if def.raw == nil {
		def.raw = def.Raw()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.checkLocked(def); err != nil {
		return err
	}
	r.put(def)
	return nil
}

func (r *Registry) check(d *Definition) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.checkLocked(d)
}

func (r *Registry) checkLocked(d *Definition) error {
	prev, ok := r.defs[d.ID]
	switch {
	case !ok:
		return nil
	case prev.Builtin:
		return upshot.Invalid("id", "instrument %s is built in and cannot be replaced; choose another id", d.ID)
	default:
		return upshot.Invalid("id", "instrument %s is already defined", d.ID)
	}
}

func (r *Registry) put(d *Definition) {
	if r.defs == nil {
		r.defs = map[string]*Definition{}
	}
	r.defs[d.ID] = d
}

// Get returns the instrument with this id.
func (r *Registry) Get(id string) (*Definition, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.defs[id]
	return d, ok
}

// All lists the instruments in a stable order for menus and listings:
// built-ins in their fixed order, then custom ones by id.
func (r *Registry) All() []*Definition {
	r.mu.RLock()
	out := make([]*Definition, 0, len(r.defs))
	for _, d := range r.defs {
		out = append(out, d)
	}
	r.mu.RUnlock()
	rank := func(d *Definition) int {
		if i := slices.Index(builtinOrder, d.ID); d.Builtin && i >= 0 {
			return i
		}
		return len(builtinOrder)
	}
	slices.SortFunc(out, func(a, b *Definition) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.ID, b.ID))
	})
	return out
}
