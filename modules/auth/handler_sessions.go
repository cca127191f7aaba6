package auth

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// listSessions godoc
//
//	@Summary		The signed-in user's sessions (devices), most recently used first
//	@Description	At most 100 are listed; DELETE /auth/sessions signs out all but this one.
//	@Tags			auth
//	@Produce		json
//	@Success		200	{object}	SessionListResponse
//	@Failure		401	{object}	httpserver.ErrorResponse
//	@ID		listSessions
//	@Router			/auth/sessions [get]
func (h *handler) listSessions(c *gin.Context) {
	p := sessions.MustPrincipal(c)
	list, err := h.sessions.List(c.Request.Context(), p.UserID)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	out := SessionListResponse{Items: make([]SessionResponse, 0, len(list))}
	for _, s := range list {
		out.Items = append(out.Items, SessionResponse{
			ID: sessions.PublicID(s.ID), CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt,
			IP: s.IP, UserAgent: s.UserAgent, Current: string(s.ID) == string(p.SessionID),
		})
	}
	c.JSON(http.StatusOK, out)
}

// revokeSession godoc
//
//	@Summary		Sign out one of the user's sessions
//	@Description	Another user's session, or an unknown id, answers 404. Revoking the current session signs this browser out.
//	@Tags			auth
//	@Param			id	path	string	true	"Session id from GET /auth/sessions"
//	@Success		204
//	@Failure		401,403,404	{object}	httpserver.ErrorResponse
//	@ID		revokeSession
//	@Router			/auth/sessions/{id} [delete]
func (h *handler) revokeSession(c *gin.Context) {
	id, ok := sessions.ParsePublicID(c.Param("id"))
	if !ok {
		httpserver.Fail(c, apperr.ErrNotFound)
		return
	}
	p := sessions.MustPrincipal(c)
	var found bool
	err := h.svc.ActAsSession(c.Request.Context(), p.UserID, p.SessionID, func(ctx context.Context) (err error) {
		found, err = h.sessions.Revoke(ctx, c, id)
		return err
	})
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if !found {
		httpserver.Fail(c, apperr.ErrNotFound)
		return
	}
	c.Status(http.StatusNoContent)
}

// revokeOtherSessions godoc
//
//	@Summary	Sign out everywhere else: every session of the user but this one
//	@Tags		auth
//	@Success	204
//	@Failure	401,403	{object}	httpserver.ErrorResponse
//	@ID		revokeOtherSessions
//	@Router		/auth/sessions [delete]
func (h *handler) revokeOtherSessions(c *gin.Context) {
	p := sessions.MustPrincipal(c)
	if err := h.svc.SignOutOthers(c.Request.Context(), p.UserID, p.SessionID); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
