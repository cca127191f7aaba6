package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestSignupVerifyLoginB2C(t *testing.T) {
	app := start(t, nil)
	c := app.Client()

	body := c.Post("/api/auth/signup", map[string]any{
		"email": "  Ada@Example.com ", "password": pw, "first_name": " Ada ", "last_name": "Lovelace",
		"organization_name": "ignored in b2c",
	}).Expect(202).Map()
	if body["message"] == "" {
		t.Fatal("signup answered without a message")
	}
	// Stored as entered (trimmed); the mail goes there.
	mails := app.Mails("Ada@Example.com")
	if len(mails) != 1 || !strings.Contains(mails[0].Text, app.Config.BaseURL+"/app/verify-email?token=") {
		t.Fatalf("want one verification mail with a link on the base URL, got %+v", mails)
	}

	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": pw}).ExpectError(403, "EMAIL_NOT_VERIFIED")
	c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": "wrong password"}).ExpectError(401, "INVALID_CREDENTIALS")

	token := app.LinkToken("Ada@Example.com", "Confirm")
	c.Post("/api/auth/verify-email", map[string]any{"token": token}).Expect(200)
	c.Post("/api/auth/verify-email", map[string]any{"token": token}).ExpectError(400, "INVALID_TOKEN")

	me := c.Post("/api/auth/login", map[string]any{"email": "ADA@EXAMPLE.COM", "password": pw}).Expect(200).Map()
	if me["email"] != "Ada@Example.com" || me["first_name"] != "Ada" || me["email_verified"] != true || me["role"] != "org_admin" {
		t.Fatalf("unexpected login body: %v", me)
	}
	org := me["organization"].(map[string]any)
	if org["name"] != "Ada's workspace" {
		t.Fatalf("b2c personal organization name = %v", org["name"])
	}
	got := c.Get("/api/users/me").Expect(200).Map()
	if got["id"] != me["id"] || len(got["organizations"].([]any)) != 1 {
		t.Fatalf("/users/me = %v", got)
	}
	cur := c.Get("/api/organizations/current").Expect(200).Map()
	if cur["personal"] != true || cur["role"] != "org_admin" {
		t.Fatalf("current organization = %v", cur)
	}
	// Only the hash of a verification token is stored.
	var n int
	if err := app.DB.NewRaw("SELECT count(*) FROM email_tokens WHERE token_hash = sha256(?::bytea)", token).Scan(context.Background(), &n); err != nil || n != 1 {
		t.Fatalf("token hash lookup: n=%d err=%v", n, err)
	}
}

func TestSignupB2BRequiresOrganizationName(t *testing.T) {
	app := start(t, testkit.Env{"FS_MODE": "b2b"})
	c := app.Client()
	d := c.Post("/api/auth/signup", map[string]any{"email": "b@example.com", "password": pw, "first_name": "Bo"}).ExpectError(422, "VALIDATION_ERROR")
	if d["organization_name"] == nil {
		t.Fatalf("details should name organization_name: %v", d)
	}
	signupVerified(t, app, "b@example.com")
	me := login(t, app, "b@example.com").Get("/api/users/me").Expect(200).Map()
	if me["organization"].(map[string]any)["name"] != "Engines" {
		t.Fatalf("b2b organization = %v", me["organization"])
	}
}

func TestSignupExistingEmailDoesNotRevealAccount(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "ada@example.com")
	c := app.Client()
	fresh := c.Post("/api/auth/signup", map[string]any{"email": "new@example.com", "password": pw, "first_name": "N"}).Expect(202)
	dup := c.Post("/api/auth/signup", map[string]any{"email": " ADA@example.COM", "password": "another password", "first_name": "Eve"}).Expect(202)
	if string(fresh.Body) != string(dup.Body) {
		t.Fatalf("answers differ: %s vs %s", fresh.Body, dup.Body)
	}
	mails := app.Mails("ada@example.com")
	if last := mails[len(mails)-1]; !strings.Contains(last.Subject, "tried to sign up") {
		t.Fatalf("owner should be told about the attempt, last mail: %q", last.Subject)
	}
	// The original password still works; the attempt changed nothing.
	login(t, app, "ada@example.com")
	var users int
	if err := app.DB.NewRaw("SELECT count(*) FROM users").Scan(context.Background(), &users); err != nil || users != 2 {
		t.Fatalf("users = %d (%v), want 2", users, err)
	}
}

// Signing up again before confirming (the first mail got lost) must lead somewhere,
// and either sign-up may be a stranger's: the mailbox owner gets a link to choose
// the password, which confirms the address. Neither sign-up's password, nor any
// earlier confirmation link, ends up working (a tester found that confirming left
// the first signer-up's password in place).
func TestSignupAgainBeforeVerifying(t *testing.T) {
	app := start(t, nil)
	c := app.Client()
	first := c.Post("/api/auth/signup", map[string]any{"email": "ada@example.com", "password": pw, "first_name": "Ada"}).Expect(202)
	firstLink := app.LinkToken("ada@example.com", "Confirm")
	again := c.Post("/api/auth/signup", map[string]any{
		"email": " ADA@example.COM", "password": "another password", "first_name": "Urgent: call http://evil.example",
	}).Expect(202)
	if string(first.Body) != string(again.Body) {
		t.Fatalf("answers differ: %s vs %s", first.Body, again.Body)
	}
	mails := app.Mails("ada@example.com")
	last := mails[len(mails)-1]
	if len(mails) != 2 || !strings.Contains(last.Subject, "Finish signing up") || !strings.Contains(last.Text, "/app/reset-password?token=") {
		t.Fatalf("want a second mail with a link to choose the password, got %d mails, last %q: %q", len(mails), last.Subject, last.Text)
	}
	if strings.Contains(last.Text+last.HTML, "evil.example") {
		t.Fatalf("the mail carries the second signer-up's text: %q", last.Text)
	}
	c.Post("/api/auth/verify-email", map[string]any{"token": firstLink}).ExpectError(400, "INVALID_TOKEN")
	c.Post("/api/auth/reset-password", map[string]any{"token": app.LinkToken("ada@example.com", "Finish"), "new_password": newPw}).Expect(200)
	for _, old := range []string{pw, "another password"} {
		c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": old}).ExpectError(401, "INVALID_CREDENTIALS")
	}
	if me := c.Post("/api/auth/login", map[string]any{"email": "ada@example.com", "password": newPw}).Expect(200).Map(); me["email_verified"] != true {
		t.Fatalf("choosing the password should confirm the address: %v", me)
	}
	var users int
	if err := app.DB.NewRaw("SELECT count(*) FROM users").Scan(context.Background(), &users); err != nil || users != 1 {
		t.Fatalf("users = %d (%v), want 1", users, err)
	}
}

func TestSignupValidation(t *testing.T) {
	app := start(t, nil)
	c := app.Client()
	valid := func(over map[string]any) map[string]any {
		b := map[string]any{"email": "v@example.com", "password": pw, "first_name": "V", "last_name": "W"}
		for k, v := range over {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"missing email", valid(map[string]any{"email": nil}), "email"},
		{"bad email", valid(map[string]any{"email": "not-an-email"}), "email"},
		{"long email", valid(map[string]any{"email": strings.Repeat("a", 250) + "@x.io"}), "email"},
		{"short password", valid(map[string]any{"password": "1234567"}), "password"},
		{"long password", valid(map[string]any{"password": strings.Repeat("p", 129)}), "password"},
		{"blank first name", valid(map[string]any{"first_name": "   "}), "first_name"},
		{"long last name", valid(map[string]any{"last_name": strings.Repeat("é", 101)}), "last_name"},
		{"NUL in name", valid(map[string]any{"first_name": "A\x00B"}), "first_name"},
		{"NUL in password", valid(map[string]any{"password": "abcdefgh\x00"}), "password"},
		{"unknown field", valid(map[string]any{"is_sys_admin": true}), "is_sys_admin"},
		{"wrong type", valid(map[string]any{"email": 5}), "email"},
		{"password of spaces only", valid(map[string]any{"password": "        "}), "password"},
		// Look-alike accounts: these addresses render exactly like v@example.com.
		{"zero-width space in email", valid(map[string]any{"email": "v\u200b@example.com"}), "email"},
		{"no-break space in email", valid(map[string]any{"email": "v\u00a0@example.com"}), "email"},
		{"bidi override in email", valid(map[string]any{"email": "v@example.com\u202e"}), "email"},
		{"line break in name", valid(map[string]any{"first_name": "Ada\nAdmin"}), "first_name"},
		{"invisible first name", valid(map[string]any{"first_name": "\u200b\u200c"}), "first_name"},
		{"bidi override in name", valid(map[string]any{"last_name": "\u202eecalevol"}), "last_name"},
		{"control character in organization", valid(map[string]any{"organization_name": "Acme\x1b[31m"}), "organization_name"},
		{"mis-cased field", valid(map[string]any{"Email": "w@example.com"}), "Email"},
	}
	for _, tc := range cases {
		d := c.Post("/api/auth/signup", tc.body).ExpectError(422, "VALIDATION_ERROR")
		if d[tc.field] == nil {
			t.Errorf("%s: details %v do not name %s", tc.name, d, tc.field)
		}
	}
	d := c.Post("/api/auth/signup", testkit.Raw(`{"email":"a@example.com","email":"b@example.com","password":"`+pw+`","first_name":"D"}`)).
		ExpectError(422, "VALIDATION_ERROR")
	if d["email"] != "appears more than once" {
		t.Errorf("repeated email key: details %v", d)
	}
	c.Post("/api/auth/signup", testkit.Raw(`{"email": "x@example.com",`)).ExpectError(400, "MALFORMED_JSON")
	c.Post("/api/auth/signup", testkit.Raw(`[1,2]`)).ExpectError(400, "MALFORMED_JSON")
	c.Post("/api/auth/signup", testkit.Raw(``)).ExpectError(400, "MALFORMED_JSON")
	c.Header.Set("Content-Type", "text/plain")
	c.Post("/api/auth/signup", testkit.Raw(`{}`)).ExpectError(415, "UNSUPPORTED_MEDIA_TYPE")
	c.Header.Del("Content-Type")
	c.Post("/api/auth/signup", testkit.Raw(`{"email":"`+strings.Repeat("a", 2<<20)+`"}`)).ExpectError(413, "BODY_TOO_LARGE")
	if n := len(app.AllMail()); n != 0 {
		t.Fatalf("invalid sign-ups sent %d mails", n)
	}
	// Scripts that need joiners and right-to-left text are names like any other.
	c.Post("/api/auth/signup", valid(map[string]any{"email": "rtl@example.com", "first_name": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"})).Expect(202)
}

func TestVerificationTokenExpiresAndResend(t *testing.T) {
	app := start(t, nil)
	c := app.Client()
	c.Post("/api/auth/signup", map[string]any{"email": "r@example.com", "password": pw, "first_name": "R"}).Expect(202)
	first := app.LinkToken("r@example.com", "Confirm")

	// Unknown addresses get the same answer and no mail.
	same := c.Post("/api/auth/resend-verification", map[string]any{"email": "nobody@example.com"}).Expect(202)
	c.Post("/api/auth/resend-verification", map[string]any{"email": "R@EXAMPLE.com"}).Expect(202)
	if got := c.Post("/api/auth/resend-verification", map[string]any{"email": "nobody2@example.com"}); string(got.Body) != string(same.Body) {
		t.Fatal("resend answers differ")
	}
	if n := len(app.Mails("nobody@example.com")); n != 0 {
		t.Fatalf("mail sent to unknown address: %d", n)
	}
	second := app.LinkToken("r@example.com", "Confirm")
	if second == first {
		t.Fatal("resend reused the old token")
	}
	// Only the newest link works.
	c.Post("/api/auth/verify-email", map[string]any{"token": first}).ExpectError(400, "INVALID_TOKEN")

	app.Clock.Advance(app.Config.VerifyTokenTTL + time.Second)
	c.Post("/api/auth/verify-email", map[string]any{"token": second}).ExpectError(400, "INVALID_TOKEN")
	c.Post("/api/auth/verify-email", map[string]any{"token": "garbage"}).ExpectError(400, "INVALID_TOKEN")
	c.Post("/api/auth/verify-email", map[string]any{"token": ""}).ExpectError(422, "VALIDATION_ERROR")

	c.Post("/api/auth/resend-verification", map[string]any{"email": "r@example.com"}).Expect(202)
	c.Post("/api/auth/verify-email", map[string]any{"token": app.LinkToken("r@example.com", "Confirm")}).Expect(200)
	before := len(app.Mails("r@example.com"))
	c.Post("/api/auth/resend-verification", map[string]any{"email": "r@example.com"}).Expect(202)
	if after := len(app.Mails("r@example.com")); after != before {
		t.Fatal("a verified account was sent another verification mail")
	}
}

func TestVerificationTokenSingleUseUnderRace(t *testing.T) {
	app := start(t, nil)
	c := app.Client()
	c.Post("/api/auth/signup", map[string]any{"email": "race@example.com", "password": pw, "first_name": "R"}).Expect(202)
	token := app.LinkToken("race@example.com", "Confirm")
	usedOnce(t, 8, func(int) int {
		return app.Client().Post("/api/auth/verify-email", map[string]any{"token": token}).Status
	})
}

func TestEmailVerificationDisabled(t *testing.T) {
	app := start(t, testkit.Env{"FS_EMAIL_VERIFICATION": "false"})
	c := app.Client()
	c.Post("/api/auth/signup", map[string]any{"email": "q@example.com", "password": pw, "first_name": "Q"}).Expect(202)
	if n := len(app.AllMail()); n != 0 {
		t.Fatalf("no verification mail expected, got %d", n)
	}
	login(t, app, "q@example.com")
	cfg := c.Get("/api/config").Expect(200).Map()
	if cfg["features"].(map[string]any)["email_verification"] != false {
		t.Fatalf("config = %v", cfg)
	}
}

func TestConfigEndpoint(t *testing.T) {
	app := start(t, testkit.Env{"FS_MODE": "b2b", "FS_APP_NAME": "Acme"})
	got := app.Client().Get("/api/config").Expect(200).Map()
	want := map[string]any{"mode": "b2b", "app_name": "Acme"}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("config[%s] = %v, want %v", k, got[k], v)
		}
	}
	f := got["features"].(map[string]any)
	if f["google_oauth"] != false || f["billing"] != false || f["email_verification"] != true || f["dev_mailbox"] != false {
		t.Fatalf("features = %v", f)
	}
}

func TestVerificationMailSurvivesProviderOutage(t *testing.T) {
	app := start(t, nil)
	app.Mail.FailNext(1)
	c := app.Client()
	c.Post("/api/auth/signup", map[string]any{"email": "o@example.com", "password": pw, "first_name": "O"}).Expect(202)
	// The failed attempt minted a token and rolled it back; the retry's link works.
	token := app.LinkToken("o@example.com", "Confirm")
	c.Post("/api/auth/verify-email", map[string]any{"token": token}).Expect(200)
	var attempts int
	if err := app.DB.NewRaw("SELECT attempt FROM river_job WHERE kind = 'auth.verify_email'").Scan(context.Background(), &attempts); err != nil || attempts != 2 {
		t.Fatalf("job attempts = %d (%v), want 2", attempts, err)
	}
	var tokens int
	if err := app.DB.NewRaw("SELECT count(*) FROM email_tokens").Scan(context.Background(), &tokens); err != nil || tokens != 1 {
		t.Fatalf("%d tokens stored, want only the one that was mailed", tokens)
	}
	if n := len(app.Mails("o@example.com")); n != 1 {
		t.Fatalf("%d mails, want 1", n)
	}
}

// Sign-up can be aimed at anyone's address: the mail it triggers must not carry
// text the signer-up chose.
func TestVerificationMailCarriesNoAttackerText(t *testing.T) {
	app := start(t, nil)
	app.Client().Post("/api/auth/signup", map[string]any{
		"email": "victim@example.com", "password": pw, "first_name": "Urgent: reset at http://evil.example", "last_name": "x",
	}).Expect(202)
	for _, m := range app.Mails("victim@example.com") {
		if strings.Contains(m.Text+m.HTML+m.Subject, "evil.example") {
			t.Fatalf("verification mail contains the signer-up's text: %q", m.Text)
		}
	}
}

// Resending does the same work for every address (one queued job), so the
// request's timing cannot tell unverified accounts from unknown addresses.
func TestResendDoesTheSameWorkForEveryAddress(t *testing.T) {
	app := start(t, nil)
	signupVerified(t, app, "verified@example.com")
	app.Client().Post("/api/auth/signup", map[string]any{"email": "pending@example.com", "password": pw, "first_name": "P"}).Expect(202)
	app.Settle()
	ctx := context.Background()
	count := func() (n int) {
		if err := app.DB.NewRaw("SELECT count(*) FROM river_job WHERE kind = 'auth.resend_verification'").Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i, addr := range []string{"nobody@example.com", "verified@example.com", "pending@example.com"} {
		app.Client().Post("/api/auth/resend-verification", map[string]any{"email": addr}).Expect(202)
		if n := count(); n != i+1 {
			t.Fatalf("after resend for %s: %d jobs, want %d", addr, n, i+1)
		}
	}
	app.Settle()
	if n := len(app.Mails("pending@example.com")); n != 2 {
		t.Fatalf("pending account got %d mails, want 2 (sign-up + resend)", n)
	}
	if n := len(app.Mails("nobody@example.com")) + len(app.Mails("verified@example.com")) - 1; n != 0 {
		t.Fatalf("mail sent where none was needed")
	}
}
