package auth_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastsvelte/fastsvelte/modules"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestLoginLimitsCountFailuresOnly(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	// Successful logins never lock anyone out.
	for range 25 {
		login(t, app, "ada@example.com")
	}
	c := app.Client()
	for range 10 {
		c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "wrong password"}).ExpectError(401, "INVALID_CREDENTIALS")
	}
	// That client is now refused, even with the right password (or the limit would
	// tell a guesser when they hit it), and told how long to wait.
	r := c.Post("/api/auth/login", map[string]any{"email": "ADA@example.com", "password": pw})
	r.ExpectError(429, "RATE_LIMITED")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 15*60 {
		t.Fatalf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
	if msg := r.Map()["message"].(string); !strings.Contains(msg, "Try again in 15 minutes") {
		t.Fatalf("message does not say how long: %q", msg)
	}
	// The owner, from elsewhere, still signs in: a stranger's guessing is no lockout.
	owner := app.Client()
	owner.Header.Set("X-Forwarded-For", "203.0.113.7") // behind the trusted loopback proxy
	owner.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).Expect(200)
	app.Clock.Advance(15*time.Minute + time.Second)
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).Expect(200)
}

func TestLoginLimitAcrossAddresses(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	// Guessing from many IPs: the account's own limit stops it at 50.
	for i := range 50 {
		c := app.Client()
		c.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "wrong password"}).ExpectError(401, "INVALID_CREDENTIALS")
	}
	c := app.Client()
	c.Header.Set("X-Forwarded-For", "198.51.100.200")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).ExpectError(429, "RATE_LIMITED")
}

func TestMailRateLimitPerAddress(t *testing.T) {
	app := start(t, nil)
	c := app.Client()
	c.Post("/api/auth/signup", map[string]any{"email": "m@example.com", "password": pw, "first_name": "M"}).Expect(202)
	for range 4 {
		c.Post("/api/auth/resend-verification", map[string]any{"email": "m@example.com"}).Expect(202)
	}
	c.Post("/api/auth/resend-verification", map[string]any{"email": "M@example.com"}).ExpectError(429, "RATE_LIMITED")
	// Unknown addresses are limited the same way, so a 429 reveals nothing.
	for range 5 {
		c.Post("/api/auth/resend-verification", map[string]any{"email": "ghost@example.com"}).Expect(202)
	}
	c.Post("/api/auth/resend-verification", map[string]any{"email": "ghost@example.com"}).ExpectError(429, "RATE_LIMITED")
	if n := len(app.Mails("m@example.com")); n != 5 {
		t.Fatalf("%d mails to one address within the hour, want 5", n)
	}
}

// Two instances on one database behave as one: sessions, logout and limits are
// all in PostgreSQL (DESIGN §8).
func TestTwoInstancesShareState(t *testing.T) {
	a := start(t, nil)
	signupVerified(t, a, "ada@example.com") // before b exists, so a's worker sends the mail
	b := testkit.Start(t, modules.All, testkit.Env{"FS_DB_URL": a.Config.DBURL})
	// Both fake clocks start at the same instant and are never advanced here.

	ca := login(t, a, "ada@example.com")
	cb := b.Client()
	cb.SetCookie("fs_session", ca.Cookie("fs_session")) // the load balancer sends the browser to b
	cb.Get("/api/users/me").Expect(200)
	cb.Post("/api/auth/logout", nil).Expect(204)
	ca.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")

	for i := range 10 {
		inst := a
		if i%2 == 1 {
			inst = b
		}
		inst.Client().Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "wrong password"}).ExpectError(401, "INVALID_CREDENTIALS")
	}
	a.Client().Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).ExpectError(429, "RATE_LIMITED")
	b.Client().Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).ExpectError(429, "RATE_LIMITED")
}
