package indicators_test

import (
	"testing"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
)

// BenchmarkWhatIfCompass is a what-if build: the Compass (193 countries, 20
// indicators) in its default year with one pillar's weight doubled, scored
// afresh (engine.ScoreOnce: not served from the cache), as the API's
// what-if does after its cached baseline.
func BenchmarkWhatIfCompass(b *testing.B) {
	e := embeddedEngine(b)
	f, _ := e.Framework("compass")
	year := e.DefaultYear(f)
	opt := indicators.Options{Weights: map[string]float64{"PEOPLE": 2}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.ScoreOnce("compass", year, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// uncertaintySeed is the last seed BenchmarkUncertaintyCompass used.
var uncertaintySeed uint64

// BenchmarkUncertaintyCompass is a 1,000-run uncertainty analysis of the
// Compass in its default year, weights varied (the default), in process on
// every core; each iteration has its own seed (across -count runs too), so
// none is served from the engine's cache.
func BenchmarkUncertaintyCompass(b *testing.B) {
	e := embeddedEngine(b)
	f, _ := e.Framework("compass")
	year := e.DefaultYear(f)
	b.ReportAllocs()
	for b.Loop() {
		uncertaintySeed++
		seed := uncertaintySeed
		if _, err := e.Uncertainty(engine.UncertaintyRequest{Framework: "compass", Year: year, Runs: 1000, Seed: seed,
			Vary: engine.Vary{Weights: true}}); err != nil {
			b.Fatal(err)
		}
	}
}
