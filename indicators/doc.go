// Package indicators is the numeric core of DRI: the maths of composite
// indicators on plain []float64 and gonum types, plus the framework tree
// that applies it. It does no I/O and imports no Arrow, no net/http and no
// gin (deps_test.go checks this).
//
// The methods are those of the OECD/JRC Handbook on Constructing Composite
// Indicators as implemented by COINr 1.1.14, the R package of the EU Joint
// Research Centre (repository bluefoxr/COINr; files R/normalise.R,
// R/aggregate.R, R/treat.R, R/impute.R, R/PCA.R), and DRI matches COINr's
// results on the same inputs. Where COINr and DRI's METHODS.md disagree,
// the code follows COINr and the doc comment says so.
//
// # Missing data
//
// "Missing" has one form in each layer a value crosses, and one place
// where it changes form:
//
//   - In the observation table (package pipeline) a missing value is an
//     absent row; the table never holds NaN.
//   - In a Panel, the input of scoring, it is an absent (year, value) pair
//     in a unit's Series (a unit with no observation has an empty Series).
//   - Inside the core, a variable is a pair (x []float64, valid []bool):
//     valid[i] false means x[i] is missing and ignored; valid == nil means
//     every value is present; len(valid) != len(x) panics with an
//     "indicators: ..." message. Kernels set dst[i] = 0 where valid[i] is
//     false and callers keep valid: a 0 in dst is never a value unless valid
//     says so. NodeResult carries the same pairs (Value/Valid,
//     Raw/RawValid, Gender/GValid), 0 where missing: a gender indicator's
//     Raw, the parity score, is missing (not NaN) for a unit with no men's
//     rate. Statistics (min, max, mean, sd, ranks)
//     are over the present values only, as COINr's na.rm = TRUE.
//   - At the edge (JSON, Arrow) a missing value is a null; encoders write
//     one wherever valid is false.
//
// The series of a panel become masks in one place: the year selection of
// Score (and the imputation from other years, which reads the same series).
//
// NaN never means "missing" in a masked vector: a NaN or an infinity in a
// position marked valid is a caller bug, and kernels report it as an error
// wrapping ErrNaN and leave dst unmodified. A NaN in a scalar result means
// "undefined" (a parity score with no men's rate, the statistics of a group
// with no data), as the kernel's "Special cases are:" table says.
// Weights are not variables and carry no mask: an unknown population in
// GroupAggregate's pop is NaN or <= 0, a weight that cannot weigh (the
// engine's Population gives NaN for it).
//
// A panel read from a store (NewPanel) lays each series out by year, one
// row of len(Units) values per year with its mask beside it: the core's
// pair form, 0 where missing. An indicator scored without imputation or
// treatment, by min-max or no normalisation, then takes the scored year's
// row as its Raw and RawValid without copying them (docs/DECISIONS.md,
// "Composite scoring at users' sizes, eighth round"): a NodeResult's Raw,
// RawValid and Treated are read-only, views that the panel and other
// results may share. The series readers (LatestWithin,
// Interpolate) pass over a NaN value as over an absent year, which lets a
// caller mask a series in place (the scenario tests do).
//
// # Kernels
//
// Kernels follow gonum's conventions: dst comes first and is returned (nil
// allocates; a dst of the wrong length panics); nil weights mean equal
// weights; the formula is in the doc comment with its source; "Special
// cases are:" lists what happens with empty input, all values missing,
// zero spread and NaN. Kernels that only scan and write (min-max, z-score,
// goalposts, the distances, aggregation) allocate nothing when dst is
// supplied (TestKernelsDoNotAllocate); rank-based kernels sort a copy of
// the present values. Sums over many terms are compensated (Neumaier), as
// R's long-double accumulation is closer to an exact sum than a naive
// float64 loop.
//
// # Errors
//
// Errors say which kernel failed and why, and wrap one of the sentinels
// ErrNoData, ErrNaN, ErrZeroSpread, ErrDomain or ErrUndefined, so callers
// decide with errors.Is. Zero spread (max = min, sd = 0) is an error in DRI
// where COINr returns a vector of NaN with a warning: a NaN score must not
// travel on silently.
package indicators
