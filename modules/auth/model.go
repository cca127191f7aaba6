package auth

import (
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// User is an account. PasswordHash is nil for users who only sign in with a provider.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID              uuid.UUID  `bun:"id,pk"`
	Email           string     `bun:"email"`
	EmailNormalized string     `bun:"email_normalized"`
	PasswordHash    *string    `bun:"password_hash"`
	FirstName       string     `bun:"first_name"`
	LastName        string     `bun:"last_name"`
	EmailVerifiedAt *time.Time `bun:"email_verified_at"`
	IsSysAdmin      bool       `bun:"is_sys_admin"`
	SuspendedAt     *time.Time `bun:"suspended_at"`
	DeletedAt       *time.Time `bun:"deleted_at"`
	CreatedAt       time.Time  `bun:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
}

// Verified reports whether the user proved they own their address.
func (u *User) Verified() bool { return u.EmailVerifiedAt != nil }

// CanAct reports whether the user may sign in or use a session.
func (u *User) CanAct() error {
	switch {
	case u.DeletedAt != nil:
		return ErrInvalidCredentials
	case u.SuspendedAt != nil:
		return ErrAccountSuspended
	}
	return nil
}

// samePassword reports whether two loads of one user have the same password, so
// nothing changed it in between.
func (u *User) samePassword(other *User) bool {
	return u.PasswordHash != nil && other.PasswordHash != nil && *u.PasswordHash == *other.PasswordHash
}

// TokenKind says what a single-use email token is for.
type TokenKind string

// Token kinds (the email_tokens_kind_check constraint lists the same).
const (
	TokenVerifyEmail   TokenKind = "verify_email"
	TokenResetPassword TokenKind = "reset_password"
)

// EmailToken is a single-use token mailed to a user; only its hash is stored.
type EmailToken struct {
	bun.BaseModel `bun:"table:email_tokens"`

	TokenHash []byte     `bun:"token_hash,pk"`
	Kind      TokenKind  `bun:"kind"`
	UserID    uuid.UUID  `bun:"user_id"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

// NormalizeEmail is the one function that decides when two addresses are the same
// account: trim, then lower-case ASCII letters only. Unicode case folding is left
// out on purpose: it would merge addresses that mail servers treat as different.
func NormalizeEmail(email string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, strings.TrimSpace(email))
}
