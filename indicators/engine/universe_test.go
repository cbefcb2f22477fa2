package engine

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dri-engine/dri/indicators"
)

// lastMile is a two-indicator framework for the universe tests: min-max
// over the units scored, so a value depends on who is in the universe.
const lastMile = `id: lastmile
name: Last mile (test)
description: Internet use and mobile phone ownership, min-max to 0-100 over the units scored, arithmetic mean.
year_window: 0
scale: {lo: 0, hi: 100}
methods: {impute: none, treat: none, normalise: "minmax:0,100", aggregate: amean, weights: equal, coverage: 1}
tree:
  - code: LASTMILE
    name: Last mile
    children:
      - {code: NET, name: Internet use, indicator: itu.internet_use}
      - {code: MOB, name: Mobile phone ownership, indicator: itu.mobile_ownership}
`

// TestCountriesUniverseHasNoRegions: the embedded regions (Kazakhstan's,
// Nigeria's) share their indicators with the countries, so the countries'
// engine neither scores nor ranks them.
func TestCountriesUniverseHasNoRegions(t *testing.T) {
	e := testEngine(t)
	if e.Universe().Parent != "" {
		t.Fatalf("New's universe = %v, want countries", e.Universe())
	}
	for _, u := range e.Units() {
		if strings.Contains(u, "-") {
			t.Errorf("the countries' universe has %s", u)
		}
	}
	if n := len(e.Units()); n != 193 {
		t.Errorf("%d units in the countries' universe, want the 193 UN member states", n)
	}
}

// TestWithinRanksRegionsAmongThemselves: against KAZ scores Kazakhstan's 20
// regions among each other; min-max runs over them only.
func TestWithinRanksRegionsAmongThemselves(t *testing.T) {
	root := testEngine(t)
	e, err := New(root.Store(), root.Reference(), root.Registry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddFramework("lastmile.yaml", []byte(lastMile)); err != nil {
		t.Fatal(err)
	}
	kaz, err := e.UniverseFor([]string{"KAZ"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if kaz.Universe().Parent != "KAZ" || len(kaz.Units()) != 20 {
		t.Fatalf("against KAZ: universe %v with %d units, want the regions of KAZ, 20", kaz.Universe(), len(kaz.Units()))
	}
	// A region asked for alone chooses its country's regions: the same engine.
	if same, err := e.UniverseFor(nil, []string{"KZ-10"}); err != nil || same != kaz {
		t.Errorf("UniverseFor(unit KZ-10) = %v, %v; want the engine of KAZ's regions", same.Universe(), err)
	}
	res, err := kaz.Score("lastmile", 2023, indicators.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := slices.Index(res.Units, "KZ-10")
	net := res.Nodes[1]
	// kz/data_indicator_17-8-1.csv 2023: Abai 89.4 (line 276), the lowest
	// Ulytau 89.0 (line 278), the highest Karaganda 97.6 (line 265):
	// hand-computed (89.4 - 89.0) / (97.6 - 89.0) * 100 = 4.651162790697...
	if want := (89.4 - 89.0) / (97.6 - 89.0) * 100; net.Node.Code != "NET" || math.Abs(net.Value(at)-want) > 1e-9 {
		t.Errorf("NET of KZ-10 = %v, want %v", net.Value(at), want)
	}
	ranks := slices.Clone(res.Root().Rank)
	slices.Sort(ranks)
	for i, r := range ranks {
		if r != i+1 {
			t.Fatalf("LASTMILE ranks %v, want 1..20 (20 regions, no ties, no country)", ranks)
		}
	}
	// The countries' engine does not score them at all.
	cres, err := e.Score("lastmile", 2023, indicators.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(cres.Units, "KZ-10") {
		t.Error("the countries' lastmile scores KZ-10")
	}
}

// TestUniverseErrors: what cannot be one universe says which parameter.
func TestUniverseErrors(t *testing.T) {
	e := testEngine(t)
	for _, tc := range []struct {
		name           string
		against, units []string
		param, says    string
	}{
		{"two parents", []string{"KAZ", "NGA"}, nil, "against", "one parent country at a time"},
		{"a region as parent", []string{"KZ-10"}, nil, "against", "sub-national unit"},
		{"no regions", []string{"KEN"}, nil, "against", "has no sub-national units with data"},
		{"another country's region", []string{"KAZ"}, []string{"NG-LA"}, "unit", "is not a region of KAZ"},
		{"regions of two countries", nil, []string{"KZ-10", "NG-LA"}, "unit", "regions of KAZ and NGA"},
		{"regions with countries", nil, []string{"KZ-10", "KEN"}, "unit", "with countries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.UniverseFor(tc.against, tc.units)
			var ue *UniverseError
			if !errors.As(err, &ue) || ue.Param != tc.param || !strings.Contains(ue.Message, tc.says) {
				t.Errorf("UniverseFor(%v, %v) = %v, want an error on %s saying %q", tc.against, tc.units, err, tc.param, tc.says)
			}
		})
	}
	// Group codes in against are comparison groups: they choose nothing.
	if got, err := e.UniverseFor([]string{"LDC", "WLD"}, []string{"KEN"}); err != nil || got != e {
		t.Errorf("UniverseFor(LDC,WLD; KEN) = %v, want the countries' engine", err)
	}
}

// TestRegionCompare: a region is compared with its country's regions by
// default, and a country with a country's regions is refused.
func TestRegionCompare(t *testing.T) {
	e := testEngine(t)
	c, err := e.CompareUnit(CompareQuery{Unit: "KZ-10", Framework: "connectivity"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Groups) != 1 || c.Groups[0].Code != "regions:KAZ" || len(c.Groups[0].Members) != 20 {
		t.Fatalf("KZ-10 compared with %v, want regions:KAZ (20)", c.Groups)
	}
	g, err := e.AgainstGroups([]string{"KAZ"})
	if err != nil {
		t.Fatal(err)
	}
	var ue *UniverseError
	if _, err := e.CompareUnit(CompareQuery{Unit: "KEN", Framework: "connectivity", Groups: g}); !errors.As(err, &ue) || ue.Param != "against" {
		t.Errorf("KEN against KAZ's regions: %v, want an error on against", err)
	}
}

// TestWithinConcurrent: requests choosing a region's universe at once get
// one engine (built once, cached) and score it safely (go test -race).
func TestWithinConcurrent(t *testing.T) {
	e := testEngine(t)
	got := make([]*Engine, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			sub, err := e.UniverseFor([]string{"KZ"}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := sub.Score("connectivity", 0, indicators.Options{}); err != nil {
				t.Error(err)
			}
			got[i] = sub
		})
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] || g.Universe().Parent != "KAZ" {
			t.Fatalf("engines %v, want one engine of KAZ's regions", got)
		}
	}
}
