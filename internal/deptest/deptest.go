// Package deptest checks which packages a package may depend on, for the
// deps tests of DRI's layers (DESIGN.md, "Layout"; STYLE rule 2). It asks
// the go command, as tailscale's tstest/deptest does, so a dependency added
// anywhere below a package is seen, not only its direct imports.
package deptest

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// Module is DRI's module path.
const Module = "github.com/dri-engine/dri"

// List runs `go list -f format pattern` in the test's package directory
// and returns each output line's fields after the first, keyed by the
// first (format should start with {{.ImportPath}}). It fails t when go
// list fails or lists nothing.
func List(t testing.TB, format, pattern string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", format, pattern).Output()
	if err != nil {
		if ee, ok := errors.AsType[*exec.ExitError](err); ok {
			t.Fatalf("go list %s: %v\n%s", pattern, err, ee.Stderr)
		}
		t.Fatalf("go list %s: %v", pattern, err)
	}
	pkgs := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) > 0 {
			pkgs[f[0]] = f[1:]
		}
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list %s listed nothing", pattern)
	}
	return pkgs
}

// Deps returns each package matched by pattern with every package it
// depends on, directly or not; test files' imports are not counted.
func Deps(t testing.TB, pattern string) map[string][]string {
	t.Helper()
	return List(t, "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", pattern)
}

// Single returns what List or Deps gave for pkg, and fails t unless pkg
// is the one package listed: a test that looks up its own package must not
// pass by finding nothing to check.
func Single(t testing.TB, pkgs map[string][]string, pkg string) []string {
	t.Helper()
	if _, ok := pkgs[pkg]; !ok || len(pkgs) != 1 {
		t.Fatalf("go list listed %d packages, not %s alone", len(pkgs), pkg)
	}
	return pkgs[pkg]
}

// Under reports whether pkg is path or a package below it.
func Under(pkg, path string) bool {
	return pkg == path || strings.HasPrefix(pkg, path+"/")
}

// Forbid fails t for each package matched by pattern that depends on one of
// banned or on a package below one.
func Forbid(t testing.TB, pattern string, banned ...string) {
	t.Helper()
	for pkg, deps := range Deps(t, pattern) {
		for _, dep := range deps {
			for _, b := range banned {
				if Under(dep, b) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
