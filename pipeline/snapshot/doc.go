// Package snapshot persists loaded data: a snapshot is an immutable
// directory named by its content hash (the canonical table, the units and
// groups tables as Parquet, the report, catalogue and registry, and a
// manifest with every file's checksum, written last), and a [State] is a
// data directory of accepted uploads and snapshots with a pointer to the
// one served, kept across restarts.
//
// The promise: [Write] leaves either no snapshot or a complete one (files
// fsynced in a temporary directory, then renamed), [Read] returns only what
// matches the manifest's checksums, and every change to a [State] goes
// through a temporary name and a rename, the current pointer last, so a
// crash leaves the previous state intact. It sits above package pipeline
// (it stores a [pipeline.Result]); pipeline does not import it.
package snapshot
