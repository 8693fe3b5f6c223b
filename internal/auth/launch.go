// Package auth decides who may reach Upshot's server. Today that is the
// launch token: one secret per Unix user, kept in a file only they can read,
// which keeps other users of the same machine out of a loopback server that
// has no accounts (as local notebook servers do).
package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LaunchTokenFile is the name of the token's file in Upshot's configuration
// directory (beside the instruments directory).
const LaunchTokenFile = "launch-token"

// tokenBytes is the entropy of a launch token: 256 bits.
const tokenBytes = 32

// launchTokenLen is the length of a launch token's text (unpadded base64url).
var launchTokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// NewToken returns a fresh random token of 256 bits, URL-safe.
func NewToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// LaunchToken returns the launch token kept in dir/launch-token, creating
// dir (0700) and the file (0600) when there is none. A file that others could
// read, or that holds no well-formed token, is replaced by a new token: the old
// one may have been seen. note says what was done, for the terminal ("" when
// an existing token was reused). The token stays the same from one 'serve' to
// the next, so a bookmarked address keeps working; deleting the file makes a
// new one.
func LaunchToken(dir string) (token, note string, err error) {
	if dir == "" {
		return "", "", errors.New("auth: no configuration directory for the launch token (set HOME or XDG_CONFIG_HOME)")
	}
	path := filepath.Join(dir, LaunchTokenFile)
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 == 0:
		b, err := os.ReadFile(path)
		if err != nil {
			return "", "", fmt.Errorf("auth: read launch token: %w", err)
		}
		if t := strings.TrimSpace(string(b)); validToken(t) {
			return t, "", nil
		}
		note = fmt.Sprintf("%s held no valid launch token; a new one was made", path)
	case err == nil:
		note = fmt.Sprintf("%s could be read by other users (mode %v); a new launch token was made", path, fi.Mode())
	case errors.Is(err, fs.ErrNotExist):
		note = fmt.Sprintf("a new launch token was saved in %s (readable by you alone)", path)
	default:
		return "", "", fmt.Errorf("auth: launch token: %w", err)
	}
	if token, err = NewToken(); err != nil {
		return "", "", err
	}
	if err := writePrivate(dir, path, token); err != nil {
		return "", "", err
	}
	return token, note, nil
}

func validToken(t string) bool {
	if len(t) != launchTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

// writePrivate replaces path with content, readable by the owner alone: the
// new file is written 0600 beside it and renamed over it, so there is never a
// moment when a looser file or half a token exists.
func writePrivate(dir, path, content string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("auth: launch token directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+LaunchTokenFile+"-*")
	if err != nil {
		return fmt.Errorf("auth: launch token: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly after the rename
	// CreateTemp makes the file 0600; Chmod states it regardless of umask.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("auth: launch token: %w", err)
	}
	if _, err := f.WriteString(content + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("auth: launch token: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("auth: launch token: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("auth: launch token: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("auth: launch token: %w", err)
	}
	return nil
}

// Launch checks credentials against one launch token. The token itself is
// what a script sends (Authorization: Bearer); a browser exchanges it once
// for a cookie holding a value derived from it, so the token is not what
// sits in the cookie jar.
type Launch struct {
	token  []byte
	cookie []byte
}

// NewLaunch returns the checker for token, which must be a well-formed
// launch token.
func NewLaunch(token string) (*Launch, error) {
	if !validToken(token) {
		return nil, errors.New("auth: the launch token is not a 256-bit URL-safe token")
	}
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("upshot launch cookie v1"))
	cookie := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	return &Launch{token: []byte(token), cookie: []byte(cookie)}, nil
}

// Token reports whether t is the launch token, in constant time.
func (l *Launch) Token(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), l.token) == 1
}

// Cookie is the cookie value a valid token is exchanged for.
func (l *Launch) Cookie() string { return string(l.cookie) }

// CookieOK reports whether v is the launch cookie's value, in constant time.
func (l *Launch) CookieOK(v string) bool {
	return subtle.ConstantTimeCompare([]byte(v), l.cookie) == 1
}
