package indicators

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImpute(t *testing.T) {
	for _, c := range []struct {
		name    string
		x       []float64
		group   []string
		kernel  func(dst []float64, imputed []bool, x []float64, valid []bool, group []int) ([]float64, []bool, error)
		want    []float64
		imputed []bool
	}{
		// R 4.2.2 + COINr i_mean(c(1,NA,2,4)) = 1 2.3333333333333335 2 4
		{name: "mean", x: []float64{1, na, 2, 4}, kernel: ungrouped(ImputeMean),
			want: []float64{1, 2.3333333333333335, 2, 4}, imputed: []bool{false, true, false, false}},
		// R 4.2.2 + COINr i_median(c(1,NA,2,4,10)) = 1 3 2 4 10: the mean of the
		// two middle values 2 and 4
		{name: "median of an even count", x: []float64{1, na, 2, 4, 10}, kernel: ungrouped(ImputeMedian),
			want: []float64{1, 3, 2, 4, 10}, imputed: []bool{false, true, false, false, false}},
		// hand: median of 1 2 9 is 2
		{name: "median of an odd count", x: []float64{9, na, 1, 2}, kernel: ungrouped(ImputeMedian),
			want: []float64{9, 2, 1, 2}, imputed: []bool{false, true, false, false}},
		// COINr i_mean of all NA: the mean is NaN and the NAs stay
		{name: "all missing", x: []float64{na, na}, kernel: ungrouped(ImputeMean),
			want: []float64{na, na}, imputed: []bool{false, false}},
		// R 4.2.2 + COINr i_mean_grp(c(1,NA,3,10,NA,30,NA,NA,7), c("a","a","a","b","b","b","c","c",NA)):
		// 1 2 3 10 20 30 NaN NaN 7: group c has no data, the unit with no group stays
		{name: "group mean", x: []float64{1, na, 3, 10, na, 30, na, na, 7}, group: []string{"a", "a", "a", "b", "b", "b", "c", "c", ""},
			kernel: ImputeGroupMean, want: []float64{1, 2, 3, 10, 20, 30, na, na, 7},
			imputed: []bool{false, true, false, false, true, false, false, false, false}},
		// R 4.2.2 + COINr i_median_grp(c(1,NA,3,4,10,NA,30,NA,NA,7), c(rep("a",4), rep("b",3), "c", "c", NA)):
		// 1 3 3 4 10 20 30 NA NA 7
		{name: "group median", x: []float64{1, na, 3, 4, 10, na, 30, na, na, 7}, group: []string{"a", "a", "a", "a", "b", "b", "b", "c", "c", ""},
			kernel: ImputeGroupMedian, want: []float64{1, 3, 3, 4, 10, 20, 30, na, na, 7},
			imputed: []bool{false, true, false, false, false, true, false, false, false, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, valid := vec(c.x...)
			ids, _ := GroupIndex(c.group)
			if c.group == nil {
				ids = nil
			}
			got, imputed, err := c.kernel(nil, nil, x, valid, ids)
			if err != nil {
				t.Fatal(err)
			}
			now := make([]bool, len(valid))
			for i := range now {
				now[i] = valid[i] || imputed[i]
			}
			if diff := cmp.Diff(c.want, masked(got, now), approx); diff != "" {
				t.Errorf("%s(%v) (-want +got)\n%s", c.name, c.x, diff)
			}
			if diff := cmp.Diff(c.imputed, imputed); diff != "" {
				t.Errorf("%s(%v) imputed (-want +got)\n%s", c.name, c.x, diff)
			}
		})
	}
	if _, _, err := ImputeMean(nil, nil, []float64{1, math.NaN(), na}, []bool{true, true, false}); !errors.Is(err, ErrNaN) {
		t.Errorf("ImputeMean with NaN: error = %v, want ErrNaN", err)
	}
	// In place: dst == x.
	x, valid := vec(1, na, 2, 4)
	if _, _, err := ImputeMedian(x, nil, x, valid); err != nil || x[1] != 2 {
		t.Errorf("ImputeMedian in place = %v, %v, want x[1] = 2", x, err)
	}
}

func ungrouped(f func(dst []float64, imputed []bool, x []float64, valid []bool) ([]float64, []bool, error)) func(dst []float64, imputed []bool, x []float64, valid []bool, group []int) ([]float64, []bool, error) {
	return func(dst []float64, imputed []bool, x []float64, valid []bool, _ []int) ([]float64, []bool, error) {
		return f(dst, imputed, x, valid)
	}
}

func TestGroupIndex(t *testing.T) {
	ids, names := GroupIndex([]string{"LIC", "", "HIC", "LIC"})
	if !cmp.Equal(ids, []int{0, -1, 1, 0}) || !cmp.Equal(names, []string{"LIC", "HIC"}) {
		t.Errorf("GroupIndex = %v, %v", ids, names)
	}
}

func TestLatestWithin(t *testing.T) {
	years := []int{2018, 2021, 2019, 2023}
	values := []float64{1, 2, 3, math.NaN()}
	for _, c := range []struct {
		name           string
		target, window int
		v              float64
		year           int
		ok             bool
	}{
		// hand: 2023 is NaN (no observation), so the latest in [2020, 2023] is 2021
		{"skips NaN", 2023, 3, 2, 2021, true},
		{"exact year", 2021, 0, 2, 2021, true},
		// hand: [2020, 2020] is empty
		{"nothing in window", 2020, 0, 0, 0, false},
		// hand: [2017, 2020]: 2019 beats 2018
		{"latest, not first", 2020, 3, 3, 2019, true},
		// hand: years after the target never count
		{"no future", 2017, 5, 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, y, ok := LatestWithin(years, values, c.target, c.window)
			if v != c.v || y != c.year || ok != c.ok {
				t.Errorf("LatestWithin(%d, %d) = %v, %d, %v, want %v, %d, %v", c.target, c.window, v, y, ok, c.v, c.year, c.ok)
			}
		})
	}
}

func TestInterpolate(t *testing.T) {
	years := []int{2015, 2020, 2018}
	values := []float64{10, 30, math.NaN()}
	for _, c := range []struct {
		name   string
		target int
		v      float64
		ok     bool
	}{
		// hand: 2018 is NaN, so between 2015 (10) and 2020 (30): 10 + 20 * 3/5 = 22
		{"between", 2018, 22, true},
		{"observed", 2015, 10, true},
		// R approx(rule = 1): no extrapolation
		{"after the last", 2021, 0, false},
		{"before the first", 2014, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, ok := Interpolate(years, values, c.target)
			if !close(v, c.v) || ok != c.ok {
				t.Errorf("Interpolate(%d) = %v, %v, want %v, %v", c.target, v, ok, c.v, c.ok)
			}
		})
	}
}

func TestParseImputation(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Imputation
		err  string
	}{
		{in: "none", want: Imputation{Method: ImputationNone}},
		{in: "median", want: Imputation{Method: ImputationMedian}},
		{in: "mean-group:income_group", want: Imputation{Method: ImputationGroupMean, Group: "income_group"}},
		{in: "median-group: region ", want: Imputation{Method: ImputationGroupMedian, Group: "region"}},
		{in: "latest:3", want: Imputation{Method: ImputationLatest, Years: 3}},
		{in: "linear", want: Imputation{Method: ImputationLinear}},
		{in: "latest", err: `indicators: imputation "latest": want latest:N with N the window in years, 0 <= N <= 100`},
		{in: "mean-group", err: `indicators: imputation "mean-group": want mean-group:COL with COL a grouping such as income_group or region`},
		{in: "mean:1", err: `indicators: imputation "mean:1": mean takes no parameter`},
		{in: "knn", err: `indicators: imputation "knn": unknown method "knn" (want none, mean, median, mean-group:COL, median-group:COL, latest:N or linear)`},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseImputation(c.in)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("ParseImputation(%q) error = %v, want %s", c.in, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseImputation(%q) = %+v, %v, want %+v", c.in, got, err, c.want)
			}
		})
	}
}

// latestSorted agrees with LatestWithin on ascending years, NaN included.
func TestLatestSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for range 20000 {
		n := r.IntN(8)
		years, values := make([]int, 0, n), make([]float64, 0, n)
		y := 2000 + r.IntN(3)
		for range n {
			years = append(years, y)
			v := r.Float64()
			if r.IntN(4) == 0 {
				v = math.NaN()
			}
			values = append(values, v)
			y += 1 + r.IntN(3)
		}
		target, window := 1999+r.IntN(20), r.IntN(5)
		v1, y1, ok1 := LatestWithin(years, values, target, window)
		v2, y2, ok2 := latestSorted(years, values, target, window)
		if ok1 != ok2 || y1 != y2 || (ok1 && v1 != v2) {
			t.Fatalf("years %v values %v target %d window %d: LatestWithin %v %d %v, latestSorted %v %d %v",
				years, values, target, window, v1, y1, ok1, v2, y2, ok2)
		}
	}
}
