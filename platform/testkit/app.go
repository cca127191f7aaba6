package testkit

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/fastsvelte/fastsvelte/platform"
	"github.com/fastsvelte/fastsvelte/platform/clock"
	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/mailer"
)

// App is the whole fx graph of the product running against a fresh database, served
// by an httptest server. Only the process edges are fakes: a mailbox instead of a
// mail provider and a settable clock.
type App struct {
	T      testing.TB
	URL    string
	Config *config.Config
	DB     *database.DB
	Mail   *mailer.Mailbox
	Clock  *clock.Fake
	Router *httpserver.Router
}

// Env overrides configuration variables for one App (e.g. {"FS_MODE": "b2b"}).
type Env map[string]string

// Start boots platform + modules (pass modules.All; testkit cannot import it,
// platform never depends on modules) with extra fx options, e.g. fx.Populate.
func Start(t testing.TB, modules fx.Option, env Env, extra ...fx.Option) *App {
	t.Helper()
	vars := map[string]string{
		"FS_ENVIRONMENT":        "test",
		"FS_DB_URL":             NewDatabase(t),
		"FS_BASE_URL":           "http://localhost:8000",
		"FS_DB_MAX_CONNS":       "8",
		"FS_LOG_LEVEL":          "warn",
		"FS_ARGON2_MEMORY_KIB":  "64", // cheap hashes: the tests check behaviour, not cost
		"FS_ARGON2_ITERATIONS":  "1",
		"FS_ARGON2_PARALLELISM": "1",
		"FS_JOBS_POLL_INTERVAL": "10ms", // mail jobs run promptly; Settle waits for them
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Parse(vars)
	if err != nil {
		t.Fatalf("testkit: config: %v", err)
	}
	a := &App{T: t, Config: cfg, Mail: mailer.NewMailbox(), Clock: clock.NewFake(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := []fx.Option{
		fx.Supply(cfg),
		platform.Module,
		modules,
		fx.Decorate(func() *slog.Logger { return log }),
		fx.Decorate(func() clock.Clock { return a.Clock }),
		fx.Decorate(func() *mailer.Mailbox { return a.Mail }),
		fx.Decorate(func() mailer.Sender { return a.Mail }),
		fx.Populate(&a.DB, &a.Router),
		fx.NopLogger,
	}
	app := fxtest.New(t, append(opts, extra...)...)
	app.RequireStart()
	srv := httptest.NewServer(a.Router.Handler())
	a.URL = srv.URL
	t.Cleanup(func() {
		srv.Close()
		app.RequireStop()
	})
	return a
}

// Settle waits until the job queue has nothing left to run (mail included), so a
// test can assert on what was, or was not, sent.
func (a *App) Settle() {
	a.T.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var pending int
		err := a.DB.NewRaw(`SELECT count(*) FROM river_job
			WHERE state IN ('available', 'pending', 'running', 'scheduled', 'retryable')`).Scan(ctx, &pending)
		if err != nil {
			a.T.Fatalf("testkit: settle: %v", err)
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			var states []string
			_ = a.DB.NewRaw(`SELECT kind || ' ' || state::text || ' attempt ' || attempt || ' ' || coalesce(errors::text, '') FROM river_job`).Scan(ctx, &states)
			a.T.Fatalf("testkit: %d jobs still pending after 15s: %v", pending, states)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Mails returns the mail sent to addr once the queue has settled, oldest first.
func (a *App) Mails(addr string) []mailer.Stored {
	a.T.Helper()
	a.Settle()
	return a.Mail.To(addr)
}

// AllMail returns every mail sent once the queue has settled, newest first.
func (a *App) AllMail() []mailer.Stored {
	a.T.Helper()
	a.Settle()
	return a.Mail.List()
}
