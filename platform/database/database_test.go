package database_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func open(t *testing.T) *database.DB {
	t.Helper()
	t.Parallel()
	db, err := database.Open(context.Background(), testkit.NewDatabase(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

type item struct {
	ID   int    `bun:"id"`
	Name string `bun:"name"`
}

func TestPreparedQueries(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, meta jsonb)"); err != nil {
		t.Fatal(err)
	}
	var it item
	// No row must be an error, never a zero value: the session lookup relies on it.
	if err := db.PreparedOne(ctx, &it, "SELECT id, name FROM items WHERE id = $1", 1); !database.IsNoRows(err) {
		t.Fatalf("PreparedOne on no rows = %v, want sql.ErrNoRows", err)
	}
	err := db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := db.Conn(ctx).NewRaw("INSERT INTO items VALUES (1, 'one', '{\"a\": 1}'), (2, 'two', NULL)").Exec(ctx); err != nil {
			return err
		}
		// Inside WithTx the prepared query runs in the transaction and sees its rows.
		return db.PreparedOne(ctx, &it, "SELECT id, name FROM items WHERE id = $1", 1)
	})
	if err != nil || it.Name != "one" {
		t.Fatalf("PreparedOne in a transaction: %+v %v", it, err)
	}
	var all []item
	if err := db.PreparedAll(ctx, &all, "SELECT id, name FROM items WHERE id >= $1 ORDER BY id", 1); err != nil || len(all) != 2 {
		t.Fatalf("PreparedAll: %+v %v", all, err)
	}
	// bun's own queries go over the simple protocol; a jsonb "?" operator in them
	// is escaped as bun requires, and arguments are interpolated safely.
	var n int
	if err := db.NewRaw("SELECT count(*) FROM items WHERE meta \\? 'a' AND name = ?", "one'; DROP TABLE items; --").Scan(ctx, &n); err != nil || n != 0 {
		t.Fatalf("simple-protocol query: n=%d err=%v", n, err)
	}
	if err := db.NewRaw("SELECT count(*) FROM items WHERE meta \\? ?", "a").Scan(ctx, &n); err != nil || n != 1 {
		t.Fatalf("jsonb operator: n=%d err=%v", n, err)
	}
}

func TestWithTxRollsBackAndJoins(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := db.Conn(ctx).NewRaw("INSERT INTO items VALUES (1, 'one')").Exec(ctx); err != nil {
			return err
		}
		// A nested WithTx joins: its failure rolls back the outer work too.
		return db.WithTx(ctx, func(ctx context.Context) error { return boom })
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx = %v, want boom", err)
	}
	var n int
	if err := db.NewRaw("SELECT count(*) FROM items").Scan(ctx, &n); err != nil || n != 0 {
		t.Fatalf("rolled-back row visible: n=%d err=%v", n, err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO items VALUES (1, 'x')"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO items VALUES (1, 'y')"); !database.IsUniqueViolation(err, "items_pkey") || database.IsUniqueViolation(err, "other") {
		t.Fatalf("IsUniqueViolation: %v", err)
	}
}

func TestMigrateDownAndUp(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	status, err := db.MigrationStatus(ctx)
	if err != nil || len(status) == 0 {
		t.Fatalf("status: %v %v", status, err)
	}
	for _, m := range status {
		if m.AppliedAt == nil {
			t.Fatalf("template database has %s pending", m.Version)
		}
	}
	last := status[len(status)-1].Version
	if v, err := db.MigrateDown(ctx); err != nil || v != last {
		t.Fatalf("down = %q %v, want %q", v, err, last)
	}
	applied, err := db.MigrateUp(ctx)
	if err != nil || len(applied) != 1 || applied[0] != last {
		t.Fatalf("up = %v %v, want [%s]", applied, err, last)
	}
}
