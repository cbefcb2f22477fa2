package pipeline

import "github.com/apache/arrow-go/v18/arrow"

// Names of the files at the root of a data directory.
const (
	CatalogueFile = "catalog.yaml"
	RegistryFile  = "indicators.yaml"
)

// Result is a loaded data set. Release it when done.
type Result struct {
	// Observations is the canonical table, sorted by indicator, unit, sex,
	// area, age, year. Owned by the Result.
	Observations arrow.RecordBatch
	Reference    *Reference
	Registry     *Registry
	Catalogue    *Catalogue
	Report       *Report
	// Checksums are the SHA-256 of every file read, by display name.
	Checksums map[string]string
}

// Release releases the Arrow memory of the result.
func (r *Result) Release() {
	if r.Observations != nil {
		r.Observations.Release()
		r.Observations = nil
	}
}

// Default reader limits (Options.MaxLineBytes, Options.MaxMessageBytes).
// The longest line of the shipped files is 99 KB (the Findex 2021 DataBank
// extract), a tenth of the line limit; an Arrow IPC record batch of 64K rows
// of the long format is about 3 MB.
const (
	DefaultMaxLineBytes    = 1 << 20
	DefaultMaxMessageBytes = 256 << 20
)
