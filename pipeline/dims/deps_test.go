package dims

import (
	"strings"
	"testing"

	"github.com/dri-engine/dri/internal/deptest"
)

// The dimension table is a leaf: every package may import it, so it imports
// nothing but the standard library (a module path starts with a domain, a
// standard package never has a dot in its first element).
func TestDeps(t *testing.T) {
	const self = deptest.Module + "/pipeline/dims"
	for _, dep := range deptest.Single(t, deptest.Deps(t, "."), self) {
		if first, _, _ := strings.Cut(dep, "/"); strings.Contains(first, ".") {
			t.Errorf("pipeline/dims depends on %s; it may import the standard library only", dep)
		}
	}
}
