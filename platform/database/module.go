package database

import (
	"context"
	"log/slog"

	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database/localpg"
)

// Module provides *DB. With FS_DB_URL unset it first starts the private
// PostgreSQL (data in FS_DATA_DIR) and stops it when the app stops.
var Module = fx.Module("database", fx.Provide(New))

// New connects (starting the local server if needed) and registers shutdown.
func New(lc fx.Lifecycle, cfg *config.Config, log *slog.Logger) (*DB, error) {
	ctx := context.Background()
	url := cfg.DBURL
	var local *localpg.Server
	if url == "" {
		var err error
		local, err = localpg.Start(ctx, localpg.Options{DataDir: cfg.DataDir, Logger: log})
		if err != nil {
			return nil, err
		}
		url = local.URL()
	}
	db, err := Open(ctx, url, cfg.DBMaxConns)
	if err != nil {
		if local != nil {
			_ = local.Stop(ctx)
		}
		return nil, err
	}
	lc.Append(fx.StopHook(func(ctx context.Context) error {
		err := db.Close()
		if local != nil {
			if stopErr := local.Stop(ctx); stopErr != nil {
				return stopErr
			}
		}
		return err
	}))
	return db, nil
}
