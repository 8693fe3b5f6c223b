package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// locate finds the first place (in a stable order) where a syntactically
// valid document does not fit the export types, and says what is wrong there.
// It runs only after the strict decoder failed, so speed does not matter.
func locate(data []byte) (path, msg string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return "", "", false
	}
	return walk("", reflect.TypeFor[document](), v)
}

func walk(path string, t reflect.Type, v any) (string, string, bool) {
	if v == nil {
		return "", "", false // null decodes to the zero value anywhere
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || isLeaf(t) {
		raw, err := json.Marshal(v)
		if err != nil {
			return "", "", false
		}
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			return path, leafMessage(t, v, err), true
		}
		return "", "", false
	}
	switch t.Kind() {
	case reflect.Pointer:
		return walk(path, t.Elem(), v)
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return orRoot(path), "must be an object, got " + jsonKind(v), true
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(m) {
			f, ok := fields[k]
			if !ok {
				for name, ff := range fields {
					if strings.EqualFold(name, k) {
						f, ok = ff, true
						break
					}
				}
			}
			if !ok {
				return orRoot(path), fmt.Sprintf("unknown field %q", k), true
			}
			if p, msg, bad := walk(join(path, k), f, m[k]); bad {
				return p, msg, true
			}
		}
	case reflect.Slice:
		a, ok := v.([]any)
		if !ok {
			return path, "must be a list, got " + jsonKind(v), true
		}
		for i, e := range a {
			if p, msg, bad := walk(fmt.Sprintf("%s[%d]", path, i), t.Elem(), e); bad {
				return p, msg, true
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return path, "must be an object, got " + jsonKind(v), true
		}
		for _, k := range sortedKeys(m) {
			if p, msg, bad := walk(join(path, k), t.Elem(), m[k]); bad {
				return p, msg, true
			}
		}
	}
	return "", "", false
}

func isLeaf(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Interface, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// jsonFields maps JSON names to field types, flattening embedded structs the
// way encoding/json does (Meta's version and timestamps sit in each record).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func leafMessage(t reflect.Type, v any, err error) string {
	var e *upshot.Error
	if errors.As(err, &e) {
		return e.Message
	}
	got := jsonKind(v)
	if n, ok := v.(json.Number); ok {
		got = n.String()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "must be true or false, got " + got
	case reflect.String:
		return "must be text, got " + got
	case reflect.Float32, reflect.Float64:
		return "must be a number, got " + got
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "must be a whole number, got " + got
	}
	return "cannot be read: " + err.Error()
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "true/false"
	case json.Number:
		return "a number"
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return fmt.Sprintf("text %q", v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func orRoot(path string) string {
	if path == "" {
		return "export"
	}
	return path
}
