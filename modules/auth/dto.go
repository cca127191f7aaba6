package auth

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fastsvelte/fastsvelte/platform/httpserver"
)

// SignupRequest is the body of POST /auth/signup.
type SignupRequest struct {
	Email            string `json:"email" validate:"required,max=254,visible,email" maxLength:"254" example:"ada@example.com"`
	Password         string `json:"password" validate:"required,min=8,max=128,notblank" minLength:"8" maxLength:"128"`
	FirstName        string `json:"first_name" validate:"notblank,max=100,singleline" maxLength:"100" example:"Ada"`
	LastName         string `json:"last_name,omitempty" validate:"max=100,singleline" maxLength:"100" example:"Lovelace"`
	OrganizationName string `json:"organization_name,omitempty" validate:"max=100,singleline" maxLength:"100" example:"Analytical Engines Ltd"`
} // @name SignupRequest

// Normalize trims what people paste with stray spaces. Passwords are left alone.
func (r *SignupRequest) Normalize() {
	r.Email = strings.TrimSpace(r.Email)
	r.FirstName = strings.TrimSpace(r.FirstName)
	r.LastName = emptyIfBlank(strings.TrimSpace(r.LastName))
	r.OrganizationName = strings.TrimSpace(r.OrganizationName)
}

// emptyIfBlank turns an optional name that shows nothing ("\u200b") into no name, as
// a name of spaces becomes one once trimmed.
func emptyIfBlank(s string) string {
	if httpserver.Blank(s) {
		return ""
	}
	return s
}

// LoginRequest is the body of POST /auth/login.
type LoginRequest struct {
	Email    string `json:"email" validate:"required,max=254" maxLength:"254" example:"ada@example.com"`
	Password string `json:"password" validate:"required,max=128" maxLength:"128"`
} // @name LoginRequest

// Normalize trims the email.
func (r *LoginRequest) Normalize() { r.Email = strings.TrimSpace(r.Email) }

// TokenRequest carries a single-use token from an email link.
type TokenRequest struct {
	Token string `json:"token" validate:"required,max=128" maxLength:"128"`
} // @name TokenRequest

// ResetPasswordRequest sets a new password with the token from a reset email.
type ResetPasswordRequest struct {
	Token       string `json:"token" validate:"required,max=128" maxLength:"128"`
	NewPassword string `json:"new_password" validate:"required,min=8,max=128,notblank" minLength:"8" maxLength:"128"`
} // @name ResetPasswordRequest

// ChangePasswordRequest is the body of POST /auth/change-password.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,max=128" maxLength:"128"`
	NewPassword     string `json:"new_password" validate:"required,min=8,max=128,notblank" minLength:"8" maxLength:"128"`
} // @name ChangePasswordRequest

// SessionResponse is one signed-in browser of the user.
type SessionResponse struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at" format:"date-time"`
	LastSeenAt time.Time `json:"last_seen_at" format:"date-time"`
	ExpiresAt  time.Time `json:"expires_at" format:"date-time"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	// Current marks the session this request came with.
	Current bool `json:"current"`
} // @name SessionResponse

// SessionListResponse lists the user's sessions.
type SessionListResponse struct {
	Items []SessionResponse `json:"items"`
} // @name SessionListResponse

// EmailRequest names an address (resend verification, forgot password).
type EmailRequest struct {
	Email string `json:"email" validate:"required,max=254,visible,email" maxLength:"254" example:"ada@example.com"`
} // @name EmailRequest

// Normalize trims the email.
func (r *EmailRequest) Normalize() { r.Email = strings.TrimSpace(r.Email) }

// UpdateMeRequest is the body of PATCH /users/me; absent fields are left unchanged.
type UpdateMeRequest struct {
	FirstName *string `json:"first_name,omitempty" validate:"omitnil,notblank,max=100,singleline" maxLength:"100"`
	LastName  *string `json:"last_name,omitempty" validate:"omitnil,max=100,singleline" maxLength:"100"`
} // @name UpdateMeRequest

// Normalize trims names; a last name that shows nothing becomes empty.
func (r *UpdateMeRequest) Normalize() {
	for _, p := range []*string{r.FirstName, r.LastName} {
		if p != nil {
			*p = strings.TrimSpace(*p)
		}
	}
	if r.LastName != nil {
		*r.LastName = emptyIfBlank(*r.LastName)
	}
}

// MessageResponse is a human sentence for the UI to show.
type MessageResponse struct {
	Message string `json:"message" example:"Check your email to continue."`
} // @name MessageResponse

// OrganizationRef names an organization.
type OrganizationRef struct {
	ID   uuid.UUID `json:"id" format:"uuid"`
	Name string    `json:"name"`
} // @name OrganizationRef

// OrganizationRole is a membership as /users/me lists it.
type OrganizationRole struct {
	ID   uuid.UUID `json:"id" format:"uuid"`
	Name string    `json:"name"`
	Role string    `json:"role" enums:"member,org_admin"`
} // @name OrganizationRole

// MeResponse describes the signed-in user (GET /users/me, login).
type MeResponse struct {
	ID            uuid.UUID          `json:"id" format:"uuid"`
	Email         string             `json:"email"`
	FirstName     string             `json:"first_name"`
	LastName      string             `json:"last_name"`
	EmailVerified bool               `json:"email_verified"`
	IsSysAdmin    bool               `json:"is_sys_admin"`
	Role          *string            `json:"role" enums:"member,org_admin,sys_admin" extensions:"x-nullable"`
	Organization  *OrganizationRef   `json:"organization" extensions:"x-nullable"`
	Organizations []OrganizationRole `json:"organizations"`
	CreatedAt     time.Time          `json:"created_at" format:"date-time"`
} // @name MeResponse

// Features says which integrations are configured, so the SPA can hide the rest.
type Features struct {
	GoogleOAuth       bool `json:"google_oauth"`
	Billing           bool `json:"billing"`
	EmailVerification bool `json:"email_verification"`
	// DevMailbox: emails are not sent but listed at GET /api/dev/mail (dev only).
	DevMailbox bool `json:"dev_mailbox"`
} // @name Features

// ConfigResponse is the public client configuration (GET /config).
type ConfigResponse struct {
	Mode     string   `json:"mode" enums:"b2c,b2b"`
	AppName  string   `json:"app_name"`
	Features Features `json:"features"`
} // @name ConfigResponse
