// Package jobs runs durable background jobs on PostgreSQL with River. A job
// inserted inside a request's transaction (see Enqueue) commits or rolls back with
// it, so work such as sending a verification mail happens exactly when the data it
// is about exists, survives restarts and provider outages, and is retried with
// backoff. River's database/sql driver polls (no LISTEN), which works through any
// connection pooler.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database"
)

// Module provides the *Queue and works jobs while the app runs.
var Module = fx.Module("jobs",
	fx.Provide(New),
	fx.Invoke(func(lc fx.Lifecycle, q *Queue) {
		lc.Append(fx.StartStopHook(
			// River works until its start context ends; fx cancels that one once
			// start-up is over, so the client gets a context that lives until Stop.
			func(ctx context.Context) error {
				if q.registered == 0 {
					return nil // nothing to work (a graph without modules): insert-only
				}
				return q.client.Start(context.WithoutCancel(ctx))
			},
			func(ctx context.Context) error {
				if q.registered == 0 {
					return nil
				}
				return q.client.Stop(ctx)
			},
		))
	}),
)

// Queue inserts jobs and, once started, works them.
type Queue struct {
	db      *database.DB
	client  *river.Client[*sql.Tx]
	workers *river.Workers
	// registered counts workers: River refuses to start with none.
	registered int
}

// New builds the River client. Workers are added with Register (from fx.Invoke)
// before the app starts.
func New(db *database.DB, cfg *config.Config, log *slog.Logger) (*Queue, error) {
	workers := river.NewWorkers()
	client, err := river.NewClient(riverdatabasesql.New(db.DB.DB), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.JobsWorkers}},
		Workers:           workers,
		FetchPollInterval: cfg.JobsPollInterval,
		FetchCooldown:     min(cfg.JobsPollInterval, river.FetchCooldownDefault),
		// River narrates its lifecycle at info; only its problems are ours to see.
		Logger: slog.New(warnOnly{log.Handler()}).With(slog.String("component", "river")),
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{db: db, client: client, workers: workers}, nil
}

// Register adds the worker for one kind of job.
func Register[T river.JobArgs](q *Queue, w river.Worker[T]) {
	river.AddWorker(q.workers, w)
	q.registered++
}

// Every runs a job of args' kind (its worker registered with Register) every
// interval on one instance at a time (River's leader), e.g. cleanups.
func (q *Queue) Every(interval time.Duration, args river.JobArgs) {
	q.client.PeriodicJobs().Add(river.NewPeriodicJob(
		river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args, nil },
		&river.PeriodicJobOpts{RunOnStart: true},
	))
}

// Enqueue inserts a job. Inside database.WithTx it joins that transaction, so the
// job exists only if the transaction commits.
func (q *Queue) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	var err error
	if tx, ok := q.db.Tx(ctx); ok {
		_, err = q.client.InsertTx(ctx, tx, args, opts)
	} else {
		_, err = q.client.Insert(ctx, args, opts)
	}
	if err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// warnOnly drops records below warn level.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnOnly{h.Handler.WithAttrs(attrs)}
}

func (h warnOnly) WithGroup(name string) slog.Handler { return warnOnly{h.Handler.WithGroup(name)} }
