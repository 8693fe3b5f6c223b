package cli_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Serving beyond loopback (issue 13 item 1): refused with exit 2 and a
// message that says what to do, before anything is served, unless accounts
// have passwords and the connection is encrypted.
func TestServeBeyondLoopbackNeedsAccountsAndTLS(t *testing.T) {
	t.Parallel()
	cert, key := selfSigned(t)
	e := newEnv(t, "sqlite")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--addr", "0.0.0.0:0"}, []string{"--tls-cert", "--behind-proxy", "upshot user add", "ssh -L"}},
		{[]string{"--addr", "192.168.1.5:8080", "--tls-cert", cert}, []string{"--tls-cert and --tls-key go together"}},
		{[]string{"--addr", "127.0.0.1:0", "--behind-proxy"}, []string{"--behind-proxy needs --public-url"}},
		{[]string{"--addr", "0.0.0.0:0", "--behind-proxy", "--public-url", "https://u.example.org"}, []string{"--addr 127.0.0.1:"}},
		{[]string{"--addr", "0.0.0.0:0", "--tls-cert", cert, "--tls-key", key}, []string{"--public-url"}},
		{[]string{"--addr", "0.0.0.0:0", "--tls-cert", cert, "--tls-key", key, "--public-url", "https://u.example.org/x"}, []string{"--public-url must be an origin"}},
		// Every flag right, but no account has a password.
		{[]string{"--addr", "0.0.0.0:0", "--tls-cert", cert, "--tls-key", key, "--public-url", "https://u.example.org"}, []string{"no account has a password", "upshot user add NAME"}},
		{[]string{"--addr", "127.0.0.1:0", "--behind-proxy", "--public-url", "https://u.example.org"}, []string{"no account has a password"}},
	} {
		r := e.fails(2, append([]string{"serve"}, c.args...)...)
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("serve %v: the refusal lacks %q:\n%s", c.args, w, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "Upshot is serving") {
			t.Errorf("serve %v served:\n%s", c.args, r.stderr)
		}
	}
	if _, err := os.Stat(e.tokenFile()); err == nil {
		t.Error("a refused serve made a launch token")
	}
}

// With an account that has a password and a certificate, 'upshot serve'
// speaks HTTPS on the network, prints no launch token, and a browser signs
// in and gets a __Host- cookie that is Secure.
func TestServeTLSWithAccounts(t *testing.T) {
	t.Parallel()
	cert, key := selfSigned(t)
	e := newBinaryEnv(t, "sqlite")
	if r := e.runIn("alice has a long passphrase\n", "user", "add", "alice", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add:\n%s", r)
	}
	base, lines, stop := serveWith(t, e, "--addr", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key)
	defer stop()
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serving at %q, want https", base)
	}
	for _, l := range lines() {
		if strings.Contains(l, "token=") {
			t.Errorf("a server with accounts printed a launch address: %q", l)
		}
	}
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	resp, err := client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET / before signing in: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(url.Values{"login": {"alice"}, "password": {"alice has a long passphrase"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-upshot_session" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil || !session.Secure || !session.HttpOnly {
		t.Fatalf("sign in over TLS: %d, cookie %+v", resp.StatusCode, session)
	}
	req, _ = http.NewRequest("GET", base+"/api/v1/therapists", nil)
	req.AddCookie(session)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/v1/therapists signed in: %d", resp.StatusCode)
	}
}

var servingLine = regexp.MustCompile(`Upshot is serving .* at (https?://\S+?)/ `)

// serveWith starts 'upshot serve' with args and waits until it says where
// it listens; stop ends it as Ctrl-C would.
func serveWith(t *testing.T, e *env, args ...string) (base string, lines func() []string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := e.command(ctx, append([]string{"serve"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log []string
	logc := make(chan string, 64)
	found := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			select {
			case logc <- sc.Text():
			default:
			}
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	collect := func() []string {
		for {
			select {
			case l := <-logc:
				log = append(log, l)
			default:
				return log
			}
		}
	}
	select {
	case base = <-found:
	case <-done:
		cmd.Wait()
		cancel()
		t.Fatalf("upshot serve stopped before listening:\n%s", strings.Join(collect(), "\n"))
	case <-time.After(30 * time.Second):
		cancel()
		cmd.Wait()
		t.Fatalf("upshot serve did not say where it listens:\n%s", strings.Join(collect(), "\n"))
	}
	// The lines after the address are printed with it; wait for the blank
	// line or the sign-in line that ends them.
	deadline := time.After(10 * time.Second)
	for !strings.Contains(strings.Join(collect(), "\n"), "signs in at") && !strings.Contains(strings.Join(log, "\n"), "token=") {
		select {
		case l := <-logc:
			log = append(log, l)
		case <-deadline:
			t.Fatalf("upshot serve printed no way in:\n%s", strings.Join(log, "\n"))
		}
	}
	return base, collect, func() {
		cmd.Process.Signal(os.Interrupt)
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited:
		case <-time.After(20 * time.Second):
			cancel()
			<-waited
		}
		cancel()
	}
}

// selfSigned writes a certificate for 127.0.0.1 and localhost and its key.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
