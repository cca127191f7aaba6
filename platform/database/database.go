// Package database owns the connection to PostgreSQL: a *bun.DB over pgx, the
// transaction helpers every store uses, the migration runner, PostgreSQL error
// helpers and, when FS_DB_URL is unset, a private server started from the
// installed binaries (see localpg).
package database

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// DB is the application's database handle. Stores keep a *DB and obtain the handle
// for each query from Conn(ctx), so a transaction opened by a service (or another
// module's service) is picked up without being threaded through every call.
type DB struct {
	*bun.DB
}

type txKey struct{}

// Open connects to url with at most maxConns connections and checks the server answers.
func Open(ctx context.Context, url string, maxConns int) (*DB, error) {
	pcfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database: FS_DB_URL is not a valid PostgreSQL URL: %w", err)
	}
	// bun interpolates arguments into the SQL text itself, so every statement is
	// unique and arrives without parameters. pgx's default mode would prepare and
	// cache each one: an extra round trip per query and a cache that never hits.
	// The simple protocol sends it in one round trip. (Queries that do pass
	// parameters, such as River's, are escaped by pgx client-side in this mode.)
	pcfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	sqldb := stdlib.OpenDB(*pcfg)
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pingCtx); err != nil {
		_ = sqldb.Close()
		return nil, fmt.Errorf("database: cannot reach PostgreSQL at %s: %w", redact(pcfg), err)
	}
	return &DB{bun.NewDB(sqldb, pgdialect.New())}, nil
}

// Conn returns the transaction open in ctx, or the pool.
func (db *DB) Conn(ctx context.Context) bun.IDB {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return tx
	}
	return db.DB
}

// Querier is the database/sql handle behind Conn(ctx): the open transaction or the pool.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PreparedOne runs a hot-path query written with $n placeholders as a prepared
// statement that pgx caches per connection, so PostgreSQL parses and plans it once
// per connection instead of on every request, and scans its single row into dest
// (a bun model or scalars). No row is sql.ErrNoRows, as with bun's Scan.
//
// bun interpolates arguments into the SQL text, so its queries are all distinct and
// go over the simple protocol (see Open); keep this for the few queries that run
// on every request.
func (db *DB) PreparedOne(ctx context.Context, dest any, query string, args ...any) error {
	rows, err := db.prepared(ctx, query, args)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := db.ScanRow(ctx, rows, dest); err != nil {
		return err
	}
	return rows.Close()
}

// PreparedAll is PreparedOne for any number of rows, scanned into a slice.
func (db *DB) PreparedAll(ctx context.Context, dest any, query string, args ...any) error {
	rows, err := db.prepared(ctx, query, args)
	if err != nil {
		return err
	}
	return db.ScanRows(ctx, rows, dest)
}

func (db *DB) prepared(ctx context.Context, query string, args []any) (*sql.Rows, error) {
	var q Querier = db.DB.DB
	if tx, ok := db.Tx(ctx); ok {
		q = tx
	}
	return q.QueryContext(ctx, query, append([]any{pgx.QueryExecModeCacheStatement}, args...)...)
}

// Tx returns the *sql.Tx open in ctx, for libraries that take one (River).
func (db *DB) Tx(ctx context.Context) (*sql.Tx, bool) {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return tx.Tx, true
	}
	return nil, false
}

// WithTx runs fn in a transaction, committing when fn returns nil. A nested call
// joins the outer transaction, so services compose without knowing who opened it.
func (db *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return fn(ctx)
	}
	return db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

func redact(c *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.Database)
}
