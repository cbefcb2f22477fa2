package indicators

import "testing"

// Each Parse* accepts what its String writes and never panics.

var fuzzSeeds = []string{
	"minmax", "minmax:0,100", "zscore:100,10", "scaled:0,20", "dist2ref:KEN", "goalposts", "rank",
	"amean", "genmean:0.5", "genmean:-1", "jrc", "jrc:3", "jrc-plus", "winsorise:2", "log-plus",
	"mean", "median-group:region", "latest:3", "linear", "none",
	"", ":", "minmax:", "minmax:,", "minmax:1,1", "genmean:NaN", "genmean:1e400", "latest:-1",
	"dist2ref: ", "MINMAX:0x1p-2,1", "winsorise:+5", "mean-group:a:b",
}

func FuzzParseNormalisation(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNormalisation(s)
		if err != nil {
			return
		}
		back, err := ParseNormalisation(n.String())
		if err != nil || back != n || back.String() != n.String() {
			t.Fatalf("ParseNormalisation(%q) = %+v; String %q parses to %+v, %v", s, n, n.String(), back, err)
		}
	})
}

func FuzzParseAggregation(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAggregation(s)
		if err != nil {
			return
		}
		back, err := ParseAggregation(a.String())
		if err != nil || back != a || back.String() != a.String() {
			t.Fatalf("ParseAggregation(%q) = %+v; String %q parses to %+v, %v", s, a, a.String(), back, err)
		}
	})
}

func FuzzParseTreatment(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ParseTreatment(s)
		if err != nil {
			return
		}
		back, err := ParseTreatment(tr.String())
		if err != nil || back != tr || back.String() != tr.String() {
			t.Fatalf("ParseTreatment(%q) = %+v; String %q parses to %+v, %v", s, tr, tr.String(), back, err)
		}
	})
}

func FuzzParseImputation(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		im, err := ParseImputation(s)
		if err != nil {
			return
		}
		back, err := ParseImputation(im.String())
		if err != nil || back != im || back.String() != im.String() {
			t.Fatalf("ParseImputation(%q) = %+v; String %q parses to %+v, %v", s, im, im.String(), back, err)
		}
	})
}
