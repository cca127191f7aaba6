package orgs

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// store holds the orgs module's queries over organizations and memberships.
type store struct {
	db *database.DB
}

func newStore(db *database.DB) *store { return &store{db: db} }

func (s *store) insertOrganization(ctx context.Context, o *Organization) error {
	_, err := s.db.Conn(ctx).NewInsert().Model(o).Exec(ctx)
	return err
}

func (s *store) insertMembership(ctx context.Context, m *Membership) error {
	_, err := s.db.Conn(ctx).NewInsert().Model(m).Exec(ctx)
	return err
}

func (s *store) organization(ctx context.Context, id uuid.UUID) (*Organization, error) {
	o := new(Organization)
	err := s.db.Conn(ctx).NewSelect().Model(o).Where("id = ?", id).Scan(ctx)
	if database.IsNoRows(err) {
		return nil, ErrNotFound
	}
	return o, err
}

// memberships lists a user's organizations, oldest membership first.
func (s *store) memberships(ctx context.Context, userID uuid.UUID) ([]membershipRow, error) {
	// Every /users/me runs this, so it is a prepared statement.
	var out []membershipRow
	err := s.db.PreparedAll(ctx, &out, `SELECT m.organization_id, o.name, m.role
		FROM memberships AS m JOIN organizations AS o ON o.id = m.organization_id
		WHERE m.user_id = $1 ORDER BY m.created_at, m.organization_id`, userID)
	return out, err
}

// resolveRole returns the role in wanted, or else in the oldest membership, in one
// query; ok is false when the user belongs to no organization.
func (s *store) resolveRole(ctx context.Context, userID, wanted uuid.UUID) (orgID uuid.UUID, role sessions.Role, ok bool, err error) {
	err = s.db.Conn(ctx).NewSelect().Model((*Membership)(nil)).
		Column("organization_id", "role").
		Where("user_id = ?", userID).
		OrderExpr("organization_id = ? DESC, created_at, organization_id", wanted).
		Limit(1).Scan(ctx, &orgID, &role)
	if database.IsNoRows(err) {
		return uuid.Nil, "", false, nil
	}
	return orgID, role, err == nil, err
}

func (s *store) rename(ctx context.Context, id uuid.UUID, name string, now time.Time) error {
	_, err := s.db.Conn(ctx).NewUpdate().Model((*Organization)(nil)).
		Set("name = ?, updated_at = ?", name, now).Where("id = ?", id).Exec(ctx)
	return err
}
