package api

import (
	"net/http"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
)

// Scorer is what the scoring routes need from the engine; cmd wires the
// implementation (*engine.Engine) in, and the api package computes nothing
// itself.
type Scorer interface {
	// Frameworks lists the framework ids; Framework returns one.
	Frameworks() []string
	Framework(id string) (*indicators.Framework, bool)
	// FrameworkIndicators lists the indicator ids a framework uses.
	FrameworkIndicators(framework string) ([]string, bool)
	// Years in which a framework scores at least one unit (ScoredYears
	// with the number of units), and the default year scored.
	Years(f *indicators.Framework) []int
	ScoredYears(f *indicators.Framework) []engine.YearCount
	DefaultYear(f *indicators.Framework) int
	// Score scores a framework for a year (0 = default) with overrides.
	Score(framework string, year int, opt indicators.Options) (*indicators.Result, error)
	// Units are the scored units in result order.
	Units() []string
	// GroupNodes are a group's figures on every node of a result (the one
	// group rule, engine.groupFigure), in node order.
	GroupNodes(res *indicators.Result, g *pipeline.Group, opt engine.GroupOptions) []engine.Aggregate
	// Compare sets a unit against groups on every node of a result.
	Compare(res *indicators.Result, unit string, groups []*pipeline.Group, opt engine.GroupOptions) ([]engine.NodeComparison, error)
	// GroupSeries returns a group's aggregate of an indicator, one row per
	// year and disaggregation, in the row order of /v1/data.
	GroupSeries(group, indicator string, q engine.GroupSeriesQuery) ([]pipeline.Row, error)
	// Gaps and GroupGaps flatten a gender framework result.
	Gaps(res *indicators.Result) []engine.GapRow
	GroupGaps(res *indicators.Result, g *pipeline.Group, opt engine.GroupOptions) []engine.GapRow
	// Profile, CompareUnit and GenderTable are the typed results the
	// profile, /v1/compare and /v1/gender render.
	Profile(unit, framework string, year int) (*engine.Profile, error)
	CompareUnit(q engine.CompareQuery) (*engine.UnitComparison, error)
	GenderTable(q engine.GapsQuery) (*engine.GenderTable, error)
	// Published returns the publisher's own scores for a unit on the nodes
	// of a framework DRI recomputes (compass: UNDP's ddc.*), the latest in
	// or before year.
	Published(framework, unit string, year int) []engine.Published
}

func frameworkIndicators(ds *Dataset, framework string) ([]string, error) {
	if ds.Scores == nil {
		return nil, newProblem(http.StatusServiceUnavailable, CodeUnavailable, "frameworks need the scoring engine, which is not loaded")
	}
	ids, ok := ds.Scores.FrameworkIndicators(framework)
	if !ok {
		return nil, newProblem(http.StatusNotFound, CodeUnknownFramework, "unknown framework "+framework,
			ParamError{Param: "framework", In: "query", Message: "see /v1/frameworks"})
	}
	return ids, nil
}
