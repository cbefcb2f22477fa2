package api

import (
	"testing"

	"github.com/dri-engine/dri/internal/deptest"
)

// The HTTP server is wired by the command, never the other way round
// (DESIGN.md, "Layout"): no package of api/... depends on cmd.
func TestDeps(t *testing.T) {
	deptest.Forbid(t, "./...", deptest.Module+"/cmd")
}
