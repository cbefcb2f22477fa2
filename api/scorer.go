package api

import (
	"net/http"

	"github.com/dri-engine/dri/pipeline"
)

// Scorer is what the scoring routes need from the engine; cmd wires the
// implementation in (the api package computes nothing itself).
type Scorer interface {
	// FrameworkIndicators lists the indicator ids a framework uses.
	FrameworkIndicators(framework string) ([]string, bool)
	// GroupSeries returns a group's aggregate of an indicator, one row per
	// year and disaggregation, in the row order of /v1/data.
	GroupSeries(group, indicator string, q GroupSeriesQuery) ([]pipeline.Row, error)
}

// GroupSeriesQuery filters GroupSeries like /v1/data filters observations.
type GroupSeriesQuery struct {
	Sex, Area, Age []string
	From, To       int
	MRV, MRNEV     int
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
