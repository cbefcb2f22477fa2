// Package load turns publishers' country datasets into the canonical table:
// it reads a catalogue (the embedded one, a user's, single long files), runs
// each source's adapter in the order of [Adapters]' list (reference tables
// first, one at a time; observation sources last, in parallel), validates
// every value through a [pipeline.Collector] and merges the sources by
// precedence into one Arrow record ([Load]).
//
// The promise: every file listed is read by the adapter its entry names
// (one file per publisher format here: adapter_*.go), and the
// [pipeline.Report] accounts for every value read: read = loaded +
// quarantined for each file. A structural problem rejects the whole file; a
// row problem quarantines the row. The adapters share one read loop
// (eachRow) and cell helpers, so each is only its format's rules.
//
// It sits above package pipeline (the table's types, validation and the
// Store), which does not import it; the tuned long-format machinery is in
// pipeline/internal/longload.
package load
