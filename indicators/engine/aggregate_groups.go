package engine

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

// The one rule for group figures. Every figure DRI shows for a group (WLD,
// LDC, a region, an income group) on any surface — /v1/data, /v1/gender,
// /v1/scores, /v1/compare, dri data|gaps|compare|score, exports, the
// dashboard — comes from groupFigure:
//
//   - members: the group's members in the figure's year (the LDC list as of
//     that year; groups without a history, such as income groups, their
//     current members), or today's with GroupOptions.Membership "current";
//   - each member's latest value within the indicator's group window
//     (indicators.yaml group_window, default 3 years) before the year;
//   - weighting from the registry (group_weighting): population — each
//     member weighted by its total population of the year (the last year
//     with population, 2024, for later years; population by sex is not
//     shipped, so sex-specific figures use total population too), as ITU
//     aggregates shares of people; mean — a simple mean of the member
//     states, as the E-Government Survey averages indices; framework scores
//     are indices, averaged by mean;
//   - withheld, with the reason, when the members with data hold less than
//     MinPopulationShare of the group's population or are fewer than
//     MinMemberShare of its members (both 50 % by default).
//
// Every figure carries members with data / members, population share
// covered, earliest-latest year used, method and membership (Aggregate).

// Group membership choices (GroupOptions.Membership).
const (
	MembershipDated   = "dated"   // the members as of the figure's year (default)
	MembershipCurrent = "current" // today's members for every year
)

// Default withholding thresholds.
const (
	DefaultMinPopulationShare = 0.5
	DefaultMinMemberShare     = 0.5
	// DefaultMaxImputedShare: an estimated figure is withheld when more
	// than half of its covered population is imputed.
	DefaultMaxImputedShare = 0.5
)

// StatusEstimated is the status of an estimated group figure.
const StatusEstimated = dims.Estimated

// MinGroupCoverage is the default share of a group's members that must
// have data for a group value to be shown (DefaultMinMemberShare).
const MinGroupCoverage = DefaultMinMemberShare

// GroupOptions are the settings of the group rule; the zero value means
// the defaults.
type GroupOptions struct {
	// Membership is MembershipDated ("" too) or MembershipCurrent.
	Membership string
	// MinPopulationShare and MinMemberShare are the withholding thresholds
	// (0: the defaults; a negative value switches the check off).
	MinPopulationShare, MinMemberShare float64
	// Estimate imputes members without a value (see imputeMember); the
	// figure's status is then "E".
	Estimate bool
	// MaxImputedShare is the largest share of the covered population, and
	// of the members with a value, an estimated figure may impute before it
	// is withheld (0: the default, DefaultMaxImputedShare; a negative value
	// switches the check off).
	MaxImputedShare float64
}

func (o GroupOptions) withDefaults() GroupOptions {
	if o.Membership == "" {
		o.Membership = MembershipDated
	}
	if o.MinPopulationShare == 0 {
		o.MinPopulationShare = DefaultMinPopulationShare
	}
	if o.MinMemberShare == 0 {
		o.MinMemberShare = DefaultMinMemberShare
	}
	if o.MaxImputedShare == 0 {
		o.MaxImputedShare = DefaultMaxImputedShare
	}
	return o
}

// CheckMembership returns an error for a membership choice that is neither
// "dated" nor "current" ("" is dated).
func CheckMembership(m string) error {
	switch m {
	case "", MembershipDated, MembershipCurrent:
		return nil
	}
	return fmt.Errorf("membership %q: want dated or current", m)
}

// Aggregate is one group figure with what an analyst needs to cite it.
type Aggregate struct {
	// Value is the figure; NaN when withheld or no member has data.
	Value float64
	// Weighting is pipeline.GroupPopulation or pipeline.GroupMean; Method
	// says it in words, with the population year for weighted figures.
	Weighting, Method string
	// N members have data of Members; Coverage = N / Members.
	N, Members int
	Coverage   float64
	// PopCoverage is the share of the members' population (of
	// PopulationYear) living in members with data; NaN when unknown.
	PopCoverage    float64
	PopulationYear int
	// YearFrom and YearTo are the earliest and latest years of the values
	// used (0 when N is 0).
	YearFrom, YearTo int
	// Membership says whose members: "LDC list as of 2020", "current
	// members", "current members (no history shipped)".
	Membership string
	// Withheld is true, and Reason says why, when the figure is not shown.
	Withheld bool
	Reason   string
	// Status is StatusEstimated when members were imputed (GroupOptions.
	// Estimate and at least one member without a value), else "". Imputed
	// members count in N, Coverage and PopCoverage; Imputed of them were
	// imputed, holding ImputedPopShare of the population of the members in
	// the figure (observed or imputed; NaN when unknown). NotImputable
	// members had no donor. YearFrom and YearTo are of observed values.
	Status                string
	Imputed, NotImputable int
	ImputedPopShare       float64
}

// Note is the figure's provenance in one line, as the API and CLI print it.
func (a Aggregate) Note() string {
	var b strings.Builder
	if a.Withheld {
		fmt.Fprintf(&b, "withheld: %s; ", a.Reason)
	}
	fmt.Fprintf(&b, "%s of %d of %d members (%s)", a.Method, a.N, a.Members, a.Membership)
	if !math.IsNaN(a.PopCoverage) {
		fmt.Fprintf(&b, ", %.0f%% of the population", 100*a.PopCoverage)
	}
	if a.Status == StatusEstimated {
		fmt.Fprintf(&b, "; estimated: %d members imputed", a.Imputed)
		if !math.IsNaN(a.ImputedPopShare) {
			fmt.Fprintf(&b, ", holding %.0f%% of the population covered,", 100*a.ImputedPopShare)
		}
		b.WriteString(" by " + ImputationMethod)
	}
	if a.NotImputable > 0 {
		fmt.Fprintf(&b, "; %d members could not be estimated (no state with a value in their region or income group)", a.NotImputable)
	}
	if a.YearTo > 0 {
		of := ", values of"
		if a.Imputed > 0 {
			of = "; observed values of"
		}
		if a.YearFrom == a.YearTo {
			fmt.Fprintf(&b, "%s %d", of, a.YearTo)
		} else {
			fmt.Fprintf(&b, "%s %d-%d", of, a.YearFrom, a.YearTo)
		}
	}
	return b.String()
}

// groupMembers returns the scored-unit indices of a group's members in a
// year under the membership option, and says whose members they are.
func (e *Engine) groupMembers(g *pipeline.Group, year int, membership string) ([]int, string) {
	codes, said := g.Members, "current members (no history shipped)"
	switch {
	case g.Dated() && membership == MembershipCurrent:
		said = "current members"
	case g.Dated():
		codes, said = g.MembersIn(year), fmt.Sprintf("%s list as of %d", g.Code, year)
	case g.Kind == "world" || strings.HasPrefix(g.Kind, "m49"):
		said = "current members"
	}
	idx := make([]int, 0, len(codes))
	for _, m := range codes {
		if i, ok := e.unitIndex[m]; ok {
			idx = append(idx, i)
		}
	}
	return idx, said
}

// groupFigure is THE group rule: values, valid and years are per scored
// unit (years nil: every value is of year).
func (e *Engine) groupFigure(g *pipeline.Group, year int, values []float64, valid []bool, years []int, rule groupRule, opt GroupOptions) Aggregate {
	opt = opt.withDefaults()
	weighting := rule.weighting
	idx, said := e.groupMembers(g, year, opt.Membership)
	popYear := e.PopulationYear(year)
	pop := e.Population(popYear)
	x, v, p := make([]float64, len(idx)), make([]bool, len(idx)), make([]float64, len(idx))
	a := Aggregate{Value: math.NaN(), Weighting: weighting, Members: len(idx), PopCoverage: math.NaN(),
		PopulationYear: popYear, Membership: said, ImputedPopShare: math.NaN()}
	var imputed []bool
	if opt.Estimate {
		imputed = make([]bool, len(idx))
	}
	for k, i := range idx {
		x[k], v[k], p[k] = values[i], valid[i], pop[i]
		if !valid[i] {
			if opt.Estimate {
				x[k], v[k] = e.imputeMember(i, values, valid)
				imputed[k] = v[k]
				if v[k] {
					a.Imputed++
				} else {
					a.NotImputable++
				}
			}
			continue
		}
		y := year
		if years != nil {
			y = years[i]
		}
		if a.YearFrom == 0 || y < a.YearFrom {
			a.YearFrom = y
		}
		a.YearTo = max(a.YearTo, y)
	}
	// w weighs the members in the mean: total population, or the rule's
	// weight indicator (whose missing values leave a member out of the
	// mean, not out of the coverage, which stays by total population).
	w, weightName := p, "population"
	switch {
	case weighting == pipeline.GroupPopulation && rule.weight != "":
		w, weightName = e.memberWeights(rule.weight, idx, x, v, years, year, rule.window), rule.weight
		a.Method = fmt.Sprintf("weighted mean (weights: %s of each member's value year; population coverage: total population %d)", rule.weight, popYear)
	case weighting == pipeline.GroupPopulation:
		a.Method = fmt.Sprintf("population-weighted mean (weights: total population %d)", popYear)
	default:
		a.Method = "mean of member states"
	}
	gv := indicators.GroupAggregate(x, v, p, opt.MinMemberShare)
	if rule.weight != "" {
		gw := indicators.GroupAggregate(x, v, w, opt.MinMemberShare)
		gv.WeightedMean, gv.WeightedExcluded = gw.WeightedMean, gw.WeightedExcluded
	}
	a.N, a.Coverage, a.PopCoverage = gv.N, gv.Coverage, gv.PopCoverage
	if a.Imputed > 0 {
		a.Status = StatusEstimated
		a.ImputedPopShare = imputedShare(p, v, imputed)
	}
	switch {
	case gv.Withheld:
		a.Withheld, a.Reason = true, gv.Reason
	case opt.MinPopulationShare > 0 && !(gv.PopCoverage >= opt.MinPopulationShare):
		a.Withheld = true
		a.Reason = fmt.Sprintf("the members with data hold %.0f%% of the group's population in %d; the threshold is %.0f%%",
			100*gv.PopCoverage, popYear, 100*opt.MinPopulationShare)
		if math.IsNaN(gv.PopCoverage) {
			a.Reason = fmt.Sprintf("the population of the members in %d is unknown", popYear)
		}
	case opt.MaxImputedShare > 0 && a.Imputed > 0 && !(a.ImputedPopShare <= opt.MaxImputedShare):
		a.Withheld = true
		a.Reason = fmt.Sprintf("imputed members hold %.0f%% of the population covered in %d; the threshold is %.0f%%",
			100*a.ImputedPopShare, popYear, 100*opt.MaxImputedShare)
		if math.IsNaN(a.ImputedPopShare) {
			a.Reason = fmt.Sprintf("the population of the imputed members in %d is unknown", popYear)
		}
	case opt.MaxImputedShare > 0 && float64(a.Imputed) > opt.MaxImputedShare*float64(a.N):
		a.Withheld = true
		a.Reason = fmt.Sprintf("%d of the %d members with a value are imputed; the threshold is %.0f%%",
			a.Imputed, a.N, 100*opt.MaxImputedShare)
	case weighting == pipeline.GroupPopulation:
		a.Value = gv.WeightedMean
		if gv.WeightedExcluded > 0 {
			a.Method += fmt.Sprintf(", %d members with data but no %s left out", gv.WeightedExcluded, weightName)
		}
	default:
		a.Value = gv.Mean
	}
	return a
}

// ImputationMethod is how an estimated figure imputes a member without a
// value, in words.
const ImputationMethod = "the median of their M49 region x income group (else region, else income group)"

// imputeMember returns the imputed value of scored unit i: the median of
// the values of the UN member states with a value (valid) in its M49
// region x World Bank income group cell; with no such state, of its
// region; then of its income group. ok is false when none of them has a
// value (or the unit has neither attribute).
func (e *Engine) imputeMember(i int, values []float64, valid []bool) (v float64, ok bool) {
	region, income := e.groups["region"], e.groups["income_group"]
	for _, same := range []func(j int) bool{
		func(j int) bool {
			return region[j] != "" && income[j] != "" && region[j] == region[i] && income[j] == income[i]
		},
		func(j int) bool { return region[j] != "" && region[j] == region[i] },
		func(j int) bool { return income[j] != "" && income[j] == income[i] },
	} {
		var donors []float64
		for j, ok := range valid {
			if ok && j != i && e.unitIsMember[j] && same(j) && !math.IsNaN(values[j]) && !math.IsInf(values[j], 0) {
				donors = append(donors, values[j])
			}
		}
		if len(donors) > 0 {
			return medianOf(donors), true
		}
	}
	return math.NaN(), false
}

func medianOf(x []float64) float64 {
	slices.Sort(x)
	n := len(x)
	if n%2 == 1 {
		return x[n/2]
	}
	return (x[n/2-1] + x[n/2]) / 2
}

// imputedShare is the share of the population of the members with a value
// (observed or imputed) living in imputed members; NaN when that
// population is unknown or zero.
func imputedShare(pop []float64, valid, imputed []bool) float64 {
	var all, imp float64
	for k, p := range pop {
		if !valid[k] || math.IsNaN(p) || p <= 0 {
			continue
		}
		all += p
		if imputed[k] {
			imp += p
		}
	}
	if all == 0 {
		return math.NaN()
	}
	return imp / all
}

// sexSpecific notes on a population-weighted figure of women or men that
// its weights are total population: population by sex is not shipped.
func (a *Aggregate) sexSpecific(sex string) {
	if sex != pipeline.Total && a.Weighting == pipeline.GroupPopulation {
		a.Method = strings.Replace(a.Method, ")", ", as population by sex is not shipped)", 1)
	}
}

// groupRule is an indicator's part of the group rule, from its registry
// entry.
type groupRule struct {
	weighting string // pipeline.GroupPopulation, GroupMean or GroupNone
	window    int    // years a member's latest value may lag the figure's year
	// weight is the indicator whose values weigh the members of a
	// population-weighted figure (registry group_weight, e.g.
	// findex.pop_adult); "" means total population (wb.population).
	weight string
}

// meanRule is the rule of figures that are simple means of the members
// (framework scores).
var meanRule = groupRule{weighting: pipeline.GroupMean, window: pipeline.DefaultGroupWindow}

// indicatorRule returns an indicator's group rule.
func (e *Engine) indicatorRule(indicator string) groupRule {
	ind, _, ok := e.reg.Lookup(indicator)
	if !ok {
		return meanRule
	}
	return groupRule{weighting: ind.GroupWeighting, window: ind.Window(), weight: ind.GroupWeight}
}

// memberWeights returns the weight of each member (idx: scored units) with
// a value (x, valid: per member) from the weight indicator: its value in
// the year of the member's value (years: per scored unit; nil means year),
// else its latest within window years before; an imputed member's (no
// year of its own) its latest within window before year. NaN where there
// is none: the member is then left out of the weighted mean.
func (e *Engine) memberWeights(weight string, idx []int, x []float64, valid []bool, years []int, year, window int) []float64 {
	series := e.weightSeries(weight)
	w := make([]float64, len(idx))
	for k, i := range idx {
		w[k] = math.NaN()
		if !valid[k] || math.IsNaN(x[k]) {
			continue
		}
		y := year
		if years != nil && years[i] > 0 {
			y = years[i]
		}
		if s := series[i]; len(s.Years) > 0 {
			if wv, _, ok := indicators.LatestWithin(s.Years, s.Values, y, window); ok {
				w[k] = wv
			}
		}
	}
	return w
}

// weightSeries returns a weight indicator's total-breakdown series per
// scored unit, read from the store once.
func (e *Engine) weightSeries(weight string) []indicators.Series {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.weights[weight]; ok {
		return s
	}
	if e.weights == nil {
		e.weights = map[string][]indicators.Series{}
	}
	series := make([]indicators.Series, len(e.units))
	q := pipeline.QueryOf(pipeline.TotalBreakdown)
	q.Indicator = weight
	for _, i := range e.store.Select(q) {
		if u := e.unitOfIndex[e.store.UnitIndex(i)]; u >= 0 {
			series[u].Years = append(series[u].Years, e.store.Year(i))
			series[u].Values = append(series[u].Values, e.store.Value(i))
		}
	}
	e.weights[weight] = series
	return series
}

// unitSeries holds one breakdown's observations per scored unit.
type unitSeries struct {
	series     []indicators.Series // per scored unit
	first, max int                 // first and last year with a value
}

// indicatorSeries reads an indicator's observations matching q (the year
// filter ignored: values before From count within the window), per
// breakdown and scored unit.
func (e *Engine) indicatorSeries(indicator string, q pipeline.Query) map[pipeline.Breakdown]*unitSeries {
	q.Indicator, q.From, q.To = indicator, 0, 0
	out := map[pipeline.Breakdown]*unitSeries{}
	for _, i := range e.store.Select(q) {
		u := e.unitOfIndex[e.store.UnitIndex(i)]
		if u < 0 {
			continue
		}
		k := e.store.Breakdown(i)
		s := out[k]
		if s == nil {
			s = &unitSeries{series: make([]indicators.Series, len(e.units))}
			out[k] = s
		}
		y := e.store.Year(i)
		s.series[u].Years = append(s.series[u].Years, y)
		s.series[u].Values = append(s.series[u].Values, e.store.Value(i))
		if s.first == 0 || y < s.first {
			s.first = y
		}
		s.max = max(s.max, y)
	}
	return out
}

// figureOfSeries applies the rule to one breakdown's series in a year.
func (e *Engine) figureOfSeries(g *pipeline.Group, s *unitSeries, year int, rule groupRule, opt GroupOptions) Aggregate {
	values, valid, years := make([]float64, len(e.units)), make([]bool, len(e.units)), make([]int, len(e.units))
	if s != nil {
		for u, ser := range s.series {
			if len(ser.Years) == 0 {
				continue
			}
			values[u], years[u], valid[u] = indicators.LatestWithin(ser.Years, ser.Values, year, rule.window)
		}
	}
	return e.groupFigure(g, year, values, valid, years, rule, opt)
}

// GroupIndicator is a group's figure of one indicator series (its
// breakdown; "" is the total) in a year.
func (e *Engine) GroupIndicator(group, indicator string, b pipeline.Breakdown, year int, opt GroupOptions) (Aggregate, error) {
	g, ok := e.ref.Group(group)
	if !ok {
		return Aggregate{}, &UnknownError{"group", group}
	}
	if err := CheckMembership(opt.Membership); err != nil {
		return Aggregate{}, err
	}
	k := b.Normal()
	rule := e.indicatorRule(indicator)
	if rule.weighting == pipeline.GroupNone {
		return Aggregate{Value: math.NaN(), PopCoverage: math.NaN(), Withheld: true,
			Reason: indicator + " has no group figure (group_weighting: none)"}, nil
	}
	all := e.indicatorSeries(indicator, pipeline.QueryOf(k))
	a := e.figureOfSeries(g, all[k], year, rule, opt)
	a.sexSpecific(k.Sex)
	return a, nil
}
