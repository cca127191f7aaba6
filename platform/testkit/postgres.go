// Package testkit holds the test helpers every package shares. Its PostgreSQL helper
// gives each test a database of its own, cloned from a template migrated once per test
// process, so tests run against a real PostgreSQL, in parallel, without sharing state.
//
// Test packages that need a database opt in with
//
//	func TestMain(m *testing.M) { testkit.Main(m) }
//
// and call NewDatabase(t) in each test. The server is the one in FS_TEST_DB_URL (a
// superuser URL pointing at any database on it) or, when unset, a private throw-away
// PostgreSQL started from the installed binaries (see localpg) and removed at the end.
package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/database/localpg"
)

// EnvTestDBURL names the variable pointing the tests at an existing server.
const EnvTestDBURL = "FS_TEST_DB_URL"

const tempDirPattern = "fs-testpg-*"

type pgState struct {
	url      string // superuser URL of the server (any database)
	template string
	prefix   string          // of clone names
	server   *localpg.Server // nil with FS_TEST_DB_URL
	dir      string          // data folder of server

	mu    sync.Mutex // serialises use of admin: one CREATE DATABASE from the template at a time
	admin *pgx.Conn
}

var (
	mainRunning atomic.Bool
	setupOnce   sync.Once
	setupErr    error
	pg          *pgState
	cloneSeq    atomic.Uint64
)

// Main runs the package's tests and then drops the template and stops the private
// server, if this process started one. Call it from TestMain.
func Main(m *testing.M) {
	mainRunning.Store(true)
	code := m.Run()
	if err := teardown(); err != nil {
		fmt.Fprintln(os.Stderr, "testkit:", err)
	}
	os.Exit(code)
}

// NewDatabase creates a fresh database cloned from the migrated template, registers a
// cleanup that drops it, and returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	if !mainRunning.Load() {
		t.Fatal("testkit: NewDatabase needs testkit.Main; add `func TestMain(m *testing.M) { testkit.Main(m) }` to this package's tests")
	}
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("testkit: %v", setupErr)
	}
	name := fmt.Sprintf("%s_%d", pg.prefix, cloneSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pg.exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(pg.template)); err != nil {
		t.Fatalf("testkit: cannot clone the template database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := pg.exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("testkit: cannot drop test database %s: %v", name, err)
		}
	})
	return withDatabase(pg.url, name)
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tag := fmt.Sprintf("%d_%s", os.Getpid(), randomHex(4))
	st := &pgState{
		url:      os.Getenv(EnvTestDBURL),
		template: "fs_tpl_" + tag,
		prefix:   "fs_t_" + tag,
	}
	pg = st // so teardown cleans up whatever part of setup succeeded
	if st.url == "" {
		if err := st.startServer(ctx); err != nil {
			return err
		}
	} else if _, err := pgx.ParseConfig(st.url); err != nil {
		return fmt.Errorf("%s is not a valid PostgreSQL URL: %w", EnvTestDBURL, err)
	}
	if err := st.exec(ctx, "CREATE DATABASE "+ident(st.template)); err != nil {
		return fmt.Errorf("cannot create the template database: %w", err)
	}
	if err := database.MigrateURL(ctx, withDatabase(st.url, st.template)); err != nil {
		return fmt.Errorf("cannot migrate the template database: %w", err)
	}
	// Nobody may connect to the template from now on: CREATE DATABASE ... TEMPLATE
	// fails while the template has sessions.
	if err := st.exec(ctx, "ALTER DATABASE "+ident(st.template)+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return fmt.Errorf("cannot lock the template database: %w", err)
	}
	// The migration's sessions end asynchronously after it closes its pool; CREATE
	// DATABASE would wait for them in 100 ms steps, so wait here in finer ones.
	for deadline := time.Now().Add(10 * time.Second); ; {
		var n int
		err := st.queryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", []any{st.template}, &n)
		if err != nil {
			return fmt.Errorf("cannot check sessions on the template database: %w", err)
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the template database still has %d sessions after migrating", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (st *pgState) startServer(ctx context.Context) error {
	sweepStaleDirs()
	dir, err := os.MkdirTemp(tempBase(), tempDirPattern)
	if err != nil {
		return fmt.Errorf("cannot create a folder for the test PostgreSQL: %w", err)
	}
	st.dir = dir
	// 0755: when tests run as root, postgres runs as the postgres user and must reach it.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	srv, err := localpg.Start(ctx, localpg.Options{DataDir: dir, Ephemeral: true, Database: "postgres"})
	if err != nil {
		return err
	}
	st.server = srv
	st.url = srv.AdminURL()
	return nil
}

// exec runs one statement on the shared admin connection.
func (st *pgState) exec(ctx context.Context, sql string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.connectLocked(ctx); err != nil {
		return err
	}
	_, err := st.admin.Exec(ctx, sql)
	return err
}

func (st *pgState) queryRow(ctx context.Context, sql string, args []any, dest ...any) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.connectLocked(ctx); err != nil {
		return err
	}
	return st.admin.QueryRow(ctx, sql, args...).Scan(dest...)
}

// connectLocked (re)opens the admin connection if it is missing or was lost.
func (st *pgState) connectLocked(ctx context.Context) error {
	if st.admin != nil && !st.admin.IsClosed() {
		return nil
	}
	conn, err := pgx.Connect(ctx, st.url)
	if err != nil {
		return fmt.Errorf("cannot connect to the test PostgreSQL: %w", err)
	}
	st.admin = conn
	return nil
}

func teardown() error {
	st := pg
	if st == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs []error
	// A private server is thrown away whole; on a shared one, leave nothing behind.
	if st.server == nil && st.admin != nil {
		if err := st.exec(ctx, "DROP DATABASE IF EXISTS "+ident(st.template)+" WITH (FORCE)"); err != nil {
			errs = append(errs, fmt.Errorf("cannot drop template database %s: %w", st.template, err))
		}
	}
	if st.admin != nil {
		_ = st.admin.Close(ctx)
	}
	if st.server != nil {
		if err := st.server.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if st.dir != "" {
		if err := os.RemoveAll(st.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// tempBase picks where private servers live. A tmpfs (/dev/shm) when it has room: on
// a disk file system every clone creates some 300 files, and ext4 inode allocation made
// a clone take 150-300 ms instead of under 20 ms. Otherwise the temp folder, unless we
// are root and the postgres user could not reach it (localpg would then relocate the
// cluster out of the folder we remove at the end).
func tempBase() string {
	if isRoomyTmpfs("/dev/shm") && (os.Geteuid() != 0 || traversableByAll("/dev/shm")) {
		return "/dev/shm"
	}
	candidates := []string{os.TempDir(), "/tmp", "/var/tmp"}
	if os.Geteuid() != 0 {
		return candidates[0]
	}
	for _, c := range candidates {
		if traversableByAll(c) {
			return c
		}
	}
	return candidates[0]
}

// isRoomyTmpfs: a cluster with its WAL takes a few hundred MB at most; container
// defaults (64 MB /dev/shm) are too small.
func isRoomyTmpfs(dir string) bool {
	const tmpfsMagic = 0x01021994
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return false
	}
	return int64(st.Type) == tmpfsMagic && uint64(st.Bavail)*uint64(st.Bsize) >= 1<<30
}

func traversableByAll(dir string) bool {
	p, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(p)
		if parent == p {
			return true
		}
		p = parent
	}
}

// sweepStaleDirs removes the folders of private servers whose test process died without
// cleaning up (killed, or timed out). Their postgres stops by itself when its parent
// dies, so a folder is stale once neither process is alive.
func sweepStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(tempBase(), tempDirPattern))
	for _, d := range dirs {
		owner, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			// Just created by a process that has not written owner.pid yet, or not ours.
			if fi, err := os.Stat(d); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
				_ = os.RemoveAll(d)
			}
			continue
		}
		if pidAlive(string(owner)) {
			continue
		}
		if pm, err := os.ReadFile(filepath.Join(d, "pg", "postmaster.pid")); err == nil {
			first, _, _ := strings.Cut(string(pm), "\n")
			if pidAlive(first) {
				continue
			}
		}
		_ = os.RemoveAll(d)
	}
}

func pidAlive(s string) bool {
	pid, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || pid <= 0 {
		return false
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// withDatabase returns dsn (URL or keyword/value form) pointing at database db.
func withDatabase(dsn, db string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			u.Path = "/" + db
			u.RawPath = ""
			return u.String()
		}
	}
	// Keyword/value form: a later dbname overrides an earlier one.
	return dsn + " dbname=" + db
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
