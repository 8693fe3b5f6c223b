package cli

import (
	"runtime/debug"
	"testing"
)

// serve sets its own soft memory limit only when GOMEMLIMIT does not set one.
func TestServeMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	const fromEnv = 300 << 20 // as if the runtime had read GOMEMLIMIT=300MiB
	debug.SetMemoryLimit(fromEnv)
	env := map[string]string{"GOMEMLIMIT": "300MiB"}
	if limit, set := setServeMemoryLimit(func(k string) string { return env[k] }); set || limit != fromEnv {
		t.Errorf("with GOMEMLIMIT set: limit %d, set %v; want the environment's %d kept", limit, set, fromEnv)
	}
	if got := debug.SetMemoryLimit(-1); got != fromEnv {
		t.Errorf("the runtime's limit became %d, want %d", got, fromEnv)
	}

	delete(env, "GOMEMLIMIT")
	if limit, set := setServeMemoryLimit(func(k string) string { return env[k] }); !set || limit != serveMemoryLimit {
		t.Errorf("without GOMEMLIMIT: limit %d, set %v; want %d", limit, set, serveMemoryLimit)
	}
	if got := debug.SetMemoryLimit(-1); got != serveMemoryLimit {
		t.Errorf("the runtime's limit is %d, want %d", got, serveMemoryLimit)
	}
}
