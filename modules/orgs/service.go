package orgs

import (
	"context"

	"github.com/google/uuid"

	"github.com/fastsvelte/fastsvelte/modules/auth"
	"github.com/fastsvelte/fastsvelte/platform/clock"
	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// Service holds the organization rules. It also answers auth's and the session
// layer's questions about memberships (auth.Directory, sessions.RoleResolver) and
// creates the first organization of every new user (auth.SignupHook).
type Service struct {
	store *store
	cfg   *config.Config
	clock clock.Clock
}

func newService(st *store, cfg *config.Config, clk clock.Clock) *Service {
	return &Service{store: st, cfg: cfg, clock: clk}
}

// UserSignedUp creates the user's first organization with them as org_admin: a
// personal one in b2c, the named one in b2b. It runs in the sign-up transaction.
func (s *Service) UserSignedUp(ctx context.Context, e auth.SignupEvent) error {
	// b2c organizations are personal and named after their owner, whatever the
	// caller passed (an operator's create-admin --organization, say).
	personal := s.cfg.Mode == config.ModeB2C
	name := e.OrganizationName
	if name == "" || personal {
		name = possessive(e.FirstName) + " workspace"
	}
	_, err := s.Create(ctx, e.UserID, name, personal)
	return err
}

// Create makes an organization with userID as its org_admin.
func (s *Service) Create(ctx context.Context, userID uuid.UUID, name string, personal bool) (*Organization, error) {
	now := s.clock.Now()
	o := &Organization{ID: uuid.Must(uuid.NewV7()), Name: name, Personal: personal, CreatedAt: now, UpdatedAt: now}
	if err := s.store.insertOrganization(ctx, o); err != nil {
		return nil, err
	}
	err := s.store.insertMembership(ctx, &Membership{OrganizationID: o.ID, UserID: userID, Role: sessions.RoleOrgAdmin, CreatedAt: now})
	return o, err
}

// AddMember adds userID to orgID with role; used by seeding until invitations exist.
func (s *Service) AddMember(ctx context.Context, orgID, userID uuid.UUID, role sessions.Role) error {
	return s.store.insertMembership(ctx, &Membership{OrganizationID: orgID, UserID: userID, Role: role, CreatedAt: s.clock.Now()})
}

// Memberships implements auth.Directory.
func (s *Service) Memberships(ctx context.Context, userID uuid.UUID) ([]auth.Membership, error) {
	rows, err := s.store.memberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]auth.Membership, len(rows))
	for i, r := range rows {
		out[i] = auth.Membership{OrganizationID: r.OrganizationID, Name: r.Name, Role: r.Role}
	}
	return out, nil
}

// ResolveRole implements sessions.RoleResolver.
func (s *Service) ResolveRole(ctx context.Context, userID, wanted uuid.UUID) (uuid.UUID, sessions.Role, error) {
	orgID, role, ok, err := s.store.resolveRole(ctx, userID, wanted)
	if err != nil {
		return uuid.Nil, "", err
	}
	if !ok {
		return uuid.Nil, "", ErrNoOrganization
	}
	return orgID, role, nil
}

// Get returns an organization by id.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Organization, error) {
	return s.store.organization(ctx, id)
}

// Rename changes an organization's name.
func (s *Service) Rename(ctx context.Context, id uuid.UUID, name string) (*Organization, error) {
	if err := s.store.rename(ctx, id, name, s.clock.Now()); err != nil {
		return nil, err
	}
	return s.store.organization(ctx, id)
}

func possessive(name string) string {
	if name == "" {
		return "My"
	}
	if name[len(name)-1] == 's' {
		return name + "'"
	}
	return name + "'s"
}
