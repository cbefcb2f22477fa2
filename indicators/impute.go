package indicators

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ImputeMethod names an imputation method.
type ImputeMethod string

// Imputation methods (COINr i_mean, i_median, i_mean_grp, i_median_grp;
// latest-within-window and linear interpolation between years, as COINr's
// impute_panel with "last" and "linear").
const (
	ImputeNone        ImputeMethod = "none"
	ImputeMean        ImputeMethod = "mean"
	ImputeMedian      ImputeMethod = "median"
	ImputeGroupMean   ImputeMethod = "mean-group"
	ImputeGroupMedian ImputeMethod = "median-group"
	ImputeLatest      ImputeMethod = "latest"
	ImputeLinear      ImputeMethod = "linear"
)

// Imputation is a method with its parameter: the grouping column for the
// group methods (mean-group:COL), the window in years for latest:N.
type Imputation struct {
	Method ImputeMethod
	Group  string
	Years  int
}

// ParseImputation parses none, mean, median, mean-group:COL,
// median-group:COL, latest:N or linear.
func ParseImputation(s string) (Imputation, error) {
	name, param, has := strings.Cut(strings.TrimSpace(s), ":")
	im := Imputation{Method: ImputeMethod(strings.ToLower(name))}
	switch im.Method {
	case ImputeNone, ImputeMean, ImputeMedian, ImputeLinear:
		if has {
			return Imputation{}, fmt.Errorf("indicators: imputation %q: %s takes no parameter", s, im.Method)
		}
	case ImputeGroupMean, ImputeGroupMedian:
		im.Group = strings.TrimSpace(param)
		if !has || im.Group == "" {
			return Imputation{}, fmt.Errorf("indicators: imputation %q: want %s:COLUMN (a grouping such as income_group or region)", s, im.Method)
		}
	case ImputeLatest:
		n, err := strconv.Atoi(strings.TrimSpace(param))
		if !has || err != nil || n < 0 || n > 100 {
			return Imputation{}, fmt.Errorf("indicators: imputation %q: want latest:N with 0 <= N <= 100 years", s)
		}
		im.Years = n
	default:
		return Imputation{}, fmt.Errorf("indicators: imputation %q: unknown method (want none, mean, median, mean-group:COL, median-group:COL, latest:N, linear)", s)
	}
	return im, nil
}

// String returns the canonical form; ParseImputation(im.String()) == im.
func (im Imputation) String() string {
	switch im.Method {
	case ImputeGroupMean, ImputeGroupMedian:
		return string(im.Method) + ":" + im.Group
	case ImputeLatest:
		return "latest:" + strconv.Itoa(im.Years)
	}
	return string(im.Method)
}

// ImputeColumn fills the missing values of one indicator across units with
// the mean or median of the present ones (COINr i_mean, i_median), writing
// dst and marking filled entries in imputed (len(x); nil allocates).
//
// Special cases are: no present value imputes nothing.
func ImputeColumn(dst []float64, imputed []bool, x []float64, valid []bool, median bool) ([]float64, []bool) {
	checkLen("ImputeColumn", x, valid)
	dst = dstFor("ImputeColumn", dst, len(x))
	if imputed == nil {
		imputed = make([]bool, len(x))
	}
	var fill float64
	if median {
		fill = Median(x, valid, nil)
	} else {
		s, err := Summarise(x, valid)
		fill = s.Mean
		if err != nil {
			fill = math.NaN()
		}
	}
	for i, v := range x {
		imputed[i] = false
		if present(valid, i) {
			dst[i] = v
			continue
		}
		if math.IsNaN(fill) {
			dst[i] = 0
			continue
		}
		dst[i], imputed[i] = fill, true
	}
	return dst, imputed
}

// ImputeByGroup fills missing values with the mean or median of the present
// values of the unit's group (COINr i_mean_grp, i_median_grp). group[i] is
// the unit's group label; "" means no group (not imputed). Units whose group
// has no present value stay missing.
func ImputeByGroup(dst []float64, imputed []bool, x []float64, valid []bool, group []string, median bool) ([]float64, []bool) {
	checkLen("ImputeByGroup", x, valid)
	if len(group) != len(x) {
		panic(fmt.Sprintf("indicators: ImputeByGroup: len(group) = %d, len(x) = %d", len(group), len(x)))
	}
	dst = dstFor("ImputeByGroup", dst, len(x))
	if imputed == nil {
		imputed = make([]bool, len(x))
	}
	members := map[string][]float64{}
	for i, v := range x {
		if present(valid, i) && group[i] != "" {
			members[group[i]] = append(members[group[i]], v)
		}
	}
	fill := map[string]float64{}
	for g, vals := range members {
		if median {
			fill[g] = Median(vals, nil, nil)
		} else {
			s, _ := Summarise(vals, nil)
			fill[g] = s.Mean
		}
	}
	for i, v := range x {
		imputed[i] = false
		if present(valid, i) {
			dst[i] = v
			continue
		}
		f, ok := fill[group[i]]
		if !ok || group[i] == "" {
			dst[i] = 0
			continue
		}
		dst[i], imputed[i] = f, true
	}
	return dst, imputed
}

// LatestWithin returns a unit's most recent value in [target - window,
// target] from its series (years ascending or not), with the year used.
//
// Special cases are: no value in the window gives ok = false.
func LatestWithin(years []int, values []float64, target, window int) (v float64, year int, ok bool) {
	if len(years) != len(values) {
		panic(fmt.Sprintf("indicators: LatestWithin: %d years, %d values", len(years), len(values)))
	}
	best := math.MinInt
	for i, y := range years {
		if y <= target && y >= target-window && y > best {
			best, v = y, values[i]
		}
	}
	if best == math.MinInt {
		return 0, 0, false
	}
	return v, best, true
}

// Interpolate returns the value at target by linear interpolation between
// the nearest observed years before and after it (no extrapolation; an
// observed target year is returned as is).
//
// Special cases are: no observation on one side gives ok = false.
func Interpolate(years []int, values []float64, target int) (float64, bool) {
	if len(years) != len(values) {
		panic(fmt.Sprintf("indicators: Interpolate: %d years, %d values", len(years), len(values)))
	}
	lo, hi := -1, -1
	for i, y := range years {
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
