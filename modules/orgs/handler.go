package orgs

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// handler adapts HTTP to the Service.
type handler struct {
	svc *Service
}

func newHandler(svc *Service) *handler { return &handler{svc: svc} }

// current godoc
//
//	@Summary	The active organization
//	@Tags		organizations
//	@Produce	json
//	@Success	200	{object}	OrganizationResponse
//	@Failure	401,404	{object}	httpserver.ErrorResponse
//	@ID		getCurrentOrganization
//	@Router		/organizations/current [get]
func (h *handler) current(c *gin.Context) {
	p := sessions.MustPrincipal(c)
	o, err := h.svc.Get(c.Request.Context(), p.ActiveOrgID)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(o, p.Role))
}

// updateCurrent godoc
//
//	@Summary	Rename the active organization (org_admin)
//	@Tags		organizations
//	@Accept		json
//	@Produce	json
//	@Param		body	body		UpdateOrganizationRequest	true	"New name"
//	@Success	200		{object}	OrganizationResponse
//	@Failure	400,401,403,404,413,415,422	{object}	httpserver.ErrorResponse
//	@ID		updateCurrentOrganization
//	@Router		/organizations/current [patch]
func (h *handler) updateCurrent(c *gin.Context) {
	var req UpdateOrganizationRequest
	if err := httpserver.Bind(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	p := sessions.MustPrincipal(c)
	o, err := h.svc.Rename(c.Request.Context(), p.ActiveOrgID, req.Name)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(o, p.Role))
}

func toResponse(o *Organization, role sessions.Role) OrganizationResponse {
	return OrganizationResponse{ID: o.ID, Name: o.Name, Personal: o.Personal, Role: string(role), CreatedAt: o.CreatedAt}
}
