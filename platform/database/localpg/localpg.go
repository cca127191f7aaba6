// Package localpg runs a private PostgreSQL server from the PostgreSQL binaries installed
// on the machine.
//
// It exists so that FastSvelte works with zero configuration: `fastsvelte serve` without
// FS_DB_URL gets a real PostgreSQL (same SQL, same locking, same behaviour as production)
// whose data persists in the data folder between runs, and tests get a throw-away server
// without Docker or a system service. The server is a child process bound to loopback
// TCP only (no unix socket), protected by a generated password, and it dies with us.
//
// PostgreSQL refuses to run as root, so when we are root initdb and postgres run as the
// "postgres" OS user, and the cluster lives in a folder that user can reach.
package localpg

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Options configures Start.
type Options struct {
	// DataDir holds the cluster (DataDir/pg), its generated password (DataDir/pg-password,
	// mode 0600) and the server log (DataDir/postgres.log). Required.
	DataDir string
	// Port is the loopback TCP port; 0 picks a free port at every start.
	Port int
	// Database is created if missing; default "fastsvelte".
	Database string
	// Ephemeral trades durability for speed (fsync, synchronous_commit and
	// full_page_writes off): for tests, where nothing needs to survive a crash.
	Ephemeral bool
	// Logger receives progress lines; nil discards them.
	Logger *slog.Logger
}

// Server is a running private PostgreSQL server. Stop it with Stop.
type Server struct {
	opts       Options
	log        *slog.Logger
	binDir     string
	dataDir    string // absolute Options.DataDir
	baseDir    string // parent of the cluster: dataDir, or a relocated folder when root
	clusterDir string
	logPath    string
	password   string
	port       int
	runAs      *osUser // nil: run as ourselves
	attached   bool    // another process runs the server; Stop leaves it running

	logFile   *os.File
	logOffset int64 // where this start's output begins in the log file

	cmd     *exec.Cmd
	done    chan struct{} // closed when the postgres process has exited
	waitErr error

	stopMu  sync.Mutex
	stopped bool
	stopErr error
}

const (
	superuser      = "fastsvelte"
	defaultDB      = "fastsvelte"
	readyTimeout   = 60 * time.Second
	stopTimeout    = 30 * time.Second
	relocationRoot = "/var/lib/fastsvelte"
	logRotateSize  = 10 << 20
)

// running guards against two Servers of this process sharing one cluster (the second
// would otherwise take the first for a leftover of an earlier run and stop it).
var running sync.Map // clusterDir -> struct{}

// Start initialises the cluster on first use, starts the server and waits until it
// accepts connections and Options.Database exists.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.DataDir == "" {
		return nil, errors.New("localpg: Options.DataDir is required")
	}
	if opts.Database == "" {
		opts.Database = defaultDB
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("localpg: cannot resolve data directory %q: %w", opts.DataDir, err)
	}
	binDir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:    opts,
		log:     logger,
		binDir:  binDir,
		dataDir: dataDir,
		logPath: filepath.Join(dataDir, "postgres.log"),
	}
	if os.Geteuid() == 0 {
		if s.runAs, err = lookupOSUser("postgres"); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("localpg: cannot create data directory %s: %w", dataDir, err)
	}
	if err := s.chooseBaseDir(); err != nil {
		return nil, err
	}
	s.clusterDir = filepath.Join(s.baseDir, "pg")
	if _, busy := running.LoadOrStore(s.clusterDir, struct{}{}); busy {
		return nil, fmt.Errorf("localpg: a server of this process already uses %s", s.clusterDir)
	}
	ok := false
	defer func() {
		if !ok {
			s.closeLog()
			running.Delete(s.clusterDir)
		}
	}()

	if err := s.openLog(); err != nil {
		return nil, err
	}
	if err := s.prepareCluster(ctx); err != nil {
		return nil, err
	}
	attached, err := s.takeOverRunning(ctx)
	if err != nil {
		return nil, err
	}
	if !attached {
		if err := s.startWithRetry(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.ensureDatabase(ctx); err != nil {
		_ = s.Stop(context.Background())
		return nil, err
	}
	ok = true
	if attached {
		return s, nil
	}
	s.log.Info(fmt.Sprintf("PostgreSQL ready on 127.0.0.1:%d", s.port), "data", s.clusterDir)
	return s, nil
}

// URL is the superuser connection URL of Options.Database.
func (s *Server) URL() string { return s.urlFor(s.opts.Database) }

// AdminURL is the superuser connection URL of the "postgres" maintenance database.
func (s *Server) AdminURL() string { return s.urlFor("postgres") }

func (s *Server) urlFor(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, s.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Stop shuts the server down (fast shutdown: open transactions are rolled back) and
// waits for it to exit, escalating to SIGQUIT and then SIGKILL if it hangs or ctx ends.
// An attached server is left running for the process that started it. Calling Stop
// again returns the first result.
func (s *Server) Stop(ctx context.Context) error {
	s.stopMu.Lock()
	defer s.stopMu.Unlock()
	if s.stopped {
		return s.stopErr
	}
	s.stopped = true
	s.stopErr = s.stopProcess(ctx)
	s.closeLog()
	running.Delete(s.clusterDir)
	return s.stopErr
}

func (s *Server) stopProcess(ctx context.Context) error {
	if s.cmd == nil || s.exited() {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-s.done:
		return nil
	case <-timer.C:
		s.log.Warn("PostgreSQL did not stop after fast shutdown; sending SIGQUIT", "timeout", stopTimeout)
	case <-ctx.Done():
		s.log.Warn("PostgreSQL stop interrupted; sending SIGQUIT", "err", ctx.Err())
	}
	_ = s.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-s.done:
		return nil
	case <-time.After(10 * time.Second):
	}
	_ = s.cmd.Process.Kill()
	select {
	case <-s.done:
		return nil
	case <-time.After(5 * time.Second):
		return fmt.Errorf("localpg: PostgreSQL (pid %d) did not exit even after SIGKILL", s.cmd.Process.Pid)
	}
}

func (s *Server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// ---- data directory placement ---------------------------------------------------------

// chooseBaseDir decides where the cluster lives. Normally in DataDir; when we are root and
// the postgres user cannot reach DataDir (e.g. it is under /root, mode 0700) we leave the
// user's folder permissions alone and use /var/lib/fastsvelte/<hash of DataDir> instead.
func (s *Server) chooseBaseDir() error {
	s.baseDir = s.dataDir
	if s.runAs == nil {
		return nil
	}
	blocked := s.runAs.unreachable(s.dataDir)
	if blocked == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(s.dataDir))
	base := filepath.Join(relocationRoot, hex.EncodeToString(sum[:])[:12])
	if err := os.MkdirAll(relocationRoot, 0o755); err != nil {
		return fmt.Errorf("localpg: cannot create %s: %w", relocationRoot, err)
	}
	if err := os.Mkdir(base, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("localpg: cannot create %s: %w", base, err)
	}
	if err := os.Chown(base, int(s.runAs.uid), int(s.runAs.gid)); err != nil {
		return fmt.Errorf("localpg: cannot hand %s to the postgres user: %w", base, err)
	}
	if b := s.runAs.unreachable(base); b != "" {
		return fmt.Errorf("localpg: the postgres user cannot reach %s (blocked at %s) nor %s", s.dataDir, blocked, b)
	}
	// A note for humans wondering what this folder belongs to.
	_ = os.WriteFile(filepath.Join(base, "ORIGIN"), []byte(s.dataDir+"\n"), 0o644)
	s.baseDir = base
	s.log.Info(fmt.Sprintf("PostgreSQL data for %s lives in %s (the postgres user cannot reach %s)",
		s.dataDir, filepath.Join(base, "pg"), blocked))
	return nil
}

// prepareCluster loads (or creates) the password and runs initdb if the cluster is new.
func (s *Server) prepareCluster(ctx context.Context) error {
	initialised := fileExists(filepath.Join(s.clusterDir, "PG_VERSION"))
	pwPath := filepath.Join(s.dataDir, "pg-password")
	pw, err := os.ReadFile(pwPath)
	switch {
	case err == nil:
		s.password = strings.TrimSpace(string(pw))
		if s.password == "" {
			return fmt.Errorf("localpg: password file %s is empty; delete it and %s to start over", pwPath, s.clusterDir)
		}
	case errors.Is(err, fs.ErrNotExist) && !initialised:
		s.password = randomHex(24)
		if err := writeFileAtomic(pwPath, []byte(s.password+"\n"), 0o600); err != nil {
			return fmt.Errorf("localpg: cannot write password file: %w", err)
		}
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("localpg: cluster %s exists but its password file %s is missing; delete %s to re-initialise it",
			s.clusterDir, pwPath, s.clusterDir)
	default:
		return fmt.Errorf("localpg: cannot read password file: %w", err)
	}

	if err := os.MkdirAll(s.clusterDir, 0o700); err != nil {
		return fmt.Errorf("localpg: cannot create cluster directory: %w", err)
	}
	if err := s.fixClusterOwnership(); err != nil {
		return err
	}
	if initialised {
		return nil
	}
	// The marker tells a later run that leftovers in the cluster folder come from an
	// initdb of ours that was cut short, and may be wiped.
	marker := filepath.Join(s.baseDir, ".pg-initdb-in-progress")
	if entries, _ := os.ReadDir(s.clusterDir); len(entries) > 0 {
		if !fileExists(marker) {
			return fmt.Errorf("localpg: %s is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or delete it", s.clusterDir)
		}
		if err := emptyDir(s.clusterDir); err != nil {
			return fmt.Errorf("localpg: cannot clear the remains of an interrupted initdb in %s: %w", s.clusterDir, err)
		}
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		return fmt.Errorf("localpg: cannot write %s: %w", marker, err)
	}
	if err := s.initdb(ctx); err != nil {
		_ = emptyDir(s.clusterDir)
		return err
	}
	_ = os.Remove(marker)
	return nil
}

// fixClusterOwnership makes the cluster folder belong to the user running postgres, with
// the 0700 mode postgres insists on. The folder is ours alone, so this is safe.
func (s *Server) fixClusterOwnership() error {
	fi, err := os.Stat(s.clusterDir)
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if fi.Mode().Perm()&0o027 != 0 {
		if err := os.Chmod(s.clusterDir, 0o700); err != nil {
			return fmt.Errorf("localpg: cannot restrict permissions of %s: %w", s.clusterDir, err)
		}
	}
	if s.runAs == nil {
		return nil
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid == s.runAs.uid {
		return nil
	}
	err = filepath.WalkDir(s.clusterDir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(s.runAs.uid), int(s.runAs.gid))
	})
	if err != nil {
		return fmt.Errorf("localpg: cannot hand %s to the postgres user: %w", s.clusterDir, err)
	}
	return nil
}

func (s *Server) initdb(ctx context.Context) error {
	s.log.Info("initialising PostgreSQL cluster in " + s.clusterDir)
	// The password goes through a file so it never shows in a process list; the file
	// must be readable by the user initdb runs as, so it sits in the (reachable) base dir.
	f, err := os.CreateTemp(s.baseDir, ".initdb-pw-*")
	if err != nil {
		return fmt.Errorf("localpg: cannot create initdb password file: %w", err)
	}
	pwFile := f.Name()
	defer os.Remove(pwFile)
	_, err = f.WriteString(s.password + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && s.runAs != nil {
		err = os.Chown(pwFile, int(s.runAs.uid), int(s.runAs.gid))
	}
	if err != nil {
		return fmt.Errorf("localpg: cannot write initdb password file: %w", err)
	}

	run := func(locale string) ([]byte, error) {
		args := []string{
			"-D", s.clusterDir, "-U", superuser, "--auth=scram-sha-256", "--pwfile=" + pwFile,
			"-E", "UTF8", "--locale=" + locale,
		}
		if s.opts.Ephemeral {
			args = append(args, "--no-sync")
		}
		cmd := exec.CommandContext(ctx, filepath.Join(s.binDir, "initdb"), args...)
		// On cancel, let initdb stop its bootstrap backend and clean up after itself.
		cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
		cmd.WaitDelay = 10 * time.Second
		cmd.Dir = s.baseDir
		cmd.Env = childEnv()
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.runAs.credential()}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		_, _ = s.logFile.Write(out.Bytes())
		return out.Bytes(), err
	}
	out, err := run("C.UTF-8")
	if err != nil && ctx.Err() == nil && bytes.Contains(bytes.ToLower(out), []byte("locale")) {
		s.log.Info("locale C.UTF-8 unavailable, initialising with locale C")
		out, err = run("C")
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("localpg: initdb interrupted: %w", ctx.Err())
		}
		return fmt.Errorf("localpg: initdb failed (%v): %s", err, lastLines(out, 10))
	}
	return nil
}

// ---- running the server -----------------------------------------------------------------

func (s *Server) startWithRetry(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		port := s.opts.Port
		if port == 0 {
			var err error
			if port, err = freePort(); err != nil {
				return fmt.Errorf("localpg: cannot find a free loopback port: %w", err)
			}
		}
		err := s.startOnce(ctx, port)
		if err == nil {
			return nil
		}
		// Another process may grab the port between our probe and postgres binding it.
		if s.opts.Port == 0 && attempt == 1 && errors.Is(err, errAddrInUse) {
			s.log.Info("port taken meanwhile, retrying with another one", "port", port)
			continue
		}
		return err
	}
}

var errAddrInUse = errors.New("address already in use")

func (s *Server) startOnce(ctx context.Context, port int) error {
	s.port = port
	if off, err := s.logFile.Seek(0, io.SeekEnd); err == nil {
		s.logOffset = off
	}
	args := []string{"-D", s.clusterDir, "-p", strconv.Itoa(port), "-h", "127.0.0.1", "-k", ""}
	if s.opts.Ephemeral {
		args = append(args,
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off",
			// Parallel tests each hold a small pool; the initdb default of 100 runs out.
			"-c", "max_connections=300",
			// Checkpoint often (cheap without fsync) so WAL stays small: test clusters
			// often live on tmpfs, i.e. in memory.
			"-c", "min_wal_size=32MB",
			"-c", "max_wal_size=128MB",
		)
	}
	cmd := exec.Command(filepath.Join(s.binDir, "postgres"), args...)
	cmd.Dir = s.baseDir
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = s.logFile, s.logFile
	// Own process group: a terminal Ctrl-C reaches only us, and we stop postgres cleanly.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: s.runAs.credential()}
	// If we die without Stop, the kernel sends SIGINT (fast shutdown) to postgres.
	setPdeathsig(cmd.SysProcAttr, syscall.SIGINT)

	s.cmd = cmd
	s.done = make(chan struct{})
	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the *thread* that forked the child exits, not the
		// process; keep this thread alive, and ours alone, for the server's lifetime.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			close(s.done)
			return
		}
		started <- nil
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("localpg: cannot run postgres: %w", err)
	}

	if err := s.waitReady(ctx); err != nil {
		if !s.exited() {
			_ = cmd.Process.Signal(syscall.SIGQUIT)
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-s.done
			}
		}
		return err
	}
	return nil
}

// waitReady connects in a loop until the server answers, it exits, ctx ends or 60s pass.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	// Attempts end as soon as postgres exits: a connect to a port someone else holds
	// could otherwise hang for the whole connect timeout.
	attemptCtx, cancelAttempts := context.WithCancel(ctx)
	defer cancelAttempts()
	go func() {
		select {
		case <-s.done:
			cancelAttempts()
		case <-attemptCtx.Done():
		}
	}()
	cfg, err := pgx.ParseConfig(s.AdminURL())
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	cfg.ConnectTimeout = 2 * time.Second
	delay := 10 * time.Millisecond
	for {
		conn, err := pgx.ConnectConfig(attemptCtx, cfg)
		if err == nil {
			// With a fixed port, whoever answers may be another server that holds it
			// while ours fails to bind.
			var dir string
			err = conn.QueryRow(attemptCtx, "SELECT current_setting('data_directory')").Scan(&dir)
			_ = conn.Close(ctx)
			if err == nil && s.isOurDataDir(dir) {
				return nil
			}
			if err == nil {
				err = fmt.Errorf("another PostgreSQL (data directory %s) answers on port %d", dir, s.port)
			}
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (pgErr.Code == "28P01" || pgErr.Code == "28000") && !s.exitsSoon() {
			return fmt.Errorf("localpg: PostgreSQL rejected the password from %s (the cluster in %s was initialised with another one)",
				filepath.Join(s.dataDir, "pg-password"), s.clusterDir)
		}
		select {
		case <-s.done:
			tail := s.logTail(15)
			if strings.Contains(tail, "Address already in use") {
				return fmt.Errorf("localpg: port %d is in use: %w", s.port, errAddrInUse)
			}
			return fmt.Errorf("localpg: PostgreSQL exited during start-up (%v): %s", s.waitErr, tail)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("localpg: PostgreSQL not ready after %s: %s", readyTimeout, s.logTail(15))
			}
			return fmt.Errorf("localpg: start interrupted: %w", ctx.Err())
		case <-time.After(delay):
		}
		if delay < 200*time.Millisecond {
			delay *= 2
		}
	}
}

func (s *Server) isOurDataDir(dir string) bool {
	if filepath.Clean(dir) == s.clusterDir {
		return true
	}
	a, err1 := filepath.EvalSymlinks(dir)
	b, err2 := filepath.EvalSymlinks(s.clusterDir)
	return err1 == nil && err2 == nil && a == b
}

// exitsSoon reports whether our postgres exits within a moment: it then was not the
// server that answered (another one holds the port).
func (s *Server) exitsSoon() bool {
	select {
	case <-s.done:
		return true
	case <-time.After(500 * time.Millisecond):
		return false
	}
}

func (s *Server) ensureDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, s.AdminURL())
	if err != nil {
		return fmt.Errorf("localpg: cannot connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", s.opts.Database).Scan(&exists); err != nil {
		return fmt.Errorf("localpg: cannot look up database %q: %w", s.opts.Database, err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{s.opts.Database}.Sanitize())
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") { // duplicate_database
		return fmt.Errorf("localpg: cannot create database %q: %w", s.opts.Database, err)
	}
	return nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
