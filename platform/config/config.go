// Package config turns FS_* environment variables into a typed, validated Config.
//
// Every variable has a default that makes `fastsvelte serve` work on a laptop with
// nothing configured. A bad value stops the process at start-up with one line that
// names the variable, instead of failing later on the first request that needs it.
// docs/configuration.md lists every variable; keep it in step with this file.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/joho/godotenv"
)

// Environments.
const (
	EnvDev  = "dev"
	EnvTest = "test"
	EnvProd = "prod"
)

// Modes (DESIGN §4).
const (
	ModeB2C = "b2c"
	ModeB2B = "b2b"
)

// Config is the whole runtime configuration.
type Config struct {
	Environment string `env:"FS_ENVIRONMENT" envDefault:"dev"`
	Mode        string `env:"FS_MODE" envDefault:"b2c"`
	AppName     string `env:"FS_APP_NAME" envDefault:"FastSvelte"`
	// BaseURL defaults to http://localhost:<port of FS_HTTP_ADDR> outside prod, so
	// links follow a changed port; prod must set it.
	BaseURL string `env:"FS_BASE_URL"`

	// HTTPAddr defaults to 127.0.0.1:8000 in dev (the dev mailbox and the demo
	// passwords must not reach the LAN) and :8000 elsewhere.
	HTTPAddr    string   `env:"FS_HTTP_ADDR"`
	CORSOrigins []string `env:"FS_CORS_ORIGINS" envSeparator:","`
	// TrustedProxies may set X-Forwarded-For; the client IP (rate limits, session
	// list) is read from it only when the request comes from one of these.
	TrustedProxies  []string      `env:"FS_TRUSTED_PROXIES" envSeparator:"," envDefault:"127.0.0.1,::1"`
	BodyLimitBytes  int64         `env:"FS_BODY_LIMIT_BYTES" envDefault:"1048576"`
	ShutdownTimeout time.Duration `env:"FS_SHUTDOWN_TIMEOUT" envDefault:"15s"`
	WebDir          string        `env:"FS_WEB_DIR" envDefault:"web/build"`
	LandingDir      string        `env:"FS_LANDING_DIR" envDefault:"landing/build"`

	LogLevel  string `env:"FS_LOG_LEVEL" envDefault:"info"`
	LogFormat string `env:"FS_LOG_FORMAT"` // text | json; empty = text in dev, json elsewhere

	DBURL       string `env:"FS_DB_URL"`
	DataDir     string `env:"FS_DATA_DIR" envDefault:"./.data"`
	DBMaxConns  int    `env:"FS_DB_MAX_CONNS" envDefault:"20"`
	AutoMigrate *bool  `env:"FS_AUTO_MIGRATE"` // nil = true in dev, false elsewhere
	SeedDemo    *bool  `env:"FS_SEED_DEMO"`    // nil = true in dev, false elsewhere

	SessionCookieName string        `env:"FS_SESSION_COOKIE_NAME" envDefault:"fs_session"`
	SessionTTL        time.Duration `env:"FS_SESSION_TTL" envDefault:"336h"`
	// SessionTouchInterval bounds how often a request writes last_seen_at/expiry, so
	// reads stay reads under load.
	SessionTouchInterval time.Duration `env:"FS_SESSION_TOUCH_INTERVAL" envDefault:"1m"`

	JobsWorkers      int           `env:"FS_JOBS_WORKERS" envDefault:"10"`
	JobsPollInterval time.Duration `env:"FS_JOBS_POLL_INTERVAL" envDefault:"1s"`

	EmailVerification bool          `env:"FS_EMAIL_VERIFICATION" envDefault:"true"`
	VerifyTokenTTL    time.Duration `env:"FS_VERIFY_TOKEN_TTL" envDefault:"48h"`
	ResetTokenTTL     time.Duration `env:"FS_RESET_TOKEN_TTL" envDefault:"1h"`
	EmailFrom         string        `env:"FS_EMAIL_FROM" envDefault:"FastSvelte <no-reply@localhost>"`
	SendGridAPIKey    string        `env:"FS_SENDGRID_API_KEY"`

	// Argon2id cost. Defaults follow the OWASP password storage cheat sheet.
	Argon2MemoryKiB   uint32 `env:"FS_ARGON2_MEMORY_KIB" envDefault:"19456"`
	Argon2Iterations  uint32 `env:"FS_ARGON2_ITERATIONS" envDefault:"2"`
	Argon2Parallelism uint8  `env:"FS_ARGON2_PARALLELISM" envDefault:"1"`

	GoogleClientID     string `env:"FS_GOOGLE_CLIENT_ID"`
	GoogleClientSecret string `env:"FS_GOOGLE_CLIENT_SECRET"`
	StripeSecretKey    string `env:"FS_STRIPE_SECRET_KEY"`
}

// Load reads .env (dev only, never overriding real environment variables), parses
// and validates. The error, if any, is a single line naming the variable.
func Load() (*Config, error) {
	if env := os.Getenv("FS_ENVIRONMENT"); env == "" || env == EnvDev {
		if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config: reading .env: %w", err)
		}
	}
	return Parse(environMap())
}

// Parse builds a Config from variables (tests pass a map instead of the process environment).
func Parse(environ map[string]string) (*Config, error) {
	var cfg Config
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: environ}); err != nil {
		return nil, explain(&cfg, environ, err)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func environMap() map[string]string {
	m := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// Names lists every variable Config reads, for docs and tests.
func Names() []string {
	params, _ := env.GetFieldParams(&Config{})
	out := make([]string, 0, len(params))
	for _, p := range params {
		out = append(out, p.Key)
	}
	return out
}

// explain rewrites caarlos0/env errors so they name the variable, not the Go field.
func explain(cfg *Config, environ map[string]string, err error) error {
	// Config is flat, so the Go field name maps to its env tag directly.
	keyOf := map[string]string{}
	t := reflect.TypeOf(*cfg)
	for i := range t.NumField() {
		keyOf[t.Field(i).Name] = t.Field(i).Tag.Get("env")
	}
	var agg env.AggregateError
	if errors.As(err, &agg) && len(agg.Errors) > 0 {
		var pe env.ParseError
		if errors.As(agg.Errors[0], &pe) {
			// strconv errors wrap a short reason ("invalid syntax"); time.ParseDuration's
			// error wraps nothing and would print as <nil>, so fall back to the error itself.
			cause := errors.Unwrap(pe.Err)
			if cause == nil {
				cause = pe.Err
			}
			key := keyOf[pe.Name]
			hint := ""
			switch pe.Type.Kind() {
			case reflect.Bool, reflect.Pointer:
				hint = " (use true or false)"
			case reflect.Int64:
				if pe.Type.String() == "time.Duration" {
					hint = " (use a duration such as 90s, 15m or 336h)"
				}
			}
			return fmt.Errorf("config: %s=%q: invalid %s value: %v%s", key, environ[key], pe.Type, cause, hint)
		}
		return fmt.Errorf("config: %v", agg.Errors[0])
	}
	return fmt.Errorf("config: %v", err)
}

func (c *Config) validate() error {
	oneOf := func(name, v string, allowed ...string) error {
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return fmt.Errorf("config: %s=%q: must be one of %s", name, v, strings.Join(allowed, ", "))
	}
	checks := []error{
		oneOf("FS_ENVIRONMENT", c.Environment, EnvDev, EnvTest, EnvProd),
		oneOf("FS_MODE", c.Mode, ModeB2C, ModeB2B),
		oneOf("FS_LOG_LEVEL", c.LogLevel, "debug", "info", "warn", "error"),
		oneOf("FS_LOG_FORMAT", c.LogFormat, "", "text", "json"),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = ":8000"
		if c.IsDev() {
			c.HTTPAddr = "127.0.0.1:8000"
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return fmt.Errorf("config: FS_HTTP_ADDR=%q: must be host:port such as :8000", c.HTTPAddr)
	}
	if c.BaseURL == "" {
		if c.Environment == EnvProd {
			return errors.New("config: FS_BASE_URL is required when FS_ENVIRONMENT=prod (the public https URL; every emailed link is built from it)")
		}
		_, port, _ := net.SplitHostPort(c.HTTPAddr)
		c.BaseURL = "http://localhost:" + port
	}
	if c.Environment == EnvProd && c.SendGridAPIKey == "" {
		return errors.New("config: FS_SENDGRID_API_KEY is required when FS_ENVIRONMENT=prod: without it no verification email would be sent (and links would be written to the log)")
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("config: FS_BASE_URL=%q: must be an absolute http(s) URL such as https://app.example.com", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Environment == EnvProd && u.Scheme != "https" {
		return fmt.Errorf("config: FS_BASE_URL=%q: must use https when FS_ENVIRONMENT=prod", c.BaseURL)
	}
	for i, o := range c.CORSOrigins {
		o = strings.TrimSpace(o) // "a, b" is how people write lists
		c.CORSOrigins[i] = o
		if o == "*" {
			return errors.New("config: FS_CORS_ORIGINS: \"*\" is not allowed because the API uses credentials; list origins explicitly")
		}
		if ou, err := url.Parse(o); err != nil || ou.Scheme == "" || ou.Host == "" || ou.Path != "" {
			return fmt.Errorf("config: FS_CORS_ORIGINS: %q is not an origin such as https://app.example.com", o)
		}
	}
	for i, p := range c.TrustedProxies {
		p = strings.TrimSpace(p)
		c.TrustedProxies[i] = p
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("config: FS_TRUSTED_PROXIES: %q is not an IP address or CIDR range", p)
			}
		}
	}
	switch {
	case c.BodyLimitBytes < 1024:
		return fmt.Errorf("config: FS_BODY_LIMIT_BYTES=%d: must be at least 1024", c.BodyLimitBytes)
	case c.DBMaxConns < 1:
		return fmt.Errorf("config: FS_DB_MAX_CONNS=%d: must be at least 1", c.DBMaxConns)
	case c.SessionTTL < time.Minute:
		return fmt.Errorf("config: FS_SESSION_TTL=%s: must be at least 1m", c.SessionTTL)
	case c.SessionTouchInterval < 0 || c.SessionTouchInterval >= c.SessionTTL:
		return fmt.Errorf("config: FS_SESSION_TOUCH_INTERVAL=%s: must be between 0 and FS_SESSION_TTL", c.SessionTouchInterval)
	case c.JobsWorkers < 1:
		return fmt.Errorf("config: FS_JOBS_WORKERS=%d: must be at least 1", c.JobsWorkers)
	case c.JobsPollInterval < time.Millisecond:
		return fmt.Errorf("config: FS_JOBS_POLL_INTERVAL=%s: must be at least 1ms", c.JobsPollInterval)
	case c.VerifyTokenTTL < time.Minute:
		return fmt.Errorf("config: FS_VERIFY_TOKEN_TTL=%s: must be at least 1m", c.VerifyTokenTTL)
	case c.ResetTokenTTL < time.Minute || c.ResetTokenTTL > 24*time.Hour:
		return fmt.Errorf("config: FS_RESET_TOKEN_TTL=%s: must be between 1m and 24h (a reset link is as good as the password)", c.ResetTokenTTL)
	case c.Argon2MemoryKiB < 8 || c.Argon2Iterations < 1 || c.Argon2Parallelism < 1:
		return errors.New("config: FS_ARGON2_MEMORY_KIB, FS_ARGON2_ITERATIONS and FS_ARGON2_PARALLELISM must be positive (memory at least 8)")
	case c.SessionCookieName == "" || strings.ContainsAny(c.SessionCookieName, " ;=,\t"):
		return fmt.Errorf("config: FS_SESSION_COOKIE_NAME=%q: must be a non-empty cookie name", c.SessionCookieName)
	case strings.TrimSpace(c.AppName) == "":
		return errors.New("config: FS_APP_NAME: must not be empty")
	case c.Environment == EnvProd && c.Argon2MemoryKiB < 19456:
		return fmt.Errorf("config: FS_ARGON2_MEMORY_KIB=%d: must be at least 19456 when FS_ENVIRONMENT=prod", c.Argon2MemoryKiB)
	}
	if (c.GoogleClientID == "") != (c.GoogleClientSecret == "") {
		return errors.New("config: FS_GOOGLE_CLIENT_ID and FS_GOOGLE_CLIENT_SECRET must be set together")
	}
	return nil
}

// IsDev reports whether developer conveniences (dev mailbox, auto-migrate, demo seed) apply.
func (c *Config) IsDev() bool { return c.Environment == EnvDev }

// ShouldAutoMigrate reports whether serve migrates on start.
func (c *Config) ShouldAutoMigrate() bool { return boolOr(c.AutoMigrate, c.IsDev()) }

// ShouldSeedDemo reports whether serve ensures the demo accounts exist.
func (c *Config) ShouldSeedDemo() bool { return boolOr(c.SeedDemo, c.IsDev()) }

// SecureCookies is false only for plain-http loopback, where browsers would drop a
// Secure cookie and nothing travels over a network.
func (c *Config) SecureCookies() bool {
	u, _ := url.Parse(c.BaseURL)
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}
