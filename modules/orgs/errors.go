package orgs

import "github.com/fastsvelte/fastsvelte/platform/apperr"

// Errors of the orgs module.
var (
	ErrNoOrganization = apperr.New(apperr.KindNotFound, "NO_ORGANIZATION", "You don't belong to any organization yet.")
	ErrNotFound       = apperr.New(apperr.KindNotFound, "NOT_FOUND", "The organization was not found.")
)
