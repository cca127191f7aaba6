package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/fastsvelte/fastsvelte/db/migrations"
	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// testEnv is a valid configuration against a fresh database, with cheap hashes.
func testEnv(t *testing.T, extra map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{
		"FS_ENVIRONMENT":       "test",
		"FS_DB_URL":            testkit.NewDatabase(t),
		"FS_HTTP_ADDR":         "127.0.0.1:0",
		"FS_LOG_LEVEL":         "warn",
		"FS_DB_MAX_CONNS":      "4",
		"FS_AUTO_MIGRATE":      "true",
		"FS_SEED_DEMO":         "true",
		"FS_ARGON2_MEMORY_KIB": "64",
		"FS_ARGON2_ITERATIONS": "1",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// setEnv puts env into the process environment for a command that calls config.Load.
func setEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// captured runs fn with os.Stdout and os.Stderr redirected. Only tests that do not
// call t.Parallel use it: the parallel ones are paused until those have finished.
func captured(t *testing.T, fn func() error) (stdout, stderr string, err error) {
	t.Helper()
	drain := func(target **os.File) (restore func(), result func() string) {
		r, w, perr := os.Pipe()
		if perr != nil {
			t.Fatal(perr)
		}
		old := *target
		*target = w
		out := make(chan string, 1)
		go func() {
			b, _ := io.ReadAll(r)
			_ = r.Close()
			out <- string(b)
		}()
		done := false
		restore = func() {
			if !done {
				done = true
				*target = old
				_ = w.Close()
			}
		}
		return restore, func() string { restore(); return <-out }
	}
	restoreOut, outText := drain(&os.Stdout)
	restoreErr, errText := drain(&os.Stderr)
	defer restoreOut() // also when fn ends the test with t.Fatal
	defer restoreErr()
	err = fn()
	return outText(), errText(), err
}

func TestRunWithoutConfiguration(t *testing.T) {
	cases := []struct {
		args    []string
		wantOut string // substring of stdout
		wantErr string // substring of the error; "" for success
	}{
		{[]string{"version"}, "fastsvelte " + version, ""},
		{[]string{"--version"}, "fastsvelte " + version, ""},
		{[]string{"help"}, "migrate up|down|status", ""},
		{[]string{"bogus"}, "", `unknown command "bogus"`},
		{[]string{"migrate"}, "", "usage: fastsvelte migrate up|down|status"},
		{[]string{"migrate", "sideways"}, "", `got "sideways"`},
	}
	// No database is reachable here: none of these commands may need one.
	setEnv(t, map[string]string{"FS_ENVIRONMENT": "test", "FS_DB_URL": "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"})
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, _, err := captured(t, func() error { return run(tc.args) })
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("run(%q) = %v", tc.args, err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("run(%q) = %v, want an error containing %q", tc.args, err, tc.wantErr)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout %q lacks %q", out, tc.wantOut)
			}
		})
	}
}

func TestUnknownCommandBeatsBadConfiguration(t *testing.T) {
	setEnv(t, map[string]string{"FS_ENVIRONMENT": "test", "FS_MODE": "b2x"})
	_, _, err := captured(t, func() error { return run([]string{"bogus"}) })
	if err == nil || !strings.Contains(err.Error(), `unknown command "bogus"`) {
		t.Fatalf("run(bogus) with a bad config = %v, want the unknown command reported", err)
	}
}

func TestRunReportsBadConfiguration(t *testing.T) {
	setEnv(t, map[string]string{"FS_ENVIRONMENT": "test", "FS_MODE": "b2x"})
	_, _, err := captured(t, func() error { return run([]string{"migrate", "status"}) })
	if err == nil || !strings.Contains(err.Error(), "FS_MODE") {
		t.Fatalf("run with FS_MODE=b2x = %v, want an error naming FS_MODE", err)
	}
}

// TestMigrateCommands walks status → down → status → up → up on one database,
// through run() exactly as the binary does.
func TestMigrateCommands(t *testing.T) {
	env := testEnv(t, nil)
	setEnv(t, env)
	all, err := database.LoadMigrations(migrations.FS)
	if err != nil || len(all) == 0 {
		t.Fatalf("LoadMigrations: %d, %v", len(all), err)
	}
	last := all[len(all)-1].Version

	// statusLines maps each version to its state column.
	status := func(t *testing.T) map[string]string {
		t.Helper()
		out, _, err := captured(t, func() error { return run([]string{"migrate", "status"}) })
		if err != nil {
			t.Fatalf("migrate status: %v", err)
		}
		states := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if v, state, ok := strings.Cut(line, " "); ok {
				states[v] = strings.TrimSpace(state)
			}
		}
		if len(states) != len(all) {
			t.Fatalf("status lists %d migrations, want %d:\n%s", len(states), len(all), out)
		}
		return states
	}
	steps := []struct {
		name    string
		args    []string
		wantOut string
	}{
		{"down reverts the last", []string{"migrate", "down"}, "reverted " + last},
		{"up applies it again", []string{"migrate", "up"}, "applied " + last},
		{"up again has nothing to do", []string{"migrate", "up"}, "nothing to apply"},
	}

	for v, state := range status(t) {
		if !strings.HasPrefix(state, "applied ") {
			t.Errorf("fresh database: %s is %q, want applied", v, state)
		}
	}
	for i, step := range steps {
		out, _, err := captured(t, func() error { return run(step.args) })
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if !strings.Contains(out, step.wantOut) {
			t.Fatalf("%s: output %q lacks %q", step.name, out, step.wantOut)
		}
		if i == 0 {
			if s := status(t)[last]; s != "pending" {
				t.Fatalf("after down, %s is %q, want pending", last, s)
			}
		}
	}
	if s := status(t)[last]; !strings.HasPrefix(s, "applied ") {
		t.Fatalf("after up, %s is %q, want applied", last, s)
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	env := testEnv(t, map[string]string{"FS_MODE": "b2b"})
	setEnv(t, env)
	for round := 1; round <= 2; round++ {
		out, _, err := captured(t, func() error { return run([]string{"seed"}) })
		if err != nil {
			t.Fatalf("seed round %d: %v", round, err)
		}
		for _, email := range []string{"demo@example.com", "admin@example.com", "member@example.com"} {
			if !strings.Contains(out, email) {
				t.Errorf("seed round %d output lacks %s:\n%s", round, email, out)
			}
		}
	}
	db, err := database.Open(context.Background(), env["FS_DB_URL"], 1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var users, orgs, memberships int
	for q, dst := range map[string]*int{
		"SELECT count(*) FROM users":         &users,
		"SELECT count(*) FROM organizations": &orgs,
		"SELECT count(*) FROM memberships":   &memberships,
	} {
		if err := db.QueryRowContext(context.Background(), q).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// demo + admin + member; Acme Inc. and Administrators; three memberships.
	if users != 3 || orgs != 2 || memberships != 3 {
		t.Errorf("after seeding twice: %d users, %d organizations, %d memberships; want 3, 2, 3", users, orgs, memberships)
	}
}

// TestServe boots the whole graph of `serve` on a real TCP port, as the binary does.
func TestServe(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mode   string
		logins map[string]string // email → password of the seeded accounts
	}{
		{config.ModeB2C, map[string]string{"demo@example.com": "demo-password", "admin@example.com": "admin-password"}},
		{config.ModeB2B, map[string]string{"demo@example.com": "demo-password", "admin@example.com": "admin-password", "member@example.com": "member-password"}},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Parse(testEnv(t, map[string]string{"FS_MODE": tc.mode}))
			if err != nil {
				t.Fatal(err)
			}
			if err := fx.ValidateApp(serveOptions(cfg)...); err != nil {
				t.Fatalf("fx.ValidateApp: %v", err)
			}
			var router *httpserver.Router
			app := fxtest.New(t, serveOptions(cfg, fx.Populate(&router))...)
			app.RequireStart()
			stopped := false
			t.Cleanup(func() {
				if !stopped {
					app.RequireStop()
				}
			})
			base := "http://" + router.Addr
			if strings.HasSuffix(router.Addr, ":0") || router.Addr == "" {
				t.Fatalf("listening address %q: port 0 was not resolved", router.Addr)
			}
			client := &http.Client{Timeout: 30 * time.Second}

			resp, err := client.Get(base + "/api/health")
			if err != nil {
				t.Fatalf("GET /api/health over TCP: %v", err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET /api/health: %d", resp.StatusCode)
			}

			for email, password := range tc.logins {
				body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
				resp, err := client.Post(base+"/api/auth/login", "application/json", strings.NewReader(body))
				if err != nil {
					t.Fatalf("login %s: %v", email, err)
				}
				var user map[string]any
				decErr := json.NewDecoder(resp.Body).Decode(&user)
				_ = resp.Body.Close()
				if resp.StatusCode != 200 || decErr != nil {
					t.Fatalf("login %s: status %d, %v, %v", email, resp.StatusCode, decErr, user)
				}
				if user["email"] != email {
					t.Errorf("login %s answered user %v", email, user["email"])
				}
				sessionSet := false
				for _, c := range resp.Cookies() {
					sessionSet = sessionSet || (c.Name == cfg.SessionCookieName && c.Value != "")
				}
				if !sessionSet {
					t.Errorf("login %s set no %s cookie", email, cfg.SessionCookieName)
				}
			}

			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			stopped = true
			if err := app.Stop(stopCtx); err != nil {
				t.Fatalf("stop: %v", err)
			}
			client.CloseIdleConnections()
			if resp, err := client.Get(base + "/api/health"); err == nil {
				_ = resp.Body.Close()
				t.Fatalf("the server still answers after stop: %d", resp.StatusCode)
			}
		})
	}
}

// withStdin replaces os.Stdin with a pipe holding text (nil: a closed empty pipe).
func withStdin(t *testing.T, text string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.WriteString(text)
	_ = w.Close()
	old := os.Stdin
	os.Stdin = r
	t.Cleanup(func() { os.Stdin = old; _ = r.Close() })
}

func TestCreateAdmin(t *testing.T) {
	env := testEnv(t, map[string]string{"FS_SEED_DEMO": "false"})
	setEnv(t, env)
	_, _, err := captured(t, func() error { return run([]string{"migrate", "up"}) })
	if err != nil {
		t.Fatal(err)
	}

	// Password from stdin.
	withStdin(t, "s3cret-admin-pass\n")
	out, _, err := captured(t, func() error { return run([]string{"create-admin", "--email", " Root@Example.com"}) })
	if err != nil || !strings.Contains(out, "created sys_admin Root@Example.com") || strings.Contains(out, "password:") {
		t.Fatalf("create-admin from stdin: %q %v", out, err)
	}
	// Promoting again without a password keeps the user's own.
	withStdin(t, "")
	out, _, err = captured(t, func() error { return run([]string{"create-admin", "--email", "root@example.com"}) })
	if err != nil || !strings.Contains(out, "promoted existing user") || strings.Contains(out, "password") {
		t.Fatalf("create-admin again: %q %v", out, err)
	}
	// A new account without a password on stdin gets a generated one, printed once.
	withStdin(t, "")
	out, _, err = captured(t, func() error { return run([]string{"create-admin", "--email", "ops@example.com"}) })
	_, generated, ok := strings.Cut(out, "password: ")
	generated = strings.TrimSpace(generated)
	if err != nil || !ok || len(generated) < 16 {
		t.Fatalf("no generated password printed for a new account: %q %v", out, err)
	}
	for _, tc := range []struct{ stdin, email, want string }{
		{"short\n", "x@example.com", "password must be at least 8 characters"},
		{"abcdefgh\x00ijk\n", "x@example.com", "password must not contain NUL"},
		{"        \n", "x@example.com", "password must not be only white space"},
		{"long-enough-pass\n", "not-an-email", "email must be a valid email address"},
	} {
		withStdin(t, tc.stdin)
		if _, _, err := captured(t, func() error { return run([]string{"create-admin", "--email", tc.email}) }); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("create-admin %q with %q = %v, want %q", tc.email, tc.stdin, err, tc.want)
		}
	}
	if _, _, err := captured(t, func() error { return run([]string{"create-admin", "--email", "a@example.com", "extra"}) }); err == nil || !strings.Contains(err.Error(), "unexpected argument") {
		t.Fatalf("extra argument: %v", err)
	}
	// The generated password signs in as a verified sys_admin.
	cfg, err := config.Parse(env)
	if err != nil {
		t.Fatal(err)
	}
	var router *httpserver.Router
	var db *database.DB
	app := fxtest.New(t, append(options(cfg), fx.Populate(&router, &db))...)
	app.RequireStart()
	defer app.RequireStop()
	srv := httptest.NewServer(router.Handler())
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/api/auth/login", "application/json",
		strings.NewReader(`{"email":"ops@example.com","password":"`+generated+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var me map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&me)
	if resp.StatusCode != 200 || me["role"] != "sys_admin" || me["email_verified"] != true {
		t.Fatalf("admin login: %d %v", resp.StatusCode, me)
	}
	// The first admin still has the password from stdin: promoting again kept it.
	login := func(password string) int {
		resp, err := http.Post(srv.URL+"/api/auth/login", "application/json",
			strings.NewReader(`{"email":"root@example.com","password":"`+password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := login("s3cret-admin-pass"); code != 200 {
		t.Fatalf("root login with its own password: %d", code)
	}
	var sessions int
	if err := db.NewRaw("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email_normalized = 'root@example.com'").Scan(context.Background(), &sessions); err != nil || sessions != 1 {
		t.Fatalf("root sessions = %d (%v)", sessions, err)
	}
	// Setting a new password through create-admin signs the user out everywhere.
	withStdin(t, "another-strong-pass\n")
	if out, _, err := captured(t, func() error { return run([]string{"create-admin", "--email", "root@example.com"}) }); err != nil || !strings.Contains(out, "signed them out") {
		t.Fatalf("create-admin with a new password: %q %v", out, err)
	}
	if err := db.NewRaw("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email_normalized = 'root@example.com'").Scan(context.Background(), &sessions); err != nil || sessions != 0 {
		t.Fatalf("sessions after a password change = %d (%v), want 0", sessions, err)
	}
	if login("s3cret-admin-pass") != 401 || login("another-strong-pass") != 200 {
		t.Fatal("the new password did not replace the old one")
	}
}

// A port already in use must be reported, not end the process silently.
func TestServeReportsBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg, err := config.Parse(testEnv(t, map[string]string{"FS_HTTP_ADDR": ln.Addr().String()}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve(cfg) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "FS_HTTP_ADDR="+ln.Addr().String()) {
			t.Fatalf("serve on a busy port = %v, want an error naming FS_HTTP_ADDR", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve on a busy port did not return")
	}
}
