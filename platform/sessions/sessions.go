// Package sessions implements cookie sessions backed by PostgreSQL: the browser
// holds a random 32-byte token, the database holds only its SHA-256, so a leaked
// database dump cannot be replayed as a login. It provides the Authenticate and
// RequireRole middleware and puts the Principal in the request context.
//
// Users and memberships belong to modules (auth, orgs) that sit above platform, so
// this package asks them through two small interfaces, UserChecker and RoleResolver,
// which those modules provide to fx.
package sessions

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/clock"
	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
)

// Module provides the *Manager.
var Module = fx.Module("sessions", fx.Provide(New, NewRevoker), fx.Invoke(registerCleanup))

// UserChecker is implemented by the auth module: it loads the user, refusing one
// who may no longer act (suspended, deleted) with an UNAUTHORIZED error.
type UserChecker interface {
	CheckUser(ctx context.Context, userID uuid.UUID) (CheckedUser, error)
}

// CheckedUser is what a UserChecker reports.
type CheckedUser struct {
	IsSysAdmin bool
	// Record is the row the checker loaded (auth's *User). It rides along in the
	// Principal so a handler that needs the user does not read it a second time.
	Record any
}

// RoleResolver is implemented by the orgs module. It returns the caller's role in
// the wanted organization or, when they are no longer a member there, in the
// organization they should fall back to (orgID then differs from wanted). It
// returns an error with code NO_ORGANIZATION when the user belongs to none.
type RoleResolver interface {
	ResolveRole(ctx context.Context, userID, wanted uuid.UUID) (orgID uuid.UUID, role Role, err error)
}

// Manager creates, authenticates and revokes sessions.
type Manager struct {
	db    *database.DB
	cfg   *config.Config
	clock clock.Clock
	users UserChecker
	roles RoleResolver
}

// New builds the Manager.
func New(db *database.DB, cfg *config.Config, clk clock.Clock, users UserChecker, roles RoleResolver) *Manager {
	return &Manager{db: db, cfg: cfg, clock: clk, users: users, roles: roles}
}

const principalKey = "fs.principal"

// Hash returns the stored form of a token.
func Hash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Create starts a session for userID, sets the cookie and returns the session. ctx
// carries the database handle (database.WithTx): the caller decides what the
// insert must be atomic with (auth: the user's password still being the one it
// checked).
func (m *Manager) Create(ctx context.Context, c *gin.Context, userID, activeOrg uuid.UUID) (*Session, error) {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails on supported platforms
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	now := m.clock.Now()
	s := &Session{
		ID:         Hash(token),
		UserID:     userID,
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(m.cfg.SessionTTL),
		IP:         c.ClientIP(),
		UserAgent:  truncate(c.Request.UserAgent(), 512),
	}
	if activeOrg != uuid.Nil {
		s.ActiveOrganizationID = uuid.NullUUID{UUID: activeOrg, Valid: true}
	}
	conn := m.db.Conn(ctx)
	// A login is a natural moment to forget this user's expired sessions.
	if _, err := conn.NewDelete().Model((*Session)(nil)).
		Where("user_id = ? AND expires_at <= ?", userID, now).Exec(ctx); err != nil {
		return nil, err
	}
	if _, err := conn.NewInsert().Model(s).Exec(ctx); err != nil {
		return nil, err
	}
	m.setCookie(c, token, m.cfg.SessionTTL)
	return s, nil
}

// Authenticate rejects requests without a valid session (401) and stores the
// Principal. It renews the session (row and cookie together) at most once per
// FS_SESSION_TOUCH_INTERVAL, so most requests only read.
func (m *Manager) Authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := m.authenticate(c)
		if err != nil {
			httpserver.Fail(c, err)
			return
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

// maxCookieTries bounds the lookups one request can cause with repeated cookies.
const maxCookieTries = 3

func (m *Manager) authenticate(c *gin.Context) (*Principal, error) {
	ctx := c.Request.Context()
	now := m.clock.Now()
	var s Session
	var token string
	// A browser can hold several cookies of this name (one planted by a sibling
	// subdomain, with a narrower Path, is sent first): try a few, so a planted junk
	// cookie cannot sign the user out.
	tries := 0
	for _, ck := range c.Request.Cookies() {
		if ck.Name != m.cfg.SessionCookieName || ck.Value == "" || len(ck.Value) > 128 {
			continue
		}
		if tries++; tries > maxCookieTries {
			break
		}
		err := m.db.PreparedOne(ctx, &s,
			"SELECT id, user_id, active_organization_id, last_seen_at FROM sessions WHERE id = $1 AND expires_at > $2",
			Hash(ck.Value), now)
		if err == nil {
			token = ck.Value
			break
		}
		if !database.IsNoRows(err) {
			return nil, err
		}
	}
	if token == "" {
		if tries > 0 {
			m.clearCookie(c)
		}
		return nil, apperr.ErrUnauthorized
	}
	user, err := m.users.CheckUser(ctx, s.UserID)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.KindUnauthorized {
			m.clearCookie(c)
		}
		return nil, err
	}
	if now.Sub(s.LastSeenAt) >= m.cfg.SessionTouchInterval {
		if _, err := m.db.Conn(ctx).NewUpdate().Model((*Session)(nil)).
			Set("last_seen_at = ?, expires_at = ?", now, now.Add(m.cfg.SessionTTL)).
			Where("id = ?", s.ID).Exec(ctx); err != nil {
			return nil, err
		}
		m.setCookie(c, token, m.cfg.SessionTTL)
	}
	return &Principal{
		SessionID:   s.ID,
		UserID:      s.UserID,
		IsSysAdmin:  user.IsSysAdmin,
		ActiveOrgID: s.ActiveOrganizationID.UUID,
		User:        user.Record,
	}, nil
}

// RequireRole lets the request through only when the caller's role in the active
// organization is at least min (403 otherwise). sys_admin satisfies every role.
// Use after Authenticate.
func (m *Manager) RequireRole(min Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := MustPrincipal(c)
		if min == RoleSysAdmin {
			if !p.IsSysAdmin {
				httpserver.Fail(c, apperr.ErrAccessDenied)
				return
			}
			p.Role = RoleSysAdmin
			c.Next()
			return
		}
		if err := m.resolveRole(c.Request.Context(), p); err != nil {
			httpserver.Fail(c, err)
			return
		}
		if !p.Role.AtLeast(min) {
			httpserver.Fail(c, apperr.ErrAccessDenied)
			return
		}
		c.Next()
	}
}

// resolveRole fills p.Role and, when the active organization is gone, moves the
// session to the organization the resolver falls back to.
func (m *Manager) resolveRole(ctx context.Context, p *Principal) error {
	orgID, role, err := m.roles.ResolveRole(ctx, p.UserID, p.ActiveOrgID)
	if err != nil {
		return err
	}
	if orgID != p.ActiveOrgID {
		if err := m.SetActiveOrganization(ctx, p.SessionID, orgID); err != nil {
			return err
		}
		p.ActiveOrgID = orgID
	}
	p.Role = role
	if p.IsSysAdmin {
		p.Role = RoleSysAdmin
	}
	return nil
}

// SetActiveOrganization switches the organization a session acts in.
func (m *Manager) SetActiveOrganization(ctx context.Context, sessionID []byte, orgID uuid.UUID) error {
	_, err := m.db.Conn(ctx).NewUpdate().Model((*Session)(nil)).
		Set("active_organization_id = ?", uuid.NullUUID{UUID: orgID, Valid: orgID != uuid.Nil}).
		Where("id = ?", sessionID).Exec(ctx)
	return err
}

// Destroy deletes the current session and clears the cookie (logout).
func (m *Manager) Destroy(c *gin.Context) error {
	p := MustPrincipal(c)
	ctx := c.Request.Context()
	if _, err := m.db.Conn(ctx).NewDelete().Model((*Session)(nil)).Where("id = ?", p.SessionID).Exec(ctx); err != nil {
		return err
	}
	m.clearCookie(c)
	return nil
}

// Revoker ends sessions without authenticating anything, so the auth module (whose
// service the Manager itself depends on) can use it without a dependency cycle.
type Revoker struct {
	db *database.DB
}

// NewRevoker builds a Revoker.
func NewRevoker(db *database.DB) *Revoker { return &Revoker{db: db} }

// RevokeAll deletes every session of userID except keep (nil = all). Password
// changes, resets, suspension and deletion call it.
func (r *Revoker) RevokeAll(ctx context.Context, userID uuid.UUID, keep []byte) error {
	q := r.db.Conn(ctx).NewDelete().Model((*Session)(nil)).Where("user_id = ?", userID)
	if keep != nil {
		q = q.Where("id <> ?", keep)
	}
	_, err := q.Exec(ctx)
	return err
}

// Hold share-locks session id until the transaction in ctx ends and reports whether
// it still exists. A change made on behalf of a session (a new password) holds it,
// so a concurrent revoke either waits for the change or is seen by it: a session
// signed out from elsewhere can no longer finish one.
func (r *Revoker) Hold(ctx context.Context, id []byte) (bool, error) {
	var got []byte // FOR SHARE cannot lock an aggregate: select the row itself
	err := r.db.Conn(ctx).NewSelect().Model((*Session)(nil)).Column("id").Where("id = ?", id).For("SHARE").Scan(ctx, &got)
	if database.IsNoRows(err) {
		return false, nil
	}
	return err == nil, err
}

// PrincipalFrom returns the caller, if the request was authenticated.
func PrincipalFrom(c *gin.Context) (*Principal, bool) {
	v, ok := c.Get(principalKey)
	if !ok {
		return nil, false
	}
	return v.(*Principal), true
}

// MustPrincipal returns the caller on routes behind Authenticate; a missing one is
// a wiring bug, so it panics (and the recovery middleware answers 500).
func MustPrincipal(c *gin.Context) *Principal {
	p, ok := PrincipalFrom(c)
	if !ok {
		panic("sessions: route is not behind Authenticate")
	}
	return p
}

// ResolveRole fills p.Role for handlers that need the role without RequireRole
// (e.g. GET /users/me reports it).
func (m *Manager) ResolveRole(ctx context.Context, p *Principal) error {
	return m.resolveRole(ctx, p)
}

func (m *Manager) setCookie(c *gin.Context, token string, ttl time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     m.cfg.SessionCookieName,
		Value:    token,
		Path:     "/",
		MaxAge:   int(ttl.Seconds()),
		HttpOnly: true,
		Secure:   m.cfg.SecureCookies(),
		SameSite: http.SameSiteLaxMode,
	})
}

func (m *Manager) clearCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: m.cfg.SessionCookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: m.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode,
	})
}

// truncate makes header text safe for a text column: valid UTF-8, no NUL (which
// PostgreSQL rejects), at most n bytes, cut on a rune boundary.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
