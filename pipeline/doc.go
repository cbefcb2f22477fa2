// Package pipeline is DRI's canonical table of observations in Apache
// Arrow: its schema ([Schema]), the validation of every value against the
// indicator registry and the reference tables of units and groups
// ([Collector], with problems located as file:line[:column]: rule: message
// in a [Report]), the types of the catalogue, registry and reference
// tables, and the query [Store] over a loaded table.
//
// The promise: a value enters the table only through a Collector, which
// checks its unit, year, indicator, codes and bounds, quarantines what
// fails with a located problem, and keeps the accounting read = loaded +
// quarantined for each file. Known defects of the shipped publisher files
// are acknowledged in the catalogue and reported as notices, never patched
// silently.
//
// Packages around it, with the arrows pointing one way: pipeline/load (the
// adapters, one per publisher format, and the loader: catalogue -> adapters
// -> Collector -> merge -> Arrow record) and pipeline/snapshot (snapshot
// directories and the state directory) import it; it imports only
// pipeline/internal/longload (column buffers, the merge's ordering, the
// allocators tuned for large panels).
//
// Missing data is the absence of a row; values are never NaN in the table.
// Functions returning Arrow data say who releases it; the package takes a
// memory.Allocator so tests can prove there are no leaks.
package pipeline
