package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dri-engine/dri/indicators"
)

// MaxRuns bounds the Monte Carlo runs of one analysis (HTTP requests are
// held to it; the CLI can ask for more).
const MaxRuns = 20000

// Vary names what an uncertainty analysis varies: weights, normalisation,
// aggregation, imputation.
type Vary struct {
	Weights, Normalisation, Aggregation, Imputation bool
}

// ParseVary parses a comma-separated list of weights, normalisation,
// aggregation and imputation (empty: weights only).
func ParseVary(s string) (Vary, error) {
	var v Vary
	if strings.TrimSpace(s) == "" {
		return Vary{Weights: true}, nil
	}
	for _, p := range strings.Split(s, ",") {
		switch strings.TrimSpace(p) {
		case "weights":
			v.Weights = true
		case "normalisation", "normalization":
			v.Normalisation = true
		case "aggregation":
			v.Aggregation = true
		case "imputation":
			v.Imputation = true
		case "":
		default:
			return v, fmt.Errorf("vary %q: want weights, normalisation, aggregation or imputation", p)
		}
	}
	return v, nil
}

func (v Vary) String() string {
	var s []string
	for _, x := range []struct {
		on   bool
		name string
	}{{v.Weights, "weights"}, {v.Normalisation, "normalisation"}, {v.Aggregation, "aggregation"}, {v.Imputation, "imputation"}} {
		if x.on {
			s = append(s, x.name)
		}
	}
	return strings.Join(s, ",")
}

// UncertaintyRequest is one analysis.
type UncertaintyRequest struct {
	Framework    string
	Year         int
	Runs         int
	Seed         uint64
	Vary         Vary
	WeightFactor float64
	Sensitivity  bool
	WeightSets   []map[string]float64
	Progress     func(done, total int)
	// Workers bound the analysis' goroutines (default GOMAXPROCS; the API
	// runs each analysis on one, its pool giving the parallelism). Results
	// do not depend on it.
	Workers int
}

// Alternatives used when normalisation or aggregation vary: the framework's
// own choice plus the usual alternatives of the OECD/JRC handbook.
func alternatives(f *indicators.Framework, res *indicators.Result, v Vary) ([]indicators.Normaliser, []indicators.Aggregation) {
	var norms []indicators.Normaliser
	var aggs []indicators.Aggregation
	if v.Normalisation {
		norms = append(norms, res.Normalisation)
		for _, s := range []string{"minmax:0,100", "zscore:0,1", "rank"} {
			n, _ := indicators.ParseNormalisation(s)
			if n != res.Normalisation {
				norms = append(norms, n)
			}
		}
	}
	if v.Aggregation {
		aggs = append(aggs, res.Aggregation)
		for _, s := range []string{"amean", "gmean"} {
			a, _ := indicators.ParseAggregation(s)
			if a != res.Aggregation {
				aggs = append(aggs, a)
			}
		}
	}
	return norms, aggs
}

// Uncertainty runs (and caches) an uncertainty analysis of a framework.
func (e *Engine) Uncertainty(req UncertaintyRequest) (*indicators.UncertaintyResult, error) {
	return e.UncertaintyContext(context.Background(), req)
}

// UncertaintyContext is Uncertainty that stops with ctx.Err() when ctx is
// done. A cancelled analysis is not cached; a request that was waiting for
// the same analysis, started by another whose context ended, runs it again.
func (e *Engine) UncertaintyContext(ctx context.Context, req UncertaintyRequest) (*indicators.UncertaintyResult, error) {
	f, ok := e.Framework(req.Framework)
	if !ok {
		return nil, &UnknownError{"framework", req.Framework}
	}
	if req.Year == 0 {
		req.Year = e.DefaultYear(f)
	}
	if req.Runs > MaxRuns {
		return nil, fmt.Errorf("engine: %d runs: at most %d", req.Runs, MaxRuns)
	}
	nominal, err := e.Score(f.ID, req.Year, indicators.Options{})
	if err != nil {
		return nil, err
	}
	norms, aggs := alternatives(f, nominal, req.Vary)
	opt := indicators.UncertaintyOptions{Year: req.Year, Runs: req.Runs, Seed: req.Seed, VaryWeights: req.Vary.Weights,
		WeightFactor: req.WeightFactor, Normalisations: norms, Aggregations: aggs, VaryImputation: req.Vary.Imputation,
		Sensitivity: req.Sensitivity, WeightSets: req.WeightSets, Progress: req.Progress, Workers: req.Workers}
	if len(req.WeightSets) > 0 || req.Progress != nil {
		return indicators.UncertaintyContext(ctx, f, e.panel(f), opt)
	}
	key := uncertaintyKey(f, req)
	for {
		res, err := e.uncertainty.get(key, func() (*indicators.UncertaintyResult, error) {
			return indicators.UncertaintyContext(ctx, f, e.panel(f), opt)
		})
		if err != nil && cancelled(err) && ctx.Err() == nil {
			continue // another caller's analysis stopped: run it for this one
		}
		return res, err
	}
}

func uncertaintyKey(f *indicators.Framework, req UncertaintyRequest) string {
	return fmt.Sprintf("ua|%s|%d|%d|%d|%s|%v|%v", f.ID, req.Year, req.Runs, req.Seed, req.Vary, req.WeightFactor, req.Sensitivity)
}

// CachedUncertainty returns the analysis req asks for if it has been
// computed and cached already (never computing it): the API serves such a
// request without queueing it as expensive work.
func (e *Engine) CachedUncertainty(req UncertaintyRequest) (*indicators.UncertaintyResult, bool) {
	f, ok := e.Framework(req.Framework)
	if !ok || len(req.WeightSets) > 0 || req.Progress != nil {
		return nil, false
	}
	if req.Year == 0 {
		req.Year = e.DefaultYear(f)
	}
	return e.uncertainty.peek(uncertaintyKey(f, req))
}

// cancelled reports whether err is a context's cancellation or deadline.
func cancelled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// SortedUnits returns the analysis' units ordered by nominal rank (unranked
// last), then code.
func SortedUnits(r *indicators.UncertaintyResult) []indicators.UnitUncertainty {
	out := append([]indicators.UnitUncertainty(nil), r.Units...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Nominal == 0) != (b.Nominal == 0) {
			return a.Nominal != 0
		}
		if a.Nominal != b.Nominal {
			return a.Nominal < b.Nominal
		}
		return a.Unit < b.Unit
	})
	return out
}
