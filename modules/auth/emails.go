package auth

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/fastsvelte/fastsvelte/platform/jobs"
	"github.com/fastsvelte/fastsvelte/platform/mailer"
)

// mailData is what every auth email template can use.
type mailData struct {
	AppName   string
	FirstName string
	Link      string
	LoginLink string
	Hours     int
	Minutes   int // lifetime of a reset link
}

// The verification mail goes to an address nobody has proven yet, so it carries no
// text the signer-up chose (their name): otherwise anyone could send a message of
// their own wording, from us, to any address.
var tmplVerify = mailer.MustTemplate(
	`Confirm your email for {{.AppName}}`,
	`Hello,

Confirm your email address to finish setting up your {{.AppName}} account:

{{.Link}}

The link works once and expires in {{.Hours}} hours. If you did not sign up, ignore this email.
`,
	`<p>Hello,</p>
<p>Confirm your email address to finish setting up your {{.AppName}} account:</p>
<p><a href="{{.Link}}">Confirm my email</a></p>
<p>The link works once and expires in {{.Hours}} hours. If you did not sign up, ignore this email.</p>`)

// Sent when someone signs up again with the address of an account nobody has
// confirmed yet. Either sign-up may be a stranger's, so the link does not confirm
// the account as it is (with whichever password came first): it lets the mailbox
// owner choose the password, which confirms the address. Like every mail to an
// unconfirmed address it carries no text a signer-up chose.
var tmplFinishSignup = mailer.MustTemplate(
	`Finish signing up to {{.AppName}}`,
	`Hello,

Someone (probably you) tried to sign up to {{.AppName}} again with this address. An account for it is already waiting for confirmation. To finish setting it up, choose your password here:

{{.Link}}

This confirms your email address too. The link works once and expires in {{.Minutes}} minutes; earlier confirmation links no longer work. If you did not sign up, ignore this email.
`,
	`<p>Hello,</p>
<p>Someone (probably you) tried to sign up to {{.AppName}} again with this address. An account for it is already waiting for confirmation. To finish setting it up, choose your password here:</p>
<p><a href="{{.Link}}">Choose my password</a></p>
<p>This confirms your email address too. The link works once and expires in {{.Minutes}} minutes; earlier confirmation links no longer work. If you did not sign up, ignore this email.</p>`)

var tmplAccountExists = mailer.MustTemplate(
	`Someone tried to sign up to {{.AppName}} with your email`,
	`Hi {{.FirstName}},

Someone (maybe you) tried to create a {{.AppName}} account with this email address, but you already have one.
Sign in here: {{.LoginLink}}

If it wasn't you, you can ignore this email; your account is unchanged.
`,
	`<p>Hi {{.FirstName}},</p>
<p>Someone (maybe you) tried to create a {{.AppName}} account with this email address, but you already have one.</p>
<p><a href="{{.LoginLink}}">Sign in</a></p>
<p>If it wasn't you, you can ignore this email; your account is unchanged.</p>`)

// The reset mail carries no name either: the account may be one a stranger signed
// up with this address, names and all.
var tmplResetPassword = mailer.MustTemplate(
	`Reset your {{.AppName}} password`,
	`Hello,

Someone (hopefully you) asked to reset the password of the {{.AppName}} account for this address. Choose a new password here:

{{.Link}}

The link works once and expires in {{.Minutes}} minutes. Setting a new password signs the account out everywhere. If you did not ask for this, ignore this email: your password stays as it is.
`,
	`<p>Hello,</p>
<p>Someone (hopefully you) asked to reset the password of the {{.AppName}} account for this address. Choose a new password here:</p>
<p><a href="{{.Link}}">Choose a new password</a></p>
<p>The link works once and expires in {{.Minutes}} minutes. Setting a new password signs the account out everywhere. If you did not ask for this, ignore this email: your password stays as it is.</p>`)

// Mail is sent by jobs that carry only the user id: the token is minted when the
// job runs, so no usable link ever sits in the job table, and a send that fails
// rolls its token back and is retried with a fresh one.

type verifyEmailArgs struct {
	UserID uuid.UUID `json:"user_id"`
}

func (verifyEmailArgs) Kind() string { return "auth.verify_email" }

// resendVerificationArgs names an address, not a user: see ResendVerification.
type resendVerificationArgs struct {
	EmailNormalized string `json:"email_normalized"`
}

func (resendVerificationArgs) Kind() string { return "auth.resend_verification" }

// resetPasswordArgs names an address, like resendVerificationArgs.
type resetPasswordArgs struct {
	EmailNormalized string `json:"email_normalized"`
}

func (resetPasswordArgs) Kind() string { return "auth.reset_password" }

type accountExistsArgs struct {
	UserID uuid.UUID `json:"user_id"`
}

func (accountExistsArgs) Kind() string { return "auth.account_exists" }

type verifyEmailWorker struct {
	river.WorkerDefaults[verifyEmailArgs]
	svc *Service
}

// Work mints a fresh link and mails it.
func (w *verifyEmailWorker) Work(ctx context.Context, job *river.Job[verifyEmailArgs]) error {
	return w.svc.mailVerification(ctx, func(ctx context.Context) (*User, error) {
		return w.svc.store.userByID(ctx, job.Args.UserID)
	})
}

type resendVerificationWorker struct {
	river.WorkerDefaults[resendVerificationArgs]
	svc *Service
}

// Work mails a fresh link if the address belongs to an account that needs one.
func (w *resendVerificationWorker) Work(ctx context.Context, job *river.Job[resendVerificationArgs]) error {
	return w.svc.mailVerification(ctx, func(ctx context.Context) (*User, error) {
		return w.svc.store.userByEmail(ctx, job.Args.EmailNormalized)
	})
}

// mailVerification mints a fresh confirmation link (voiding older ones) and mails
// it, unless the account is gone, verified or may not act.
func (s *Service) mailVerification(ctx context.Context, load func(context.Context) (*User, error)) error {
	return s.mailLink(ctx, load, mailedLink{
		kind: TokenVerifyEmail, ttl: s.cfg.VerifyTokenTTL, voids: []TokenKind{TokenVerifyEmail},
		skip: (*User).Verified, tmpl: tmplVerify, path: "/app/verify-email?token=",
	})
}

type resetPasswordWorker struct {
	river.WorkerDefaults[resetPasswordArgs]
	svc *Service
}

// Work mails a fresh reset link if the address belongs to an account that may act.
// Unconfirmed accounts get one too: a reset is how their address's owner takes
// them over.
func (w *resetPasswordWorker) Work(ctx context.Context, job *river.Job[resetPasswordArgs]) error {
	return w.svc.mailResetLink(ctx, tmplResetPassword, func(ctx context.Context) (*User, error) {
		return w.svc.store.userByEmail(ctx, job.Args.EmailNormalized)
	})
}

// mailResetLink mints a fresh reset link and mails it with t, unless the account is
// gone or may not act. Older reset and confirmation links die: the new one sets the
// password and confirms the address.
func (s *Service) mailResetLink(ctx context.Context, t *mailer.Template, load func(context.Context) (*User, error)) error {
	return s.mailLink(ctx, load, mailedLink{
		kind: TokenResetPassword, ttl: s.cfg.ResetTokenTTL, voids: []TokenKind{TokenResetPassword, TokenVerifyEmail},
		tmpl: t, path: "/app/reset-password?token=",
	})
}

// mailedLink is one kind of single-use link a job mints and mails.
type mailedLink struct {
	kind  TokenKind
	ttl   time.Duration
	voids []TokenKind      // the user's unused links of these kinds die first
	skip  func(*User) bool // true: this user needs no such link (nil: every user may)
	tmpl  *mailer.Template
	path  string // the token is appended
}

// mailLink loads the user and, unless they are gone, may not act or are skipped,
// voids their older links, mints a fresh one and mails it, all in one transaction:
// a send that fails rolls the token back, and the job retries with a new one.
func (s *Service) mailLink(ctx context.Context, load func(context.Context) (*User, error), l mailedLink) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := load(ctx)
		if errors.Is(err, ErrUserNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if u.CanAct() != nil || (l.skip != nil && l.skip(u)) {
			return nil
		}
		now := s.clock.Now()
		for _, kind := range l.voids {
			if err := s.store.retireTokens(ctx, u.ID, kind, now); err != nil {
				return err
			}
		}
		token, err := s.issueToken(ctx, u.ID, l.kind, l.ttl)
		if err != nil {
			return err
		}
		return s.deliver(ctx, l.tmpl, u, l.path+token)
	})
}

type accountExistsWorker struct {
	river.WorkerDefaults[accountExistsArgs]
	svc *Service
}

// Work tells the owner of an address that someone tried to sign up with it. An
// account still waiting for confirmation gets a link to choose its password instead
// (tmplFinishSignup): "sign in" would only answer EMAIL_NOT_VERIFIED, and neither
// its password nor its first name was chosen by a proven owner of the address.
func (w *accountExistsWorker) Work(ctx context.Context, job *river.Job[accountExistsArgs]) error {
	load := func(ctx context.Context) (*User, error) { return w.svc.store.userByID(ctx, job.Args.UserID) }
	u, err := load(ctx)
	if errors.Is(err, ErrUserNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if w.svc.cfg.EmailVerification && !u.Verified() {
		return w.svc.mailResetLink(ctx, tmplFinishSignup, load)
	}
	return w.svc.deliver(ctx, tmplAccountExists, u, "")
}

func registerJobs(q *jobs.Queue, svc *Service) {
	jobs.Register(q, &verifyEmailWorker{svc: svc})
	jobs.Register(q, &resendVerificationWorker{svc: svc})
	jobs.Register(q, &accountExistsWorker{svc: svc})
	jobs.Register(q, &resetPasswordWorker{svc: svc})
}

// deliver renders a template for u (always the stored address) and sends it.
func (s *Service) deliver(ctx context.Context, t *mailer.Template, u *User, path string) error {
	msg, err := t.Render(u.Email, s.linkData(u, path))
	if err != nil {
		return err
	}
	return s.mail.Send(ctx, msg)
}
