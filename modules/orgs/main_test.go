package orgs_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/modules"
	"github.com/fastsvelte/fastsvelte/modules/auth"
	"github.com/fastsvelte/fastsvelte/modules/orgs"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pw = "correct horse battery"

// world is a running app with direct access to the services for set-up steps the
// API does not offer yet (adding members before invitations exist).
type world struct {
	*testkit.App
	auth *auth.Service
	orgs *orgs.Service
}

func start(t *testing.T, env testkit.Env) *world {
	t.Helper()
	t.Parallel()
	w := &world{}
	w.App = testkit.Start(t, modules.All, env, fx.Populate(&w.auth, &w.orgs))
	return w
}

// account creates a verified user; with org "" and noOrg the user belongs nowhere.
func (w *world) account(email, org string, noOrg bool) uuid.UUID {
	w.T.Helper()
	id, _, err := w.auth.EnsureAccount(context.Background(), auth.AccountInput{
		Email: email, Password: pw, FirstName: "F", OrganizationName: org, NoOrganization: noOrg,
	})
	if err != nil {
		w.T.Fatal(err)
	}
	return id
}

func (w *world) join(orgID, userID uuid.UUID, role sessions.Role) {
	w.T.Helper()
	if err := w.orgs.AddMember(context.Background(), orgID, userID, role); err != nil {
		w.T.Fatal(err)
	}
}

func (w *world) firstOrg(userID uuid.UUID) uuid.UUID {
	w.T.Helper()
	ms, err := w.orgs.Memberships(context.Background(), userID)
	if err != nil || len(ms) == 0 {
		w.T.Fatalf("memberships: %v %v", ms, err)
	}
	return ms[0].OrganizationID
}

func (w *world) login(email string) *testkit.Client {
	w.T.Helper()
	c := w.Client()
	c.Post("/api/auth/login", map[string]any{"email": email, "password": pw}).Expect(200)
	return c
}

func authInput(email string, sysAdmin bool) auth.AccountInput {
	return auth.AccountInput{Email: email, Password: pw, FirstName: "Root", SysAdmin: sysAdmin}
}
