package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Argon2Params are the cost of an argon2id password hash.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// PasswordParams is what new hashes are made with: OWASP's Password Storage
// Cheat Sheet (2023) first argon2id configuration, m=19 MiB, t=2, p=1. It is
// the least memory of OWASP's equivalent choices, which matters on a small
// server where several people sign in at once. A stored hash made with
// less than this is remade at the next sign-in (NeedsRehash). Tests may lower
// it to keep CPU use down; production code never changes it.
var PasswordParams = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16 // bytes, per account
	keyLen  = 32 // bytes of derived key
)

// MinPasswordLen is the fewest characters a password may have (NIST SP
// 800-63B allows 8; Upshot guards health records and asks for 12).
const MinPasswordLen = 12

// MaxPasswordLen bounds the work one sign-in can ask for: argon2 hashes the
// whole password, and a multi-megabyte one would be an easy way to burn CPU.
const MaxPasswordLen = 256

//go:embed common-passwords.txt
var commonPasswordsFile string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsFile, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = true
	}
	return m
})

// CheckPassword refuses a password that is too short, too long, or common:
// in the bundled list (common-passwords.txt), a listed word followed only by
// digits or symbols ("password1234!"), or one character repeated. field names
// the input in the error.
func CheckPassword(field, pw string) error {
	if !utf8.ValidString(pw) {
		return upshot.Invalid(field, "%s: the password is not valid UTF-8 text", field)
	}
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return upshot.Invalid(field, "%s: the password has %d characters; use at least %d (a few unrelated words make a long one easy to remember)", field, n, MinPasswordLen)
	}
	if len(pw) > MaxPasswordLen {
		return upshot.Invalid(field, "%s: the password is longer than %d bytes", field, MaxPasswordLen)
	}
	if common(pw) {
		return upshot.Invalid(field, "%s: the password is one of the most common ones, which are tried first by anyone guessing; choose another", field)
	}
	return nil
}

func common(pw string) bool {
	lower := strings.ToLower(pw)
	list := commonPasswords()
	if list[lower] {
		return true
	}
	if strings.Count(lower, string([]rune(lower)[:1])) == utf8.RuneCountInString(lower) {
		return true // one character repeated
	}
	base := strings.TrimRightFunc(lower, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	if len(base) >= 4 && base != lower && list[base] {
		return true
	}
	// The same listed word twice ("passwordpassword").
	if half := len(lower) / 2; len(lower)%2 == 0 && lower[:half] == lower[half:] && list[lower[:half]] {
		return true
	}
	return false
}

// HashPassword returns the PHC-style encoding of pw's argon2id hash with a
// fresh random salt:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: random salt: %w", err)
	}
	p := PasswordParams
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return encodeHash(p, salt, key), nil
}

func encodeHash(p Argon2Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errBadHash never says more than that: a stored hash is a secret too.
var errBadHash = errors.New("auth: a stored password hash is not an argon2id hash this Upshot can read")

func decodeHash(encoded string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	// Bounds keep a tampered row from making a sign-in allocate gigabytes.
	if p.Memory < 8*1024 || p.Memory > 1024*1024 || p.Time < 1 || p.Time > 16 || p.Threads < 1 || p.Threads > 16 {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether pw matches the encoded hash, comparing in
// constant time, and whether the hash should be remade because it was made
// with weaker parameters than PasswordParams.
func VerifyPassword(encoded, pw string) (ok, rehash bool, err error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	if len(pw) > MaxPasswordLen {
		return false, false, nil
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	cur := PasswordParams
	return true, p.Memory < cur.Memory || p.Time < cur.Time || p.Threads < cur.Threads, nil
}

// dummyHash is verified against when the account named does not exist or
// has no password, so that a sign-in takes as long for an unknown name as
// for a wrong password and the timing tells no one which names exist.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("upshot dummy password, never matches anything")
	if err != nil {
		panic(err)
	}
	return h
})

// VerifyNothing spends the time of one VerifyPassword and reports false.
func VerifyNothing(pw string) {
	VerifyPassword(dummyHash(), pw)
}
