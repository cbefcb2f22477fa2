package pipeline

import (
	"os/exec"
	"strings"
	"testing"
)

// Data flows one way (DESIGN.md, "Layout"; STYLE rule 2): no package of
// pipeline/... depends on the numeric core (indicators, indicators/engine),
// the HTTP server (api), the command (cmd) or gin.
func TestDeps(t *testing.T) {
	const module = "github.com/dri-engine/dri/"
	banned := []string{module + "indicators", module + "api", module + "cmd", "github.com/gin-gonic/gin"}
	pkgs := listDeps(t, "./...")
	for pkg, deps := range pkgs {
		for _, dep := range deps {
			for _, b := range banned {
				if dep == b || strings.HasPrefix(dep, b+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

// listDeps runs go list on pattern and returns each package matched with
// every package it depends on, directly or not (test files excluded).
func listDeps(t *testing.T, pattern string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", pattern).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
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
