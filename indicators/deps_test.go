package indicators

import (
	"testing"

	"github.com/dri-engine/dri/internal/deptest"
)

// The numeric core imports no Arrow, no gin and no net/http (STYLE rule 2,
// after tailscale's cmd/tailscaled/deps_test.go), and none of DRI's other
// packages (DESIGN.md, "Layout"): not the pipeline, not the engine above it,
// not api, cmd, datasets or web. One exception: pipeline/dims, the table of
// dimension codes, a leaf that imports the standard library only (its own
// deps test says so), so the core names the total "_T" from the one table.
func TestDeps(t *testing.T) {
	const own = deptest.Module + "/indicators"
	for _, dep := range deptest.Single(t, deptest.Deps(t, "."), own) {
		for _, banned := range []string{"github.com/apache/arrow-go", "github.com/gin-gonic/gin", "net/http"} {
			if deptest.Under(dep, banned) {
				t.Errorf("indicators depends on %s", dep)
			}
		}
		switch {
		case !deptest.Under(dep, deptest.Module):
		case dep == deptest.Module+"/pipeline/dims":
		case deptest.Under(dep, own) && !deptest.Under(dep, own+"/engine"):
			// indicators' own sub-packages (an internal/), not the engine
		default:
			t.Errorf("indicators depends on %s", dep)
		}
	}
}
