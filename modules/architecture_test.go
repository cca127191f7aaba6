package modules_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const modulePath = "github.com/fastsvelte/fastsvelte"

// allowedModuleDeps is DESIGN §2 "Dependencies between modules", closed under
// transitivity (billing reaches auth through orgs). A module missing from this
// table may use any module in it; no module in it may use one that is not.
var allowedModuleDeps = map[string][]string{
	"auth":        {},
	"orgs":        {"auth"},
	"invitations": {"orgs", "auth"},
	"billing":     {"orgs", "auth"},
	"settings":    {"orgs", "auth"},
}

// forbiddenPackageNames are catch-all names DESIGN §2 rules out.
var forbiddenPackageNames = []string{"util", "utils", "common", "helper", "helpers"}

type listedPackage struct {
	ImportPath   string
	Name         string
	Dir          string
	GoFiles      []string
	CgoFiles     []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// listPackages runs `go list -json` over the whole Go module.
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot list packages")
	}
	cmd := exec.Command(goBin, "list", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Deps,TestImports,XTestImports", "./...")
	cmd.Dir = ".." // the module root: this file lives in modules/
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages; is the test running from modules/?", len(pkgs))
	}
	return pkgs
}

// moduleOf returns the feature module an import path belongs to ("auth" for
// .../modules/auth/x), or "" for anything else, including the modules bundle itself.
func moduleOf(importPath string) string {
	rest, ok := strings.CutPrefix(importPath, modulePath+"/modules/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

func isPlatform(importPath string) bool {
	return importPath == modulePath+"/platform" || strings.HasPrefix(importPath, modulePath+"/platform/")
}

func isModules(importPath string) bool {
	return importPath == modulePath+"/modules" || strings.HasPrefix(importPath, modulePath+"/modules/")
}

func TestArchitecture(t *testing.T) {
	t.Parallel()
	pkgs := listPackages(t)

	t.Run("platform never depends on modules", func(t *testing.T) {
		checked := 0
		for _, p := range pkgs {
			if !isPlatform(p.ImportPath) {
				continue
			}
			checked++
			for _, d := range p.Deps {
				if isModules(d) {
					t.Errorf("%s depends on %s: platform/* must never import modules/*", p.ImportPath, d)
				}
			}
			// Tests too: platform tests compose fx.Options() and their own routes.
			for _, d := range slices.Concat(p.TestImports, p.XTestImports) {
				if isModules(d) {
					t.Errorf("tests of %s import %s: platform tests must not use modules/*", p.ImportPath, d)
				}
			}
		}
		if checked == 0 {
			t.Fatal("no platform packages found")
		}
	})

	t.Run("module dependencies follow DESIGN section 2", func(t *testing.T) {
		checked := 0
		for _, p := range pkgs {
			self := moduleOf(p.ImportPath)
			if self == "" {
				continue
			}
			checked++
			allowed, known := allowedModuleDeps[self]
			for _, d := range p.Deps {
				dep := moduleOf(d)
				if dep == "" || dep == self {
					if d == modulePath+"/modules" {
						t.Errorf("%s imports the modules bundle: only cmd/ composes modules.All", p.ImportPath)
					}
					continue
				}
				_, depKnown := allowedModuleDeps[dep]
				switch {
				case known && !slices.Contains(allowed, dep):
					t.Errorf("%s depends on %s (module %q → %q): DESIGN §2 allows %q only %v",
						p.ImportPath, d, self, dep, self, allowed)
				case !known && !depKnown:
					t.Errorf("%s depends on %s: add both modules to allowedModuleDeps (and DESIGN §2) to declare their order",
						p.ImportPath, d)
				}
			}
		}
		if checked == 0 {
			t.Fatal("no module packages found")
		}
	})

	t.Run("no catch-all package names", func(t *testing.T) {
		for _, p := range pkgs {
			if slices.Contains(forbiddenPackageNames, p.Name) || slices.Contains(forbiddenPackageNames, filepath.Base(p.Dir)) {
				t.Errorf("package %s is named %q: DESIGN §2 rules out util/common/helpers; name it after what it provides",
					p.ImportPath, p.Name)
			}
		}
	})

	t.Run("every package has a doc comment", func(t *testing.T) {
		for _, p := range pkgs {
			files := slices.Concat(p.GoFiles, p.CgoFiles)
			if len(files) == 0 {
				continue // a directory with only tests
			}
			documented := false
			for _, f := range files {
				fset := token.NewFileSet()
				af, err := parser.ParseFile(fset, filepath.Join(p.Dir, f), nil, parser.PackageClauseOnly|parser.ParseComments)
				if err != nil {
					t.Errorf("%s: %v", p.ImportPath, err)
					continue
				}
				if af.Doc != nil && strings.TrimSpace(af.Doc.Text()) != "" {
					documented = true
					break
				}
			}
			if !documented {
				sort.Strings(files)
				t.Errorf("package %s has no doc comment (add `// Package %s ...` above the package clause in one of %v)",
					p.ImportPath, p.Name, files)
			}
		}
	})
}
