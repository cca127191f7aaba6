package auth

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/fastsvelte/fastsvelte/platform/database"
)

// store holds the auth module's queries over users and email_tokens.
type store struct {
	db *database.DB
}

func newStore(db *database.DB) *store { return &store{db: db} }

func (s *store) insertUser(ctx context.Context, u *User) error {
	_, err := s.db.Conn(ctx).NewInsert().Model(u).Exec(ctx)
	if database.IsUniqueViolation(err, "users_email_normalized_key") {
		return ErrEmailTaken
	}
	return err
}

func (s *store) userByEmail(ctx context.Context, normalized string) (*User, error) {
	u := new(User)
	err := s.db.Conn(ctx).NewSelect().Model(u).Where("email_normalized = ?", normalized).Scan(ctx)
	if database.IsNoRows(err) {
		return nil, ErrUserNotFound
	}
	return u, err
}

// userByID runs on every authenticated request, so it is a prepared statement.
func (s *store) userByID(ctx context.Context, id uuid.UUID) (*User, error) {
	u := new(User)
	// Columns listed: with *, a column added by a later migration would break the scan.
	err := s.db.PreparedOne(ctx, u, `SELECT id, email, email_normalized, password_hash, first_name, last_name,
		email_verified_at, is_sys_admin, suspended_at, deleted_at, created_at, updated_at FROM users WHERE id = $1`, id)
	if database.IsNoRows(err) {
		return nil, ErrUserNotFound
	}
	return u, err
}

// Row lock strengths for lockUser. A reader that only needs the row unchanged
// takes share; a transaction that will update the row takes the update lock at
// once (upgrading share to update while another waits can deadlock).
const (
	lockShare  = "SHARE"
	lockUpdate = "NO KEY UPDATE"
)

// lockUser reads the user and holds a row lock until the transaction ends, so a
// password change or suspension (an UPDATE) waits for it, or it for them.
func (s *store) lockUser(ctx context.Context, id uuid.UUID, strength string) (*User, error) {
	u := new(User)
	err := s.db.Conn(ctx).NewSelect().Model(u).Where("id = ?", id).For(strength).Scan(ctx)
	if database.IsNoRows(err) {
		return nil, ErrUserNotFound
	}
	return u, err
}

func (s *store) updateNames(ctx context.Context, id uuid.UUID, first, last *string, now time.Time) (*User, error) {
	u := new(User)
	q := s.db.Conn(ctx).NewUpdate().Model(u).Set("updated_at = ?", now).Where("id = ?", id).Returning("*")
	if first != nil {
		q = q.Set("first_name = ?", *first)
	}
	if last != nil {
		q = q.Set("last_name = ?", *last)
	}
	if err := q.Scan(ctx); err != nil {
		if database.IsNoRows(err) {
			return nil, ErrUserNotFound
		}
		return nil, err
	}
	return u, nil
}

func (s *store) markVerified(ctx context.Context, id uuid.UUID, now time.Time) error {
	_, err := s.db.Conn(ctx).NewUpdate().Model((*User)(nil)).
		Set("email_verified_at = COALESCE(email_verified_at, ?), updated_at = ?", now, now).
		Where("id = ?", id).Exec(ctx)
	return err
}

// setPassword replaces the password. Following a mailed link proved the address, so
// it also counts as verified.
func (s *store) setPassword(ctx context.Context, id uuid.UUID, hash string, now time.Time) error {
	_, err := s.db.Conn(ctx).NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?, updated_at = ?", hash, now).
		Set("email_verified_at = COALESCE(email_verified_at, ?)", now).
		Where("id = ?", id).Exec(ctx)
	return err
}

func (s *store) promote(ctx context.Context, id uuid.UUID, passwordHash *string, now time.Time) error {
	q := s.db.Conn(ctx).NewUpdate().Model((*User)(nil)).
		Set("is_sys_admin = true, suspended_at = NULL, updated_at = ?", now).
		Set("email_verified_at = COALESCE(email_verified_at, ?)", now).
		Where("id = ?", id)
	if passwordHash != nil {
		q = q.Set("password_hash = ?", *passwordHash)
	}
	_, err := q.Exec(ctx)
	return err
}

func (s *store) insertToken(ctx context.Context, t *EmailToken) error {
	_, err := s.db.Conn(ctx).NewInsert().Model(t).Exec(ctx)
	return err
}

// consumeToken marks a live token used and returns its user in one conditional
// UPDATE, so two concurrent requests cannot both use it.
func (s *store) consumeToken(ctx context.Context, hash []byte, kind TokenKind, now time.Time) (uuid.UUID, error) {
	var userID uuid.UUID
	err := s.db.Conn(ctx).NewUpdate().Model((*EmailToken)(nil)).
		Set("used_at = ?", now).
		Where("token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?", hash, kind, now).
		Returning("user_id").Scan(ctx, &userID)
	if database.IsNoRows(err) {
		return uuid.Nil, ErrInvalidToken
	}
	return userID, err
}

// retireTokens voids a user's unused tokens of a kind, so only the newest link works.
func (s *store) retireTokens(ctx context.Context, userID uuid.UUID, kind TokenKind, now time.Time) error {
	_, err := s.db.Conn(ctx).NewUpdate().Model((*EmailToken)(nil)).
		Set("used_at = ?", now).
		Where("user_id = ? AND kind = ? AND used_at IS NULL", userID, kind).Exec(ctx)
	return err
}
