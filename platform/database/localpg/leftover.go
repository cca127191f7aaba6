// A cluster that is already running when we start: an orphan of an earlier run of
// ours is stopped; one that another live process runs (the dev server, while the
// developer calls `migrate status` or `create-admin`) is attached to.

package localpg

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// takeOverRunning deals with a postgres that already holds the cluster. It stops one left
// running by an earlier run of ours (its parent was killed in a way that skipped Stop and
// Pdeathsig) and removes a lock file whose pid now belongs to an unrelated process; a lock
// file of a dead process is left for postgres, which recovers from it by itself.
//
// A postmaster whose parent still runs belongs to another live process: stopping it would
// pull the database out from under that process, so we connect to it instead (attached
// reports true) and leave it running when we stop.
func (s *Server) takeOverRunning(ctx context.Context) (attached bool, err error) {
	pidFile := filepath.Join(s.clusterDir, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return false, nil
	}
	lines := strings.Split(string(data), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pid <= 0 || !processAlive(pid) {
		return false, nil
	}
	if !isPostmasterOf(pid, s.clusterDir) {
		// postgres would take the live pid for a running postmaster and refuse to start.
		if err := os.Remove(pidFile); err != nil {
			return false, fmt.Errorf("localpg: cannot remove stale %s: %w", pidFile, err)
		}
		return false, nil
	}
	if ppid := parentPID(pid); ppid > 1 {
		return true, s.attach(ctx, pid, lines)
	}
	s.log.Info("stopping PostgreSQL left running by an earlier run", "pid", pid, "data", s.clusterDir)
	_ = syscall.Kill(pid, syscall.SIGINT)
	if waitProcessGone(pid, stopTimeout) {
		return false, nil
	}
	_ = syscall.Kill(pid, syscall.SIGQUIT)
	if waitProcessGone(pid, 10*time.Second) {
		return false, nil
	}
	return false, fmt.Errorf("localpg: PostgreSQL (pid %d) from an earlier run still holds %s and does not stop", pid, s.clusterDir)
}

// attach connects to the postmaster pid that another process runs on our cluster. Its
// port is line 4 of postmaster.pid; the password is the cluster's own, and the server
// must report our cluster as its data directory (a port can change hands).
func (s *Server) attach(ctx context.Context, pid int, pidLines []string) error {
	port := 0
	if len(pidLines) > 3 {
		port, _ = strconv.Atoi(strings.TrimSpace(pidLines[3]))
	}
	if port <= 0 {
		return fmt.Errorf("localpg: the PostgreSQL in %s (pid %d) is in use by another process and its port is unknown; stop that process or set FS_DATA_DIR to another folder",
			s.clusterDir, pid)
	}
	s.port = port
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.AdminURL())
	if err != nil {
		return fmt.Errorf("localpg: cannot connect to the PostgreSQL another process runs on %s (pid %d, port %d): %w", s.clusterDir, pid, port, err)
	}
	defer conn.Close(context.Background())
	var dir string
	if err := conn.QueryRow(ctx, "SHOW data_directory").Scan(&dir); err != nil {
		return fmt.Errorf("localpg: cannot ask PostgreSQL on port %d for its data directory: %w", port, err)
	}
	if !s.isOurDataDir(dir) {
		return fmt.Errorf("localpg: port %d of the running PostgreSQL (pid %d) is served by another cluster (%s)", port, pid, dir)
	}
	s.attached = true
	s.log.Info(fmt.Sprintf("using the PostgreSQL already running for %s (pid %d, port %d)", s.clusterDir, pid, port))
	return nil
}
