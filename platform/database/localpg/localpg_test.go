package localpg

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func requireBinaries(t *testing.T) {
	t.Helper()
	if _, err := FindBinaries(); err != nil {
		t.Skipf("no PostgreSQL binaries: %v", err)
	}
}

// reachableTempDir makes a temporary folder the postgres OS user can reach when tests run
// as root (t.TempDir folders are 0700). On tmpfs when available: initdb is twice as fast.
func reachableTempDir(t *testing.T) string {
	t.Helper()
	base := ""
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() && fi.Mode().Perm()&0o003 == 0o003 {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "localpg-test-*")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	begin := time.Now()
	s, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("Start took %s (port %d)", time.Since(begin).Round(time.Millisecond), s.port)
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s
}

func connect(t *testing.T, url string) *pgx.Conn {
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

func TestStartStopPersists(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dir := reachableTempDir(t)
	ctx := context.Background()
	opts := Options{DataDir: dir, Ephemeral: true, Database: "app_db"}

	s := start(t, opts)
	if !strings.Contains(s.URL(), "/app_db?sslmode=disable") || !strings.Contains(s.AdminURL(), "/postgres?sslmode=disable") {
		t.Fatalf("unexpected URLs %q / %q", s.URL(), s.AdminURL())
	}
	conn := connect(t, s.URL())
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')"); err != nil {
		t.Fatal(err)
	}
	var locale string
	if err := conn.QueryRow(ctx, "SELECT datcollate FROM pg_database WHERE datname = current_database()").Scan(&locale); err != nil {
		t.Fatal(err)
	}
	t.Logf("cluster locale %s", locale)
	_ = conn.Close(ctx)

	if fi, err := os.Stat(filepath.Join(dir, "pg-password")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file: %v, mode %v", err, fi.Mode())
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := pgx.Connect(ctx, s.URL()); err == nil {
		t.Fatal("server still answers after Stop")
	}

	s2 := start(t, opts)
	conn2 := connect(t, s2.URL())
	var v string
	if err := conn2.QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != "survives" {
		t.Fatalf("after restart: %q, %v", v, err)
	}
	if s2.password != s.password {
		t.Fatal("password was regenerated for an existing cluster")
	}
}

// A postgres orphaned by an earlier run (its parent gone, reparented to init) is
// stopped and replaced.
func TestStopsOrphanedServer(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dir := reachableTempDir(t)
	first := start(t, Options{DataDir: dir, Ephemeral: true})
	cluster, bin := first.clusterDir, first.binDir
	if err := first.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The shell starts postgres in the background and exits: postgres is orphaned.
	port, _ := freePort()
	script := fmt.Sprintf("%q -D %q -p %d -h 127.0.0.1 -k '' >/dev/null 2>&1 &", filepath.Join(bin, "postgres"), cluster, port)
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if first.runAs != nil {
		cmd.SysProcAttr.Credential = first.runAs.credential()
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("starting the orphan: %v %s", err, out)
	}
	var orphan int
	deadline := time.Now().Add(20 * time.Second)
	for orphan == 0 && time.Now().Before(deadline) {
		if data, err := os.ReadFile(filepath.Join(cluster, "postmaster.pid")); err == nil {
			line, _, _ := strings.Cut(string(data), "\n")
			orphan, _ = strconv.Atoi(strings.TrimSpace(line))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if orphan == 0 || parentPID(orphan) > 1 {
		t.Skipf("could not make an orphaned postgres here (pid %d, parent %d)", orphan, parentPID(orphan))
	}
	s := start(t, Options{DataDir: dir, Ephemeral: true})
	if !waitProcessGone(orphan, 5*time.Second) {
		t.Fatal("orphaned server was not stopped")
	}
	conn := connect(t, s.URL())
	if err := conn.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A cluster held by another live server (a second `serve` on the same FS_DATA_DIR)
// is refused with a clear error, never stopped under that server's feet.
// A second process on the same data folder (`migrate status` while `dev` runs) uses the
// running server instead of refusing or stopping it, and leaves it running when done.
func TestAttachesToClusterOfAnotherLiveServer(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dir := reachableTempDir(t)
	owner := start(t, Options{DataDir: dir, Ephemeral: true})
	running.Delete(owner.clusterDir) // as if another process had started it
	guest, err := Start(context.Background(), Options{DataDir: dir, Database: "guestdb", Ephemeral: true})
	if err != nil {
		t.Fatalf("Start on a live server's cluster: %v", err)
	}
	if guest.port != owner.port || !guest.attached {
		t.Fatalf("guest port %d attached %v, want the owner's port %d", guest.port, guest.attached, owner.port)
	}
	gconn := connect(t, guest.URL())
	var db string
	if err := gconn.QueryRow(context.Background(), "SELECT current_database()").Scan(&db); err != nil || db != "guestdb" {
		t.Fatalf("guest database = %q, %v", db, err)
	}
	gconn.Close(context.Background())
	if err := guest.Stop(context.Background()); err != nil {
		t.Fatalf("guest Stop: %v", err)
	}
	running.Store(owner.clusterDir, struct{}{}) // let the cleanup stop it normally
	conn := connect(t, owner.URL())
	if err := conn.Ping(context.Background()); err != nil {
		t.Fatalf("the owner's server was stopped by the guest: %v", err)
	}
}

func TestSecondServerOnSameDirRefused(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dir := reachableTempDir(t)
	start(t, Options{DataDir: dir, Ephemeral: true})
	if s, err := Start(context.Background(), Options{DataDir: dir, Ephemeral: true}); err == nil {
		_ = s.Stop(context.Background())
		t.Fatal("second Start on the same cluster succeeded")
	}
}

func TestRelocatesUnreachableDataDirWhenRoot(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("only relevant when running as root")
	}
	parent := reachableTempDir(t)
	private := filepath.Join(parent, "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(private, "data")
	sum := sha256.Sum256([]byte(dataDir))
	want := filepath.Join(relocationRoot, hex.EncodeToString(sum[:])[:12])
	t.Cleanup(func() {
		_ = os.RemoveAll(want)
		_ = os.Remove(relocationRoot) // only if empty: other clusters may live there
	})

	s := start(t, Options{DataDir: dataDir, Ephemeral: true})
	if s.clusterDir != filepath.Join(want, "pg") {
		t.Fatalf("cluster in %s, want %s", s.clusterDir, filepath.Join(want, "pg"))
	}
	if fi, err := os.Stat(private); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("user folder permissions changed: %v %v", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "pg-password")); err != nil {
		t.Fatalf("password file should stay in the data dir: %v", err)
	}
	conn := connect(t, s.URL())
	if err := conn.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// The server must not outlive a parent killed with SIGKILL (no chance to call Stop).
func TestServerDiesWithParent(t *testing.T) {
	if dir := os.Getenv("LOCALPG_HELPER_DIR"); dir != "" {
		s, err := Start(context.Background(), Options{DataDir: dir, Ephemeral: true})
		if err != nil {
			os.Stdout.WriteString("error " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("ready " + strconv.Itoa(s.cmd.Process.Pid) + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	requireBinaries(t)
	t.Parallel()
	dir := reachableTempDir(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestServerDiesWithParent$")
	cmd.Env = append(os.Environ(), "LOCALPG_HELPER_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready ") {
		t.Fatalf("helper: %q %v", line, err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "ready ")))
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if !waitProcessGone(pid, 15*time.Second) {
		_ = syscall.Kill(pid, syscall.SIGQUIT)
		t.Fatalf("postgres (pid %d) outlived its killed parent", pid)
	}
}

func TestInterruptedInitdbIsCleanedUp(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dir := reachableTempDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(150 * time.Millisecond); cancel() }()
	s, err := Start(ctx, Options{DataDir: dir, Ephemeral: true})
	if err == nil {
		_ = s.Stop(context.Background())
		t.Skip("initdb finished before the cancel")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want an interruption error, got %v", err)
	}
	// As if the process had died mid-initdb: leftovers in the cluster folder, and the
	// marker saying they are ours.
	if err := os.WriteFile(filepath.Join(dir, "pg", "half-written"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".pg-initdb-in-progress")); err != nil {
		t.Fatalf("initdb marker missing: %v", err)
	}
	start(t, Options{DataDir: dir, Ephemeral: true})
	if _, err := os.Stat(filepath.Join(dir, ".pg-initdb-in-progress")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("initdb marker left behind: %v", err)
	}
}

func TestBusyPortIsAClearError(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	s, err := Start(context.Background(), Options{DataDir: reachableTempDir(t), Ephemeral: true, Port: port})
	if err == nil {
		_ = s.Stop(context.Background())
		t.Fatal("Start succeeded on a busy port")
	}
	if !errors.Is(err, errAddrInUse) || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Fatalf("unclear error: %v", err)
	}
	t.Logf("error: %v", err)
}

// Another PostgreSQL on our fixed port answers (and rejects our password) while ours
// fails to bind: the error must be about the port, and we must not talk to that server.
func TestPortHeldByAnotherPostgres(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	other := start(t, Options{DataDir: reachableTempDir(t), Ephemeral: true})
	s, err := Start(context.Background(), Options{DataDir: reachableTempDir(t), Ephemeral: true, Port: other.port})
	if err == nil {
		_ = s.Stop(context.Background())
		t.Fatal("Start succeeded on a port held by another server")
	}
	if !errors.Is(err, errAddrInUse) {
		t.Fatalf("want a port-in-use error, got %v", err)
	}
}

// A folder that is not ours is never wiped.
func TestRefusesForeignClusterFolder(t *testing.T) {
	requireBinaries(t)
	t.Parallel()
	dir := reachableTempDir(t)
	if err := os.MkdirAll(filepath.Join(dir, "pg"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pg", "precious"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Start(context.Background(), Options{DataDir: dir, Ephemeral: true}); err == nil {
		_ = s.Stop(context.Background())
		t.Fatal("Start used a non-empty folder that holds no cluster")
	} else {
		t.Logf("error: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg", "precious")); err != nil {
		t.Fatalf("foreign file removed: %v", err)
	}
}

func TestUnreachable(t *testing.T) {
	dir := reachableTempDir(t)
	closed := filepath.Join(dir, "closed")
	inner := filepath.Join(closed, "inner")
	if err := os.MkdirAll(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	nobody := &osUser{uid: 65534, gid: 65534, groups: []uint32{65534}}
	if got := nobody.unreachable(inner); got != closed {
		t.Fatalf("unreachable(%s) = %q, want %q", inner, got, closed)
	}
	if got := nobody.unreachable(dir); got != "" {
		t.Fatalf("unreachable(%s) = %q, want \"\"", dir, got)
	}
}

func TestVersionOrdering(t *testing.T) {
	tmp := t.TempDir()
	for _, v := range []string{"9.6", "15", "16", "10"} {
		if err := os.MkdirAll(filepath.Join(tmp, v, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got := globByVersion(filepath.Join(tmp, "*", "bin"))
	var versions []string
	for _, p := range got {
		versions = append(versions, filepath.Base(filepath.Dir(p)))
	}
	if strings.Join(versions, " ") != "16 15 10 9.6" {
		t.Fatalf("order %v", versions)
	}
}
