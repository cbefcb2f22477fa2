package pipeline_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/dri-engine/dri/"

// goList runs go list with format on pattern and returns its output's
// lines split into fields.
func goList(t *testing.T, format, pattern string) [][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", format, pattern).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %s: %v\n%s", pattern, err, ee.Stderr)
		}
		t.Fatalf("go list %s: %v", pattern, err)
	}
	var lines [][]string
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) > 0 {
			lines = append(lines, f)
		}
	}
	if len(lines) == 0 {
		t.Fatalf("go list %s listed nothing", pattern)
	}
	return lines
}

// The layers inside pipeline/ point one way (issue 13): the root package
// (the table, its validation and the Store) imports none of its
// sub-packages but the internal ones it is built on, so a sub-package
// above it (the adapters, the snapshots) can never close a circle. The
// dimension table pipeline/dims is below it too: a leaf that imports the
// standard library only (its own deps test).
func TestRootImportsOnlyInternal(t *testing.T) {
	for _, imp := range goList(t, "{{join .Imports \" \"}}", ".")[0] {
		if strings.HasPrefix(imp, module+"pipeline/") && !strings.HasPrefix(imp, module+"pipeline/internal/") && imp != module+"pipeline/dims" {
			t.Errorf("pipeline imports %s: the root must not import its sub-packages (but internal ones)", imp)
		}
	}
}

// pipeline/internal/... is the bottom layer: it depends on no package of
// the module (the root imports it, not the other way round).
func TestInternalDependsOnNothingOfTheModule(t *testing.T) {
	for _, f := range goList(t, "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "./internal/...") {
		for _, dep := range f[1:] {
			if strings.HasPrefix(dep, module) {
				t.Errorf("%s depends on %s", f[0], dep)
			}
		}
	}
}
