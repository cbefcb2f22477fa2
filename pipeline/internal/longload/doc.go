// Package longload is the machinery tuned for loading large panels
// (millions of rows in DRI's long format) into the canonical table: the
// column buffers a validated source's rows are kept in ([Columns]), a fast
// float parser ([ParseFloat]), a pooling and a capped Arrow allocator, and
// the merge that orders the rows of every source by key, finds the keys
// given twice and writes the winners straight into Arrow buffers ([Merge]).
//
// The promise: given the rows as dense dictionary ids, [Merge] returns them
// in key order with every lost key accounted for, and [Merged.Record] wraps
// them as an Arrow record of the caller's schema, whatever allocator it is
// given (see [Merge] on zeroed memory). It knows nothing of files,
// validation or reports: package pipeline owns those and reports the
// losses.
//
// A row is named by a [Ref]: the index of its part (a chunk of one
// source's rows) in the high 32 bits, its row in the part in the low 32.
package longload
