package main

import (
	"context"
	"fmt"
	"log/slog"

	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
)

// serve starts the app and runs until SIGINT/SIGTERM. Start and stop errors are
// returned (and printed by main) rather than left to fx, whose logger is off: a
// port already in use must say so, not exit silently.
func serve(cfg *config.Config) error {
	var log *slog.Logger
	app := fx.New(serveOptions(cfg, fx.Populate(&log))...)
	if err := app.Err(); err != nil {
		return rootCause(err)
	}
	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return rootCause(err)
	}
	sig := <-app.Wait()
	log.Info("shutting down", slog.String("signal", sig.Signal.String()))
	stopCtx, cancelStop := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancelStop()
	if err := app.Stop(stopCtx); err != nil {
		return rootCause(err)
	}
	log.Info("stopped")
	return nil
}

// serveOptions is the graph of `serve`: the shared one plus migrate, seed and the
// listener. Tests build and start it without app.Run's signal handling.
func serveOptions(cfg *config.Config, extra ...fx.Option) []fx.Option {
	var demo []demoAccount
	return options(cfg, append([]fx.Option{
		// Order matters: migrate, then seed, then listen, then say where to go.
		fx.Invoke(func(db *database.DB, log *slog.Logger) error {
			if !cfg.ShouldAutoMigrate() {
				return nil
			}
			applied, err := db.MigrateUp(context.Background())
			if len(applied) > 0 {
				log.Info("migrations applied", slog.Any("versions", applied))
			}
			return err
		}),
		fx.Invoke(func(s seedServices) error {
			if !cfg.ShouldSeedDemo() {
				return nil
			}
			var err error
			demo, err = seedDemo(context.Background(), cfg, s)
			return err
		}),
		httpserver.Listen,
		fx.Invoke(func(lc fx.Lifecycle) {
			lc.Append(fx.StartHook(func() { banner(cfg, demo) }))
		}),
	}, extra...)...)
}

func banner(cfg *config.Config, demo []demoAccount) {
	fmt.Printf("\n  %s is running (%s mode, %s)\n\n", cfg.AppName, cfg.Mode, cfg.Environment)
	fmt.Printf("    App:       %s/app/\n", cfg.BaseURL)
	fmt.Printf("    API docs:  %s/api/docs\n", cfg.BaseURL)
	if cfg.IsDev() {
		fmt.Printf("    Mailbox:   %s/api/dev/mail  (emails are not sent in dev)\n", cfg.BaseURL)
	}
	if len(demo) > 0 {
		fmt.Printf("\n  Demo logins (as first seeded; a password you changed stays changed):\n")
		for _, d := range demo {
			fmt.Printf("    %-22s %-18s %s\n", d.Email, d.Password, d.What)
		}
	}
	fmt.Println("\n  Press Ctrl-C to stop.")
}
