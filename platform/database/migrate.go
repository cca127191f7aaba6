package database

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/fastsvelte/fastsvelte/db/migrations"
)

// We run migrations ourselves instead of using bun/migrate because its bookkeeping
// row is written outside the migration's transaction and its lock is a table row that
// stays behind when a process dies mid-migration. Here each migration and its row
// commit together, and concurrent starters serialise on an advisory lock that
// PostgreSQL releases when the connection closes.

// migrationLockID is an arbitrary constant shared by every instance.
const migrationLockID = 7_146_031_202

// Migration is one versioned schema change.
type Migration struct {
	Version   string // file prefix, e.g. "0001_auth"
	Up, Down  string
	AppliedAt *time.Time
}

// LoadMigrations reads the embedded files in version order.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	byVersion := map[string]*Migration{}
	for _, e := range entries {
		name := e.Name()
		var version, dir string
		switch {
		case strings.HasSuffix(name, ".up.sql"):
			version, dir = strings.TrimSuffix(name, ".up.sql"), "up"
		case strings.HasSuffix(name, ".down.sql"):
			version, dir = strings.TrimSuffix(name, ".down.sql"), "down"
		default:
			continue
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		m := byVersion[version]
		if m == nil {
			m = &Migration{Version: version}
			byVersion[version] = m
		}
		if dir == "up" {
			m.Up = string(body)
		} else {
			m.Down = string(body)
		}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.Up == "" || m.Down == "" {
			return nil, fmt.Errorf("migration %s needs both .up.sql and .down.sql", m.Version)
		}
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// MigrateUp applies every pending migration, then River's own schema (the job
// queue's tables are part of ours), and returns the versions applied.
func (db *DB) MigrateUp(ctx context.Context) ([]string, error) {
	var applied []string
	err := db.withMigrationLock(ctx, func(status []Migration) error {
		for _, m := range status {
			if m.AppliedAt != nil {
				continue
			}
			if err := db.apply(ctx, m.Version, m.Up, true); err != nil {
				return err
			}
			applied = append(applied, m.Version)
		}
		migrator, err := rivermigrate.New(riverdatabasesql.New(db.DB.DB), nil)
		if err != nil {
			return err
		}
		res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return fmt.Errorf("migrate: river: %w", err)
		}
		for _, v := range res.Versions {
			applied = append(applied, fmt.Sprintf("river_%03d", v.Version))
		}
		return nil
	})
	return applied, err
}

// MigrateDown reverts the most recently applied migration; "" when none was applied.
func (db *DB) MigrateDown(ctx context.Context) (string, error) {
	var reverted string
	err := db.withMigrationLock(ctx, func(status []Migration) error {
		for i := len(status) - 1; i >= 0; i-- {
			if status[i].AppliedAt != nil {
				reverted = status[i].Version
				return db.apply(ctx, status[i].Version, status[i].Down, false)
			}
		}
		return nil
	})
	return reverted, err
}

// MigrationStatus lists every known migration with its applied time (nil = pending).
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	var out []Migration
	err := db.withMigrationLock(ctx, func(status []Migration) error {
		out = status
		return nil
	})
	return out, err
}

// MigrateURL opens url, applies every pending migration and closes (tests, tooling).
func MigrateURL(ctx context.Context, url string) error {
	db, err := Open(ctx, url, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.MigrateUp(ctx)
	return err
}

func (db *DB) withMigrationLock(ctx context.Context, fn func([]Migration) error) error {
	all, err := LoadMigrations(migrations.FS)
	if err != nil {
		return err
	}
	// Plain database/sql throughout: bun's formatter would treat a "?" in a
	// migration (a jsonb operator, say) as a placeholder.
	sqldb := db.DB.DB
	conn, err := sqldb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
		return fmt.Errorf("migrate: taking the migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID) //nolint:errcheck // released on close anyway
	if _, err := sqldb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migrate: creating schema_migrations: %w", err)
	}
	rows, err := sqldb.QueryContext(ctx, "SELECT version, applied_at FROM schema_migrations")
	if err != nil {
		return err
	}
	appliedAt := map[string]time.Time{}
	for rows.Next() {
		var v string
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			rows.Close()
			return err
		}
		appliedAt[v] = at
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range all {
		if at, ok := appliedAt[all[i].Version]; ok {
			all[i].AppliedAt = &at
		}
	}
	return fn(all)
}

func (db *DB) apply(ctx context.Context, version, body string, up bool) error {
	tx, err := db.DB.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	// No arguments: pgx sends it over the simple protocol, so a file may hold many statements.
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return fmt.Errorf("migrate: %s: %w", version, err)
	}
	if up {
		_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", version)
	} else {
		_, err = tx.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = $1", version)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

// latestMigration is the newest version embedded in this binary.
var latestMigration = sync.OnceValues(func() (string, error) {
	all, err := LoadMigrations(migrations.FS)
	if err != nil || len(all) == 0 {
		return "", err
	}
	return all[len(all)-1].Version, nil
})

// SchemaCurrent reports whether the newest migration this binary carries is
// applied. A server on an older schema fails at the first query that needs a newer
// table, so readiness says so before traffic arrives. A schema ahead of the binary
// (the next release migrated first) counts as current: migrations add before they
// remove, so the old binary keeps working during a rolling deploy.
func (db *DB) SchemaCurrent(ctx context.Context) (bool, error) {
	latest, err := latestMigration()
	if err != nil || latest == "" {
		return latest == "", err
	}
	var applied bool
	// database/sql directly, like the rest of this file: bun would read $1 as text.
	err = db.DB.DB.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", latest).Scan(&applied)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == codeUndefinedTable {
		return false, nil // never migrated
	}
	return applied, err
}
