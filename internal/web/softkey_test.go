package web

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// softKey is a passkey authenticator in software, for the tests that send
// the server forged, replayed and foreign answers without a browser: it
// makes a P-256 key, answers a registration with "none" attestation and a
// sign-in with a real ES256 signature, exactly as the WebAuthn
// specification lays the bytes out. TestBrowserPasskeys covers a real
// browser's authenticator.
type softKey struct {
	priv       *ecdsa.PrivateKey
	credID     []byte
	userHandle []byte
	counter    uint32
	noUV       bool // answer without user verification (no PIN, no fingerprint)
}

var b64u = base64.RawURLEncoding

func newSoftKey(t *testing.T) *softKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{priv: priv, credID: id}
}

// Authenticator data flags: user present, user verified, attested data.
const (
	flagUP = 0x01
	flagUV = 0x04
	flagAT = 0x40
)

func (k *softKey) authData(rpID string, flags byte, attested []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append([]byte{}, h[:]...)
	out = append(out, flags)
	out = binary.BigEndian.AppendUint32(out, k.counter)
	return append(out, attested...)
}

func clientData(typ, challenge, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": origin, "crossOrigin": false})
	return b
}

// ceremonyOptions is the part of a ceremony's options a key reads.
type ceremonyOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		RPID string `json:"rpId"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	} `json:"publicKey"`
}

// create answers a registration ceremony's options as a browser would post
// them (the credential JSON).
func (k *softKey) create(t *testing.T, options json.RawMessage, origin string) json.RawMessage {
	t.Helper()
	var o ceremonyOptions
	if err := json.Unmarshal(options, &o); err != nil {
		t.Fatal(err)
	}
	handle, err := b64u.DecodeString(o.PublicKey.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	k.userHandle = handle
	cose, err := webauthncbor.Marshal(webauthncose.EC2PublicKeyData{
		PublicKeyData: webauthncose.PublicKeyData{KeyType: int64(webauthncose.EllipticKey), Algorithm: int64(webauthncose.AlgES256)},
		Curve:         1, // P-256
		XCoord:        k.priv.X.FillBytes(make([]byte, 32)),
		YCoord:        k.priv.Y.FillBytes(make([]byte, 32)),
	})
	if err != nil {
		t.Fatal(err)
	}
	attested := make([]byte, 16) // AAGUID: zero
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(k.credID)))
	attested = append(attested, k.credID...)
	attested = append(attested, cose...)
	obj, err := webauthncbor.Marshal(map[string]any{
		"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(o.PublicKey.RP.ID, flagUP|flagUV|flagAT, attested),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rawJSON(t, map[string]any{
		"id": b64u.EncodeToString(k.credID), "rawId": b64u.EncodeToString(k.credID), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON":    b64u.EncodeToString(clientData("webauthn.create", o.PublicKey.Challenge, origin)),
			"attestationObject": b64u.EncodeToString(obj),
			"transports":        []string{"internal"},
		},
	})
}

// get answers a sign-in ceremony's options: a signed assertion.
func (k *softKey) get(t *testing.T, options json.RawMessage, origin string) json.RawMessage {
	t.Helper()
	var o ceremonyOptions
	if err := json.Unmarshal(options, &o); err != nil {
		t.Fatal(err)
	}
	k.counter++
	flags := byte(flagUP | flagUV)
	if k.noUV {
		flags = flagUP
	}
	auth := k.authData(o.PublicKey.RPID, flags, nil)
	cd := clientData("webauthn.get", o.PublicKey.Challenge, origin)
	cdHash := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, auth...), cdHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return rawJSON(t, map[string]any{
		"id": b64u.EncodeToString(k.credID), "rawId": b64u.EncodeToString(k.credID), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON":    b64u.EncodeToString(cd),
			"authenticatorData": b64u.EncodeToString(auth),
			"signature":         b64u.EncodeToString(sig),
			"userHandle":        b64u.EncodeToString(k.userHandle),
		},
	})
}

func rawJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
