package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/google/uuid"
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/clock"
	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/jobs"
	"github.com/fastsvelte/fastsvelte/platform/mailer"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// SignupHook runs inside the sign-up transaction. Modules above auth provide one
// to the "auth.signup_hooks" group (orgs creates the first organization); an error
// rolls the whole sign-up back.
type SignupHook interface {
	UserSignedUp(ctx context.Context, e SignupEvent) error
}

// SignupEvent describes a newly created user.
type SignupEvent struct {
	UserID           uuid.UUID
	FirstName        string
	OrganizationName string // required in b2b, empty in b2c
}

// Directory is provided by the orgs module so auth can report a user's
// organizations without importing orgs.
type Directory interface {
	Memberships(ctx context.Context, userID uuid.UUID) ([]Membership, error)
}

// Membership is one organization a user belongs to, oldest first.
type Membership struct {
	OrganizationID uuid.UUID
	Name           string
	Role           sessions.Role
}

// Profile is a user with their organizations and the one the session acts in.
type Profile struct {
	User          *User
	Memberships   []Membership
	Active        *Membership // nil when the user has no organization
	EffectiveRole sessions.Role
}

// Service holds the auth rules.
type Service struct {
	store    *store
	db       *database.DB
	cfg      *config.Config
	clock    clock.Clock
	jobs     *jobs.Queue
	mail     mailer.Sender
	sessions *sessions.Revoker
	hash     *hasher
	hooks    []SignupHook
	orgDir   Directory
}

type serviceParams struct {
	fx.In
	Store    *store
	DB       *database.DB
	Config   *config.Config
	Clock    clock.Clock
	Jobs     *jobs.Queue
	Mail     mailer.Sender
	Sessions *sessions.Revoker
	Hooks    []SignupHook `group:"auth.signup_hooks"`
	OrgDir   Directory
}

func newService(p serviceParams) *Service {
	return &Service{
		store: p.Store, db: p.DB, cfg: p.Config, clock: p.Clock, jobs: p.Jobs, mail: p.Mail, sessions: p.Sessions,
		hash:  newHasher(p.Config.Argon2MemoryKiB, p.Config.Argon2Iterations, p.Config.Argon2Parallelism),
		hooks: p.Hooks, orgDir: p.OrgDir,
	}
}

// Signup creates an account and its first organization, then mails a verification
// link. When the email is taken it mails the owner instead and answers the same,
// so the response never reveals whether an account exists.
func (s *Service) Signup(ctx context.Context, in SignupRequest) error {
	if s.cfg.Mode == config.ModeB2B && in.OrganizationName == "" {
		return apperr.Validation(map[string]string{"organization_name": "is required"})
	}
	if s.cfg.Mode == config.ModeB2C {
		in.OrganizationName = "" // b2c organizations are personal; a name sent anyway is ignored
	}
	hash := s.hash.hash(in.Password) // before the lookup, so both outcomes cost the same
	now := s.clock.Now()
	u := &User{
		ID: uuid.Must(uuid.NewV7()), Email: in.Email, EmailNormalized: NormalizeEmail(in.Email),
		PasswordHash: &hash, FirstName: in.FirstName, LastName: in.LastName,
		CreatedAt: now, UpdatedAt: now,
	}
	if !s.cfg.EmailVerification {
		u.EmailVerifiedAt = &now
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.insertUser(ctx, u); err != nil {
			return err
		}
		if err := s.runSignupHooks(ctx, u, in.OrganizationName); err != nil {
			return err
		}
		if s.cfg.EmailVerification {
			return s.jobs.Enqueue(ctx, verifyEmailArgs{UserID: u.ID}, nil)
		}
		return nil
	})
	if errors.Is(err, ErrEmailTaken) {
		existing, lookupErr := s.store.userByEmail(ctx, u.EmailNormalized)
		if lookupErr != nil {
			return lookupErr
		}
		return s.jobs.Enqueue(ctx, accountExistsArgs{UserID: existing.ID}, nil)
	}
	return err
}

func (s *Service) runSignupHooks(ctx context.Context, u *User, orgName string) error {
	for _, h := range s.hooks {
		if err := h.UserSignedUp(ctx, SignupEvent{UserID: u.ID, FirstName: u.FirstName, OrganizationName: orgName}); err != nil {
			return err
		}
	}
	return nil
}

// VerifyEmail consumes a verification token and marks the address verified.
func (s *Service) VerifyEmail(ctx context.Context, token string) error {
	now := s.clock.Now()
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		userID, err := s.store.consumeToken(ctx, hashToken(token), TokenVerifyEmail, now)
		if err != nil {
			return err
		}
		return s.store.markVerified(ctx, userID, now)
	})
}

// ResendVerification queues a fresh link for the address. Whether an unverified
// account exists is decided by the job, not here: the request does the same work
// (one insert) for every address, so neither its answer nor its timing reveals
// accounts.
func (s *Service) ResendVerification(ctx context.Context, email string) error {
	if !s.cfg.EmailVerification {
		return nil
	}
	return s.jobs.Enqueue(ctx, resendVerificationArgs{EmailNormalized: NormalizeEmail(email)}, nil)
}

// ForgotPassword queues a reset link for the address. As with ResendVerification
// the job, not the request, decides whether an account gets one, so neither the
// answer nor its timing reveals accounts.
func (s *Service) ForgotPassword(ctx context.Context, email string) error {
	return s.jobs.Enqueue(ctx, resetPasswordArgs{EmailNormalized: NormalizeEmail(email)}, nil)
}

// ResetPassword consumes a reset token, sets the new password and ends every
// session of the user, so whoever knew the old password is signed out. It also
// marks the address verified: that is how the owner of an address takes over an
// account someone else signed up with it (docs/security.md).
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	now := s.clock.Now()
	// refused is an answer that still commits: the token stays used.
	var refused error
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		// The token first: an invalid one costs no argon2 work.
		userID, err := s.store.consumeToken(ctx, hashToken(token), TokenResetPassword, now)
		if err != nil {
			return err
		}
		// A link mailed before a suspension must not change the account, then or
		// after a reactivation: it is used up, and the user's links with it.
		u, err := s.store.lockUser(ctx, userID, lockUpdate)
		if err != nil {
			return err
		}
		refused = u.CanAct()
		if u.DeletedAt != nil {
			refused = ErrInvalidToken
		}
		if refused != nil {
			return s.retireLinks(ctx, userID, now)
		}
		if err := s.store.setPassword(ctx, userID, s.hash.hash(newPassword), now); err != nil {
			return err
		}
		// Confirmation links die too: the address is confirmed now, and an old one
		// from a stranger's sign-up has nothing left to do.
		if err := s.retireLinks(ctx, userID, now); err != nil {
			return err
		}
		return s.sessions.RevokeAll(ctx, userID, nil)
	})
	if err != nil {
		return err
	}
	return refused
}

// retireLinks voids the user's unused reset and confirmation links.
func (s *Service) retireLinks(ctx context.Context, userID uuid.UUID, now time.Time) error {
	for _, kind := range []TokenKind{TokenResetPassword, TokenVerifyEmail} {
		if err := s.store.retireTokens(ctx, userID, kind, now); err != nil {
			return err
		}
	}
	return nil
}

// ChangePassword replaces a signed-in user's password after checking the current
// one, and ends every other session of theirs: a change is what someone does after
// noticing another device they don't trust. keep is the caller's session.
//
// Reset links stay valid: only the mailbox owner can use one, and it must still
// win over a change made by whoever holds a session and the old password.
func (s *Service) ChangePassword(ctx context.Context, u *User, keep []byte, current, next string) error {
	if !s.hash.verify(current, u.PasswordHash) {
		return ErrWrongPassword
	}
	if next == current {
		return ErrSamePassword
	}
	now := s.clock.Now()
	hash := s.hash.hash(next)
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		// u is the user as this request loaded it; a reset or another change may have
		// committed since (the hashing above is slow). Overwriting that would give
		// the account back to whoever knew the old password.
		cur, err := s.store.lockUser(ctx, u.ID, lockUpdate)
		if err != nil {
			return err
		}
		if !cur.samePassword(u) {
			return ErrWrongPassword
		}
		// The session asking may have been signed out from elsewhere meanwhile.
		alive, err := s.sessions.Hold(ctx, keep)
		if err != nil {
			return err
		}
		if !alive {
			return apperr.ErrUnauthorized
		}
		if err := s.store.setPassword(ctx, u.ID, hash, now); err != nil {
			return err
		}
		return s.sessions.RevokeAll(ctx, u.ID, keep)
	})
}

// ActAsSession runs fn, something a session does to its own account (signing out a
// device, or all others), only if that session still exists, and serialized with
// password changes and resets by the user's row lock. Without it, a session signed
// out by a concurrent change could still sign out others afterwards. Every such
// transaction locks the user row before any session row, so none can deadlock.
func (s *Service) ActAsSession(ctx context.Context, userID uuid.UUID, acting []byte, fn func(ctx context.Context) error) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.lockUser(ctx, userID, lockShare); err != nil {
			return err
		}
		alive, err := s.sessions.Hold(ctx, acting)
		if err != nil {
			return err
		}
		if !alive {
			return apperr.ErrUnauthorized
		}
		return fn(ctx)
	})
}

// SignOutOthers ends every session of the user but keep, the acting one.
func (s *Service) SignOutOthers(ctx context.Context, userID uuid.UUID, keep []byte) error {
	return s.ActAsSession(ctx, userID, keep, func(ctx context.Context) error {
		return s.sessions.RevokeAll(ctx, userID, keep)
	})
}

// Login checks credentials. Unverified and suspended accounts are reported only
// after the password matched, so those states don't leak to someone guessing.
func (s *Service) Login(ctx context.Context, email, password string) (*User, error) {
	u, err := s.store.userByEmail(ctx, NormalizeEmail(email))
	if errors.Is(err, ErrUserNotFound) {
		s.hash.verify(password, nil)
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, err
	}
	if !s.hash.verify(password, u.PasswordHash) {
		return nil, ErrInvalidCredentials
	}
	if err := u.CanAct(); err != nil {
		return nil, err
	}
	if s.cfg.EmailVerification && !u.Verified() {
		return nil, ErrEmailNotVerified
	}
	return u, nil
}

// StartSession runs create (which inserts the session) in one transaction with the
// user's row share-locked, after checking that the password is still the one Login
// verified. Password hashing is slow, so a reset or change can commit between the
// check and the insert; without this, a sign-in with the old password would create
// its session after the reset ended all others, and keep it. Now such a reset either
// waits for this transaction (and then deletes the new session with the rest) or
// committed first (and the sign-in is refused here).
func (s *Service) StartSession(ctx context.Context, u *User, create func(ctx context.Context) error) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.lockUser(ctx, u.ID, lockShare)
		if errors.Is(err, ErrUserNotFound) {
			return ErrInvalidCredentials
		}
		if err != nil {
			return err
		}
		if !cur.samePassword(u) {
			return ErrInvalidCredentials
		}
		if err := cur.CanAct(); err != nil {
			return err
		}
		return create(ctx)
	})
}

// CheckUser implements sessions.UserChecker: it runs on every authenticated
// request, and the loaded row is reused by handlers through the Principal.
func (s *Service) CheckUser(ctx context.Context, userID uuid.UUID) (sessions.CheckedUser, error) {
	u, err := s.store.userByID(ctx, userID)
	if errors.Is(err, ErrUserNotFound) {
		return sessions.CheckedUser{}, apperr.ErrUnauthorized
	}
	if err != nil {
		return sessions.CheckedUser{}, err
	}
	if u.CanAct() != nil {
		return sessions.CheckedUser{}, apperr.ErrUnauthorized
	}
	return sessions.CheckedUser{IsSysAdmin: u.IsSysAdmin, Record: u}, nil
}

// Profile adds the user's organizations, choosing the active one: the session's,
// or the oldest membership when that one is gone.
func (s *Service) Profile(ctx context.Context, u *User, activeOrgID uuid.UUID) (*Profile, error) {
	ms, err := s.orgDir.Memberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	p := &Profile{User: u, Memberships: ms}
	for i := range ms {
		if ms[i].OrganizationID == activeOrgID {
			p.Active = &ms[i]
		}
	}
	if p.Active == nil && len(ms) > 0 {
		p.Active = &ms[0]
	}
	if p.Active != nil {
		p.EffectiveRole = p.Active.Role
	}
	if u.IsSysAdmin {
		p.EffectiveRole = sessions.RoleSysAdmin
	}
	return p, nil
}

// UpdateNames changes the names that are not nil and returns the updated user.
func (s *Service) UpdateNames(ctx context.Context, u *User, first, last *string) (*User, error) {
	return s.store.updateNames(ctx, u.ID, first, last, s.clock.Now())
}

func (s *Service) issueToken(ctx context.Context, userID uuid.UUID, kind TokenKind, ttl time.Duration) (string, error) {
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.clock.Now()
	err := s.store.insertToken(ctx, &EmailToken{
		TokenHash: hashToken(token), Kind: kind, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(ttl),
	})
	return token, err
}

func hashToken(token string) []byte { return sessions.Hash(token) }

func (s *Service) linkData(u *User, path string) mailData {
	return mailData{AppName: s.cfg.AppName, FirstName: u.FirstName, Link: s.cfg.BaseURL + path,
		LoginLink: s.cfg.BaseURL + "/app/login", Hours: int(s.cfg.VerifyTokenTTL.Hours()),
		Minutes: int(s.cfg.ResetTokenTTL.Minutes())}
}
