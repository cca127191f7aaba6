package auth

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/ratelimit"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// handler adapts HTTP to the Service.
type handler struct {
	svc      *Service
	sessions *sessions.Manager
	cfg      *config.Config
	limits   *ratelimit.Limiter
}

func newHandler(svc *Service, sm *sessions.Manager, cfg *config.Config, limits *ratelimit.Limiter) *handler {
	return &handler{svc: svc, sessions: sm, cfg: cfg, limits: limits}
}

// Limits on the endpoints an attacker would hammer. Logins count failures only, so
// people who sign in (many behind one NAT, or the owner while someone guesses) are
// never locked out by successes. Guessing one account from one IP stops after 10
// failures; from many IPs after 50, which also bounds how cheaply a stranger can
// lock the owner out. Mail limits cap how many messages one address can be sent.
var (
	loginFailPerPair  = ratelimit.Rule{Name: "login-fail:ip+email", Limit: 10, Window: 15 * time.Minute}
	loginFailPerEmail = ratelimit.Rule{Name: "login-fail:email", Limit: 50, Window: 15 * time.Minute}
	loginFailPerIP    = ratelimit.Rule{Name: "login-fail:ip", Limit: 100, Window: 15 * time.Minute}
	signupPerIP       = ratelimit.Rule{Name: "signup:ip", Limit: 20, Window: time.Hour}
	mailPerIP         = ratelimit.Rule{Name: "mail:ip", Limit: 30, Window: time.Hour}
	mailPerEmail      = ratelimit.Rule{Name: "mail:email", Limit: 5, Window: time.Hour}
)

// getConfig godoc
//
//	@Summary	Public client configuration: mode and configured integrations
//	@Tags		config
//	@Produce	json
//	@Success	200	{object}	ConfigResponse
//	@ID		getConfig
//	@Router		/config [get]
func (h *handler) getConfig(c *gin.Context) {
	c.JSON(http.StatusOK, ConfigResponse{
		Mode:    h.cfg.Mode,
		AppName: h.cfg.AppName,
		Features: Features{
			GoogleOAuth:       h.cfg.GoogleClientID != "",
			Billing:           h.cfg.StripeSecretKey != "",
			EmailVerification: h.cfg.EmailVerification,
			DevMailbox:        h.cfg.IsDev(),
		},
	})
}

// signup godoc
//
//	@Summary		Create an account
//	@Description	Always answers 202 with the same message, whether or not the email is taken (the owner of an existing account gets an email instead). organization_name is required in b2b mode.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SignupRequest	true	"New account"
//	@Success		202		{object}	MessageResponse
//	@Failure		400,403,413,415,422,429	{object}	httpserver.ErrorResponse
//	@ID		signup
//	@Router			/auth/signup [post]
func (h *handler) signup(c *gin.Context) {
	var req SignupRequest
	if err := httpserver.Bind(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.limits.Check(c.Request.Context(), signupPerIP.For(c.ClientIP()), mailPerEmail.For(NormalizeEmail(req.Email))); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.svc.Signup(c.Request.Context(), req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	msg := "Check your email for a link to confirm your address."
	if !h.cfg.EmailVerification {
		msg = "Your account is ready. You can sign in now."
	}
	c.JSON(http.StatusAccepted, MessageResponse{Message: msg})
}

// verifyEmail godoc
//
//	@Summary	Confirm an email address with the token from the verification email
//	@Tags		auth
//	@Accept		json
//	@Produce	json
//	@Param		body	body		TokenRequest	true	"Token"
//	@Success	200		{object}	MessageResponse
//	@Failure	400,403,413,415,422	{object}	httpserver.ErrorResponse
//	@ID		verifyEmail
//	@Router		/auth/verify-email [post]
func (h *handler) verifyEmail(c *gin.Context) {
	var req TokenRequest
	if err := httpserver.Bind(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.svc.VerifyEmail(c.Request.Context(), req.Token); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, MessageResponse{Message: "Your email is confirmed. You can sign in now."})
}

// resendVerification godoc
//
//	@Summary		Send a new verification email
//	@Description	Always answers 202, whether or not the account exists or is verified.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		EmailRequest	true	"Address"
//	@Success		202		{object}	MessageResponse
//	@Failure		400,403,413,415,422,429	{object}	httpserver.ErrorResponse
//	@ID		resendVerification
//	@Router			/auth/resend-verification [post]
func (h *handler) resendVerification(c *gin.Context) {
	h.mailRequest(c, h.svc.ResendVerification, "If that account needs confirming, we sent a new link.")
}

// mailRequest serves the endpoints where an address asks for mail: they share the
// mail limits (one budget per address) and answer the same for every address.
func (h *handler) mailRequest(c *gin.Context, queue func(ctx context.Context, email string) error, answer string) {
	var req EmailRequest
	if err := httpserver.Bind(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.limits.Check(c.Request.Context(), mailPerIP.For(c.ClientIP()), mailPerEmail.For(NormalizeEmail(req.Email))); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := queue(c.Request.Context(), req.Email); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, MessageResponse{Message: answer})
}

// login godoc
//
//	@Summary		Sign in with email and password
//	@Description	Sets the session cookie. EMAIL_NOT_VERIFIED and ACCOUNT_SUSPENDED are reported only after a correct password.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"Credentials"
//	@Success		200		{object}	MeResponse
//	@Failure		400,401,403,413,415,422,429	{object}	httpserver.ErrorResponse
//	@ID		login
//	@Router			/auth/login [post]
func (h *handler) login(c *gin.Context) {
	var req LoginRequest
	if err := httpserver.Bind(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	ctx, email, ip := c.Request.Context(), NormalizeEmail(req.Email), c.ClientIP()
	limits := []ratelimit.Attempt{loginFailPerPair.For(ip + " " + email), loginFailPerEmail.For(email), loginFailPerIP.For(ip)}
	if err := h.limits.Blocked(ctx, limits...); err != nil {
		httpserver.Fail(c, err)
		return
	}
	u, err := h.svc.Login(ctx, req.Email, req.Password)
	if errors.Is(err, ErrInvalidCredentials) {
		if recErr := h.limits.Record(ctx, limits...); recErr != nil {
			err = recErr
		}
	}
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	profile, err := h.svc.Profile(c.Request.Context(), u, uuid.Nil)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	active := uuid.Nil
	if profile.Active != nil {
		active = profile.Active.OrganizationID
	}
	err = h.svc.StartSession(ctx, u, func(ctx context.Context) error {
		_, err := h.sessions.Create(ctx, c, u.ID, active)
		return err
	})
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toMe(profile))
}

// logout godoc
//
//	@Summary	Sign out: deletes the session and clears the cookie
//	@Tags		auth
//	@Success	204
//	@Failure	401,403	{object}	httpserver.ErrorResponse
//	@ID		logout
//	@Router		/auth/logout [post]
func (h *handler) logout(c *gin.Context) {
	if err := h.sessions.Destroy(c); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// me godoc
//
//	@Summary	The signed-in user, their organizations and effective role
//	@Tags		users
//	@Produce	json
//	@Success	200	{object}	MeResponse
//	@Failure	401	{object}	httpserver.ErrorResponse
//	@ID		getMe
//	@Router		/users/me [get]
func (h *handler) me(c *gin.Context) {
	h.renderMe(c)
}

// updateMe godoc
//
//	@Summary	Change the signed-in user's names
//	@Tags		users
//	@Accept		json
//	@Produce	json
//	@Param		body	body		UpdateMeRequest	true	"Fields to change"
//	@Success	200		{object}	MeResponse
//	@Failure	400,401,403,413,415,422	{object}	httpserver.ErrorResponse
//	@ID		updateMe
//	@Router		/users/me [patch]
func (h *handler) updateMe(c *gin.Context) {
	var req UpdateMeRequest
	if err := httpserver.Bind(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	p := sessions.MustPrincipal(c)
	u, err := h.svc.UpdateNames(c.Request.Context(), p.User.(*User), req.FirstName, req.LastName)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	p.User = u
	h.renderMe(c)
}

func (h *handler) renderMe(c *gin.Context) {
	p := sessions.MustPrincipal(c)
	profile, err := h.svc.Profile(c.Request.Context(), p.User.(*User), p.ActiveOrgID)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	// The session's organization is gone (membership removed): remember the fallback.
	if profile.Active != nil && profile.Active.OrganizationID != p.ActiveOrgID {
		if err := h.sessions.SetActiveOrganization(c.Request.Context(), p.SessionID, profile.Active.OrganizationID); err != nil {
			httpserver.Fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, toMe(profile))
}

func toMe(p *Profile) MeResponse {
	out := MeResponse{
		ID: p.User.ID, Email: p.User.Email, FirstName: p.User.FirstName, LastName: p.User.LastName,
		EmailVerified: p.User.Verified(), IsSysAdmin: p.User.IsSysAdmin,
		Organizations: make([]OrganizationRole, 0, len(p.Memberships)), CreatedAt: p.User.CreatedAt,
	}
	if p.EffectiveRole != "" {
		r := string(p.EffectiveRole)
		out.Role = &r
	}
	if p.Active != nil {
		out.Organization = &OrganizationRef{ID: p.Active.OrganizationID, Name: p.Active.Name}
	}
	for _, m := range p.Memberships {
		out.Organizations = append(out.Organizations, OrganizationRole{ID: m.OrganizationID, Name: m.Name, Role: string(m.Role)})
	}
	return out
}
