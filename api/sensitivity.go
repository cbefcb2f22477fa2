package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
)

// MaxRequestRuns bounds the Monte Carlo runs one request may ask for.
const MaxRequestRuns = 5000

var sensitivityColumns = []colSpec{{"unit", KindString, ""}, {"unit_name", KindString, ""}, {"nominal_rank", KindInt, ""},
	{"mean_rank", KindFloat, ""}, {"median_rank", KindFloat, ""}, {"p5_rank", KindFloat, ""}, {"p95_rank", KindFloat, ""},
	{"mean_shift", KindFloat, ""}, {"runs", KindInt, ""}}

func (s *Server) registerSensitivity() {
	s.add(&route{method: "GET", path: "/v1/sensitivity/:framework",
		summary: "How sure are the ranks: Monte Carlo uncertainty analysis (weights +-factor, and optionally normalisation, aggregation and imputation alternatives): each unit's nominal, mean, median, 5th and 95th percentile rank and mean absolute rank shift; seeded and reproducible",
		params: []paramSpec{
			{name: "year", typ: "integer", desc: "year (default: the framework's latest well-covered year)"},
			{name: "runs", typ: "integer", desc: "Monte Carlo runs (default 1000, at most 5000)"},
			{name: "seed", typ: "integer", desc: "random seed (default 1)"},
			{name: "vary", typ: "string", list: true, desc: "what varies: weights, normalisation, aggregation, imputation (default weights)"},
			{name: "factor", typ: "number", desc: "weights vary within +-factor (default 0.25)"},
			{name: "unit", typ: "string", list: true, desc: "only these units (ISO3 or ISO2)"},
		}, paged: true, cacheable: true, handler: handleSensitivity, dataSchema: tableSchema(sensitivityColumns),
		extraResponses: map[string]string{"422": "The framework cannot be analysed (not a composite)",
			"429": "This client already has its share of the expensive requests running or waiting (Retry-After)",
			"503": "Every worker is busy and the queue is full (Retry-After), or no snapshot is loaded",
			"504": "The analysis did not finish within the request's deadline"}})
}

// uncertaintyScorer is what the sensitivity route needs besides a Scorer:
// the Monte Carlo analysis, run under the request's context, and a look at
// its cache (a cached analysis is answered without taking a worker).
type uncertaintyScorer interface {
	UncertaintyContext(context.Context, engine.UncertaintyRequest) (*indicators.UncertaintyResult, error)
	CachedUncertainty(engine.UncertaintyRequest) (*indicators.UncertaintyResult, bool)
}

func handleSensitivity(r *request) (*Result, error) {
	sc, err := scorer(r)
	if err != nil {
		return nil, err
	}
	ua, ok := sc.(uncertaintyScorer)
	if !ok {
		return nil, newProblem(http.StatusServiceUnavailable, CodeUnavailable, "uncertainty analysis is not available")
	}
	f, err := framework(r, sc, r.param("framework"))
	if err != nil {
		return nil, err
	}
	req := engine.UncertaintyRequest{Framework: f.ID, Runs: r.integer("runs", 1000, 1, MaxRequestRuns),
		Seed: uint64(r.integer("seed", 1, 0, 1<<31)), WeightFactor: 0.25, Workers: 1}
	if v := r.str("factor"); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x <= 0 || x >= 1 {
			r.errs.add("factor", "%q: want a number in (0, 1)", v)
		}
		req.WeightFactor = x
	}
	if req.Vary, err = engine.ParseVary(strings.Join(r.list("vary"), ",")); err != nil {
		r.errs.add("vary", "%v", err)
	}
	units, groups := parseUnits(r, "unit")
	if len(groups) > 0 {
		r.errs.add("unit", "group codes are not units: ranks are of units")
	}
	if f.Kind != indicators.KindComposite {
		return nil, newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, f.ID+" is a "+f.Kind+" framework, not a composite index: it has no ranking to analyse")
	}
	res0, err := scoreFor(r, sc, f, indicators.Options{})
	if err != nil {
		return nil, err
	}
	req.Year = res0.Year
	if p := r.errs.problem(); p != nil {
		return nil, p // before any work: a bad parameter costs no analysis
	}
	// An analysis already computed (another page or unit filter of it) is
	// cheap; one to compute runs on one goroutine in the admission pool,
	// whose workers are the parallelism.
	res, cached := ua.CachedUncertainty(req)
	if !cached {
		err = r.expensive(func(ctx context.Context) error {
			var err error
			if res, err = ua.UncertaintyContext(ctx, req); err != nil && ctx.Err() == nil {
				return engineError(err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	want := set(units)
	names := unitNames(r.ds)
	t := newTable(sensitivityColumns)
	w := newRowWriter(t)
	for _, u := range engine.SortedUnits(res) {
		if (len(want) > 0 && !want[u.Unit]) || (u.Nominal == 0 && u.Runs == 0) {
			continue
		}
		w.str("unit", u.Unit)
		w.str("unit_name", names[u.Unit])
		if u.Nominal > 0 {
			w.integer("nominal_rank", u.Nominal)
		}
		w.float("mean_rank", u.Mean)
		w.float("median_rank", u.Median)
		w.float("p5_rank", u.P5)
		w.float("p95_rank", u.P95)
		w.float("mean_shift", u.MeanShift)
		w.integer("runs", u.Runs)
		w.end()
	}
	meta := map[string]any{"framework": f.ID, "year": res.Year, "runs": res.Runs, "seed": res.Seed,
		"vary": req.Vary.String(), "factor": req.WeightFactor, "inputs": len(res.Inputs)}
	return &Result{Table: t, Paged: true, Meta: meta}, nil
}
