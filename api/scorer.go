package api

import (
	"net/http"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

// Scorer is what the scoring routes need from the engine, and no more: the
// frameworks, scoring, and the engine's typed views that handlers only
// render. cmd wires the implementation (*engine.Engine) in; the api package
// computes nothing itself. (The uncertainty analysis, needed by one route,
// is uncertaintyScorer.)
type Scorer interface {
	// Frameworks lists the framework ids; Framework returns one.
	Frameworks() []string
	Framework(id string) (*indicators.Framework, bool)
	// ScoredYears are the years in which a framework scores at least one
	// unit, with the number of units; DefaultYear is the year scored when
	// none is asked for.
	ScoredYears(f *indicators.Framework) []engine.YearCount
	DefaultYear(f *indicators.Framework) int
	// Score scores a framework for a year (0 = default) with overrides.
	Score(framework string, year int, opt indicators.Options) (*indicators.Result, error)
	// ScoreBreakdown scores a framework for one breakdown (women, rural
	// people...) on the total's scale, saying which leaves are held at the
	// total; the total breakdown is Score's result.
	ScoreBreakdown(framework string, year int, b dims.Breakdown, opt indicators.Options) (*engine.BreakdownResult, error)
	// ScoreBreakdownGap scores two groups of one dimension in one year
	// (0 = the latest in which both have data) for their gap.
	ScoreBreakdownGap(framework string, year int, a, b dims.Breakdown, opt indicators.Options) (*engine.BreakdownGap, error)
	// GroupNodes are a group's figures on every node of a result (the one
	// group rule), in node order.
	GroupNodes(res *indicators.Result, g *pipeline.Group, opt engine.GroupOptions) []engine.Aggregate
	// GroupFigures returns a group's aggregate of an indicator, one row per
	// year and disaggregation in the row order of /v1/data, each with its
	// figure (members with data, population share, years, method).
	GroupFigures(group, indicator string, q engine.GroupSeriesQuery) ([]engine.GroupFigure, error)
	// Profile, CompareUnit and GenderTable are the typed results the
	// profile, /v1/compare and /v1/gender render (dri compare and dri gaps
	// print the same).
	Profile(unit, framework string, year int) (*engine.Profile, error)
	CompareUnit(q engine.CompareQuery) (*engine.UnitComparison, error)
	GenderTable(q engine.GapsQuery) (*engine.GenderTable, error)
	// InclusionTable is the gaps of one breakdown dimension GET /v1/gaps
	// renders (dri gaps --by prints the same).
	InclusionTable(q engine.InclusionQuery) (*engine.InclusionTable, error)
	// UniverseFor is the engine whose units a request is ranked among
	// (engine/universe.go, the rule dri score and dri compare share):
	// against=KAZ or regions of one country in units mean that country's
	// regions; Universe names an engine's; AgainstGroups reads a
	// comparison's against list (group codes, a country for its regions).
	UniverseFor(against, units []string) (*engine.Engine, error)
	Universe() engine.Universe
	AgainstGroups(against []string) ([]*pipeline.Group, error)
}

// universeScorer is the scorer of the request's universe: its against
// parameter and the units it asks for (Scorer.UniverseFor).
func universeScorer(r *request, sc Scorer, units []string) (Scorer, error) {
	e, err := sc.UniverseFor(r.list("against"), units)
	if err != nil {
		return nil, engineError(err)
	}
	return e, nil
}

// scoredYears are the years in which a framework scores at least one unit,
// ascending.
func scoredYears(sc Scorer, f *indicators.Framework) []int {
	yc := sc.ScoredYears(f)
	years := make([]int, len(yc))
	for i, c := range yc {
		years[i] = c.Year
	}
	return years
}

func frameworkIndicators(ds *Dataset, framework string) ([]string, error) {
	if ds.Scores == nil {
		return nil, newProblem(http.StatusServiceUnavailable, CodeUnavailable, "frameworks need the scoring engine, which is not loaded")
	}
	f, ok := ds.Scores.Framework(framework)
	if !ok {
		return nil, newProblem(http.StatusNotFound, CodeUnknownFramework, "unknown framework "+framework,
			ParamError{Param: "framework", In: "query", Message: "see /v1/frameworks"})
	}
	return f.Indicators(), nil
}

// The engine is the one implementation: checked here, so a change of
// either side fails the build rather than a route at run time.
var (
	_ Scorer            = (*engine.Engine)(nil)
	_ uncertaintyScorer = (*engine.Engine)(nil)
)
