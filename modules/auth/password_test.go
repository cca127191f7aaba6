package auth

import (
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h := newHasher(64, 1, 1)
	enc := h.hash("correct horse")
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("unexpected encoding %q", enc)
	}
	if !h.verify("correct horse", &enc) || h.verify("correct horsf", &enc) || h.verify("correct horse", nil) {
		t.Fatal("verify gave a wrong answer")
	}
	// Hashes made with other parameters keep working after the cost changes.
	if !newHasher(128, 2, 1).verify("correct horse", &enc) {
		t.Fatal("a hash made with older parameters no longer verifies")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", "plain"} {
		if h.verify("x", &bad) {
			t.Fatalf("malformed hash %q verified", bad)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	cases := map[string]string{
		"  Ada@Example.COM ": "ada@example.com",
		"ÄDA@example.com":    "Äda@example.com", // only ASCII is folded
		"a@b.c":              "a@b.c",
	}
	for in, want := range cases {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkPasswordHash measures login cost at the production default
// (OWASP: m=19456 KiB, t=2, p=1).
func BenchmarkPasswordHash(b *testing.B) {
	h := newHasher(19456, 2, 1)
	enc := h.hash("correct horse battery")
	b.ResetTimer()
	for b.Loop() {
		h.verify("correct horse battery", &enc)
	}
}
