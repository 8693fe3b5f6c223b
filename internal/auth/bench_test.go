package auth

import "testing"

// The cost of a sign-in's password check at the parameters new hashes are
// made with (OWASP's m=19 MiB, t=2, p=1): one argon2id per sign-in, whether
// the password is right, wrong, or the name is no account (VerifyNothing).
// For BENCHMARKS.md (issue 13):
//
//	go test -run '^$' -bench 'Argon2' -benchmem -count 5 ./internal/auth
func BenchmarkArgon2VerifyPassword(b *testing.B) {
	hash, err := HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, err := VerifyPassword(hash, "correct horse battery staple"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkArgon2HashPassword is the cost of making a hash (adding an
// account, changing a password, a rehash at sign-in).
func BenchmarkArgon2HashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
