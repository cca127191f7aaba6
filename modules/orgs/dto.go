package orgs

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// OrganizationResponse is the active organization as the caller sees it.
type OrganizationResponse struct {
	ID        uuid.UUID `json:"id" format:"uuid"`
	Name      string    `json:"name"`
	Personal  bool      `json:"personal"`
	Role      string    `json:"role" enums:"member,org_admin,sys_admin"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
} // @name OrganizationResponse

// UpdateOrganizationRequest renames the active organization.
type UpdateOrganizationRequest struct {
	Name string `json:"name" validate:"notblank,max=100,singleline" maxLength:"100" example:"Acme Inc."`
} // @name UpdateOrganizationRequest

// Normalize trims the name.
func (r *UpdateOrganizationRequest) Normalize() { r.Name = strings.TrimSpace(r.Name) }
