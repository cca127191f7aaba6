// Package apperr defines the application's error kinds and stable error codes.
//
// Modules declare their sentinel errors with New; the HTTP layer maps a Kind to a
// status code in exactly one place (platform/httpserver). Keeping HTTP out of this
// package lets services and stores return meaningful errors without knowing they
// are served over HTTP.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds, one per response class of the API contract.
const (
	KindInternal         Kind = iota // a bug or an outage; never shown in detail
	KindBadRequest                   // malformed input, invalid token
	KindUnauthorized                 // no valid session or wrong credentials
	KindPaymentRequired              // quota exceeded
	KindForbidden                    // authenticated but not allowed
	KindNotFound                     // absent, or not visible to the caller
	KindConflict                     // state conflict (duplicate, last admin ...)
	KindGone                         // existed but can no longer be used
	KindTooLarge                     // request body over the limit
	KindUnsupported                  // wrong content type
	KindValidation                   // well-formed but invalid fields
	KindRateLimited                  // too many attempts
	KindUnavailable                  // a dependency is not configured or down
	KindMethodNotAllowed             // the path exists, the method does not
)

// Error is an application error with a stable machine-readable code.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Details map[string]any
	// RetryAfterSeconds is set on rate-limit errors so the HTTP layer can send Retry-After.
	RetryAfterSeconds int
	cause             error
}

// registry remembers every declared code so a test can check that the OpenAPI
// document lists them all (API.md: "the list lives in the OpenAPI document").
var (
	registryMu sync.Mutex
	registry   = map[string]Kind{}
)

// New declares an error; modules keep the result in a package-level sentinel.
func New(kind Kind, code, message string) *Error {
	registryMu.Lock()
	registry[code] = kind
	registryMu.Unlock()
	return &Error{Kind: kind, Code: code, Message: message}
}

// Codes returns every code declared so far, sorted.
func Codes() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]string, 0, len(registry))
	for c := range registry {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.cause)
	}
	return e.Code + ": " + e.Message
}

// Unwrap exposes the cause for logging; it is never rendered to clients.
func (e *Error) Unwrap() error { return e.cause }

// Is matches by code, so a copy made by WithDetails still satisfies errors.Is
// against the sentinel it came from.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code
	}
	return false
}

// WithDetails returns a copy carrying structured details (e.g. field errors).
func (e *Error) WithDetails(details map[string]any) *Error {
	c := *e
	c.Details = details
	return &c
}

// WithCause returns a copy that remembers the underlying error for logs.
func (e *Error) WithCause(err error) *Error {
	c := *e
	c.cause = err
	return &c
}

// Common errors shared by every module. Module-specific ones live in each
// module's errors.go.
var (
	ErrInternal     = New(KindInternal, "INTERNAL_ERROR", "Something went wrong on our side. Please try again.")
	ErrUnauthorized = New(KindUnauthorized, "UNAUTHORIZED", "You need to sign in to do this.")
	ErrAccessDenied = New(KindForbidden, "ACCESS_DENIED", "You do not have permission to do this.")
	ErrNotFound     = New(KindNotFound, "NOT_FOUND", "The requested resource was not found.")
	ErrMalformed    = New(KindBadRequest, "MALFORMED_JSON", "The request body is not valid JSON.")
	ErrTooLarge     = New(KindTooLarge, "BODY_TOO_LARGE", "The request body is too large.")
	ErrUnsupported  = New(KindUnsupported, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.")
	ErrValidation   = New(KindValidation, "VALIDATION_ERROR", "Some fields are invalid.")
	ErrRateLimited  = New(KindRateLimited, "RATE_LIMITED", "Too many attempts. Please wait and try again.")
	ErrCrossOrigin  = New(KindForbidden, "CROSS_ORIGIN_REJECTED", "This request came from another site and was refused. Send it from the app itself, or list that site's origin in FS_CORS_ORIGINS.")
)

// Validation builds a VALIDATION_ERROR whose details map each JSON field to a message.
func Validation(fields map[string]string) *Error {
	d := make(map[string]any, len(fields))
	for k, v := range fields {
		d[k] = v
	}
	return ErrValidation.WithDetails(d)
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
