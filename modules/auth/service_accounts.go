package auth

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
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

// accountCheck applies the sign-up rules to operator input, so the CLI cannot make
// an account the API would refuse (a NUL in the password, an invalid address).
type accountCheck struct {
	Email            string `json:"email" validate:"required,max=254,visible,email"`
	Password         string `json:"password" validate:"omitempty,min=8,max=128,notblank"`
	FirstName        string `json:"first_name" validate:"max=100,singleline"`
	LastName         string `json:"last_name" validate:"max=100,singleline"`
	OrganizationName string `json:"organization_name" validate:"max=100,singleline"`
}

// AccountExists reports whether an account uses the address.
func (s *Service) AccountExists(ctx context.Context, email string) (bool, error) {
	_, err := s.store.userByEmail(ctx, NormalizeEmail(email))
	if errors.Is(err, ErrUserNotFound) {
		return false, nil
	}
	return err == nil, err
}

// EnsureAccount creates the account if the email is new. For an existing one it
// only promotes to sys_admin if asked to, and sets the password only when one is
// given, signing the user out everywhere (as any password change must).
func (s *Service) EnsureAccount(ctx context.Context, in AccountInput) (userID uuid.UUID, created bool, err error) {
	if err := httpserver.Validate(&accountCheck{
		Email: in.Email, Password: in.Password, FirstName: in.FirstName, LastName: in.LastName, OrganizationName: in.OrganizationName,
	}); err != nil {
		return uuid.Nil, false, err
	}
	norm := NormalizeEmail(in.Email)
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
			if !in.SysAdmin {
				return nil
			}
			if err := s.store.promote(ctx, existing.ID, hash, s.clock.Now()); err != nil {
				return err
			}
			if hash != nil {
				return s.sessions.RevokeAll(ctx, existing.ID, nil)
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
