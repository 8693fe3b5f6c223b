package auth

import (
	"crypto/sha256"
	"encoding/hex"
)

// HashToken is what is stored of a random secret token (a calendar feed's
// address, a session, an API token): its SHA-256 in hex. A 256-bit random
// token needs no salt or slow hash: it cannot be guessed, only stolen, and
// the hash is useless to whoever steals the database.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// WellFormedToken reports whether t has the shape of a token from NewToken,
// so that a malformed one is refused before any lookup.
func WellFormedToken(t string) bool { return validToken(t) }
