package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// hasher hashes passwords with argon2id in the PHC string format. The cost lives
// in each hash, so raising it in config does not break existing passwords.
type hasher struct {
	memory  uint32
	time    uint32
	threads uint8
	// dummy is verified when the email is unknown, so a wrong email costs as
	// much time as a wrong password and timing does not reveal accounts.
	dummy string
}

func newHasher(memory, iterations uint32, threads uint8) *hasher {
	h := &hasher{memory: memory, time: iterations, threads: threads}
	var pw [16]byte
	_, _ = rand.Read(pw[:])
	h.dummy = h.hash(base64.RawStdEncoding.EncodeToString(pw[:]))
	return h
}

func (h *hasher) hash(password string) string {
	var salt [16]byte
	_, _ = rand.Read(salt[:])
	key := argon2.IDKey([]byte(password), salt[:], h.time, h.memory, h.threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.memory, h.time, h.threads,
		base64.RawStdEncoding.EncodeToString(salt[:]), base64.RawStdEncoding.EncodeToString(key))
}

// verify reports whether password matches encoded. A nil encoded (no password
// set) is checked against the dummy hash and always fails.
func (h *hasher) verify(password string, encoded *string) bool {
	if encoded == nil {
		h.check(password, h.dummy) //nolint:errcheck // spend the same time, result ignored
		return false
	}
	ok, err := h.check(password, *encoded)
	return err == nil && ok
}

var errBadHash = errors.New("auth: malformed password hash")

func (h *hasher) check(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var memory, iterations uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &iterations, &threads); err != nil {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, iterations, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
