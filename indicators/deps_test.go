package indicators

import (
	"os/exec"
	"strings"
	"testing"
)

// The numeric core imports no Arrow, no gin and no net/http (STYLE rule 2,
// after tailscale's cmd/tailscaled/deps_test.go), and none of DRI's other
// packages (DESIGN.md, "Layout"): not the pipeline, not the engine above it,
// not api, cmd, datasets or web. One exception: pipeline/dims, the table of
// dimension codes, a leaf that imports the standard library only (its own
// deps test says so), so the core names the total "_T" from the one table.
func TestDeps(t *testing.T) {
	const module = "github.com/dri-engine/dri/"
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list -deps listed nothing")
	}
	for _, dep := range deps {
		for _, banned := range []string{"github.com/apache/arrow-go", "github.com/gin-gonic/gin", "net/http"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("indicators depends on %s", dep)
			}
		}
		if !strings.HasPrefix(dep, module) {
			continue
		}
		switch own := module + "indicators"; {
		case dep == own, dep == module+"pipeline/dims":
		case strings.HasPrefix(dep, own+"/") && dep != own+"/engine" && !strings.HasPrefix(dep, own+"/engine/"):
			// indicators' own sub-packages (an internal/), not the engine
		default:
			t.Errorf("indicators depends on %s", dep)
		}
	}
}
