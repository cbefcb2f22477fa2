package engine

import "github.com/dri-engine/dri/indicators"

// reweighting reports whether opt changes only what indicators.Reweight
// recomputes of a composite framework: weights, the weight scheme, the
// aggregation.
func reweighting(f *indicators.Framework, opt indicators.Options) bool {
	return f.Kind == indicators.KindComposite && opt.Normalisation == nil && opt.Imputation == nil &&
		opt.Treatment == nil && (len(opt.Weights) > 0 || opt.WeightScheme != "" || opt.Aggregation != nil)
}

// reweight scores a what-if (opt as reweighting allows; year resolved)
// from the framework's cached result of that year with its own choices:
// only the aggregates are computed again (docs/BENCHMARKS.md).
func (e *Engine) reweight(f *indicators.Framework, opt indicators.Options) (*indicators.Result, error) {
	base, err := e.Score(f.ID, opt.Year, indicators.Options{})
	if err != nil {
		return nil, err
	}
	return indicators.Reweight(base, opt)
}
