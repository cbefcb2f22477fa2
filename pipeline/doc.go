// Package pipeline turns publishers' country datasets into one validated table
// of observations in Apache Arrow, and writes and reads snapshots of it.
//
// The promise: every source file listed in a catalogue is read by the adapter
// its entry names, every value is checked against the indicator registry and
// the reference tables of units and groups, and the result is one canonical
// Arrow record (see [Schema]) plus a [Report] that accounts for every value
// read: read = loaded + quarantined for each file. Problems are located as
// file:line[:column]: rule: message. A structural problem (missing column,
// wrong header, empty file) rejects the whole file; a row problem quarantines
// the row. Known defects of the shipped publisher files are handled by the
// adapters and reported as notices, never patched silently.
//
// Data flow: [datasets] (embedded files) -> adapters (adapter_list.go, in
// reading order) -> [Collector] (validation into column buffers) -> merge by
// catalogue precedence -> Arrow record -> [WriteSnapshot] (Parquet +
// manifest.json). The column buffers, the merge's ordering and the
// allocators tuned for large panels are in pipeline/internal/longload.
//
// Missing data is the absence of a row; values are never NaN in the table.
// Functions returning Arrow data say who releases it; the package takes a
// memory.Allocator so tests can prove there are no leaks.
package pipeline
