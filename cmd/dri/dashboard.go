package main

import "net/http"

// dashboard is the UI handler mounted at /; nil until the web package is
// wired in.
func dashboard() http.Handler { return nil }
