package engine

import (
	"testing"

	"github.com/dri-engine/dri/internal/deptest"
)

// The engine joins the table to the maths and knows no HTTP (DESIGN.md,
// "Layout"): it depends on neither the HTTP server (api), nor the command
// (cmd), nor gin.
func TestDeps(t *testing.T) {
	deptest.Forbid(t, "./...", deptest.Module+"/api", deptest.Module+"/cmd", "github.com/gin-gonic/gin")
}
