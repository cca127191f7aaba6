package httpserver

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
)

// ErrorResponse is the one error body of the API (API.md, "Errors").
type ErrorResponse struct {
	// Code is stable; clients branch on it. modules/openapi_codes_test.go keeps this
	// list equal to the codes the code base declares.
	Code      string         `json:"code" example:"VALIDATION_ERROR" enums:"ACCESS_DENIED,ACCOUNT_SUSPENDED,BODY_TOO_LARGE,CROSS_ORIGIN_REJECTED,EMAIL_ALREADY_EXISTS,EMAIL_NOT_VERIFIED,INTERNAL_ERROR,INVALID_CREDENTIALS,INVALID_TOKEN,MALFORMED_JSON,METHOD_NOT_ALLOWED,NOT_FOUND,NO_ORGANIZATION,RATE_LIMITED,UNAUTHORIZED,UNSUPPORTED_MEDIA_TYPE,VALIDATION_ERROR"`
	Message   string         `json:"message" example:"Some fields are invalid."`
	Details   map[string]any `json:"details,omitempty"`
	RequestID string         `json:"request_id" example:"01JD0Z7Q3M5Y6T8W9X0A1B2C3D"`
} // @name ErrorResponse

// errMethodNotAllowed is declared at package level so its code is registered.
var errMethodNotAllowed = apperr.New(apperr.KindMethodNotAllowed, "METHOD_NOT_ALLOWED", "This endpoint does not support that method; the Allow header lists the ones it does.")

var statusOf = map[apperr.Kind]int{
	apperr.KindInternal:         http.StatusInternalServerError,
	apperr.KindBadRequest:       http.StatusBadRequest,
	apperr.KindUnauthorized:     http.StatusUnauthorized,
	apperr.KindPaymentRequired:  http.StatusPaymentRequired,
	apperr.KindForbidden:        http.StatusForbidden,
	apperr.KindNotFound:         http.StatusNotFound,
	apperr.KindConflict:         http.StatusConflict,
	apperr.KindGone:             http.StatusGone,
	apperr.KindTooLarge:         http.StatusRequestEntityTooLarge,
	apperr.KindUnsupported:      http.StatusUnsupportedMediaType,
	apperr.KindValidation:       http.StatusUnprocessableEntity,
	apperr.KindRateLimited:      http.StatusTooManyRequests,
	apperr.KindUnavailable:      http.StatusServiceUnavailable,
	apperr.KindMethodNotAllowed: http.StatusMethodNotAllowed,
}

// Fail renders err as the API error body and aborts the chain. Anything that is not
// an *apperr.Error is a bug or an outage: it is logged with the request id and the
// client sees only a generic message, never internals.
func Fail(c *gin.Context, err error) {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.KindInternal {
		logger(c).ErrorContext(c.Request.Context(), "request failed",
			slog.String("request_id", RequestID(c)), slog.Any("error", err))
		e = apperr.ErrInternal
	}
	if e.RetryAfterSeconds > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
	c.AbortWithStatusJSON(statusOf[e.Kind], ErrorResponse{
		Code:      e.Code,
		Message:   e.Message,
		Details:   e.Details,
		RequestID: RequestID(c),
	})
}
