package pipeline_test

import (
	"strings"
	"testing"

	"github.com/dri-engine/dri/internal/deptest"
)

const module = deptest.Module + "/"

// The layers inside pipeline/ point one way (issue 13): the root package
// (the table, its validation and the Store) imports none of its
// sub-packages but the internal ones it is built on, so a sub-package
// above it (the adapters, the snapshots) can never close a circle. The
// dimension table pipeline/dims is below it too: a leaf that imports the
// standard library only (its own deps test).
func TestRootImportsOnlyInternal(t *testing.T) {
	for _, imp := range deptest.Single(t, deptest.List(t, "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "."), module+"pipeline") {
		if strings.HasPrefix(imp, module+"pipeline/") && !strings.HasPrefix(imp, module+"pipeline/internal/") && imp != module+"pipeline/dims" {
			t.Errorf("pipeline imports %s: the root must not import its sub-packages (but internal ones)", imp)
		}
	}
}

// pipeline/internal/... is the bottom layer: it depends on no package of
// the module (the root imports it, not the other way round).
func TestInternalDependsOnNothingOfTheModule(t *testing.T) {
	deptest.Forbid(t, "./internal/...", deptest.Module)
}
