package indicators

import (
	"os/exec"
	"strings"
	"testing"
)

// The numeric core imports no Arrow, no gin and no net/http (STYLE rule 2,
// after tailscale's cmd/tailscaled/deps_test.go).
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
		for _, banned := range []string{"github.com/apache/arrow-go", "github.com/gin-gonic/gin", "net/http"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("indicators depends on %s", dep)
			}
		}
	}
}
