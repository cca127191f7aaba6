// Command fastsvelte is the one binary of the product. Subcommands: serve
// (default), migrate up|down|status, seed, create-admin, version. Each composes
// the platform and the feature modules with fx, so every command runs against
// the same wiring the server uses.
//
//	@title						FastSvelte API
//	@version					1.0
//	@description				The HTTP API of FastSvelte: JSON in and out, snake_case fields, cookie sessions. Errors share one body: {code, message, details, request_id}.
//	@BasePath					/api
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"go.uber.org/dig"
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/modules"
	"github.com/fastsvelte/fastsvelte/platform"
	"github.com/fastsvelte/fastsvelte/platform/config"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: fastsvelte [command]

commands:
  serve                      run the server (default)
  migrate up|down|status     apply, revert the last, or list migrations
  seed                       create the demo accounts (idempotent)
  create-admin --email ADDR  create or promote a verified sys_admin; the password is
                             read from stdin, or generated and printed when stdin is a terminal
  version                    print the version
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fastsvelte:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Println("fastsvelte", versionString())
		return nil
	case "help", "--help", "-h":
		fmt.Print(usage)
		return nil
	}
	switch cmd {
	case "serve", "migrate", "seed", "create-admin":
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(cfg)
	case "migrate":
		return migrate(cfg, args)
	case "seed":
		return seed(cfg)
	default: // "create-admin", the last one the first switch let through
		return createAdmin(cfg, args)
	}
}

// versionString is the release version, then what the Go toolchain recorded about
// the build (commit, commit time, uncommitted changes), so a "dev" build still says
// which code it is.
func versionString() string {
	out := version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return out
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		out += " (commit " + rev[:min(12, len(rev))]
		if t := settings["vcs.time"]; t != "" {
			out += ", " + t
		}
		if settings["vcs.modified"] == "true" {
			out += ", modified"
		}
		out += ")"
	}
	return out + " " + info.GoVersion
}

// options is the graph every command shares.
func options(cfg *config.Config, extra ...fx.Option) []fx.Option {
	return append([]fx.Option{
		fx.Supply(cfg),
		platform.Module,
		modules.All,
		fx.NopLogger, // our own slog lines say what happens; fx's would drown them
		// A first start may initialise a PostgreSQL cluster.
		fx.StartTimeout(2 * time.Minute),
	}, extra...)
}

// runOnce builds the graph, starts it (database, no listener), runs fn with the
// values it asks for via fx.Populate targets, then stops everything.
func runOnce(cfg *config.Config, fn func(context.Context) error, populate ...any) error {
	app := fx.New(options(cfg, fx.Populate(populate...))...)
	if err := app.Err(); err != nil {
		return rootCause(err)
	}
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		return rootCause(err)
	}
	runErr := fn(ctx)
	stopErr := app.Stop(ctx)
	return errors.Join(runErr, stopErr)
}

// rootCause drops fx's dependency-graph narration so the user sees one line that
// says what is wrong (e.g. a missing PostgreSQL).
func rootCause(err error) error {
	return dig.RootCause(err)
}
