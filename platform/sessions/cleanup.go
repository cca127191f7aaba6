package sessions

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/fastsvelte/fastsvelte/platform/clock"
	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/jobs"
)

// Expired sessions are useless but would pile up; a periodic job deletes them.

type cleanupArgs struct{}

func (cleanupArgs) Kind() string { return "sessions.cleanup" }

type cleanupWorker struct {
	river.WorkerDefaults[cleanupArgs]
	db    *database.DB
	clock clock.Clock
}

// Work deletes every expired session.
func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[cleanupArgs]) error {
	_, err := w.db.NewDelete().Model((*Session)(nil)).Where("expires_at <= ?", w.clock.Now()).Exec(ctx)
	return err
}

// registerCleanup needs no Manager, so graphs without the modules that provide
// its dependencies (platform tests) still work.
func registerCleanup(q *jobs.Queue, db *database.DB, clk clock.Clock) {
	jobs.Register(q, &cleanupWorker{db: db, clock: clk})
	q.Every(time.Hour, cleanupArgs{})
}
