package instrument

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/upshot-app/upshot/internal/upshot"
)

//go:embed defs/*.json defs/earlier/*.json
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
	// earlier holds every earlier version of the built-ins, by "id@version"
	// (defs/earlier/ID.VERSION.json, each exactly as it shipped): check-ins
	// answered against one keep being scored by it, and a file cannot
	// redefine it.
	earlier map[string]*Definition
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
	files, err := defsFS.ReadDir("defs/earlier")
	if err != nil {
		panic(fmt.Sprintf("instrument: earlier built-ins: %v", err))
	}
	r.earlier = map[string]*Definition{}
	for _, f := range files {
		data, err := defsFS.ReadFile("defs/earlier/" + f.Name())
		if err != nil {
			panic(fmt.Sprintf("instrument: earlier built-in %s: %v", f.Name(), err))
		}
		d, err := Parse(data)
		if err != nil {
			panic(fmt.Sprintf("instrument: earlier built-in %s: %v", f.Name(), err))
		}
		if cur := r.defs[d.ID]; cur == nil || d.Version >= cur.Version || f.Name() != fmt.Sprintf("%s.%d.json", d.ID, d.Version) {
			panic(fmt.Sprintf("instrument: earlier built-in %s is not an earlier version of a built-in", f.Name()))
		}
		d.Builtin = true
		r.earlier[versionKey(d.ID, d.Version)] = d
	}
	return r
}

func versionKey(id string, version int) string { return fmt.Sprintf("%s@%d", id, version) }

// MaxFileSize bounds a definition file. The largest published questionnaire
// fits in a few kilobytes; anything bigger is not a definition.
const MaxFileSize = 1 << 20

// Load reads and parses one definition file; errors name the file so a person
// with several custom instruments knows which one to fix.
func Load(path string) (*Definition, error) {
	data, err := readDefinition(path)
	if err != nil {
		return nil, err
	}
	d, err := Parse(data)
	if err != nil {
		return nil, inFile(path, err)
	}
	return d, nil
}

// readDefinition reads a regular file of at most MaxFileSize bytes. Anything
// else in the directory (a FIFO, a device such as /dev/zero behind a symlink,
// a huge file) would hang the program or fill its memory, so it is refused by
// name. The file is opened without blocking (opening a FIFO otherwise waits
// for a writer for ever) and checked after opening, so what is read is what
// was checked.
func readDefinition(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("instrument definition %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("instrument definition %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, upshot.Invalid("definition", "%s: not a regular file (%s); an instrument definition must be a plain .json file", path, fileKind(info.Mode()))
	}
	if info.Size() > MaxFileSize {
		return nil, tooLarge(path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1)) // it may grow after Stat
	if err != nil {
		return nil, fmt.Errorf("instrument definition %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(path)
	}
	return data, nil
}

func tooLarge(path string) error {
	return upshot.Invalid("definition", "%s: larger than %d bytes; an instrument definition is a few kilobytes", path, MaxFileSize)
}

// fileKind names a file type for the message refusing it.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
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

// Version returns instrument id at exactly this version: the current
// definition, or an earlier version of a built-in.
func (r *Registry) Version(id string, version int) (*Definition, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if d, ok := r.defs[id]; ok && d.Version == version {
		return d, true
	}
	d, ok := r.earlier[versionKey(id, version)]
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
