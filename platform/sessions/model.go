package sessions

import (
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// Session is one signed-in browser. ID is the SHA-256 of the cookie token.
type Session struct {
	bun.BaseModel `bun:"table:sessions"`

	ID                   []byte        `bun:"id,pk"`
	UserID               uuid.UUID     `bun:"user_id"`
	ActiveOrganizationID uuid.NullUUID `bun:"active_organization_id"`
	CreatedAt            time.Time     `bun:"created_at"`
	LastSeenAt           time.Time     `bun:"last_seen_at"`
	ExpiresAt            time.Time     `bun:"expires_at"`
	IP                   string        `bun:"ip"`
	UserAgent            string        `bun:"user_agent"`
}

// Role is a caller's effective role in the active organization.
type Role string

// Roles in increasing order of power. sys_admin is a flag on the user, not a
// membership role, but it is reported and checked on the same scale.
const (
	RoleMember   Role = "member"
	RoleOrgAdmin Role = "org_admin"
	RoleSysAdmin Role = "sys_admin"
)

var rank = map[Role]int{RoleMember: 1, RoleOrgAdmin: 2, RoleSysAdmin: 3}

// AtLeast reports whether r grants everything min grants.
func (r Role) AtLeast(min Role) bool { return rank[r] >= rank[min] && rank[min] > 0 }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return rank[r] > 0 }

// Principal is the authenticated caller of a request.
type Principal struct {
	SessionID   []byte
	UserID      uuid.UUID
	IsSysAdmin  bool
	ActiveOrgID uuid.UUID // uuid.Nil when the user belongs to no organization
	// Role is filled by RequireRole; empty on routes that only authenticate.
	Role Role
	// User is the record loaded while authenticating (see CheckedUser.Record).
	User any
}
