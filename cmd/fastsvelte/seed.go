package main

import (
	"context"
	"fmt"

	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/modules/auth"
	"github.com/fastsvelte/fastsvelte/modules/orgs"
	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// seedServices are what seeding needs from the graph.
type seedServices struct {
	fx.In
	Auth *auth.Service
	Orgs *orgs.Service
}

// demoAccount is printed so a new user can sign in at once. The passwords are
// public on purpose: demo data is for local development only.
type demoAccount struct {
	Email, Password, What string
}

func seed(cfg *config.Config) error {
	var s seedServices
	return runOnce(cfg, func(ctx context.Context) error {
		accounts, err := seedDemo(ctx, cfg, s)
		for _, a := range accounts {
			fmt.Printf("%-22s %-18s %s\n", a.Email, a.Password, a.What)
		}
		return err
	}, &s)
}

// seedDemo creates the demo accounts unless they exist; running it twice changes nothing.
func seedDemo(ctx context.Context, cfg *config.Config, s seedServices) ([]demoAccount, error) {
	accounts := []demoAccount{
		{"demo@example.com", "demo-password", "org_admin"},
		{"admin@example.com", "admin-password", "sys_admin"},
	}
	if cfg.Mode == config.ModeB2B {
		accounts = append(accounts, demoAccount{"member@example.com", "member-password", "member of Acme Inc."})
	}
	demoID, _, err := s.Auth.EnsureAccount(ctx, auth.AccountInput{
		Email: accounts[0].Email, Password: accounts[0].Password, FirstName: "Demo", LastName: "User",
		OrganizationName: demoOrgName(cfg),
	})
	if err != nil {
		return nil, err
	}
	if _, _, err := s.Auth.EnsureAccount(ctx, auth.AccountInput{
		Email: accounts[1].Email, Password: accounts[1].Password, FirstName: "Admin", LastName: "User",
		OrganizationName: "Administrators", SysAdmin: true,
	}); err != nil {
		return nil, err
	}
	if cfg.Mode == config.ModeB2B {
		memberID, created, err := s.Auth.EnsureAccount(ctx, auth.AccountInput{
			Email: accounts[2].Email, Password: accounts[2].Password, FirstName: "Member", LastName: "User",
			NoOrganization: true,
		})
		if err != nil {
			return nil, err
		}
		if created {
			ms, err := s.Orgs.Memberships(ctx, demoID)
			if err != nil || len(ms) == 0 {
				return nil, fmt.Errorf("seed: demo organization missing: %w", err)
			}
			if err := s.Orgs.AddMember(ctx, ms[0].OrganizationID, memberID, sessions.RoleMember); err != nil {
				return nil, err
			}
		}
	}
	return accounts, nil
}

// demoOrgName names the shared demo organization in b2b; in b2c the personal
// organization gets its usual name.
func demoOrgName(cfg *config.Config) string {
	if cfg.Mode == config.ModeB2B {
		return "Acme Inc."
	}
	return ""
}
