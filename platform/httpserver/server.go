// Package httpserver is the HTTP plumbing every module shares: the gin engine and
// its middleware stack, the one place errors become response bodies, strict JSON
// binding, health probes, the OpenAPI document, static pages, and the listener's
// lifecycle (graceful shutdown on stop).
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database"
)

// Module provides the Router modules register on. Only `serve` adds Listen, so
// the CLI commands can build the same graph without opening a port.
var Module = fx.Module("httpserver", fx.Provide(NewRouter))

// Listen serves the Router on FS_HTTP_ADDR while the app runs, with graceful shutdown.
var Listen = fx.Invoke(func(lc fx.Lifecycle, cfg *config.Config, r *Router, log *slog.Logger) {
	lc.Append(fx.StartStopHook(
		func(ctx context.Context) error { return r.listen(cfg, log) },
		func(ctx context.Context) error { return r.shutdown(ctx, cfg) },
	))
})

// Router is what modules receive to mount their routes.
type Router struct {
	// API is the /api group: every module route lives below it.
	API    *gin.RouterGroup
	engine *gin.Engine
	srv    *http.Server
	// Addr is the address actually listened on (useful with port 0).
	Addr string
}

// NewRouter builds the engine with the middleware stack of DESIGN §6.
func NewRouter(cfg *config.Config, log *slog.Logger, db *database.DB) (*Router, error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// No 307 from /x/ to /x: a client following it keeps the method, so
	// DELETE /api/auth/sessions/ (an empty id) would become "sign out everywhere
	// else". A path the API does not have is a 404.
	e.RedirectTrailingSlash = false
	// Handlers pass c.Request.Context() to services, never c itself: gin recycles
	// c for the next request while database/sql may still be watching the old one.
	// Only configured proxies may speak for the client, or anyone could pick the IP
	// that rate limits count against by sending X-Forwarded-For.
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("config: FS_TRUSTED_PROXIES: %w", err)
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.CORSOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("config: FS_CORS_ORIGINS: %w", err)
		}
	}
	// accessLog wraps recovery so a panic's 500 is logged like any response.
	e.Use(requestID(log), accessLog(log), recovery(log),
		securityHeaders(cfg.SecureCookies()), cors(cfg.CORSOrigins), crossOrigin(cop), bodyLimit(cfg.BodyLimitBytes))

	r := &Router{API: e.Group("/api"), engine: e}
	// HEAD too: uptime checkers often probe with it.
	r.API.GET("/health", health)
	r.API.HEAD("/health", health)
	r.API.GET("/ready", ready(db))
	r.API.HEAD("/ready", ready(db))
	registerDocs(r.API)
	e.NoMethod(func(c *gin.Context) {
		Fail(c, errMethodNotAllowed)
	})
	e.NoRoute(staticPages(cfg))
	return r, nil
}

// HealthResponse answers the probes.
type HealthResponse struct {
	Status   string `json:"status" enums:"ok,unavailable"`
	Database string `json:"database,omitempty" enums:"ok,unreachable,schema_behind"`
} // @name HealthResponse

// health godoc
//
//	@Summary	Liveness: the process answers
//	@Tags		health
//	@Produce	json
//	@Success	200	{object}	HealthResponse
//	@ID		getHealth
//	@Router		/health [get]
func health(c *gin.Context) { c.JSON(http.StatusOK, HealthResponse{Status: "ok"}) }

// ready godoc
//
//	@Summary	Readiness: the database answers within 2 s and has every migration this build needs
//	@Tags		health
//	@Produce	json
//	@Success	200	{object}	HealthResponse
//	@Failure	503	{object}	HealthResponse
//	@ID		getReady
//	@Router		/ready [get]
func ready(db *database.DB) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		current, err := db.SchemaCurrent(ctx)
		if err != nil {
			c.JSON(http.StatusServiceUnavailable, HealthResponse{Status: "unavailable", Database: "unreachable"})
			return
		}
		if !current {
			// Not migrated yet (FS_AUTO_MIGRATE is off outside dev): run `fastsvelte migrate up`.
			c.JSON(http.StatusServiceUnavailable, HealthResponse{Status: "unavailable", Database: "schema_behind"})
			return
		}
		c.JSON(http.StatusOK, HealthResponse{Status: "ok", Database: "ok"})
	}
}

// Handler is the complete HTTP handler; tests serve it with httptest.
func (r *Router) Handler() http.Handler { return r.engine }

func (r *Router) listen(cfg *config.Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("httpserver: cannot listen on FS_HTTP_ADDR=%s: %w", cfg.HTTPAddr, err)
	}
	r.Addr = ln.Addr().String()
	r.srv = &http.Server{
		Handler:           r.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", slog.Any("error", err))
		}
	}()
	log.Info("listening", slog.String("addr", r.Addr), slog.String("url", cfg.BaseURL))
	return nil
}

func (r *Router) shutdown(ctx context.Context, cfg *config.Config) error {
	if r.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.ShutdownTimeout)
	defer cancel()
	return r.srv.Shutdown(ctx)
}
