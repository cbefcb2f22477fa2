package indicators

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ImputeMethod names an imputation method.
type ImputeMethod string

// Imputation methods: COINr's i_mean, i_median, i_mean_grp, i_median_grp
// (R/impute.R), the latest value within a window (COINr impute_panel with
// max_time) and linear interpolation between years.
const (
	ImputationNone        ImputeMethod = "none"
	ImputationMean        ImputeMethod = "mean"
	ImputationMedian      ImputeMethod = "median"
	ImputationGroupMean   ImputeMethod = "mean-group"
	ImputationGroupMedian ImputeMethod = "median-group"
	ImputationLatest      ImputeMethod = "latest"
	ImputationLinear      ImputeMethod = "linear"
)

// Imputation is a method with its parameter: the grouping column for the
// group methods (mean-group:COL), the window in years for latest:N.
type Imputation struct {
	Method ImputeMethod
	Group  string
	Years  int
}

// ParseImputation parses "none", "mean", "median", "mean-group:COL",
// "median-group:COL", "latest:N" (0 <= N <= 100 years) or "linear".
// ParseImputation(im.String()) == im for every im it returns.
func ParseImputation(s string) (Imputation, error) {
	bad := func(format string, args ...any) (Imputation, error) {
		return Imputation{}, fmt.Errorf("indicators: imputation %q: %s", s, fmt.Sprintf(format, args...))
	}
	name, param, has := strings.Cut(s, ":")
	im := Imputation{Method: ImputeMethod(strings.ToLower(strings.TrimSpace(name)))}
	switch im.Method {
	case ImputationNone, ImputationMean, ImputationMedian, ImputationLinear:
		if has {
			return bad("%s takes no parameter", im.Method)
		}
	case ImputationGroupMean, ImputationGroupMedian:
		im.Group = strings.TrimSpace(param)
		if im.Group == "" {
			return bad("want %s:COL with COL a grouping such as income_group or region", im.Method)
		}
	case ImputationLatest:
		n, err := strconv.Atoi(strings.TrimSpace(param))
		if !has || err != nil || n < 0 || n > 100 {
			return bad("want latest:N with N the window in years, 0 <= N <= 100")
		}
		im.Years = n
	default:
		return bad("unknown method %q (want none, mean, median, mean-group:COL, median-group:COL, latest:N or linear)", strings.TrimSpace(name))
	}
	return im, nil
}

// String returns the canonical form, which ParseImputation reads back.
func (im Imputation) String() string {
	switch im.Method {
	case ImputationGroupMean, ImputationGroupMedian:
		return string(im.Method) + ":" + im.Group
	case ImputationLatest:
		return "latest:" + strconv.Itoa(im.Years)
	}
	return string(im.Method)
}

func imputedFor(kernel string, imputed []bool, n int) []bool {
	if imputed == nil {
		return make([]bool, n)
	}
	if len(imputed) != n {
		panic(fmt.Sprintf("indicators: %s: len(imputed) = %d, want %d", kernel, len(imputed), n))
	}
	return imputed
}

// fill writes x into dst, replacing missing values by f (when f is not
// NaN) and marking them in imputed.
func fill(dst []float64, imputed []bool, x []float64, valid []bool, f float64) {
	for i, v := range x {
		imputed[i] = false
		switch {
		case present(valid, i):
			dst[i] = v
		case math.IsNaN(f):
			dst[i] = 0
		default:
			dst[i], imputed[i] = f, true
		}
	}
}

// ImputeMean fills the missing values of x with the mean of the present
// ones (COINr i_mean), writing dst; imputed[i] reports which entries were
// filled, so the caller's new validity is valid[i] || imputed[i]. Nil dst or
// imputed are allocated; it allocates nothing otherwise.
//
// Special cases are:
//
//	no present value              nothing imputed, nil error (COINr: the mean is NaN, NAs stay)
//	NaN or ±Inf marked present    error wrapping ErrNaN
func ImputeMean(dst []float64, imputed []bool, x []float64, valid []bool) ([]float64, []bool, error) {
	const name = "ImputeMean"
	checkLen(name, x, valid)
	dst, imputed = dstFor(name, dst, len(x)), imputedFor(name, imputed, len(x))
	f := math.NaN()
	if s, err := summarise(name, x, valid); err == nil {
		f = s.Mean
	} else if !isNoData(err) {
		return dst, imputed, err
	}
	fill(dst, imputed, x, valid, f)
	return dst, imputed, nil
}

// ImputeMedian fills the missing values of x with the median of the present
// ones (COINr i_median: R's median, the mean of the two middle values of an
// even count). It sorts the present values in dst before writing it, so it
// allocates nothing when dst and imputed are supplied. Special cases are
// ImputeMean's.
func ImputeMedian(dst []float64, imputed []bool, x []float64, valid []bool) ([]float64, []bool, error) {
	const name = "ImputeMedian"
	checkLen(name, x, valid)
	dst, imputed = dstFor(name, dst, len(x)), imputedFor(name, imputed, len(x))
	// dst may be x: take the median on a copy only when they differ.
	scratch := dst
	if len(x) > 0 && &dst[0] == &x[0] {
		scratch = nil
	}
	f, err := median(name, x, valid, scratch)
	if err != nil && !isNoData(err) {
		return dst, imputed, err
	}
	fill(dst, imputed, x, valid, f)
	return dst, imputed, nil
}

// GroupIndex turns per-unit group labels into group ids 0, 1, ... in order
// of first appearance, with names[id] the label; the empty label (no group)
// becomes -1.
func GroupIndex(labels []string) (ids []int, names []string) {
	ids = make([]int, len(labels))
	seen := map[string]int{}
	for i, l := range labels {
		if l == "" {
			ids[i] = -1
			continue
		}
		id, ok := seen[l]
		if !ok {
			id = len(names)
			seen[l] = id
			names = append(names, l)
		}
		ids[i] = id
	}
	return ids, names
}

// ImputeGroupMean fills each missing value with the mean of the present
// values of the unit's group (COINr i_mean_grp with skip_f_na = TRUE).
// group[i] is unit i's group id (GroupIndex makes them from labels); a
// negative id means no group, and such units are not imputed. Units whose
// group has no present value stay missing. It allocates per-group sums.
//
// Special cases are:
//
//	len(group) != len(x)          panics
//	NaN or ±Inf marked present    error wrapping ErrNaN
func ImputeGroupMean(dst []float64, imputed []bool, x []float64, valid []bool, group []int) ([]float64, []bool, error) {
	return imputeGroup("ImputeGroupMean", dst, imputed, x, valid, group, false)
}

// ImputeGroupMedian fills each missing value with the median of the present
// values of the unit's group (COINr i_median_grp with skip_f_na = TRUE).
// Groups and special cases are those of ImputeGroupMean.
func ImputeGroupMedian(dst []float64, imputed []bool, x []float64, valid []bool, group []int) ([]float64, []bool, error) {
	return imputeGroup("ImputeGroupMedian", dst, imputed, x, valid, group, true)
}

func imputeGroup(kernel string, dst []float64, imputed []bool, x []float64, valid []bool, group []int, useMedian bool) ([]float64, []bool, error) {
	checkLen(kernel, x, valid)
	if len(group) != len(x) {
		panic(fmt.Sprintf("indicators: %s: len(group) = %d, want %d", kernel, len(group), len(x)))
	}
	dst, imputed = dstFor(kernel, dst, len(x)), imputedFor(kernel, imputed, len(x))
	groups := 0
	for i, g := range group {
		groups = max(groups, g+1)
		if present(valid, i) && !finite(x[i]) {
			return dst, imputed, kernelError(kernel, ErrNaN, "x[%d] = %v", i, x[i])
		}
	}
	// Per group: the unit indices, then its value from R's mean or median
	// of the present members.
	members := make([][]int, groups)
	for i, g := range group {
		if g >= 0 {
			members[g] = append(members[g], i)
		}
	}
	fills := make([]float64, groups)
	var vals []float64
	var mask []bool
	for g, idx := range members {
		vals, mask = vals[:0], mask[:0]
		for _, i := range idx {
			vals, mask = append(vals, x[i]), append(mask, present(valid, i))
		}
		fills[g] = math.NaN()
		if useMedian {
			if m, err := median(kernel, vals, mask, nil); err == nil {
				fills[g] = m
			}
		} else if s, err := summarise(kernel, vals, mask); err == nil {
			fills[g] = s.Mean
		}
	}
	for i, v := range x {
		imputed[i] = false
		switch {
		case present(valid, i):
			dst[i] = v
		case group[i] < 0 || math.IsNaN(fills[group[i]]):
			dst[i] = 0
		default:
			dst[i], imputed[i] = fills[group[i]], true
		}
	}
	return dst, imputed, nil
}

func isNoData(err error) bool { return errors.Is(err, ErrNoData) }

// LatestWithin returns a unit's most recent value in the years [target -
// window, target], with the year used (COINr impute_panel with max_time =
// window, on yearly data). years and values are the unit's observations in
// any order; a NaN value counts as no observation; of two observations of
// the same year the first wins.
//
// Special cases are:
//
//	no observation in the window  ok = false
//	len(years) != len(values)     panics
func LatestWithin(years []int, values []float64, target, window int) (v float64, year int, ok bool) {
	if len(years) != len(values) {
		panic(fmt.Sprintf("indicators: LatestWithin: %d years, %d values", len(years), len(values)))
	}
	best := math.MinInt
	for i, y := range years {
		if y <= target && y >= target-window && y > best && !math.IsNaN(values[i]) {
			best, v = y, values[i]
		}
	}
	if best == math.MinInt {
		return 0, 0, false
	}
	return v, best, true
}

// latestSorted is LatestWithin for years that ascend strictly: a binary
// search for the last year <= target, then back over NaN values.
func latestSorted(years []int, values []float64, target, window int) (v float64, year int, ok bool) {
	if len(years) != len(values) {
		panic(fmt.Sprintf("indicators: LatestWithin: %d years, %d values", len(years), len(values)))
	}
	if len(years) == 0 {
		return 0, 0, false
	}
	var i int
	if k := target - years[0]; k >= 0 && k < len(years) && years[k] == target {
		i = k + 1 // consecutive years: the target's place is known
	} else {
		var found bool
		if i, found = slices.BinarySearch(years, target); found {
			i++
		}
	}
	for i--; i >= 0 && years[i] >= target-window; i-- {
		if !math.IsNaN(values[i]) {
			return values[i], years[i], true
		}
	}
	return 0, 0, false
}

// Interpolate returns the value in year target by linear interpolation
// between the nearest observed years before and after it, as R's
// approx(rule = 1) (no extrapolation):
//
//	v = v0 + (v1 - v0) (target - y0) / (y1 - y0)
//
// An observation in the target year is returned as it is. A NaN value
// counts as no observation.
//
// Special cases are:
//
//	no observation before or after the target   ok = false
//	len(years) != len(values)                   panics
func Interpolate(years []int, values []float64, target int) (v float64, ok bool) {
	if len(years) != len(values) {
		panic(fmt.Sprintf("indicators: Interpolate: %d years, %d values", len(years), len(values)))
	}
	lo, hi := -1, -1
	for i, y := range years {
		if math.IsNaN(values[i]) {
			continue
		}
		switch {
		case y == target:
			return values[i], true
		case y < target && (lo < 0 || y > years[lo]):
			lo = i
		case y > target && (hi < 0 || y < years[hi]):
			hi = i
		}
	}
	if lo < 0 || hi < 0 {
		return 0, false
	}
	y0, y1 := float64(years[lo]), float64(years[hi])
	return values[lo] + (values[hi]-values[lo])*(float64(target)-y0)/(y1-y0), true
}
