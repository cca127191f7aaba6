package orgs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

func TestCurrentOrganizationRoles(t *testing.T) {
	w := start(t, map[string]string{"FS_MODE": "b2b"})
	owner := w.account("owner@example.com", "Acme", false)
	acme := w.firstOrg(owner)
	member := w.account("member@example.com", "", true)
	w.join(acme, member, sessions.RoleMember)

	oc := w.login("owner@example.com")
	got := oc.Get("/api/organizations/current").Expect(200).Map()
	if got["name"] != "Acme" || got["role"] != "org_admin" || got["personal"] != false || got["id"] != acme.String() {
		t.Fatalf("owner's current organization: %v", got)
	}
	renamed := oc.Patch("/api/organizations/current", map[string]any{"name": "  Acme Corp "}).Expect(200).Map()
	if renamed["name"] != "Acme Corp" {
		t.Fatalf("rename: %v", renamed)
	}

	mc := w.login("member@example.com")
	if r := mc.Get("/api/organizations/current").Expect(200).Map(); r["role"] != "member" || r["name"] != "Acme Corp" {
		t.Fatalf("member's view: %v", r)
	}
	mc.Patch("/api/organizations/current", map[string]any{"name": "Hijacked"}).ExpectError(403, "ACCESS_DENIED")
	if me := mc.Get("/api/users/me").Expect(200).Map(); me["role"] != "member" {
		t.Fatalf("/users/me role for a member: %v", me["role"])
	}

	for _, body := range []map[string]any{{"name": ""}, {"name": "   "}, {"name": strings.Repeat("n", 101)}, {"name": "a\x00"}, {"name": "\u200b"}, {"name": "Acme\r\nCorp"}, {"name": "\u2066Acme"}, {"name": "x", "personal": true}, {"Name": "x"}, {}} {
		oc.Patch("/api/organizations/current", body).ExpectError(422, "VALIDATION_ERROR")
	}
	if r := oc.Get("/api/organizations/current").Expect(200).Map(); r["name"] != "Acme Corp" {
		t.Fatalf("a rejected rename changed the name: %v", r)
	}
}

func TestSysAdminRole(t *testing.T) {
	w := start(t, nil)
	_, _, err := w.auth.EnsureAccount(context.Background(), authInput("root@example.com", true))
	if err != nil {
		t.Fatal(err)
	}
	c := w.login("root@example.com")
	if me := c.Get("/api/users/me").Expect(200).Map(); me["role"] != "sys_admin" || me["is_sys_admin"] != true {
		t.Fatalf("sys_admin /users/me: %v", me)
	}
	if r := c.Get("/api/organizations/current").Expect(200).Map(); r["role"] != "sys_admin" {
		t.Fatalf("sys_admin current org role: %v", r)
	}
}

func TestUserWithoutOrganization(t *testing.T) {
	w := start(t, nil)
	w.account("lonely@example.com", "", true)
	c := w.login("lonely@example.com")
	c.Get("/api/organizations/current").ExpectError(404, "NO_ORGANIZATION")
	c.Patch("/api/organizations/current", map[string]any{"name": "X"}).ExpectError(404, "NO_ORGANIZATION")
	me := c.Get("/api/users/me").Expect(200).Map()
	if me["organization"] != nil || me["role"] != nil || len(me["organizations"].([]any)) != 0 {
		t.Fatalf("/users/me without organization: %v", me)
	}
}

func TestRemovedMembershipFallsBack(t *testing.T) {
	w := start(t, map[string]string{"FS_MODE": "b2b"})
	owner := w.account("owner@example.com", "Acme", false)
	acme := w.firstOrg(owner)
	user := w.account("user@example.com", "Own Co", false)
	own := w.firstOrg(user)
	w.Clock.Advance(time.Minute) // memberships are ordered by when they began
	w.join(acme, user, sessions.RoleOrgAdmin)

	c := w.login("user@example.com")
	// Sessions start in the oldest membership.
	if r := c.Get("/api/organizations/current").Expect(200).Map(); r["id"] != own.String() {
		t.Fatalf("active organization %v, want %v", r["id"], own)
	}
	ctx := context.Background()
	if _, err := w.DB.NewRaw("UPDATE sessions SET active_organization_id = ? WHERE user_id = ?", acme, user).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if r := c.Get("/api/organizations/current").Expect(200).Map(); r["id"] != acme.String() || r["role"] != "org_admin" {
		t.Fatalf("after switching: %v", r)
	}
	// Removed from Acme: the session must not keep acting there.
	if _, err := w.DB.NewRaw("DELETE FROM memberships WHERE organization_id = ? AND user_id = ?", acme, user).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	c.Patch("/api/organizations/current", map[string]any{"name": "Renamed"}).Expect(200)
	var acmeName string
	if err := w.DB.NewRaw("SELECT name FROM organizations WHERE id = ?", acme).Scan(ctx, &acmeName); err != nil || acmeName != "Acme" {
		t.Fatalf("a removed member renamed the organization: %q %v", acmeName, err)
	}
	if me := c.Get("/api/users/me").Expect(200).Map(); me["organization"].(map[string]any)["id"] != own.String() {
		t.Fatalf("/users/me after removal: %v", me["organization"])
	}
}
