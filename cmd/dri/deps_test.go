package main

import (
	"testing"

	"github.com/dri-engine/dri/internal/deptest"
)

// cmd wires the packages below it and nothing imports cmd (DESIGN.md,
// "Layout"): no package of the module outside cmd/ imports one under it,
// from its code or its tests. (cmd/dri itself is a program and cannot be
// imported; its sub-packages, such as cmd/dri/plot, could be.)
func TestDeps(t *testing.T) {
	const cmd = deptest.Module + "/cmd"
	pkgs := deptest.List(t, "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}",
		deptest.Module+"/...")
	if len(pkgs) < 2 {
		t.Fatalf("go list listed %d packages", len(pkgs))
	}
	for pkg, imports := range pkgs {
		if deptest.Under(pkg, cmd) {
			continue
		}
		for _, imp := range imports {
			if deptest.Under(imp, cmd) {
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
}
