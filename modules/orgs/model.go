package orgs

import (
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// Organization is a tenant: the unit that owns data, members and billing.
type Organization struct {
	bun.BaseModel `bun:"table:organizations"`

	ID               uuid.UUID  `bun:"id,pk"`
	Name             string     `bun:"name"`
	Personal         bool       `bun:"personal"`
	StripeCustomerID *string    `bun:"stripe_customer_id"`
	SuspendedAt      *time.Time `bun:"suspended_at"`
	CreatedAt        time.Time  `bun:"created_at"`
	UpdatedAt        time.Time  `bun:"updated_at"`
}

// Membership links a user to an organization with a role (member or org_admin).
type Membership struct {
	bun.BaseModel `bun:"table:memberships"`

	OrganizationID uuid.UUID     `bun:"organization_id,pk"`
	UserID         uuid.UUID     `bun:"user_id,pk"`
	Role           sessions.Role `bun:"role"`
	CreatedAt      time.Time     `bun:"created_at"`
}

// membershipRow is a membership joined with its organization's name.
type membershipRow struct {
	OrganizationID uuid.UUID     `bun:"organization_id"`
	Name           string        `bun:"name"`
	Role           sessions.Role `bun:"role"`
}
