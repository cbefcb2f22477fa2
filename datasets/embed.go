// Package datasets holds DRI's embedded default data: the publishers' files
// as published (sources/), DRI's reference tables (reference/), the
// catalogue that lists every file with its provenance (catalog.yaml), the
// indicator registry (indicators.yaml) and the framework definitions
// (frameworks/).
//
// FS is the root of that tree, ready for load.Options.Base.
package datasets

import (
	"embed"
	"io/fs"
)

// FS is the embedded data directory.
//
//go:embed catalog.yaml indicators.yaml reference sources frameworks
var FS embed.FS

// Frameworks is the frameworks/ directory of FS (the shipped framework
// definitions, one YAML file each).
var Frameworks = func() fs.FS {
	sub, err := fs.Sub(FS, "frameworks")
	if err != nil {
		panic(err) // a constant, valid path: cannot happen
	}
	return sub
}()
