package main

import (
	"net/http"

	"github.com/dri-engine/dri/web"
)

// dashboard is the UI handler mounted at /: the embedded dashboard (or, in
// a build made without `make web`, a page saying how to build it).
func dashboard() http.Handler { return web.Handler() }
