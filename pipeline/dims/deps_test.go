package dims

import (
	"os/exec"
	"strings"
	"testing"
)

// The dimension table is a leaf: every package may import it, so it imports
// nothing but the standard library (a module path starts with a domain, a
// standard package never has a dot in its first element).
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list -deps listed nothing")
	}
	for _, dep := range deps {
		if dep == "github.com/dri-engine/dri/pipeline/dims" {
			continue
		}
		if first, _, _ := strings.Cut(dep, "/"); strings.Contains(first, ".") {
			t.Errorf("pipeline/dims depends on %s; it may import the standard library only", dep)
		}
	}
}
