package auth

import (
	"context"
	"errors"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
)

// AccountInput describes an account made by an operator (seed, create-admin)
// rather than through sign-up: it starts verified.
type AccountInput struct {
	Email            string
	Password         string // empty: keep the existing password (an error for a new account)
	FirstName        string
	LastName         string
	OrganizationName string
	SysAdmin         bool
	// NoOrganization skips the sign-up hooks: the caller adds the user to an
	// existing organization itself (seeding a member).
	NoOrganization bool
}

// EnsureAccount creates the account if the email is new. For an existing one it
// only promotes to sys_admin (and sets the password, when given) if asked to.
func (s *Service) EnsureAccount(ctx context.Context, in AccountInput) (userID uuid.UUID, created bool, err error) {
	norm := NormalizeEmail(in.Email)
	if in.Password != "" {
		if n := utf8.RuneCountInString(in.Password); n < 8 || n > 128 {
			return uuid.Nil, false, apperr.Validation(map[string]string{"password": "must be 8 to 128 characters"})
		}
	}
	var hash *string
	if in.Password != "" {
		h := s.hash.hash(in.Password)
		hash = &h
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		existing, err := s.store.userByEmail(ctx, norm)
		switch {
		case err == nil:
			userID = existing.ID
			if in.SysAdmin {
				return s.store.promote(ctx, existing.ID, hash, s.clock.Now())
			}
			return nil
		case !errors.Is(err, ErrUserNotFound):
			return err
		case hash == nil:
			return apperr.Validation(map[string]string{"password": "is required for a new account"})
		}
		now := s.clock.Now()
		u := &User{
			ID: uuid.Must(uuid.NewV7()), Email: in.Email, EmailNormalized: norm, PasswordHash: hash,
			FirstName: in.FirstName, LastName: in.LastName, EmailVerifiedAt: &now, IsSysAdmin: in.SysAdmin,
			CreatedAt: now, UpdatedAt: now,
		}
		if err := s.store.insertUser(ctx, u); err != nil {
			return err
		}
		userID, created = u.ID, true
		if in.NoOrganization {
			return nil
		}
		return s.runSignupHooks(ctx, u, in.OrganizationName)
	})
	return userID, created, err
}
