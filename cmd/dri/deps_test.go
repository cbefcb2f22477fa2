package main

import (
	"os/exec"
	"strings"
	"testing"
)

// cmd wires the packages below it and nothing imports cmd (DESIGN.md,
// "Layout"): no package of the module outside cmd/ imports one under it,
// from its code or its tests. (cmd/dri itself is a program and cannot be
// imported; its sub-packages, such as cmd/dri/plot, could be.)
func TestDeps(t *testing.T) {
	const module = "github.com/dri-engine/dri"
	const cmd = module + "/cmd"
	out, err := exec.Command("go", "list", "-f",
		"{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}",
		module+"/...").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	n := 0
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		n++
		if pkg := f[0]; pkg == cmd || strings.HasPrefix(pkg, cmd+"/") {
			continue
		}
		for _, imp := range f[1:] {
			if imp == cmd || strings.HasPrefix(imp, cmd+"/") {
				t.Errorf("%s imports %s", f[0], imp)
			}
		}
	}
	if n < 2 {
		t.Fatalf("go list listed %d packages", n)
	}
}
