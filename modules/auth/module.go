// Package auth owns users and how they prove who they are: sign-up, email
// verification, password login and logout, password reset and change, the user's
// sessions, and the /users/me profile. It sits at the bottom of the module graph;
// modules above it react to sign-ups through the SignupHook group and describe
// memberships through Directory.
package auth

import (
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// Module wires the auth module.
var Module = fx.Module("auth",
	fx.Provide(
		newStore,
		newService,
		newHandler,
		func(s *Service) sessions.UserChecker { return s },
	),
	fx.Invoke(registerRoutes, registerJobs),
)

func registerRoutes(r *httpserver.Router, h *handler, sm *sessions.Manager) {
	authed := sm.Authenticate()
	r.API.GET("/config", h.getConfig)

	a := r.API.Group("/auth")
	a.POST("/signup", h.signup)
	a.POST("/login", h.login)
	a.POST("/logout", authed, h.logout)
	a.POST("/verify-email", h.verifyEmail)
	a.POST("/resend-verification", h.resendVerification)
	a.POST("/forgot-password", h.forgotPassword)
	a.POST("/reset-password", h.resetPassword)
	a.POST("/change-password", authed, h.changePassword)
	a.GET("/sessions", authed, h.listSessions)
	a.DELETE("/sessions", authed, h.revokeOtherSessions)
	a.DELETE("/sessions/:id", authed, h.revokeSession)

	u := r.API.Group("/users", authed)
	u.GET("/me", h.me)
	u.PATCH("/me", h.updateMe)
}
