package auth_test

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestLoginErrorsDoNotRevealAccounts(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := app.Client()
	unknown := c.Post("/api/auth/login", map[string]any{"email": "nobody@example.com", "password": pw}).ExpectError(401, "INVALID_CREDENTIALS")
	wrong := c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "not the password"}).ExpectError(401, "INVALID_CREDENTIALS")
	if len(unknown) != 0 || len(wrong) != 0 {
		t.Fatal("credential errors must not carry details")
	}
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com"}).ExpectError(422, "VALIDATION_ERROR")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw, "remember": true}).ExpectError(422, "VALIDATION_ERROR")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "x\x00y"}).ExpectError(422, "VALIDATION_ERROR")
	c.Post("/api/auth/login", map[string]any{"email": strings.Repeat("a", 300), "password": pw}).ExpectError(422, "VALIDATION_ERROR")
	if c.Cookie(app.Config.SessionCookieName) != "" {
		t.Fatal("a failed login set a session cookie")
	}
}

func TestSessionCookieAndStorage(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := app.Client()
	resp := c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).Expect(200)
	var ck *http.Cookie
	for _, k := range (&http.Response{Header: resp.Header}).Cookies() {
		if k.Name == "fs_session" {
			ck = k
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
		t.Fatalf("cookie attributes: %+v", ck)
	}
	if ck.MaxAge != int(app.Config.SessionTTL.Seconds()) {
		t.Fatalf("cookie Max-Age %d, want %v", ck.MaxAge, app.Config.SessionTTL)
	}
	// The database holds the SHA-256 of the token, never the token.
	sum := sha256.Sum256([]byte(ck.Value))
	var n int
	ctx := context.Background()
	if err := app.DB.NewRaw("SELECT count(*) FROM sessions WHERE id = ?", sum[:]).Scan(ctx, &n); err != nil || n != 1 {
		t.Fatalf("session by hash: n=%d err=%v", n, err)
	}
	if err := app.DB.NewRaw("SELECT count(*) FROM sessions WHERE id = ?::bytea", ck.Value).Scan(ctx, &n); err != nil || n != 0 {
		t.Fatalf("raw token found in the database: n=%d err=%v", n, err)
	}
}

func TestLogoutEndsSessionEverywhere(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := login(t, app, "ada@example.com")
	token := c.Cookie("fs_session")
	other := login(t, app, "ada@example.com") // a second browser

	c.Post("/api/auth/logout", nil).Expect(204)
	if c.Cookie("fs_session") != "" {
		t.Fatal("logout did not clear the cookie")
	}
	c.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	c.Post("/api/auth/logout", nil).ExpectError(401, "UNAUTHORIZED")

	// Replaying the old token (copied before logout) no longer works.
	thief := app.Client()
	thief.SetCookie("fs_session", token)
	thief.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	// Logging out one browser leaves the other signed in.
	other.Get("/api/users/me").Expect(200)
}

func TestUnauthenticatedRequests(t *testing.T) {
	app := start(t, nil)
	c := app.Client()
	for _, tok := range []string{"", "garbage", strings.Repeat("x", 500), "a%00b"} {
		if tok != "" {
			c.SetCookie("fs_session", tok)
		}
		c.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
		c.Patch("/api/users/me", map[string]any{"first_name": "X"}).ExpectError(401, "UNAUTHORIZED")
		c.Get("/api/organizations/current").ExpectError(401, "UNAUTHORIZED")
	}
}

func TestSessionExpiryAndSlidingRenewal(t *testing.T) {
	app := start(t, testkit.Env{"FS_SESSION_TTL": "24h"})
	signupVerified(t, app, "ada@example.com")
	idle := login(t, app, "ada@example.com")
	active := login(t, app, "ada@example.com")

	// Within the touch interval nothing is written.
	app.Clock.Advance(30 * time.Second)
	if r := active.Get("/api/users/me").Expect(200); len(r.Header.Values("Set-Cookie")) != 0 {
		t.Fatal("session renewed before the touch interval")
	}
	// An active session slides: renewed row and cookie.
	app.Clock.Advance(20 * time.Hour)
	if r := active.Get("/api/users/me").Expect(200); len(r.Header.Values("Set-Cookie")) != 1 {
		t.Fatal("session not renewed after the touch interval")
	}
	app.Clock.Advance(5 * time.Hour) // 25h after login, 5h after the renewal
	active.Get("/api/users/me").Expect(200)
	idle.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
}

func TestSuspendedUser(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := login(t, app, "ada@example.com")
	ctx := context.Background()
	if _, err := app.DB.NewRaw("UPDATE users SET suspended_at = now() WHERE email_normalized = 'ada@example.com'").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	// An existing session stops working at once.
	c.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	// Suspension is revealed only after the right password.
	app.Client().Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "wrong password"}).ExpectError(401, "INVALID_CREDENTIALS")
	app.Client().Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).ExpectError(403, "ACCOUNT_SUSPENDED")
	// Deleted accounts look like unknown ones.
	if _, err := app.DB.NewRaw("UPDATE users SET suspended_at = NULL, deleted_at = now()").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	app.Client().Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).ExpectError(401, "INVALID_CREDENTIALS")
}

func TestUpdateMe(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := login(t, app, "ada@example.com")
	me := c.Patch("/api/users/me", map[string]any{"first_name": "  Augusta "}).Expect(200).Map()
	if me["first_name"] != "Augusta" || me["last_name"] != "Lovelace" {
		t.Fatalf("after patch: %v", me)
	}
	me = c.Patch("/api/users/me", map[string]any{"last_name": ""}).Expect(200).Map()
	if me["last_name"] != "" || me["first_name"] != "Augusta" {
		t.Fatalf("clearing last name: %v", me)
	}
	c.Patch("/api/users/me", map[string]any{"last_name": "Byron"}).Expect(200)
	// An optional name that shows nothing is no name, as one of spaces is.
	if me := c.Patch("/api/users/me", map[string]any{"last_name": "\u200b\u2800"}).Expect(200).Map(); me["last_name"] != "" {
		t.Fatalf("invisible last name stored: %q", me["last_name"])
	}
	c.Patch("/api/users/me", map[string]any{}).Expect(200)
	for _, body := range []map[string]any{
		{"first_name": ""},
		{"first_name": strings.Repeat("x", 101)},
		{"first_name": "\x00"},
		{"first_name": "   "},
		{"first_name": "\u200b"},
		{"first_name": "\u2060\ufeff \u3164"},
		{"first_name": "\u2800\u2800 \u2800"},
		{"first_name": "\U0001D159"},
		{"last_name": "Love\nlace"},
		{"first_name": "\u202eatsugua"},
		{"email": "new@example.com"},
		{"is_sys_admin": true},
	} {
		c.Patch("/api/users/me", body).ExpectError(422, "VALIDATION_ERROR")
	}
	c.Patch("/api/users/me", testkit.Raw(`{"first_name": null}`)).Expect(200)
	if got := c.Get("/api/users/me").Expect(200).Map(); got["first_name"] != "Augusta" || got["is_sys_admin"] != false {
		t.Fatalf("after rejected patches: %v", got)
	}
}

func TestCrossSiteWritesAreRejected(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := login(t, app, "ada@example.com")
	c.Header.Set("Sec-Fetch-Site", "cross-site")
	c.Patch("/api/users/me", map[string]any{"first_name": "Mallory"}).ExpectError(403, "CROSS_ORIGIN_REJECTED")
	c.Post("/api/auth/logout", nil).ExpectError(403, "CROSS_ORIGIN_REJECTED")
	c.Get("/api/users/me").Expect(200) // safe methods pass
	c.Header.Set("Sec-Fetch-Site", "same-origin")
	if got := c.Get("/api/users/me").Expect(200).Map(); got["first_name"] != "Ada" {
		t.Fatalf("cross-site write went through: %v", got)
	}
}
