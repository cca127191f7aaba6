package auth

import "github.com/fastsvelte/fastsvelte/platform/apperr"

// Errors of the auth module; codes are part of the API contract.
var (
	ErrInvalidCredentials = apperr.New(apperr.KindUnauthorized, "INVALID_CREDENTIALS", "The email or password is incorrect.")
	ErrEmailNotVerified   = apperr.New(apperr.KindForbidden, "EMAIL_NOT_VERIFIED", "Confirm your email address first: follow the link we sent you, or ask for a new one.")
	ErrAccountSuspended   = apperr.New(apperr.KindForbidden, "ACCOUNT_SUSPENDED", "This account is suspended. Contact support if you think this is a mistake.")
	ErrInvalidToken       = apperr.New(apperr.KindBadRequest, "INVALID_TOKEN", "This link is invalid or has expired. Ask for a new one.")
	ErrEmailTaken         = apperr.New(apperr.KindConflict, "EMAIL_ALREADY_EXISTS", "An account with this email already exists.")
	ErrUserNotFound       = apperr.New(apperr.KindNotFound, "NOT_FOUND", "The user was not found.")
	// A wrong current password is a field error of the form, not a failed sign-in:
	// the caller stays signed in.
	ErrWrongPassword = apperr.Validation(map[string]string{"current_password": "is incorrect"})
	ErrSamePassword  = apperr.Validation(map[string]string{"new_password": "must differ from the current password"})
)
