// Package indicators is the numeric core of DRI: the methods of composite
// indicators (OECD/JRC Handbook, as implemented by the EU JRC's COINr 1.1.14)
// on plain []float64 and gonum types, plus the framework tree that applies
// them. It does no I/O and knows nothing of Arrow or HTTP.
//
// # Missing data
//
// A variable is a pair (x []float64, valid []bool): valid[i] false means
// x[i] is missing and ignored; valid == nil means every value is present.
// Kernels leave dst[i] = 0 where valid[i] is false; callers keep valid. A
// NaN in a position marked valid is a caller error, reported as ErrNaN.
//
// # Kernels
//
// Kernels follow gonum's conventions: dst first and returned (nil
// allocates; a dst of the wrong length panics), lengths must match (panic
// with an "indicators:" message), formulas in the doc comment with their
// source, no allocation when dst is supplied. Special cases (empty input,
// all missing, zero spread) are listed on each kernel.
package indicators
