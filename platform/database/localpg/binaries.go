package localpg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNoBinaries reports that no PostgreSQL server installation was found on this machine.
var ErrNoBinaries = errors.New("localpg: PostgreSQL server binaries (initdb, postgres) not found; " +
	"install PostgreSQL (e.g. apt-get install postgresql, brew install postgresql) " +
	"or set FS_DB_URL to an existing server")

// FindBinaries returns the directory holding the initdb and postgres executables.
// It looks on PATH, then asks pg_config, then tries the usual install locations of
// Debian/Ubuntu, source builds and Homebrew, preferring the highest version.
// When nothing is found the error wraps ErrNoBinaries and lists the places searched.
func FindBinaries() (string, error) {
	var searched []string

	// PATH: both tools must live in the same (symlink-resolved) directory, since
	// initdb runs the postgres binary that sits next to it.
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := resolvedDir(p)
		searched = append(searched, dir)
		if hasServerBinaries(dir) {
			return dir, nil
		}
	} else {
		searched = append(searched, "PATH")
	}

	if p, err := exec.LookPath("pg_config"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		out, err := exec.CommandContext(ctx, p, "--bindir").Output()
		cancel()
		if err == nil {
			dir := strings.TrimSpace(string(out))
			searched = append(searched, dir+" (pg_config)")
			if dir != "" && hasServerBinaries(dir) {
				return resolvedDir(filepath.Join(dir, "postgres")), nil
			}
		}
	}

	var candidates []string
	candidates = append(candidates, globByVersion("/usr/lib/postgresql/*/bin")...)
	candidates = append(candidates, "/usr/local/pgsql/bin", "/opt/homebrew/bin")
	candidates = append(candidates, globByVersion("/usr/local/opt/postgresql*/bin")...)
	candidates = append(candidates, globByVersion("/opt/homebrew/opt/postgresql*/bin")...)
	for _, dir := range candidates {
		searched = append(searched, dir)
		if hasServerBinaries(dir) {
			return resolvedDir(filepath.Join(dir, "postgres")), nil
		}
	}
	return "", fmt.Errorf("%w (searched: %s)", ErrNoBinaries, strings.Join(searched, ", "))
}

// resolvedDir returns the directory of the file p after resolving symlinks, so that
// /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb yields the real bin dir.
func resolvedDir(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return filepath.Dir(p)
}

func hasServerBinaries(dir string) bool {
	return isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "postgres"))
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// globByVersion expands pattern and orders the matches by the first number found in
// each path, highest first (so /usr/lib/postgresql/16/bin precedes .../9.6/bin).
func globByVersion(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	sort.SliceStable(matches, func(i, j int) bool {
		vi, vj := versionOf(matches[i]), versionOf(matches[j])
		if vi[0] != vj[0] {
			return vi[0] > vj[0]
		}
		if vi[1] != vj[1] {
			return vi[1] > vj[1]
		}
		return matches[i] > matches[j]
	})
	return matches
}

// versionOf extracts "major[.minor]" from the last run of digits in p (the version is the
// deepest numbered element: .../postgresql/15/bin, .../postgresql@16/bin); unversioned
// paths (e.g. Homebrew's plain "postgresql") sort last.
func versionOf(p string) [2]int {
	end := strings.LastIndexAny(p, "0123456789") + 1
	if end == 0 {
		return [2]int{-1, -1}
	}
	start := end
	for start > 0 && (p[start-1] == '.' || (p[start-1] >= '0' && p[start-1] <= '9')) {
		start--
	}
	parts := strings.SplitN(strings.Trim(p[start:end], "."), ".", 3)
	var v [2]int
	for i := 0; i < 2 && i < len(parts); i++ {
		v[i], _ = strconv.Atoi(parts[i])
	}
	return v
}
