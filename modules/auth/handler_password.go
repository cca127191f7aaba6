package auth

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/ratelimit"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// Wrong current passwords count per user, so a borrowed or stolen session cannot
// be used to guess the password (which would then survive a logout).
var changeFailPerUser = ratelimit.Rule{Name: "password-change-fail:user", Limit: 10, Window: 15 * time.Minute}

// forgotPassword godoc
//
//	@Summary		Email a link to choose a new password
//	@Description	Always answers 202 with the same message, whether or not an account uses the address.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		EmailRequest	true	"Address"
//	@Success		202		{object}	MessageResponse
//	@Failure		400,403,413,415,422,429	{object}	httpserver.ErrorResponse
//	@ID		forgotPassword
//	@Router			/auth/forgot-password [post]
func (h *handler) forgotPassword(c *gin.Context) {
	h.mailRequest(c, h.svc.ForgotPassword, "If an account uses that address, we sent it a link to choose a new password.")
}

// resetPassword godoc
//
//	@Summary		Choose a new password with the token from the reset email
//	@Description	Signs the account out everywhere and confirms its email address. Does not sign in: the new password does.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ResetPasswordRequest	true	"Token and new password"
//	@Success		200		{object}	MessageResponse
//	@Failure		400,403,413,415,422	{object}	httpserver.ErrorResponse
//	@ID		resetPassword
//	@Router			/auth/reset-password [post]
func (h *handler) resetPassword(c *gin.Context) {
	var req ResetPasswordRequest
	if err := httpserver.Bind(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.svc.ResetPassword(c.Request.Context(), req.Token, req.NewPassword); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, MessageResponse{Message: "Your password was changed and every session was signed out. Sign in with the new password."})
}

// changePassword godoc
//
//	@Summary		Change the signed-in user's password
//	@Description	Needs the current password (422 on current_password when wrong; 10 wrong ones in 15 minutes answer 429). Every other session of the user is signed out; this one stays.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ChangePasswordRequest	true	"Current and new password"
//	@Success		200		{object}	MessageResponse
//	@Failure		400,401,403,413,415,422,429	{object}	httpserver.ErrorResponse
//	@ID		changePassword
//	@Router			/auth/change-password [post]
func (h *handler) changePassword(c *gin.Context) {
	var req ChangePasswordRequest
	if err := httpserver.Bind(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	p := sessions.MustPrincipal(c)
	ctx := c.Request.Context()
	limit := changeFailPerUser.For(p.UserID.String())
	if err := h.limits.Blocked(ctx, limit); err != nil {
		httpserver.Fail(c, err)
		return
	}
	err := h.svc.ChangePassword(ctx, p.User.(*User), p.SessionID, req.CurrentPassword, req.NewPassword)
	if err == ErrWrongPassword { // this very value: other 422s are no failed guess
		if recErr := h.limits.Record(ctx, limit); recErr != nil {
			err = recErr
		}
	}
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, MessageResponse{Message: "Your password was changed. Your other sessions were signed out."})
}
