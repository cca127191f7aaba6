// Package orgs owns organizations and memberships: the tenant boundary. It sits
// above auth: it creates each new user's first organization (auth.SignupHook),
// tells auth which organizations a user belongs to (auth.Directory), and tells the
// session layer a caller's role (sessions.RoleResolver).
package orgs

import (
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/modules/auth"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// Module wires the orgs module.
var Module = fx.Module("orgs",
	fx.Provide(
		newStore,
		newService,
		newHandler,
		func(s *Service) auth.Directory { return s },
		func(s *Service) sessions.RoleResolver { return s },
		fx.Annotate(func(s *Service) auth.SignupHook { return s }, fx.ResultTags(`group:"auth.signup_hooks"`)),
	),
	fx.Invoke(registerRoutes),
)

func registerRoutes(r *httpserver.Router, h *handler, sm *sessions.Manager) {
	g := r.API.Group("/organizations", sm.Authenticate())
	g.GET("/current", sm.RequireRole(sessions.RoleMember), h.current)
	g.PATCH("/current", sm.RequireRole(sessions.RoleOrgAdmin), h.updateCurrent)
}
