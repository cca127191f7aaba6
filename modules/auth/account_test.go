package auth_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestChangePassword(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	laptop, phone := login(t, app, "ada@example.com"), login(t, app, "ada@example.com")
	// A reset link asked for before the change still works after it: only the
	// mailbox owner has it, and a session holder who knows the password must not be
	// able to void it by changing the password (a tester looped changes to do so).
	app.Client().Post("/api/auth/forgot-password", map[string]any{"email": "ada@example.com"}).Expect(202)
	ownersReset := app.LinkToken("ada@example.com", "Reset")

	app.Client().Post("/api/auth/change-password", map[string]any{"current_password": pw, "new_password": newPw}).ExpectError(401, "UNAUTHORIZED")
	wrong := laptop.Post("/api/auth/change-password", map[string]any{"current_password": "not it at all", "new_password": newPw}).ExpectError(422, "VALIDATION_ERROR")
	if wrong["current_password"] != "is incorrect" {
		t.Fatalf("a wrong current password should be a field error: %v", wrong)
	}
	for _, body := range []map[string]any{
		{"current_password": pw, "new_password": "short"},
		{"current_password": pw, "new_password": strings.Repeat("p", 129)},
		{"current_password": pw, "new_password": "        "},
		{"current_password": pw},
		{"current_password": pw, "new_password": newPw, "password": newPw},
		{"current_password": pw, "new_password": pw}, // no change at all
	} {
		laptop.Post("/api/auth/change-password", body).ExpectError(422, "VALIDATION_ERROR")
	}
	phone.Get("/api/users/me").Expect(200) // nothing changed so far

	laptop.Post("/api/auth/change-password", map[string]any{"current_password": pw, "new_password": newPw}).Expect(200)
	laptop.Get("/api/users/me").Expect(200) // this session stays
	phone.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	c := app.Client()
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).ExpectError(401, "INVALID_CREDENTIALS")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": newPw}).Expect(200)
	c.Post("/api/auth/reset-password", map[string]any{"token": ownersReset, "new_password": "the owner's choice"}).Expect(200)
	laptop.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "the owner's choice"}).Expect(200)
}

// With a borrowed session, guessing the current password is bounded; once the
// window is full even the right one waits, or the limit would tell when it is hit.
func TestChangePasswordGuessesAreLimited(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := login(t, app, "ada@example.com")
	for range 10 {
		c.Post("/api/auth/change-password", map[string]any{"current_password": "a wrong guess", "new_password": newPw}).ExpectError(422, "VALIDATION_ERROR")
	}
	r := c.Post("/api/auth/change-password", map[string]any{"current_password": pw, "new_password": newPw})
	r.ExpectError(429, "RATE_LIMITED")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// Validation errors of the new password are no guesses: another user is unaffected.
	signupVerified(t, app, "bob@example.com")
	bob := app.Client()
	bob.Post("/api/auth/login", map[string]any{"email": "bob@example.com", "password": pw}).Expect(200)
	bob.Post("/api/auth/change-password", map[string]any{"current_password": pw, "new_password": newPw}).Expect(200)
}

// sessionsOf lists the caller's sessions.
func sessionsOf(t *testing.T, c *testkit.Client) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range c.Get("/api/auth/sessions").Expect(200).Map()["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// currentID is the id the caller's own session has in the list.
func currentID(t *testing.T, c *testkit.Client) string {
	t.Helper()
	for _, s := range sessionsOf(t, c) {
		if s["current"] == true {
			return s["id"].(string)
		}
	}
	t.Fatal("no session marked current")
	return ""
}

func TestSessionsListAndRevoke(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	signupVerified(t, app, "bob@example.com")
	laptop, phone, tablet := login(t, app, "ada@example.com"), login(t, app, "ada@example.com"), login(t, app, "ada@example.com")
	bob := login(t, app, "bob@example.com")
	app.Client().Get("/api/auth/sessions").ExpectError(401, "UNAUTHORIZED")

	list := sessionsOf(t, laptop)
	current := 0
	for _, s := range list {
		if s["current"] == true {
			current++
		}
		for _, k := range []string{"id", "created_at", "last_seen_at", "expires_at", "ip", "user_agent"} {
			if _, ok := s[k]; !ok {
				t.Fatalf("session without %s: %v", k, s)
			}
		}
	}
	if len(list) != 3 || current != 1 {
		t.Fatalf("want Ada's 3 sessions, one current; got %v", list)
	}
	// The id names a session; it does not sign anyone in.
	thief := app.Client()
	thief.SetCookie(app.Config.SessionCookieName, currentID(t, laptop))
	thief.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")

	phoneID, bobID := currentID(t, phone), currentID(t, bob)
	laptop.Do(http.MethodDelete, "/api/auth/sessions/"+phoneID, nil).Expect(204)
	phone.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	laptop.Do(http.MethodDelete, "/api/auth/sessions/"+phoneID, nil).ExpectError(404, "NOT_FOUND")
	laptop.Do(http.MethodDelete, "/api/auth/sessions/"+bobID, nil).ExpectError(404, "NOT_FOUND") // another user's
	bob.Get("/api/users/me").Expect(200)
	for _, bad := range []string{"garbage", strings.Repeat("A", 43), "%00", strings.Repeat("x", 500)} {
		laptop.Do(http.MethodDelete, "/api/auth/sessions/"+bad, nil).ExpectError(404, "NOT_FOUND")
	}

	// An empty id is no id (it was redirected to "all others", a tester found).
	laptop.Do(http.MethodDelete, "/api/auth/sessions/", nil).ExpectError(404, "NOT_FOUND")
	tablet.Get("/api/users/me").Expect(200)

	laptop.Do(http.MethodDelete, "/api/auth/sessions", nil).Expect(204)
	tablet.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	if got := sessionsOf(t, laptop); len(got) != 1 || got[0]["current"] != true {
		t.Fatalf("after signing out everywhere else: %v", got)
	}
	bob.Get("/api/users/me").Expect(200)

	// Revoking the current session signs this browser out, as logout does.
	laptop.Do(http.MethodDelete, "/api/auth/sessions/"+currentID(t, laptop), nil).Expect(204)
	if laptop.Cookie(app.Config.SessionCookieName) != "" {
		t.Fatal("the cookie survived revoking the current session")
	}
	laptop.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
}
