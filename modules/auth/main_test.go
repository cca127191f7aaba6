package auth_test

import (
	"sync"
	"testing"

	"github.com/fastsvelte/fastsvelte/modules"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// start boots the whole product against a fresh database.
func start(t *testing.T, env testkit.Env) *testkit.App {
	t.Helper()
	t.Parallel()
	return testkit.Start(t, modules.All, env)
}

const pw = "correct horse battery"

// signupVerified creates an account through the API and follows the mailed link.
func signupVerified(t *testing.T, app *testkit.App, email string) {
	t.Helper()
	c := app.Client()
	c.Post("/api/auth/signup", map[string]any{"email": email, "password": pw, "first_name": "Ada", "last_name": "Lovelace", "organization_name": "Engines"}).Expect(202)
	c.Post("/api/auth/verify-email", map[string]any{"token": app.LinkToken(email, "Confirm")}).Expect(200)
}

// login signs a new browser in.
func login(t *testing.T, app *testkit.App, email string) *testkit.Client {
	t.Helper()
	c := app.Client()
	c.Post("/api/auth/login", map[string]any{"email": email, "password": pw}).Expect(200)
	return c
}

// usedOnce fires n concurrent requests (try returns each one's status) and fails
// unless exactly one answered 200 and the rest 400: a single-use token under race.
func usedOnce(t *testing.T, n int, try func(i int) int) {
	t.Helper()
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses[i] = try(i) })
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 400:
		default:
			t.Fatalf("unexpected status %d (%v)", s, statuses)
		}
	}
	if ok != 1 {
		t.Fatalf("%d requests used the token, want exactly 1 (%v)", ok, statuses)
	}
}
