// Package platform bundles the shared infrastructure every process needs. The
// caller supplies the *config.Config (so a bad variable is reported before anything
// starts) and adds httpserver.Listen when it serves HTTP.
package platform

import (
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/clock"
	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/jobs"
	"github.com/fastsvelte/fastsvelte/platform/logging"
	"github.com/fastsvelte/fastsvelte/platform/mailer"
	"github.com/fastsvelte/fastsvelte/platform/ratelimit"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
)

// Module is the platform without the listener.
var Module = fx.Options(
	fx.Provide(logging.New, func() clock.Clock { return clock.Real{} }),
	database.Module,
	httpserver.Module,
	sessions.Module,
	mailer.Module,
	jobs.Module,
	ratelimit.Module,
)
