package engine

import (
	"context"
	"io/fs"
	"math"
	"sync"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

var (
	once   sync.Once
	shared *Engine
)

func testEngine(t testing.TB) *Engine {
	t.Helper()
	once.Do(func() {
		res, err := pipeline.Load(context.Background(), pipeline.Options{Base: datasets.FS})
		if err != nil {
			panic(err)
		}
		store, err := pipeline.NewStore(res.Observations)
		if err != nil {
			panic(err)
		}
		fw, _ := fs.Sub(datasets.FS, "frameworks")
		shared, err = New(store, res.Reference, res.Registry, fw)
		if err != nil {
			panic(err)
		}
	})
	return shared
}

// TestEGDIReproducesPublished: EGDI = (OSI + TII + HCI) / 3 from the
// published components equals the published EGDI to the Survey's rounding
// (5 decimals: within 0.00007 as PROVENANCE.md checked, 2014-2024), and the
// 2024 groups are the published 76 / 62 / 44 / 11 with world mean 0.6382
// (UN E-Government Survey 2024).
func TestEGDIReproducesPublished(t *testing.T) {
	e := testEngine(t)
	for _, year := range []int{2014, 2016, 2018, 2020, 2022, 2024} {
		res, err := e.Score("egdi", year, indicators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		pub := res.Extras["egov.egdi"]
		root := res.Root()
		n, worst := 0, 0.0
		for u := range res.Units {
			if !pub.RawValid[u] {
				continue
			}
			if !root.Valid[u] {
				t.Errorf("%d %s: published EGDI but no computed score", year, res.Units[u])
				continue
			}
			n++
			worst = math.Max(worst, math.Abs(root.Value[u]-pub.Raw[u]))
		}
		if n != 193 || worst > 0.0001 {
			t.Errorf("EGDI %d: %d units compared, max |computed - published| = %.6f, want 193 within 0.0001", year, n, worst)
		}
		if year != 2024 {
			continue
		}
		counts := map[string]int{}
		var sum float64
		for u := range res.Units {
			counts[root.Tier[u].Name]++
			sum += root.Value[u]
		}
		if counts["Very High"] != 76 || counts["High"] != 62 || counts["Middle"] != 44 || counts["Low"] != 11 {
			t.Errorf("EGDI 2024 groups = %v, want Very High 76, High 62, Middle 44, Low 11", counts)
		}
		if m := sum / 193; math.Abs(m-0.6382) > 0.00005 {
			t.Errorf("EGDI 2024 world mean = %.5f, want 0.6382", m)
		}
	}
}

func TestFrameworksScore(t *testing.T) {
	e := testEngine(t)
	for _, id := range e.Frameworks() {
		res, err := e.Score(id, 0, indicators.Options{})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		n := 0
		for _, v := range res.Root().Valid {
			if v {
				n++
			}
		}
		t.Logf("%s %d: %d of %d units scored; notes %v", id, res.Year, n, len(res.Units), res.Notes)
		if n < 100 {
			t.Errorf("%s: only %d units scored", id, n)
		}
	}
}
