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

// TestScenarios runs the readable scenario files in testdata/scenarios, in
// the manner of Prometheus' promqltest: each block (blocks are separated by
// blank lines) loads a few units, runs one method and states the expected
// numbers; a comment line (#) before an expectation shows its derivation.
//
//	scenario: <name>                  starts a block
//	units: A B C                      unit codes (dist2ref's UNIT is one)
//	x: 1 2 NA                         one value per unit, NA = missing
//	child: 1 2 NA                     one line per child (aggregate, pca)
//	weights: 1 2                      one per child (aggregate)
//	coverage: 0.5                     minimum share of children present
//	direction: -1                     indicator direction (normalise)
//	goalposts: LO HI SCALE            lower and upper goalpost, top score
//	target: 10                        dist2targ target, or the target year
//	cap: true                         dist2targ/dist2ref cap at 1
//	group: a a b                      group labels ("-" = none)
//	years: 2019 2021                  years of x (latest, linear)
//	female: ..., male: ...            rates (gender)
//	pop: ...                          populations (group)
//
//	normalise: SPEC | aggregate: SPEC | treat: SPEC | impute: SPEC |
//	rank: | percentile: | skew: | kurt: | tier: SCHEME | gender: gps|ratio |
//	parity-weights: | pca: | group-aggregate: | compare: UNIT   the operation
//
//	expect: ...       values per unit (NA = missing), a scalar, or for
//	                  tier the names separated by "|"
//	error: <text>     an error whose message contains text is expected
//	winsorised: N     (treat) COINr's nwin
//	applied: NAME     (treat) what was applied ("" for nothing)
//	year: 2021        (impute latest) the year used
//	explained: 0.9    (pca) variance explained
//	mean: / weighted: / median: / n: / popcoverage: / withheld:
//	                  (group-aggregate, compare; coverage: is the threshold)
//	value: / difference: / ratio: / group-rank: / group-of: /
//	group-percentile: (compare; value: is the unit's value)
//	tol: 1e-12        tolerance (default 1e-12)
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	n := 0
	for _, file := range files {
		for _, sc := range readScenarios(t, file) {
			n++
			t.Run(filepath.Base(file)+"/"+sc.get("scenario"), func(t *testing.T) { runScenario(t, sc) })
		}
	}
	if n < 40 {
		t.Errorf("only %d scenarios", n)
	}
}

// scenario is one block: each key with its values in order (child repeats).
type scenario struct {
	file string
	line int
	kv   map[string][]string
	op   string
}

func (s scenario) get(k string) string {
	if v := s.kv[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (s scenario) has(k string) bool { _, ok := s.kv[k]; return ok }

var scenarioOps = []string{"normalise", "aggregate", "treat", "impute", "rank", "percentile", "skew", "kurt",
	"tier", "gender", "parity-weights", "pca", "group-aggregate", "compare"}

func readScenarios(t *testing.T, file string) []scenario {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []scenario
	var cur *scenario
	flush := func() {
		if cur == nil {
			return
		}
		for _, op := range scenarioOps {
			if cur.has(op) {
				if cur.op != "" {
					t.Fatalf("%s:%d: two operations, %s and %s", file, cur.line, cur.op, op)
				}
				cur.op = op
			}
		}
		if cur.op == "" || !cur.has("scenario") {
			t.Fatalf("%s:%d: block without scenario or operation", file, cur.line)
		}
		if !cur.has("expect") && !cur.has("error") && cur.op != "group-aggregate" && cur.op != "compare" {
			t.Fatalf("%s:%d: block without expect or error", file, cur.line)
		}
		out = append(out, *cur)
		cur = nil
	}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		switch {
		case text == "":
			flush()
		case strings.HasPrefix(text, "#"):
		default:
			k, v, ok := strings.Cut(text, ":")
			if !ok {
				t.Fatalf("%s:%d: %q: want key: value", file, line, text)
			}
			if cur == nil {
				cur = &scenario{file: file, line: line, kv: map[string][]string{}}
			}
			k = strings.TrimSpace(k)
			cur.kv[k] = append(cur.kv[k], strings.TrimSpace(v))
		}
	}
	flush()
	return out
}

func parseVec(t *testing.T, s string) ([]float64, []bool) {
	t.Helper()
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

func parseNum(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		t.Fatalf("bad number %q", s)
	}
	return v
}

func runScenario(t *testing.T, sc scenario) {
	where := fmt.Sprintf("%s:%d", sc.file, sc.line)
	x, valid := parseVec(t, sc.get("x"))
	tol := 1e-12
	if sc.has("tol") {
		tol = parseNum(t, sc.get("tol"))
	}
	near := func(got, want float64) bool {
		return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
	}
	wantErr := sc.get("error")
	// check reports whether to go on: an expected error ends the scenario.
	check := func(err error) bool {
		t.Helper()
		switch {
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Fatalf("%s: %s: error = %v, want one containing %q", where, sc.op, err, wantErr)
		case wantErr == "" && err != nil:
			t.Fatalf("%s: %s: unexpected error %v", where, sc.op, err)
		}
		return err == nil
	}
	// parsed is check for a parse step, which may fail only when an error
	// is expected.
	parsed := func(err error) bool {
		t.Helper()
		if err == nil {
			return true
		}
		return check(err)
	}
	expectVec := func(got []float64, gotValid []bool) {
		t.Helper()
		want, wantValid := parseVec(t, sc.get("expect"))
		if len(want) != len(got) {
			t.Fatalf("%s: %s = %v, want %s", where, sc.op, got, sc.get("expect"))
		}
		for i := range want {
			gv := gotValid == nil || gotValid[i]
			if wantValid[i] != gv || (gv && !near(got[i], want[i])) {
				t.Fatalf("%s: %s = %v (valid %v), want %s", where, sc.op, got, gotValid, sc.get("expect"))
			}
		}
	}
	expectScalar := func(key string, got float64, ok bool) {
		t.Helper()
		if !sc.has(key) {
			return
		}
		if sc.get(key) == "NA" {
			if ok {
				t.Fatalf("%s: %s %s = %v, want NA", where, sc.op, key, got)
			}
			return
		}
		if want := parseNum(t, sc.get(key)); !ok || !near(got, want) {
			t.Fatalf("%s: %s %s = %v (ok %v), want %v", where, sc.op, key, got, ok, want)
		}
	}
	children := func() ([][]float64, [][]bool) {
		var cols [][]float64
		var valids [][]bool
		for _, c := range sc.kv["child"] {
			col, v := parseVec(t, c)
			cols, valids = append(cols, col), append(valids, v)
		}
		return cols, valids
	}
	switch sc.op {
	case "normalise":
		n, err := ParseNormalisation(sc.get("normalise"))
		if !parsed(err) {
			return
		}
		ctx := NormContext{Direction: 1, CapMax: sc.get("cap") == "true"}
		if sc.has("direction") {
			ctx.Direction = int(parseNum(t, sc.get("direction")))
		}
		if sc.has("goalposts") {
			p := strings.Fields(sc.get("goalposts"))
			ctx.GoalLo, ctx.GoalHi, ctx.Scale = parseNum(t, p[0]), parseNum(t, p[1]), parseNum(t, p[2])
		}
		if sc.has("target") {
			ctx.Target = parseNum(t, sc.get("target"))
		}
		for i, u := range strings.Fields(sc.get("units")) {
			if u == n.Ref {
				ctx.RefIndex = i
			}
		}
		got, err := n.Apply(nil, x, valid, ctx)
		if check(err) {
			expectVec(got, valid)
		}
	case "aggregate":
		a, err := ParseAggregation(sc.get("aggregate"))
		if !parsed(err) {
			return
		}
		cols, valids := children()
		var w []float64
		if sc.has("weights") {
			w, _ = parseVec(t, sc.get("weights"))
		}
		cov := 0.0
		if sc.has("coverage") {
			cov = parseNum(t, sc.get("coverage"))
		}
		got, ok, err := a.AggregateColumns(nil, nil, cols, valids, w, cov)
		if check(err) {
			expectVec(got, ok)
		}
	case "treat":
		tr, err := ParseTreatment(sc.get("treat"))
		if !parsed(err) {
			return
		}
		got, rep, err := Treat(nil, x, valid, tr)
		if !check(err) {
			return
		}
		expectVec(got, valid)
		if sc.has("winsorised") && rep.Winsorised.N != int(parseNum(t, sc.get("winsorised"))) {
			t.Fatalf("%s: winsorised %d, want %s", where, rep.Winsorised.N, sc.get("winsorised"))
		}
		if sc.has("applied") && string(rep.Applied) != sc.get("applied") {
			t.Fatalf("%s: applied %q, want %q", where, rep.Applied, sc.get("applied"))
		}
	case "impute":
		im, err := ParseImputation(sc.get("impute"))
		if !parsed(err) {
			return
		}
		switch im.Method {
		case ImputationLatest, ImputationLinear:
			var years []int
			for _, f := range strings.Fields(sc.get("years")) {
				years = append(years, int(parseNum(t, f)))
			}
			target := int(parseNum(t, sc.get("target")))
			var v float64
			var y int
			var ok bool
			if im.Method == ImputationLatest {
				v, y, ok = LatestWithin(years, masked(x, valid), target, im.Years)
			} else {
				v, ok = Interpolate(years, masked(x, valid), target)
			}
			expectScalar("expect", v, ok)
			if sc.has("year") && y != int(parseNum(t, sc.get("year"))) {
				t.Fatalf("%s: year %d, want %s", where, y, sc.get("year"))
			}
		default:
			var got []float64
			var imputed []bool
			switch im.Method {
			case ImputationMean:
				got, imputed, err = ImputeMean(nil, nil, x, valid)
			case ImputationMedian:
				got, imputed, err = ImputeMedian(nil, nil, x, valid)
			case ImputationGroupMean, ImputationGroupMedian:
				labels := strings.Fields(sc.get("group"))
				for i, l := range labels {
					if l == "-" {
						labels[i] = ""
					}
				}
				ids, _ := GroupIndex(labels)
				if im.Method == ImputationGroupMean {
					got, imputed, err = ImputeGroupMean(nil, nil, x, valid, ids)
				} else {
					got, imputed, err = ImputeGroupMedian(nil, nil, x, valid, ids)
				}
			default: // none
				got, imputed = append([]float64(nil), x...), make([]bool, len(x))
			}
			if !check(err) {
				return
			}
			now := make([]bool, len(x))
			for i := range now {
				now[i] = valid[i] || imputed[i]
			}
			expectVec(got, now)
		}
	case "rank", "percentile":
		got := make([]float64, len(x))
		if sc.op == "rank" {
			r, err := Rank(nil, x, valid)
			if !check(err) {
				return
			}
			for i, k := range r {
				got[i] = float64(k)
			}
		} else {
			var err error
			if got, err = Percentiles(nil, x, valid); !check(err) {
				return
			}
		}
		expectVec(got, valid)
	case "skew", "kurt":
		f := Skewness
		if sc.op == "kurt" {
			f = Kurtosis
		}
		v, err := f(x, valid)
		if check(err) {
			expectScalar("expect", v, !math.IsNaN(v))
		}
	case "tier":
		scheme, err := NewTierScheme(sc.get("tier"), strings.Fields(sc.get("names")), 0, 1)
		if !parsed(err) {
			return
		}
		var got []string
		for i, s := range x {
			name := "NA"
			if valid[i] {
				tier, ok := scheme.Classify(s)
				if sc.get("tier") == "egdi" && sc.get("classes") == "true" {
					tier, ok = EGDIRatingClass(s)
				}
				if ok {
					name = tier.Name
				}
			}
			got = append(got, name)
		}
		var want []string
		for _, w := range strings.Split(sc.get("expect"), "|") {
			want = append(want, strings.TrimSpace(w))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("%s: tier %s = %q, want %q", where, sc.get("tier"), got, want)
		}
	case "gender":
		f, fv := parseVec(t, sc.get("female"))
		m, mv := parseVec(t, sc.get("male"))
		got, ok := make([]float64, len(f)), make([]bool, len(f))
		for i := range f {
			if fv[i] && mv[i] {
				got[i], _ = GenderParityScore(f[i], m[i])
				ok[i] = !math.IsNaN(got[i])
				if sc.get("gender") == "ratio" {
					got[i] = TruncatedRatio(f[i], m[i])
				}
			}
		}
		expectVec(got, ok)
	case "parity-weights":
		cols, valids := children()
		got, err := ParityWeights(nil, cols, valids)
		if check(err) {
			expectVec(got, nil)
		}
	case "pca":
		cols, valids := children()
		res, err := PCAWeights(cols, valids)
		if check(err) {
			expectVec(res.Weights, nil)
			expectScalar("explained", res.VarianceExplained, true)
		}
	case "group-aggregate", "compare":
		pop, _ := parseVec(t, sc.get("pop"))
		if !sc.has("pop") {
			pop = nil
		}
		g := GroupAggregate(x, valid, pop, parseNum(t, sc.get("coverage")))
		expectScalar("mean", g.Mean, !math.IsNaN(g.Mean))
		expectScalar("weighted", g.WeightedMean, !math.IsNaN(g.WeightedMean))
		expectScalar("median", g.Median, !math.IsNaN(g.Median))
		expectScalar("n", float64(g.N), true)
		expectScalar("popcoverage", g.PopCoverage, !math.IsNaN(g.PopCoverage))
		if sc.has("withheld") && fmt.Sprint(g.Withheld) != sc.get("withheld") {
			t.Fatalf("%s: withheld %v (%s), want %s", where, g.Withheld, g.Reason, sc.get("withheld"))
		}
		if sc.op == "compare" {
			member := -1
			for i, u := range strings.Fields(sc.get("units")) {
				if u == sc.get("compare") {
					member = i
				}
			}
			value := parseNum(t, sc.get("value"))
			c := Compare(value, g.Mean, x, valid, member)
			expectScalar("difference", c.Difference, true)
			expectScalar("ratio", c.Ratio, true)
			expectScalar("group-rank", float64(c.Rank), true)
			expectScalar("group-of", float64(c.Of), true)
			expectScalar("group-percentile", c.Percentile, true)
		}
	default:
		t.Fatalf("%s: unknown operation %q", where, sc.op)
	}
}
