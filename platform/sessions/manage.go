package sessions

import (
	"context"
	"encoding/base64"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

// A user sees and revokes their own sessions by a public id: the stored hash in
// base64url. It is no secret: the cookie token cannot be derived from it.

// PublicID is how a session is named in the API.
func PublicID(id []byte) string { return base64.RawURLEncoding.EncodeToString(id) }

// ParsePublicID reverses PublicID; ok is false for anything that is not one.
func ParsePublicID(s string) (id []byte, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, false
	}
	return b, true
}

// maxListed bounds the sessions listed (newest activity first); older ones still
// work and are revoked by "sign out everywhere else".
const maxListed = 100

// List returns the user's live sessions, most recently used first.
func (m *Manager) List(ctx context.Context, userID uuid.UUID) ([]Session, error) {
	var out []Session
	err := m.db.Conn(ctx).NewSelect().Model(&out).
		Where("user_id = ? AND expires_at > ?", userID, m.clock.Now()).
		OrderExpr("last_seen_at DESC, created_at DESC").Limit(maxListed).Scan(ctx)
	return out, err
}

// Revoke deletes one of the caller's sessions; false when they have none with that
// id (another user's session counts as none). Revoking the current one also clears
// the cookie, as logout does. ctx carries the database handle (database.WithTx).
func (m *Manager) Revoke(ctx context.Context, c *gin.Context, id []byte) (bool, error) {
	p := MustPrincipal(c)
	res, err := m.db.Conn(ctx).NewDelete().Model((*Session)(nil)).
		Where("id = ? AND user_id = ?", id, p.UserID).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	if string(id) == string(p.SessionID) {
		m.clearCookie(c)
	}
	return true, nil
}
