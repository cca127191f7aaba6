package auth_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/modules"
	"github.com/fastsvelte/fastsvelte/modules/auth"
	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

const newPw = "a brand new passphrase"

func TestPasswordReset(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	laptop, phone := login(t, app, "ada@example.com"), login(t, app, "ada@example.com")
	c := app.Client()

	// Known and unknown addresses get the same answer; only the account gets mail.
	known := c.Post("/api/auth/forgot-password", map[string]any{"email": " ADA@example.com"}).Expect(202)
	unknown := c.Post("/api/auth/forgot-password", map[string]any{"email": "nobody@example.com"}).Expect(202)
	if string(known.Body) != string(unknown.Body) {
		t.Fatalf("answers differ: %s vs %s", known.Body, unknown.Body)
	}
	if n := len(app.Mails("nobody@example.com")); n != 0 {
		t.Fatalf("mail sent to an unknown address: %d", n)
	}
	mails := app.Mails("ada@example.com")
	if last := mails[len(mails)-1]; !strings.Contains(last.Text, app.Config.BaseURL+"/app/reset-password?token=") {
		t.Fatalf("reset mail without a link on the base URL: %q", last.Text)
	}
	token := app.LinkToken("ada@example.com", "Reset")

	// Bad input changes nothing.
	c.Post("/api/auth/reset-password", map[string]any{"token": "garbage", "new_password": newPw}).ExpectError(400, "INVALID_TOKEN")
	c.Post("/api/auth/reset-password", map[string]any{"token": token, "new_password": "short"}).ExpectError(422, "VALIDATION_ERROR")
	c.Post("/api/auth/reset-password", map[string]any{"token": token, "new_password": strings.Repeat("p", 129)}).ExpectError(422, "VALIDATION_ERROR")
	c.Post("/api/auth/reset-password", map[string]any{"token": token, "new_password": "x\x00yyyyyyyy"}).ExpectError(422, "VALIDATION_ERROR")
	c.Post("/api/auth/reset-password", map[string]any{"token": token, "password": newPw}).ExpectError(422, "VALIDATION_ERROR")
	c.Post("/api/auth/reset-password", map[string]any{"new_password": newPw}).ExpectError(422, "VALIDATION_ERROR")
	laptop.Get("/api/users/me").Expect(200)

	c.Post("/api/auth/reset-password", map[string]any{"token": token, "new_password": newPw}).Expect(200)
	// Every session ends: whoever knew the old password is out.
	laptop.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	phone.Get("/api/users/me").ExpectError(401, "UNAUTHORIZED")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).ExpectError(401, "INVALID_CREDENTIALS")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": newPw}).Expect(200)
	// The link works once.
	app.Client().Post("/api/auth/reset-password", map[string]any{"token": token, "new_password": "yet another one"}).ExpectError(400, "INVALID_TOKEN")
}

func TestPasswordResetLinksExpireAndOnlyTheNewestWorks(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := app.Client()
	c.Post("/api/auth/forgot-password", map[string]any{"email": "ada@example.com"}).Expect(202)
	first := app.LinkToken("ada@example.com", "Reset")
	c.Post("/api/auth/forgot-password", map[string]any{"email": "ada@example.com"}).Expect(202)
	second := app.LinkToken("ada@example.com", "Reset")
	if first == second {
		t.Fatal("a second request reused the token")
	}
	c.Post("/api/auth/reset-password", map[string]any{"token": first, "new_password": newPw}).ExpectError(400, "INVALID_TOKEN")
	app.Clock.Advance(app.Config.ResetTokenTTL + time.Second)
	c.Post("/api/auth/reset-password", map[string]any{"token": second, "new_password": newPw}).ExpectError(400, "INVALID_TOKEN")
	login(t, app, "ada@example.com") // the password is unchanged
	// A verification link is no reset link.
	c.Post("/api/auth/signup", map[string]any{"email": "v@example.com", "password": pw, "first_name": "V"}).Expect(202)
	c.Post("/api/auth/reset-password", map[string]any{"token": app.LinkToken("v@example.com", "Confirm"), "new_password": newPw}).ExpectError(400, "INVALID_TOKEN")
}

// Someone signs up with another person's address and a password of their own. The
// address's owner takes the account over with a reset: the address counts as
// confirmed, and the stranger's password no longer works.
func TestPasswordResetTakesOverAnUnconfirmedAccount(t *testing.T) {
	app := start(t, nil)
	c := app.Client()
	c.Post("/api/auth/signup", map[string]any{"email": "victim@example.com", "password": "the stranger's password", "first_name": "Mallory"}).Expect(202)
	c.Post("/api/auth/forgot-password", map[string]any{"email": "victim@example.com"}).Expect(202)
	reset := app.Mails("victim@example.com")
	if last := reset[len(reset)-1]; strings.Contains(last.Text+last.HTML, "Mallory") {
		t.Fatalf("the reset mail carries the signer-up's text: %q", last.Text)
	}
	c.Post("/api/auth/reset-password", map[string]any{"token": app.LinkToken("victim@example.com", "Reset"), "new_password": newPw}).Expect(200)
	c.Post("/api/auth/login", map[string]any{"email": "victim@example.com", "password": "the stranger's password"}).ExpectError(401, "INVALID_CREDENTIALS")
	me := c.Post("/api/auth/login", map[string]any{"email": "victim@example.com", "password": newPw}).Expect(200).Map()
	if me["email_verified"] != true {
		t.Fatalf("after a reset the address should count as confirmed: %v", me)
	}
}

func TestPasswordResetTokenSingleUseUnderRace(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "race@example.com")
	app.Client().Post("/api/auth/forgot-password", map[string]any{"email": "race@example.com"}).Expect(202)
	token := app.LinkToken("race@example.com", "Reset")
	usedOnce(t, 8, func(i int) int {
		return app.Client().Post("/api/auth/reset-password", map[string]any{"token": token, "new_password": newPw + strings.Repeat("!", i)}).Status
	})
}

// Suspended accounts get no reset mail (and so cannot be signed back into), and the
// mail limit per address covers reset requests like verification mail.
func TestPasswordResetLimitsAndSuspension(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := app.Client()
	before := len(app.Mails("ada@example.com"))
	for range 4 { // the sign-up mail was the first of five

		c.Post("/api/auth/forgot-password", map[string]any{"email": "ada@example.com"}).Expect(202)
	}
	c.Post("/api/auth/forgot-password", map[string]any{"email": "Ada@Example.com"}).ExpectError(429, "RATE_LIMITED")
	if n := len(app.Mails("ada@example.com")) - before; n != 4 {
		t.Fatalf("%d reset mails, want 4", n)
	}

	signupVerified(t, app, "sus@example.com")
	c.Post("/api/auth/forgot-password", map[string]any{"email": "sus@example.com"}).Expect(202)
	early := app.LinkToken("sus@example.com", "Reset") // mailed before the suspension
	if _, err := app.DB.NewRaw("UPDATE users SET suspended_at = now() WHERE email_normalized = 'sus@example.com'").Exec(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.Post("/api/auth/reset-password", map[string]any{"token": early, "new_password": newPw}).ExpectError(403, "ACCOUNT_SUSPENDED")
	if _, err := app.DB.NewRaw("UPDATE users SET suspended_at = NULL WHERE email_normalized = 'sus@example.com'").Exec(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Used up by the refusal: reactivation does not revive it (a tester found it did).
	c.Post("/api/auth/reset-password", map[string]any{"token": early, "new_password": newPw}).ExpectError(400, "INVALID_TOKEN")
	login(t, app, "sus@example.com") // the password did not change
	if _, err := app.DB.NewRaw("UPDATE users SET suspended_at = now() WHERE email_normalized = 'sus@example.com'").Exec(t.Context()); err != nil {
		t.Fatal(err)
	}
	before = len(app.Mails("sus@example.com"))
	c.Post("/api/auth/forgot-password", map[string]any{"email": "sus@example.com"}).Expect(202)
	if n := len(app.Mails("sus@example.com")) - before; n != 0 {
		t.Fatalf("a suspended account was sent %d reset mails", n)
	}
}

// A sign-in checks the password (slow: argon2), then creates its session. A reset
// that commits in between must not leave that session alive (found by a tester:
// logins looping with the old password kept a session through the reset).
func TestResetBetweenPasswordCheckAndSessionLeavesNoSession(t *testing.T) {
	app, svc := startWithAda(t)
	ctx := context.Background()
	u, err := svc.Login(ctx, "ada@example.com", pw) // the old password checks out...
	if err != nil {
		t.Fatal(err)
	}
	c := app.Client() // ...then a reset commits...
	c.Post("/api/auth/forgot-password", map[string]any{"email": "ada@example.com"}).Expect(202)
	c.Post("/api/auth/reset-password", map[string]any{"token": app.LinkToken("ada@example.com", "Reset"), "new_password": newPw}).Expect(200)
	created := false // ...so the session is refused.
	err = svc.StartSession(ctx, u, func(context.Context) error { created = true; return nil })
	if !errors.Is(err, auth.ErrInvalidCredentials) || created {
		t.Fatalf("StartSession after a reset = %v (created %v), want INVALID_CREDENTIALS and no session", err, created)
	}
}

// The same race for real: sign-ins with the old password keep running while the
// reset happens; afterwards none of their sessions may work.
func TestResetDuringConcurrentSignInsLeavesNoSession(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	app.Client().Post("/api/auth/forgot-password", map[string]any{"email": "ada@example.com"}).Expect(202)
	token := app.LinkToken("ada@example.com", "Reset")

	var (
		mu       sync.Mutex
		signedIn []*testkit.Client
		logins   atomic.Int32
		wg       sync.WaitGroup
	)
	done := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				c := app.Client()
				if r := c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}); r.Status == 200 {
					mu.Lock()
					signedIn = append(signedIn, c)
					mu.Unlock()
				} else if r.Status == 429 {
					return
				}
				logins.Add(1)
			}
		})
	}
	for logins.Load() < 4 { // the loops are running
		runtime.Gosched()
	}
	app.Client().Post("/api/auth/reset-password", map[string]any{"token": token, "new_password": newPw}).Expect(200)
	close(done)
	wg.Wait()
	for i, c := range signedIn {
		if r := c.Get("/api/users/me"); r.Status != 401 {
			t.Fatalf("sign-in %d of %d kept a working session through the reset (status %d)", i+1, len(signedIn), r.Status)
		}
	}
}

// A password change checks the current password against the user as its request
// loaded it. If the owner resets in between, the change must not then overwrite
// the owner's new password (an attacker with a session and the old password would
// get the account back).
func TestChangeRacingAResetDoesNotUndoIt(t *testing.T) {
	app, svc := startWithAda(t)
	ctx := context.Background()
	stale, err := svc.Login(ctx, "ada@example.com", pw) // the change request's view of the user
	if err != nil {
		t.Fatal(err)
	}
	// A session that outlives the reset (made afterwards), so only the password
	// check can refuse the change.
	c := app.Client()
	c.Post("/api/auth/forgot-password", map[string]any{"email": "ada@example.com"}).Expect(202)
	c.Post("/api/auth/reset-password", map[string]any{"token": app.LinkToken("ada@example.com", "Reset"), "new_password": newPw}).Expect(200)
	after := app.Client()
	after.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": newPw}).Expect(200)
	if err := svc.ChangePassword(ctx, stale, sessionID(t, after), pw, "the attacker's password"); !errors.Is(err, auth.ErrWrongPassword) {
		t.Fatalf("a change checked against the password before the reset = %v, want the wrong-password refusal", err)
	}
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "the attacker's password"}).ExpectError(401, "INVALID_CREDENTIALS")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": newPw}).Expect(200)
}

// sessionID is the stored id of the client's session.
func sessionID(t *testing.T, c *testkit.Client) []byte {
	t.Helper()
	id, ok := sessions.ParsePublicID(currentID(t, c))
	if !ok {
		t.Fatal("the session list gave an id ParsePublicID refuses")
	}
	return id
}

// A change in flight from a session its owner signs out from elsewhere must not
// finish: it would set the password of whoever held that session, and sign the
// owner out.
func TestChangeFromASessionSignedOutMeanwhileFails(t *testing.T) {
	app, svc := startWithAda(t)
	ctx := context.Background()
	attacker, owner := login(t, app, "ada@example.com"), login(t, app, "ada@example.com")
	u, err := svc.Login(ctx, "ada@example.com", pw) // the change request's view of the user
	if err != nil {
		t.Fatal(err)
	}
	held := sessionID(t, attacker)
	owner.Do(http.MethodDelete, "/api/auth/sessions/"+currentID(t, attacker), nil).Expect(204)
	if err := svc.ChangePassword(ctx, u, held, pw, "the attacker's password"); !errors.Is(err, apperr.ErrUnauthorized) {
		t.Fatalf("a change from a signed-out session = %v, want UNAUTHORIZED", err)
	}
	owner.Get("/api/users/me").Expect(200)
	login(t, app, "ada@example.com") // the password is unchanged
}

// Signing out other devices is something the acting session does: if that session
// was itself signed out meanwhile (by a concurrent password change, say), it may no
// longer sign anyone out (a tester saw both the change and the revoke succeed).
func TestSignOutFromASessionSignedOutMeanwhileFails(t *testing.T) {
	app, svc := startWithAda(t)
	ctx := context.Background()
	owner, other := login(t, app, "ada@example.com"), login(t, app, "ada@example.com")
	u, err := svc.Login(ctx, "ada@example.com", pw)
	if err != nil {
		t.Fatal(err)
	}
	gone := sessionID(t, other)
	owner.Do(http.MethodDelete, "/api/auth/sessions/"+currentID(t, other), nil).Expect(204)
	if err := svc.SignOutOthers(ctx, u.ID, gone); !errors.Is(err, apperr.ErrUnauthorized) {
		t.Fatalf("sign-out-others from a signed-out session = %v, want UNAUTHORIZED", err)
	}
	ran := false
	if err := svc.ActAsSession(ctx, u.ID, gone, func(context.Context) error { ran = true; return nil }); !errors.Is(err, apperr.ErrUnauthorized) || ran {
		t.Fatalf("acting as a signed-out session = %v (ran %v), want UNAUTHORIZED", err, ran)
	}
	owner.Get("/api/users/me").Expect(200)
}

// startWithAda starts the app with access to the auth service, for tests that
// interleave service calls with requests, and a verified ada@example.com.
func startWithAda(t *testing.T) (*testkit.App, *auth.Service) {
	t.Helper()
	t.Parallel()
	var svc *auth.Service
	app := testkit.Start(t, modules.All, nil, fx.Populate(&svc))
	signupVerified(t, app, "ada@example.com")
	return app, svc
}
