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
