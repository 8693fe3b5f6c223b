package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

// tokenFile is where 'upshot serve' keeps e's launch token.
func (e *env) tokenFile() string { return filepath.Join(e.home, "config", "upshot", "launch-token") }

// 'upshot serve' on an address beyond loopback refuses with exit 2 before
// listening or writing anything, and says what to do instead.
func TestServeRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.168.1.5:8080", "example.org:8080", "localhost.example.org:0"} {
		r := e.fails(2, "serve", "--addr", addr)
		if !strings.Contains(r.stderr, "--addr 127.0.0.1:") || !strings.Contains(r.stderr, "ssh -L") {
			t.Errorf("serve --addr %s: the refusal does not say what to do:\n%s", addr, r.stderr)
		}
	}
	if _, err := os.Stat(e.tokenFile()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused serve made a launch token: %v", err)
	}
	for _, addr := range []string{"localhost:0", "[::1]:0"} {
		e := newEnv(t, "sqlite")
		if addr == "[::1]:0" {
			if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
				t.Logf("no IPv6 loopback here: %v", err)
				continue
			} else {
				ln.Close()
			}
		}
		srv := e.serveAt(t, addr)
		srv.stop(t)
	}
}

// The launch token is made once, kept 0600 in a 0700 directory, printed
// with the address, required by the API, and the same at the next start. A
// token file others could read is replaced.
func TestServeLaunchToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	srv := e.serve(t)
	fi, err := os.Stat(e.tokenFile())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("launch token file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(filepath.Dir(e.tokenFile())); di.Mode().Perm() != 0o700 {
		t.Errorf("config directory mode %v, want 0700", di.Mode().Perm())
	}
	b, _ := os.ReadFile(e.tokenFile())
	if strings.TrimSpace(string(b)) != srv.token || len(srv.token) != 43 {
		t.Errorf("the printed token %q is not the stored one %q", srv.token, b)
	}
	for _, c := range []struct {
		client *http.Client
		want   int
	}{
		{&http.Client{Timeout: time.Minute}, http.StatusUnauthorized},
		{srv.client(time.Minute), http.StatusOK},
	} {
		resp, err := c.client.Get(srv.url + "/api/v1/export")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET /api/v1/export: %d, want %d", resp.StatusCode, c.want)
		}
	}
	srv.stop(t)
	for _, line := range srv.lines() {
		if strings.Contains(line, srv.token) && !servingAt.MatchString(line) {
			t.Errorf("the token appears outside the printed address: %q", line)
		}
	}

	again := e.serve(t)
	again.stop(t)
	if again.token != srv.token {
		t.Error("a second serve made a new token; the bookmarked address would stop working")
	}

	if err := os.Chmod(e.tokenFile(), 0o644); err != nil {
		t.Fatal(err)
	}
	loose := e.serve(t)
	loose.stop(t)
	if loose.token == srv.token {
		t.Error("a token others could read was kept")
	}
	if fi, _ := os.Stat(e.tokenFile()); fi.Mode().Perm() != 0o600 {
		t.Errorf("the new token file is %v", fi.Mode().Perm())
	}
	if !strings.Contains(strings.Join(loose.lines(), "\n"), "could be read by other users") {
		t.Errorf("serve replaced a loose token without saying so:\n%s", strings.Join(loose.lines(), "\n"))
	}
}

// otherUserEnv, when set, makes the test binary the other Unix user's
// client (see TestOtherUserGetsNothing): it prints what it could do as JSON.
const otherUserEnv = "UPSHOT_TEST_OTHER_USER"

type otherUserReport struct {
	ReadErr  string         `json:"read_error"` // reading the token file
	Statuses map[string]int `json:"statuses"`   // GET path -> status
}

// otherUser is the other user's side: read the token file, then try the
// server without the token, as 'curl http://127.0.0.1:PORT/api/v1/export'.
func otherUser() int {
	var rep otherUserReport
	url, file := os.Getenv(otherUserEnv), os.Getenv(otherUserEnv+"_FILE")
	if b, err := os.ReadFile(file); err != nil {
		rep.ReadErr = err.Error()
	} else {
		rep.ReadErr = "read " + strconv.Itoa(len(b)) + " bytes"
	}
	rep.Statuses = map[string]int{}
	client := &http.Client{Timeout: time.Minute}
	for _, p := range []string{"/api/v1/export", "/", "/api/v1/sessions", "/report/download"} {
		resp, err := client.Get(url + p)
		if err != nil {
			rep.Statuses[p] = -1
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		rep.Statuses[p] = resp.StatusCode
	}
	json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

// Another Unix user on the same machine can neither read the launch token
// nor get anything from the server without it: 401 on the export, the
// dashboard and the API. The directories on the way are opened to everyone,
// so the token file's own mode is what keeps them out. Runs as root (which
// can switch to 'nobody'); under CI without root it fails rather than skip.
func TestOtherUserGetsNothing(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		if storetest.InCI() {
			t.Fatal("this test switches to another Unix user and needs root; CI must run it as root")
		}
		t.Skip("SKIP: not root, so another Unix user cannot be tried here (CI runs this test as root)")
	}
	uid, gid := uint32(65534), uint32(65534)
	if u, err := user.Lookup("nobody"); err == nil {
		n, _ := strconv.Atoi(u.Uid)
		g, _ := strconv.Atoi(u.Gid)
		uid, gid = uint32(n), uint32(g)
	}
	open, err := os.MkdirTemp("", "upshot-other-user-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(open) })
	e := newEnv(t, "sqlite")
	e.home = filepath.Join(open, "home")
	if err := os.Mkdir(e.home, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := e.serve(t)
	defer srv.stop(t)
	for _, d := range []string{open, e.home, filepath.Join(e.home, "config"), filepath.Dir(e.tokenFile())} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The other user runs a copy of this test binary they can execute.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(open, "client")
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = []string{otherUserEnv + "=" + srv.url, otherUserEnv + "_FILE=" + e.tokenFile(), "PATH=" + os.Getenv("PATH")}
	cmd.Dir = open
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the other user's client: %v\n%s", err, out)
	}
	var rep otherUserReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("the other user's report: %v\n%s", err, out)
	}
	t.Logf("as uid %d: token file: %s; statuses %v", uid, rep.ReadErr, rep.Statuses)
	if !strings.Contains(rep.ReadErr, "permission denied") {
		t.Errorf("the other user reading the token file: %q, want permission denied", rep.ReadErr)
	}
	if len(rep.Statuses) == 0 {
		t.Fatal("the other user made no request")
	}
	for p, status := range rep.Statuses {
		if status != http.StatusUnauthorized {
			t.Errorf("the other user's GET %s: %d, want 401", p, status)
		}
	}
}
