// Command modulenew scaffolds a feature module in the shape of DESIGN §2: the seven
// files, a scenario test, a migration, and the line in modules/modules.go. The
// generated module is a working, tenant-scoped resource (list, create, delete) to
// rename and reshape. Usage (from the repository root): go tool task module:new -- NAME
package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templates embed.FS

const modulePath = "github.com/fastsvelte/fastsvelte"

// A module name is a Go package name and a table name at once.
var validName = regexp.MustCompile(`^[a-z][a-z0-9]{1,30}$`)

type data struct {
	Module, Name, Singular, Type, Title, Version string
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go tool task module:new -- NAME   (lower-case plural, e.g. notes)")
		os.Exit(2)
	}
	if err := scaffold(".", os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "module:new:", err)
		os.Exit(1)
	}
}

func scaffold(root, name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("%q: use 2-31 lower-case letters or digits, starting with a letter (e.g. notes)", name)
	}
	dir := filepath.Join(root, "modules", name)
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s already exists", dir)
	}
	version, err := nextVersion(filepath.Join(root, "db", "migrations"))
	if err != nil {
		return err
	}
	singular := strings.TrimSuffix(name, "s")
	d := data{
		Module: modulePath, Name: name, Singular: singular, Version: version,
		Type: strings.ToUpper(singular[:1]) + singular[1:], Title: strings.ToUpper(name[:1]) + name[1:],
	}
	files := map[string]string{
		"module.go.tmpl": "module.go", "model.go.tmpl": "model.go", "errors.go.tmpl": "errors.go",
		"dto.go.tmpl": "dto.go", "store.go.tmpl": "store.go", "service.go.tmpl": "service.go",
		"handler.go.tmpl": "handler.go", "main_test.go.tmpl": "main_test.go", "module_test.go.tmpl": name + "_test.go",
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for tmpl, out := range files {
		if err := render(tmpl, filepath.Join(dir, out), d, true); err != nil {
			return err
		}
	}
	migs := filepath.Join(root, "db", "migrations", version+"_"+name)
	if err := render("up.sql.tmpl", migs+".up.sql", d, false); err != nil {
		return err
	}
	if err := render("down.sql.tmpl", migs+".down.sql", d, false); err != nil {
		return err
	}
	if err := register(filepath.Join(root, "modules", "modules.go"), name); err != nil {
		return err
	}
	fmt.Printf("created modules/%s, db/migrations/%s_%s.{up,down}.sql; registered in modules/modules.go\n", name, version, name)
	fmt.Println("next: go tool task openapi, then go tool task test:go -- ./modules/" + name + "/")
	return nil
}

func render(tmpl, path string, d data, goSource bool) error {
	t, err := template.ParseFS(templates, "templates/"+tmpl)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return err
	}
	out := buf.Bytes()
	if goSource {
		if out, err = format.Source(out); err != nil {
			return fmt.Errorf("%s: %w", tmpl, err)
		}
	}
	return os.WriteFile(path, out, 0o644)
}

// nextVersion is one more than the highest NNNN_ prefix in db/migrations.
func nextVersion(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var versions []string
	for _, e := range entries {
		if v, _, ok := strings.Cut(e.Name(), "_"); ok && len(v) == 4 {
			versions = append(versions, v)
		}
	}
	sort.Strings(versions)
	n := 0
	if len(versions) > 0 {
		_, _ = fmt.Sscanf(versions[len(versions)-1], "%d", &n)
	}
	return fmt.Sprintf("%04d", n+1), nil
}

// register adds the import and NAME.Module to the All bundle.
func register(path, name string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(src)
	imp := fmt.Sprintf("\t%q\n", modulePath+"/modules/"+name)
	anchor := "\t\"" + modulePath + "/modules/auth\"\n"
	end := strings.LastIndex(s, "\n)")
	if !strings.Contains(s, anchor) || end < 0 || !strings.Contains(s, "var All = fx.Options(") {
		return errors.New("modules/modules.go does not have the expected shape; add the module by hand")
	}
	s = strings.Replace(s, anchor, anchor+imp, 1)
	end = strings.LastIndex(s, "\n)")
	s = s[:end] + "\n\t" + name + ".Module," + s[end:]
	out, err := format.Source([]byte(s))
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}
