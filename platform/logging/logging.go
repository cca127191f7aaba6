// Package logging builds the process-wide structured logger (log/slog) from config:
// readable text for a developer's terminal, JSON for log collectors elsewhere.
package logging

import (
	"log/slog"
	"os"

	"github.com/fastsvelte/fastsvelte/platform/config"
)

// New returns the logger every component receives through fx.
func New(cfg *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "" {
		format = "json"
		if cfg.IsDev() {
			format = "text"
		}
	}
	var h slog.Handler = slog.NewJSONHandler(os.Stderr, opts)
	if format == "text" {
		h = slog.NewTextHandler(os.Stderr, opts)
	}
	return slog.New(h)
}
