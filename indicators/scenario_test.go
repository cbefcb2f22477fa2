package indicators

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestScenarios runs the readable scenario files in testdata/scenarios: each
// block (separated by a blank line) sets inputs, names one operation and the
// expected result; comment lines (#) give the derivation of each number.
//
//	scenario: <name>
//	x: 1 2 NA 4            values (NA = missing)
//	w: 1 1 2               weights (aggregate)
//	groups: a a b b        group labels (impute-group)
//	years: 2019 2021       years of x (latest, interpolate)
//	target: 2020           target year or dist2targ target
//	direction: -1          polarity (normalise)
//	goalposts: lo hi scale (normalise goalposts)
//	ref: 3                 0-based reference index (dist2ref)
//	coverage: 0.5          minimum share present (aggregate)
//	op: normalise minmax:0,100 | aggregate amean | treat jrc | skew | kurt |
//	    rank | impute mean | impute-group median | latest 2 | interpolate |
//	    gap F M | parity-weights
//	expect: ...            vector or scalar (NA = missing)
//	error: <substring>     an error is expected instead
//	winsorised: 1          (treat) COINr's nwin
//	applied: winsorise     (treat) what was applied
//	tol: 1e-12             tolerance (default 1e-12)
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	n := 0
	for _, file := range files {
		for _, sc := range readScenarios(t, file) {
			n++
			t.Run(filepath.Base(file)+"/"+sc["scenario"], func(t *testing.T) { runScenario(t, sc) })
		}
	}
	if n < 30 {
		t.Errorf("only %d scenarios", n)
	}
}

func readScenarios(t *testing.T, file string) []map[string]string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]string
	cur := map[string]string{}
	flush := func() {
		if len(cur) > 0 {
			if cur["scenario"] == "" || cur["op"] == "" {
				t.Fatalf("%s: block without scenario or op: %v", file, cur)
			}
			out = append(out, cur)
		}
		cur = map[string]string{}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				t.Fatalf("%s: line %q: want key: value", file, line)
			}
			cur[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	flush()
	return out
}

func vec(t *testing.T, s string) ([]float64, []bool) {
	t.Helper()
	if s == "" {
		return nil, nil
	}
	var x []float64
	var v []bool
	for _, f := range strings.Fields(s) {
		if f == "NA" {
			x, v = append(x, 0), append(v, false)
			continue
		}
		n, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("bad number %q", f)
		}
		x, v = append(x, n), append(v, true)
	}
	return x, v
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		t.Fatalf("bad number %q", s)
	}
	return v
}

func runScenario(t *testing.T, sc map[string]string) {
	x, valid := vec(t, sc["x"])
	tol := 1e-12
	if s, ok := sc["tol"]; ok {
		tol = num(t, s)
	}
	op, arg, _ := strings.Cut(sc["op"], " ")
	wantErr := sc["error"]
	parsed := func(err error) bool {
		t.Helper()
		if err != nil {
			if wantErr == "" || !strings.Contains(err.Error(), wantErr) {
				t.Fatalf("%s: parse error %v", sc["op"], err)
			}
			return false
		}
		return true
	}
	check := func(err error) bool {
		t.Helper()
		if wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), wantErr) {
				t.Fatalf("%s: err = %v, want one containing %q", sc["op"], err, wantErr)
			}
			return false
		}
		if err != nil {
			t.Fatalf("%s: unexpected error %v", sc["op"], err)
		}
		return true
	}
	expectVec := func(got []float64, gotValid []bool) {
		t.Helper()
		want, wantValid := vec(t, sc["expect"])
		if len(want) != len(got) {
			t.Fatalf("%s = %v, want %v", sc["op"], got, want)
		}
		for i := range want {
			gv := gotValid == nil || gotValid[i]
			if wantValid[i] != gv || (gv && math.Abs(got[i]-want[i]) > tol) {
				t.Fatalf("%s = %v (valid %v), want %s", sc["op"], got, gotValid, sc["expect"])
			}
		}
	}
	expectScalar := func(got float64, ok bool) {
		t.Helper()
		if sc["expect"] == "NA" {
			if ok {
				t.Fatalf("%s = %v, want NA", sc["op"], got)
			}
			return
		}
		want := num(t, sc["expect"])
		if !ok || math.Abs(got-want) > tol {
			t.Fatalf("%s = %v (ok %v), want %v", sc["op"], got, ok, want)
		}
	}
	switch op {
	case "normalise":
		n, err := ParseNormalisation(arg)
		if !parsed(err) {
			return
		}
		ctx := NormContext{Direction: 1}
		if d, ok := sc["direction"]; ok {
			ctx.Direction = int(num(t, d))
		}
		if g, ok := sc["goalposts"]; ok {
			p := strings.Fields(g)
			ctx.GoalLo, ctx.GoalHi, ctx.Scale = num(t, p[0]), num(t, p[1]), num(t, p[2])
		}
		if r, ok := sc["ref"]; ok {
			ctx.RefIndex = int(num(t, r))
		}
		if tg, ok := sc["target"]; ok {
			ctx.Target = num(t, tg)
		}
		got, err := n.Apply(nil, x, valid, ctx)
		if check(err) {
			expectVec(got, valid)
		}
	case "aggregate":
		a, err := ParseAggregation(arg)
		if !parsed(err) {
			return
		}
		w, _ := vec(t, sc["w"])
		if w == nil {
			w = make([]float64, len(x))
			for i := range w {
				w[i] = 1
			}
		}
		cov := 0.0
		if c, ok := sc["coverage"]; ok {
			cov = num(t, c)
		}
		v, ok, err := a.Aggregate(x, valid, w, cov)
		if check(err) {
			expectScalar(v, ok)
		}
	case "treat":
		tr, err := ParseTreatment(arg)
		if !parsed(err) {
			return
		}
		got, rep, err := Treat(nil, x, valid, tr)
		if !check(err) {
			return
		}
		expectVec(got, valid)
		if s, ok := sc["winsorised"]; ok && rep.Winsorised != int(num(t, s)) {
			t.Fatalf("winsorised %d points, want %s", rep.Winsorised, s)
		}
		if s, ok := sc["applied"]; ok && rep.Applied != s {
			t.Fatalf("applied %q, want %q", rep.Applied, s)
		}
	case "skew":
		v := Skewness(x, valid)
		expectScalar(v, !math.IsNaN(v))
	case "kurt":
		v := Kurtosis(x, valid)
		expectScalar(v, !math.IsNaN(v))
	case "rank":
		r := Rank(nil, x, valid)
		got := make([]float64, len(r))
		gv := make([]bool, len(r))
		for i, k := range r {
			got[i], gv[i] = float64(k), k > 0
		}
		expectVec(got, gv)
	case "impute":
		got, imp := ImputeColumn(nil, nil, x, valid, arg == "median")
		gv := make([]bool, len(x))
		for i := range gv {
			gv[i] = valid[i] || imp[i]
		}
		expectVec(got, gv)
	case "impute-group":
		groups := strings.Fields(sc["groups"])
		got, imp := ImputeByGroup(nil, nil, x, valid, groups, arg == "median")
		gv := make([]bool, len(x))
		for i := range gv {
			gv[i] = valid[i] || imp[i]
		}
		expectVec(got, gv)
	case "latest", "interpolate":
		yf, _ := vec(t, sc["years"])
		years := make([]int, len(yf))
		for i, y := range yf {
			years[i] = int(y)
		}
		target := int(num(t, sc["target"]))
		if op == "latest" {
			v, y, ok := LatestWithin(years, x, target, int(num(t, arg)))
			want := strings.Fields(sc["expect"])
			if want[0] == "NA" {
				if ok {
					t.Fatalf("latest = %v in %d, want NA", v, y)
				}
				return
			}
			if !ok || v != num(t, want[0]) || y != int(num(t, want[1])) {
				t.Fatalf("latest = %v in %d (ok %v), want %s", v, y, ok, sc["expect"])
			}
			return
		}
		v, ok := Interpolate(years, x, target)
		expectScalar(v, ok)
	case "gap":
		p := strings.Fields(arg)
		g := GenderGap(num(t, p[0]), num(t, p[1]), 0.98, 1.02, math.NaN(), math.NaN())
		want := strings.Fields(sc["expect"])
		got := []float64{g.GPS, g.PointGap, g.RelativeGap}
		for i := range got {
			if math.Abs(got[i]-num(t, want[i])) > tol {
				t.Fatalf("gap(%s) = GPS %v, points %v, relative %v; want %s", arg, g.GPS, g.PointGap, g.RelativeGap, sc["expect"])
			}
		}
		if s, ok := sc["parity"]; ok && fmt.Sprint(g.Parity) != s {
			t.Fatalf("parity = %v, want %s", g.Parity, s)
		}
	default:
		t.Fatalf("unknown op %q", op)
	}
}
