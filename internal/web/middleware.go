package web

import (
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// contentSecurityPolicy allows only this server's own files: no inline
// script or style, no framing, forms only to here. The charts are inline SVG
// styled with presentation attributes, which the policy does not restrict.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// middleware wraps the routes, outermost first: recovery and the request
// log see everything, including refused requests.
func (s *Server) middleware(next http.Handler) http.Handler {
	h := s.crossOrigin(next)
	h = s.checkHost(h)
	h = securityHeaders(h)
	h = s.logRequests(h)
	return s.recoverPanics(h)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		// Everything but the hashed static files is private and changes:
		// keep it out of shared and back-forward caches. Static files
		// override this.
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// hostPolicy is the set of Host header values this server answers to. A DNS
// rebinding attack reaches 127.0.0.1 under the attacker's own name; refusing
// every name but ours defeats it.
type hostPolicy struct {
	exact map[string]bool // the configured address, host:port and bare host
}

func newHostPolicy(addr string) hostPolicy {
	p := hostPolicy{exact: map[string]bool{}}
	if addr == "" {
		return p
	}
	p.exact[strings.ToLower(addr)] = true
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" && host != "0.0.0.0" && host != "::" {
		p.exact[strings.ToLower(host)] = true
	}
	return p
}

// allows reports whether a Host header names this server: the configured
// address, or localhost, 127.0.0.1 or [::1] with any port.
func (p hostPolicy) allows(hostHeader string) bool {
	h := strings.ToLower(hostHeader)
	if h == "" {
		return false
	}
	if p.exact[h] {
		return true
	}
	host := h
	if hh, _, err := net.SplitHostPort(h); err == nil {
		host = hh
	} else if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		host = h[1 : len(h)-1]
	}
	switch host {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

func (s *Server) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hosts.allows(r.Host) {
			s.fail(w, r, upshot.Errorf(codeMisdirected, "host",
				"this Upshot server does not answer to the host name %q; open it as http://localhost or http://127.0.0.1", r.Host))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests from other origins before
// anything is read or written.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.cop.Check(r); err != nil {
			s.fail(w, r, upshot.Errorf(codeForbidden, "",
				"cross-origin request refused: changes can only be made from Upshot's own pages"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests logs method, route pattern, status and duration, and nothing
// else: the URL can carry ids and queries, and bodies carry notes and
// answers, which never go to a log.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "(none)"
		}
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		s.log.LogAttrs(r.Context(), levelFor(status), "request",
			slog.String("method", r.Method), slog.String("pattern", pattern),
			slog.Int("status", status), slog.Duration("duration", time.Since(start)))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// The stack names code, never request data.
				s.log.Error("panic in handler", "pattern", r.Pattern, "panic", v, "stack", string(debug.Stack()))
				s.fail(w, r, upshot.Errorf(upshot.EINTERNAL, "", "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// levelFor logs server faults as errors and everything else as info.
func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
