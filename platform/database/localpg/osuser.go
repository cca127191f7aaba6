// The OS user postgres runs as when we are root (PostgreSQL refuses to run as root).

package localpg

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

type osUser struct {
	name     string
	uid, gid uint32
	groups   []uint32
}

func lookupOSUser(name string) (*osUser, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("localpg: running as root, and PostgreSQL refuses to run as root, but there is no %q OS user to run it as; "+
			"create one (useradd --system %s) or set FS_DB_URL", name, name)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("localpg: OS user %q has a non-numeric uid/gid (%s/%s)", name, u.Uid, u.Gid)
	}
	ou := &osUser{name: name, uid: uint32(uid), gid: uint32(gid)}
	gids, _ := u.GroupIds()
	for _, g := range gids {
		if v, err := strconv.ParseUint(g, 10, 32); err == nil {
			ou.groups = append(ou.groups, uint32(v))
		}
	}
	if len(ou.groups) == 0 {
		ou.groups = []uint32{ou.gid}
	}
	return ou, nil
}

// credential is nil (run as ourselves) for a nil user.
func (u *osUser) credential() *syscall.Credential {
	if u == nil {
		return nil
	}
	return &syscall.Credential{Uid: u.uid, Gid: u.gid, Groups: u.groups}
}

// unreachable returns the first directory on the way to dir (dir included) that u may not
// traverse, or "" if u can reach everything. It reads permission bits only (no ACLs).
func (u *osUser) unreachable(dir string) string {
	p := filepath.Clean(dir)
	var chain []string
	for {
		chain = append(chain, p)
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		p = parent
	}
	for i := len(chain) - 1; i >= 0; i-- {
		fi, err := os.Stat(chain[i])
		if err != nil {
			return chain[i]
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			continue
		}
		perm := fi.Mode().Perm()
		var x fs.FileMode
		switch {
		case st.Uid == u.uid:
			x = 0o100
		case u.inGroup(st.Gid):
			x = 0o010
		default:
			x = 0o001
		}
		if perm&x == 0 {
			return chain[i]
		}
	}
	return ""
}

func (u *osUser) inGroup(gid uint32) bool {
	if gid == u.gid {
		return true
	}
	for _, g := range u.groups {
		if g == gid {
			return true
		}
	}
	return false
}
