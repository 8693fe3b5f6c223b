package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/upshot-app/upshot/internal/report"
)

//go:embed static
var staticFS embed.FS

// assets are the embedded static files, each served at a URL that carries a
// hash of its content (/static/app.3f2a9c1d0b.css). A changed file gets a new
// URL, so browsers may cache every URL forever.
type assets struct {
	urls  map[string]string // logical name (app.css) -> hashed URL
	files map[string]asset  // hashed file name -> content
}

type asset struct {
	body        []byte
	contentType string
}

func newAssets() (*assets, error) {
	a := &assets{urls: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(path.Base(p), body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	// The report's stylesheet is inline in the standalone file; here it is a
	// file because the Content-Security-Policy forbids inline styles.
	a.add("report.css", report.Stylesheet())
	return a, nil
}

func (a *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
	ct := mime.TypeByExtension(ext)
	if ct == "" {
		ct = "application/octet-stream"
	}
	a.urls[name] = "/static/" + hashed
	a.files[hashed] = asset{body: body, contentType: ct}
}

// url returns the hashed URL of a static file. Templates call it, so a name
// that is not embedded fails the page render (and the page tests).
func (a *assets) url(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}

// serveNamed serves one static file at a fixed URL (/favicon.ico), cached
// for a day since the URL does not change with the content.
func (a *assets) serveNamed(name string) http.HandlerFunc {
	f := a.files[strings.TrimPrefix(a.urls[name], "/static/")]
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("Cache-Control", "public, max-age=86400")
		w.Write(f.body)
	}
}
