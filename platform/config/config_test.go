package config_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fastsvelte/fastsvelte/platform/config"
)

func TestDefaultsParse(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse(map[string]string{})
	if err != nil {
		t.Fatalf("Parse(empty) = %v, want the defaults to be valid", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Environment", cfg.Environment, config.EnvDev},
		{"Mode", cfg.Mode, config.ModeB2C},
		{"BaseURL", cfg.BaseURL, "http://localhost:8000"},
		{"HTTPAddr", cfg.HTTPAddr, "127.0.0.1:8000"}, // dev: loopback only
		{"BodyLimitBytes", cfg.BodyLimitBytes, int64(1 << 20)},
		{"SessionCookieName", cfg.SessionCookieName, "fs_session"},
		{"SessionTTL", cfg.SessionTTL, 14 * 24 * time.Hour},
		{"DBMaxConns", cfg.DBMaxConns, 20},
		{"EmailVerification", cfg.EmailVerification, true},
		{"CORSOrigins", len(cfg.CORSOrigins), 0},
		{"SecureCookies", cfg.SecureCookies(), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("default %s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestParseValidValues(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse(map[string]string{
		"FS_ENVIRONMENT":          "prod",
		"FS_SENDGRID_API_KEY":     "SG.test",
		"FS_MODE":                 "b2b",
		"FS_BASE_URL":             "https://app.example.com/",
		"FS_HTTP_ADDR":            "127.0.0.1:0",
		"FS_CORS_ORIGINS":         "https://app.example.com, http://localhost:5173",
		"FS_TRUSTED_PROXIES":      "10.0.0.0/8, 127.0.0.1",
		"FS_SESSION_TTL":          "2h",
		"FS_DB_MAX_CONNS":         "3",
		"FS_EMAIL_VERIFICATION":   "false",
		"FS_GOOGLE_CLIENT_ID":     "id",
		"FS_GOOGLE_CLIENT_SECRET": "secret",
	})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.BaseURL != "https://app.example.com" {
		t.Errorf("BaseURL = %q, want the trailing slash trimmed", cfg.BaseURL)
	}
	if len(cfg.CORSOrigins) != 2 || cfg.CORSOrigins[1] != "http://localhost:5173" {
		t.Errorf("CORSOrigins = %q (spaces after commas must be trimmed)", cfg.CORSOrigins)
	}
	if len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[1] != "127.0.0.1" {
		t.Errorf("TrustedProxies = %q", cfg.TrustedProxies)
	}
	if cfg.SessionTTL != 2*time.Hour || cfg.DBMaxConns != 3 || cfg.EmailVerification || cfg.Mode != config.ModeB2B {
		t.Errorf("values not parsed: %+v", cfg)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		// variable is the name the one-line error must contain.
		variable string
	}{
		{"mode", map[string]string{"FS_MODE": "x"}, "FS_MODE"},
		{"environment", map[string]string{"FS_ENVIRONMENT": "x"}, "FS_ENVIRONMENT"},
		{"log level", map[string]string{"FS_LOG_LEVEL": "loud"}, "FS_LOG_LEVEL"},
		{"log format", map[string]string{"FS_LOG_FORMAT": "xml"}, "FS_LOG_FORMAT"},
		{"http addr", map[string]string{"FS_HTTP_ADDR": "nope"}, "FS_HTTP_ADDR"},
		{"base url scheme", map[string]string{"FS_BASE_URL": "ftp://x"}, "FS_BASE_URL"},
		{"base url relative", map[string]string{"FS_BASE_URL": "/app"}, "FS_BASE_URL"},
		{"base url http in prod", map[string]string{"FS_ENVIRONMENT": "prod", "FS_SENDGRID_API_KEY": "SG.x", "FS_BASE_URL": "http://app.example.com"}, "FS_BASE_URL"},
		{"cors wildcard", map[string]string{"FS_CORS_ORIGINS": "*"}, "FS_CORS_ORIGINS"},
		{"cors wildcard among others", map[string]string{"FS_CORS_ORIGINS": "https://a.example,*"}, "FS_CORS_ORIGINS"},
		{"cors with path", map[string]string{"FS_CORS_ORIGINS": "https://a.example/app"}, "FS_CORS_ORIGINS"},
		{"cors without scheme", map[string]string{"FS_CORS_ORIGINS": "a.example"}, "FS_CORS_ORIGINS"},
		{"session ttl syntax", map[string]string{"FS_SESSION_TTL": "abc"}, "FS_SESSION_TTL"},
		{"session ttl too short", map[string]string{"FS_SESSION_TTL": "1s"}, "FS_SESSION_TTL"},
		{"touch interval over ttl", map[string]string{"FS_SESSION_TTL": "1h", "FS_SESSION_TOUCH_INTERVAL": "2h"}, "FS_SESSION_TOUCH_INTERVAL"},
		{"db max conns syntax", map[string]string{"FS_DB_MAX_CONNS": "zero"}, "FS_DB_MAX_CONNS"},
		{"db max conns zero", map[string]string{"FS_DB_MAX_CONNS": "0"}, "FS_DB_MAX_CONNS"},
		{"body limit small", map[string]string{"FS_BODY_LIMIT_BYTES": "10"}, "FS_BODY_LIMIT_BYTES"},
		{"body limit syntax", map[string]string{"FS_BODY_LIMIT_BYTES": "1MB"}, "FS_BODY_LIMIT_BYTES"},
		{"email verification", map[string]string{"FS_EMAIL_VERIFICATION": "maybe"}, "FS_EMAIL_VERIFICATION"},
		{"auto migrate", map[string]string{"FS_AUTO_MIGRATE": "maybe"}, "FS_AUTO_MIGRATE"},
		{"argon2 parallelism overflow", map[string]string{"FS_ARGON2_PARALLELISM": "300"}, "FS_ARGON2_PARALLELISM"},
		{"argon2 too cheap in prod", map[string]string{"FS_ENVIRONMENT": "prod", "FS_SENDGRID_API_KEY": "SG.x", "FS_BASE_URL": "https://a.example", "FS_ARGON2_MEMORY_KIB": "64"}, "FS_ARGON2_MEMORY_KIB"},
		{"jobs workers zero", map[string]string{"FS_JOBS_WORKERS": "0"}, "FS_JOBS_WORKERS"},
		{"jobs poll interval syntax", map[string]string{"FS_JOBS_POLL_INTERVAL": "often"}, "FS_JOBS_POLL_INTERVAL"},
		{"cookie name", map[string]string{"FS_SESSION_COOKIE_NAME": "a b"}, "FS_SESSION_COOKIE_NAME"},
		{"app name blank", map[string]string{"FS_APP_NAME": "  "}, "FS_APP_NAME"},
		{"google id without secret", map[string]string{"FS_GOOGLE_CLIENT_ID": "id"}, "FS_GOOGLE_CLIENT_SECRET"},
		{"google secret without id", map[string]string{"FS_GOOGLE_CLIENT_SECRET": "s"}, "FS_GOOGLE_CLIENT_ID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Parse(tc.env)
			if err == nil {
				t.Fatalf("Parse(%v) succeeded (%+v), want an error", tc.env, cfg)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.variable) {
				t.Errorf("error %q does not name %s", msg, tc.variable)
			}
			if strings.ContainsAny(msg, "\r\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			// A message must say what is wrong, not print Go's zero values.
			if strings.Contains(msg, "<nil>") {
				t.Errorf("error %q carries no explanation", msg)
			}
		})
	}
}

func TestDerivedDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse(map[string]string{"FS_HTTP_ADDR": "127.0.0.1:8182"})
	if err != nil || cfg.BaseURL != "http://localhost:8182" {
		t.Fatalf("base URL follows the port: %q %v", cfg.BaseURL, err)
	}
	cfg, err = config.Parse(map[string]string{"FS_ENVIRONMENT": "test"})
	if err != nil || cfg.HTTPAddr != ":8000" || cfg.BaseURL != "http://localhost:8000" {
		t.Fatalf("test defaults: %q %q %v", cfg.HTTPAddr, cfg.BaseURL, err)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"FS_ENVIRONMENT": "prod", "FS_SENDGRID_API_KEY": "SG.x"}, "FS_BASE_URL is required"},
		{map[string]string{"FS_ENVIRONMENT": "prod", "FS_BASE_URL": "https://a.example"}, "FS_SENDGRID_API_KEY is required"},
		{map[string]string{"FS_EMAIL_VERIFICATION": "yes"}, `FS_EMAIL_VERIFICATION="yes"`},
		{map[string]string{"FS_SESSION_TTL": "2 weeks"}, "use a duration"},
	} {
		if _, err := config.Parse(tc.env); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%v) = %v, want %q", tc.env, err, tc.want)
		}
	}
}

func TestSecureCookies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		base string
		want bool
	}{
		{"https://app.example.com", true},
		{"https://localhost:8443", true},
		{"http://app.example.com", true}, // non-loopback: the cookie crosses a network
		{"http://192.168.1.10:8000", true},
		{"http://localhost:8000", false},
		{"http://localhost", false},
		{"http://127.0.0.1:8000", false},
		{"http://[::1]:8000", false},
	}
	for _, tc := range cases {
		t.Run(tc.base, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Parse(map[string]string{"FS_BASE_URL": tc.base})
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.SecureCookies(); got != tc.want {
				t.Errorf("SecureCookies() for %s = %v, want %v", tc.base, got, tc.want)
			}
		})
	}
}

func TestAutoMigrateAndSeedDefaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                string
		env                 map[string]string
		wantMigrate, wantSe bool
	}{
		{"dev defaults on", map[string]string{"FS_ENVIRONMENT": "dev"}, true, true},
		{"test defaults off", map[string]string{"FS_ENVIRONMENT": "test"}, false, false},
		{"prod defaults off", map[string]string{"FS_ENVIRONMENT": "prod", "FS_SENDGRID_API_KEY": "SG.x", "FS_BASE_URL": "https://a.example"}, false, false},
		{"dev switched off", map[string]string{"FS_ENVIRONMENT": "dev", "FS_AUTO_MIGRATE": "false", "FS_SEED_DEMO": "false"}, false, false},
		{"prod switched on", map[string]string{"FS_ENVIRONMENT": "prod", "FS_SENDGRID_API_KEY": "SG.x", "FS_BASE_URL": "https://a.example", "FS_AUTO_MIGRATE": "true", "FS_SEED_DEMO": "true"}, true, true},
		{"test migrate only", map[string]string{"FS_ENVIRONMENT": "test", "FS_AUTO_MIGRATE": "1"}, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Parse(tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.ShouldAutoMigrate(); got != tc.wantMigrate {
				t.Errorf("ShouldAutoMigrate() = %v, want %v", got, tc.wantMigrate)
			}
			if got := cfg.ShouldSeedDemo(); got != tc.wantSe {
				t.Errorf("ShouldSeedDemo() = %v, want %v", got, tc.wantSe)
			}
		})
	}
}

func TestNamesAreAllFSVariables(t *testing.T) {
	t.Parallel()
	names := config.Names()
	if len(names) < 20 {
		t.Fatalf("Names() = %v: too few, the reflection over Config is broken", names)
	}
	valid := regexp.MustCompile(`^FS_[A-Z0-9_]+$`)
	seen := map[string]bool{}
	for _, n := range names {
		if !valid.MatchString(n) {
			t.Errorf("variable %q does not look like FS_NAME", n)
		}
		if seen[n] {
			t.Errorf("variable %s is read twice", n)
		}
		seen[n] = true
	}
}

// TestEveryVariableIsDocumented keeps docs/configuration.md in step with Config.
func TestEveryVariableIsDocumented(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "docs", "configuration.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("docs/configuration.md must list every FS_* variable, but it cannot be read: %v", err)
	}
	// Match whole names, so FS_SESSION_TTL is not "documented" by FS_SESSION_TTL_X.
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`FS_[A-Z0-9_]+`).FindAllString(string(doc), -1) {
		documented[m] = true
	}
	for _, n := range config.Names() {
		if !documented[n] {
			t.Errorf("%s is read by platform/config but not documented in docs/configuration.md", n)
		}
	}
}
