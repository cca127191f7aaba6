package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestScaffoldBuildsAndPasses generates a module in a copy of the repository and
// runs go vet and its generated scenario test there: what a developer gets from
// `task module:new` must compile, follow the architecture rules, and pass.
func TestScaffoldBuildsAndPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a copy of the repository")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	for _, p := range []string{"go.mod", "go.sum", "cmd", "modules", "platform", "db", "docs"} {
		copyTree(t, filepath.Join(root, p), filepath.Join(dst, p))
	}
	if err := scaffold(dst, "notes"); err != nil {
		t.Fatal(err)
	}
	if err := scaffold(dst, "notes"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second scaffold of the same name = %v", err)
	}
	for _, bad := range []string{"Notes", "n", "1notes", "no-tes", "../x"} {
		if err := scaffold(dst, bad); err == nil {
			t.Fatalf("name %q accepted", bad)
		}
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./modules/notes/", "./modules/"}} {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dst
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the scaffolded copy: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
