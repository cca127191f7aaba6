package testkit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestParallelDatabasesAreIsolated(t *testing.T) {
	var (
		mu   sync.Mutex
		urls = map[string]string{}
		// Both tests write before either reads, when the runner lets them overlap.
		written sync.WaitGroup
	)
	names := []string{"alpha", "beta"}
	written.Add(len(names))
	t.Run("group", func(t *testing.T) {
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				begin := time.Now()
				url := testkit.NewDatabase(t)
				t.Logf("NewDatabase took %s", time.Since(begin).Round(time.Microsecond))
				mu.Lock()
				urls[name] = url
				mu.Unlock()

				conn := connect(t, url)
				var migrated bool
				if err := conn.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&migrated); err != nil || !migrated {
					t.Fatalf("clone is not migrated (schema_migrations missing): %v", err)
				}
				if _, err := conn.Exec(ctx, "CREATE TABLE probe (owner text)"); err != nil {
					t.Fatal(err)
				}
				if _, err := conn.Exec(ctx, "INSERT INTO probe VALUES ($1)", name); err != nil {
					t.Fatal(err)
				}
				written.Done()
				waitTimeout(&written, 10*time.Second)

				rows, err := conn.Query(ctx, "SELECT owner FROM probe")
				if err != nil {
					t.Fatal(err)
				}
				owners, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				if len(owners) != 1 || owners[0] != name {
					t.Fatalf("probe rows = %v, want only %q", owners, name)
				}
			})
		}
	})
	if urls["alpha"] == "" || urls["alpha"] == urls["beta"] {
		t.Fatalf("databases not distinct: %v", urls)
	}
	// Each database was dropped by its test's cleanup.
	for name, url := range urls {
		conn, err := pgx.Connect(context.Background(), url)
		var pgErr *pgconn.PgError
		if err == nil {
			_ = conn.Close(context.Background())
			t.Errorf("%s: database still exists after its test ended", name)
		} else if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
			t.Errorf("%s: connecting to the dropped database: %v", name, err)
		}
	}
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d): // -parallel 1: the other test runs after us, still isolated
	}
}

func BenchmarkNewDatabase(b *testing.B) {
	testkit.NewDatabase(b) // server start and template migration happen before b.Loop's timer
	for b.Loop() {
		testkit.NewDatabase(b)
	}
}
