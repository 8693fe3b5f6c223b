package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The installable app (issue 15): a web app manifest, icons and a service
// worker, so that "Add to home screen" on a phone gives an app that opens at
// once. The worker keeps only the embedded static files and an offline page
// on the device, never a page or an answer that holds a record: those are
// private, change with every entry, and must not outlive a sign-out or sit in
// a phone's storage.

// offlinePath is the page the worker shows when a page cannot be fetched.
// It holds no record, so it is public and cacheable like a static file.
const offlinePath = "/offline"

// themeColour is the accent of app.css, the colour of the phone's title bar.
const themeColour = "#1f4e79"

type installable struct {
	manifest []byte
	worker   []byte
	offline  []byte
}

// webManifest is the W3C Web Application Manifest. Its icons are the hashed
// static URLs, so the manifest changes when an icon does.
type webManifest struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

func newInstallable(static *assets, offlinePage []byte) (*installable, error) {
	icon := func(name, sizes, typ, purpose string) (manifestIcon, error) {
		u, err := static.url(name)
		return manifestIcon{Src: u, Sizes: sizes, Type: typ, Purpose: purpose}, err
	}
	m := webManifest{
		ID: "/", Name: "Upshot", ShortName: "Upshot",
		Description: "Your private record of your therapy, and whether it is working for you.",
		StartURL:    "/", Scope: "/", Display: "standalone",
		BackgroundColor: "#ffffff", ThemeColor: themeColour,
	}
	for _, i := range [][4]string{
		{"icon-192.png", "192x192", "image/png", "any"},
		{"icon-512.png", "512x512", "image/png", "any"},
		{"icon-maskable-192.png", "192x192", "image/png", "maskable"},
		{"icon-maskable-512.png", "512x512", "image/png", "maskable"},
		{"favicon.svg", "any", "image/svg+xml", "any"},
	} {
		mi, err := icon(i[0], i[1], i[2], i[3])
		if err != nil {
			return nil, fmt.Errorf("web: manifest: %w", err)
		}
		m.Icons = append(m.Icons, mi)
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}

	// The worker's cache is named after the files it holds, so a new build
	// (a changed file, a changed offline page) replaces the old cache whole.
	files := make([]string, 0, len(static.urls))
	for _, u := range static.urls {
		files = append(files, u)
	}
	slices.Sort(files)
	sum := sha256.New()
	for _, f := range files {
		fmt.Fprintln(sum, f)
	}
	sum.Write(offlinePage)
	list, err := json.Marshal(files)
	if err != nil {
		return nil, err
	}
	worker := strings.NewReplacer(
		"__VERSION__", `"`+hex.EncodeToString(sum.Sum(nil))[:12]+`"`,
		"__FILES__", string(list),
		"__OFFLINE__", `"`+offlinePath+`"`,
	).Replace(serviceWorker)
	return &installable{manifest: manifest, worker: []byte(worker), offline: offlinePage}, nil
}

// serviceWorker caches the static files at install and answers them from the
// cache (their URLs carry their content's hash, so a cached one is never
// stale). Pages go to the network every time; only when the network fails is
// the offline page shown instead. Anything else (the API, a form's POST) is
// left to the browser untouched. The names between double underscores are
// filled in by newInstallable.
const serviceWorker = `// Upshot's service worker. It keeps the app's own files on this device so
// the app opens at once, and never a page or an answer that holds a record.
"use strict";
const CACHE = "upshot-" + __VERSION__;
const FILES = __FILES__;
const OFFLINE = __OFFLINE__;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(FILES.concat([OFFLINE])))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  }
});
`

// serveManifest, serveWorker and serveOffline answer at fixed URLs (a
// worker's URL sets its scope, and a manifest's is in every page), so they
// are revalidated rather than cached for ever like the hashed files.
func (p *installable) serveManifest(w http.ResponseWriter, r *http.Request) {
	p.write(w, "application/manifest+json", p.manifest)
}

func (p *installable) serveWorker(w http.ResponseWriter, r *http.Request) {
	p.write(w, "text/javascript; charset=utf-8", p.worker)
}

func (p *installable) serveOffline(w http.ResponseWriter, r *http.Request) {
	p.write(w, "text/html; charset=utf-8", p.offline)
}

func (p *installable) write(w http.ResponseWriter, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-cache")
	w.Write(body)
}
