package auth

import (
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

// A hash is argon2id in PHC form at today's parameters (OWASP's or
// stronger), salted per hash, and verifies only the password it was made of.
func TestHashPassword(t *testing.T) {
	const pw = "a long and unusual passphrase"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword(pw)
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id at m=19456,t=2,p=1 in PHC form", h1)
	}
	if h1 == h2 || strings.Split(h1, "$")[4] == strings.Split(h2, "$")[4] {
		t.Fatal("two hashes of one password share a salt")
	}
	if p := PasswordParams; p.Memory < 19*1024 || p.Time < 2 || p.Threads < 1 {
		t.Fatalf("PasswordParams %+v are below OWASP's argon2id minimum (m=19 MiB, t=2, p=1)", p)
	}
	if ok, rehash, err := VerifyPassword(h1, pw); !ok || rehash || err != nil {
		t.Fatalf("VerifyPassword(right) = %v, %v, %v", ok, rehash, err)
	}
	for _, wrong := range []string{"", "a long and unusual passphrasE", pw + " ", strings.Repeat("x", MaxPasswordLen+1)} {
		if ok, _, err := VerifyPassword(h1, wrong); ok || err != nil {
			t.Fatalf("VerifyPassword(%.20q) = %v, %v", wrong, ok, err)
		}
	}
}

// A hash made at lower parameters still verifies and asks to be remade.
func TestRehashWhenParametersRise(t *testing.T) {
	const pw = "a long and unusual passphrase"
	was := PasswordParams
	PasswordParams = Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1}
	old, err := HashPassword(pw)
	PasswordParams = was
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := VerifyPassword(old, pw); !ok || !rehash || err != nil {
		t.Fatalf("VerifyPassword(old hash) = %v, rehash %v, %v; want true, true", ok, rehash, err)
	}
}

// A stored hash that is not ours, or whose parameters would make a sign-in
// allocate gigabytes, is refused before any work.
func TestVerifyRefusesForeignHashes(t *testing.T) {
	for _, h := range []string{
		"", "plain", "$2a$10$abcdefghijklmnopqrstuv", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		if ok, _, err := VerifyPassword(h, "whatever it is"); ok || err == nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want an error", h, ok, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, pw := range []string{
		"short",            // fewer than 12
		"elevenchars",      // 11
		"123456789012",     // listed
		"PasswordPassword", // a listed word twice
		"sunshine2024!",    // listed word + digits and symbols
		"Dragon123456",     // likewise, any case
		"aaaaaaaaaaaaaaaa", // one character repeated
		"correcthorsebatterystaple",
		strings.Repeat("ab", MaxPasswordLen),
	} {
		err := CheckPassword("password", pw)
		if upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != "password" {
			t.Errorf("CheckPassword(%.20q) = %v; want invalid, naming the field", pw, err)
		}
		if err != nil && strings.Contains(err.Error(), pw) {
			t.Errorf("the refusal of %q repeats the password", pw)
		}
	}
	for _, pw := range []string{"tulip ferry cobalt", "my therapist's cat is called Mo", "zwölf Zeichen ünd mehr"} {
		if err := CheckPassword("password", pw); err != nil {
			t.Errorf("CheckPassword(%q) = %v; want it accepted", pw, err)
		}
	}
	if len(commonPasswords()) < 3000 {
		t.Fatalf("the bundled list has only %d passwords", len(commonPasswords()))
	}
}

// BenchmarkSignInPassword is the cost of one sign-in's password check at
// today's parameters (PasswordParams): what a correct and a wrong password
// both cost, and what the throttle saves per refused attempt.
func BenchmarkSignInPassword(b *testing.B) {
	h, err := HashPassword("tulip ferry cobalt")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, err := VerifyPassword(h, "tulip ferry cobalt"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
