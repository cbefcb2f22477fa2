package pipeline

import (
	"testing"

	"github.com/dri-engine/dri/internal/deptest"
)

// Data flows one way (DESIGN.md, "Layout"; STYLE rule 2): no package of
// pipeline/... depends on the numeric core (indicators, indicators/engine),
// the HTTP server (api), the command (cmd) or gin.
func TestDeps(t *testing.T) {
	deptest.Forbid(t, "./...", deptest.Module+"/indicators", deptest.Module+"/api", deptest.Module+"/cmd", "github.com/gin-gonic/gin")
}
