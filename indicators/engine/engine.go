// Package engine joins the pipeline's tables to the numeric core: it builds
// the panels that indicators.Score takes from a canonical observation table,
// loads the framework definitions, caches scores per framework, year and
// method choice, and computes group aggregates and comparisons. Both the
// command line and the HTTP server use it; it does no I/O beyond reading
// framework files from the file system it is given.
package engine

import (
	"fmt"
	"io/fs"
	"iter"
	"maps"
	"math"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

// Engine scores one dataset. It is safe for concurrent use.
type Engine struct {
	store     *pipeline.Store
	ref       *pipeline.Reference
	reg       *pipeline.Registry
	units     []string // scored units: the universe (universe.go)
	unitIndex map[string]int
	// unitOfIndex maps the store's unit dictionary indices to scored
	// positions (-1: not scored), built once from Store.UnitCodes.
	unitOfIndex []int
	// unitIsMember is true for the scored units that are UN member states
	// (the donors of imputed group members).
	unitIsMember []bool
	frameworks   map[string]*indicators.Framework
	order        []string
	info         map[string]indicators.IndicatorInfo
	groups       map[string][]string // unit attributes for group imputation

	// universe names the units' universe; within caches the engines of
	// the regions of each parent (Within).
	universe Universe
	within   map[string]*Engine

	mu      sync.Mutex
	panels  map[string]*indicators.Panel // per framework
	years   map[string][]YearCount       // per framework
	defYear map[string]int               // per framework
	pop     map[int][]float64            // population per year, per scored unit (NaN unknown)
	popOnce sync.Once
	popAll  map[string]indicators.Series
	popLast int // last year with population data
	// weights are the series of the registry's group_weight indicators
	// (memberWeights), by indicator, per scored unit; read once.
	weights map[string][]indicators.Series

	scores      onceCache[*indicators.Result]            // by framework|options
	uncertainty onceCache[*indicators.UncertaintyResult] // by ua|framework|request
	breakdowns  onceCache[*breakdownFramework]           // by framework|breakdown
}

// New builds an engine over a loaded dataset and framework files (the
// *.yaml files at the root of frameworks). Extra frameworks (a user's file)
// may be added with AddFramework.
func New(store *pipeline.Store, ref *pipeline.Reference, reg *pipeline.Registry, frameworks fs.FS) (*Engine, error) {
	e := newEngine(store, ref, reg, countriesUniverse(store, ref))
	if frameworks != nil {
		err := eachFrameworkFile(frameworks, func(name string, data []byte) error {
			_, err := e.AddFramework(name, data)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return e, nil
}

// newEngine builds an engine scoring units (sorted codes), with no
// framework yet.
func newEngine(store *pipeline.Store, ref *pipeline.Reference, reg *pipeline.Registry, units []string) *Engine {
	e := &Engine{store: store, ref: ref, reg: reg, frameworks: map[string]*indicators.Framework{},
		info: map[string]indicators.IndicatorInfo{}, panels: map[string]*indicators.Panel{},
		pop: map[int][]float64{}, unitIndex: map[string]int{}, years: map[string][]YearCount{}, defYear: map[string]int{},
		scores: onceCache[*indicators.Result]{max: 512}, uncertainty: onceCache[*indicators.UncertaintyResult]{max: 64},
		breakdowns: onceCache[*breakdownFramework]{max: 256}}
	for _, ind := range reg.Indicators {
		info := indicators.IndicatorInfo{Polarity: ind.Polarity}
		if g := ind.Goalposts; g != nil && g.Lo != nil && g.Hi != nil {
			info.Goalposts = &indicators.Range{Lo: *g.Lo, Hi: *g.Hi}
		}
		b := ind.Bounds
		if b == nil && ind.Measure() != nil {
			b = ind.Measure().Bounds
		}
		if b != nil && b.Lo != nil && b.Hi != nil {
			info.Bounds = &indicators.Range{Lo: *b.Lo, Hi: *b.Hi}
		}
		e.info[ind.ID] = info
	}
	e.units = units
	e.unitIsMember = make([]bool, len(e.units))
	for i, u := range e.units {
		e.unitIndex[u] = i
		if ru, ok := ref.Unit(u); ok {
			e.unitIsMember[i] = ru.Type == pipeline.UnitCountry
		}
	}
	codes := store.UnitCodes()
	e.unitOfIndex = make([]int, len(codes))
	for d, code := range codes {
		if u, ok := e.unitIndex[code]; ok {
			e.unitOfIndex[d] = u
		} else {
			e.unitOfIndex[d] = -1
		}
	}
	e.groups = map[string][]string{}
	for _, attr := range []string{"income_group", "region", "sub_region", "wb_region"} {
		labels := make([]string, len(e.units))
		for i, code := range e.units {
			u, _ := ref.Unit(code)
			switch attr {
			case "income_group":
				labels[i] = u.IncomeGroup
			case "region":
				labels[i] = u.Region
			case "sub_region":
				labels[i] = u.SubRegion
			case "wb_region":
				labels[i] = u.WBRegion
			}
		}
		e.groups[attr] = labels
	}
	return e
}

// eachFrameworkFile calls fn with the name and content of each *.yaml file
// at the root of frameworks, stopping at the first error.
func eachFrameworkFile(frameworks fs.FS, fn func(name string, data []byte) error) error {
	entries, err := fs.ReadDir(frameworks, ".")
	if err != nil {
		return fmt.Errorf("engine: frameworks: %w", err)
	}
	for _, ent := range entries {
		if ent.IsDir() || path.Ext(ent.Name()) != ".yaml" {
			continue
		}
		data, err := fs.ReadFile(frameworks, ent.Name())
		if err != nil {
			return fmt.Errorf("engine: frameworks: %w", err)
		}
		if err := fn(ent.Name(), data); err != nil {
			return err
		}
	}
	return nil
}

// AddFramework parses a framework file and adds it (replacing one with the
// same id).
func (e *Engine) AddFramework(name string, data []byte) (*indicators.Framework, error) {
	f, err := indicators.ParseFramework(name, data, func(id string) bool { _, _, ok := e.reg.Lookup(id); return ok })
	if err != nil {
		return nil, err
	}
	// A framework file may name an indicator by a publisher's code (an
	// alias in the registry): its nodes hold the indicator's id.
	for _, n := range f.Nodes() {
		if n.IsIndicator() {
			n.Indicator, _ = e.reg.Canonical(n.Indicator)
		}
	}
	for i, x := range f.Extras {
		f.Extras[i], _ = e.reg.Canonical(x)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, exists := e.frameworks[f.ID]; !exists {
		e.order = append(e.order, f.ID)
		sort.Strings(e.order)
	}
	e.frameworks[f.ID] = f
	e.within = nil // the regions' engines copy the frameworks
	delete(e.panels, f.ID)
	delete(e.years, f.ID)
	delete(e.defYear, f.ID)
	e.scores.drop(f.ID + "|")
	e.breakdowns.drop(f.ID + "|")
	return f, nil
}

// Frameworks lists the framework ids, sorted.
func (e *Engine) Frameworks() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.order...)
}

// Framework returns a framework by id.
func (e *Engine) Framework(id string) (*indicators.Framework, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f, ok := e.frameworks[id]
	return f, ok
}

// FrameworkIndicators lists the indicator ids a framework uses (api.Scorer).
func (e *Engine) FrameworkIndicators(id string) ([]string, bool) {
	f, ok := e.Framework(id)
	if !ok {
		return nil, false
	}
	return f.Indicators(), true
}

// Units are the scored units, sorted by code.
func (e *Engine) Units() []string { return e.units }

// Reference and Registry of the dataset.
func (e *Engine) Reference() *pipeline.Reference { return e.ref }
func (e *Engine) Registry() *pipeline.Registry   { return e.reg }
func (e *Engine) Store() *pipeline.Store         { return e.store }

// panel builds (once) the panel of a framework's series.
func (e *Engine) panel(f *indicators.Framework) *indicators.Panel {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.panels[f.ID]; ok {
		return p
	}
	keys := map[indicators.SeriesKey]bool{}
	for _, n := range f.Nodes() {
		if !n.IsIndicator() {
			continue
		}
		k := n.Key()
		keys[k] = true
		if f.Kind == indicators.KindGender {
			fk, mk := k, k
			fk.Sex, mk.Sex = dims.Female, dims.Male
			keys[fk], keys[mk] = true, true
		}
	}
	for _, x := range f.Extras {
		keys[indicators.KeyOf(x, dims.TotalBreakdown)] = true
	}
	p := indicators.NewPanel(e.units, e.info, e.groups, storeObservations{e}, slices.Collect(maps.Keys(keys)))
	e.panels[f.ID] = p
	return p
}

// storeObservations are the store's observations of the scored units, as
// a panel reads them.
type storeObservations struct{ e *Engine }

// Years lists the years in which an indicator has any value.
func (o storeObservations) Years(indicator string) []int { return o.e.store.Years(indicator) }

// Each calls fn with each scored unit's series of a key (the store's
// views: years ascending, not to be modified).
func (o storeObservations) Each(k indicators.SeriesKey, fn func(u int, years []int16, values []float64)) {
	want := k.Breakdown()
	o.e.store.SeriesIndexed(k.Indicator, func(unit int, b pipeline.Breakdown, years []int16, values []float64) {
		if b != want {
			return
		}
		if u := o.e.unitOfIndex[unit]; u >= 0 {
			fn(u, years, values)
		}
	})
}

// populationIndicator weights the group aggregates of share indicators.
const populationIndicator = "wb.population"

// Needs lists the indicators scoring f reads: its indicators, its extras,
// and population for the group aggregates. A load restricted to their
// sources (load.Options.Indicators) scores f exactly as a full one.
func Needs(f *indicators.Framework) []string {
	return slices.Compact(slices.Sorted(slices.Values(append(append(f.Indicators(), f.Extras...), populationIndicator))))
}

// NeedsOf is Needs of the framework id among the files New reads from
// frameworks, read without a registry, before any data are loaded; nil when
// it cannot be read (New then reports the problem).
func NeedsOf(frameworks fs.FS, id string) []string {
	var needs []string
	_ = eachFrameworkFile(frameworks, func(name string, data []byte) error {
		if f, err := parseUnchecked(name, data); err == nil && f.ID == id {
			needs = Needs(f)
		}
		return nil
	})
	return needs
}

// NeedsOfFile is Needs of a framework file (nil when it cannot be read
// without the data; AddFramework then reports the problem).
func NeedsOfFile(name string, data []byte) []string {
	f, err := parseUnchecked(name, data)
	if err != nil {
		return nil
	}
	return Needs(f)
}

// parseUnchecked parses a framework accepting any indicator id.
func parseUnchecked(name string, data []byte) (*indicators.Framework, error) {
	return indicators.ParseFramework(name, data, func(string) bool { return true })
}

// Score scores a framework for a year (0 = the default year) with method
// overrides, cached per framework, year and options. Other weights, weight
// scheme or aggregation only are scored from the cached result with the
// framework's own choices (indicators.Reweight).
func (e *Engine) Score(id string, year int, opt indicators.Options) (*indicators.Result, error) {
	f, opt, err := e.scoring(id, year, opt)
	if err != nil {
		return nil, err
	}
	return e.scores.get(f.ID+"|"+optionsKey(opt), func() (*indicators.Result, error) {
		if reweighting(f, opt) {
			return e.reweight(f, opt)
		}
		return indicators.Score(f, e.panel(f), opt)
	})
}

// scoring resolves a framework and the year to score (0 = its default).
// Score and ScoreOnce rank the indicators too: the API, profiles and
// exports show every node's rank.
func (e *Engine) scoring(id string, year int, opt indicators.Options) (*indicators.Framework, indicators.Options, error) {
	f, ok := e.Framework(id)
	if !ok {
		return nil, opt, &UnknownError{"framework", id}
	}
	if year == 0 {
		year = e.DefaultYear(f)
	}
	if year == 0 {
		return nil, opt, e.scoresNothing(f)
	}
	opt.Year = year
	opt.LeafRanks = true
	return f, opt, nil
}

// ScoreOnce scores like Score without caching the result: for work whose
// result is used once. A what-if (as Score's) starts from the cached
// result with the framework's own choices.
func (e *Engine) ScoreOnce(id string, year int, opt indicators.Options) (*indicators.Result, error) {
	f, opt, err := e.scoring(id, year, opt)
	if err != nil {
		return nil, err
	}
	if reweighting(f, opt) {
		return e.reweight(f, opt)
	}
	return indicators.Score(f, e.panel(f), opt)
}

// ScoreYears scores a framework for each year that years yields, uncached,
// as indicators.ScoreYears does: each result is valid only until the loop
// body returns (the next year reuses its memory). For batch work (every
// year of a large panel). An unknown framework yields its error for each
// year.
func (e *Engine) ScoreYears(id string, years iter.Seq[int], opt indicators.Options) iter.Seq2[*indicators.Result, error] {
	f, ok := e.Framework(id)
	if !ok {
		return func(yield func(*indicators.Result, error) bool) {
			for range years {
				if !yield(nil, &UnknownError{"framework", id}) {
					return
				}
			}
		}
	}
	return indicators.ScoreYears(f, e.panel(f), years, opt)
}

func optionsKey(o indicators.Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%s|%t|", o.Year, o.WeightScheme, o.LeafRanks)
	for _, p := range []fmt.Stringer{ptrStringer(o.Normalisation), ptrStringer(o.Aggregation), ptrStringer(o.Imputation), ptrStringer(o.Treatment)} {
		if p != nil {
			b.WriteString(p.String())
		}
		b.WriteByte('|')
	}
	codes := make([]string, 0, len(o.Weights))
	for c := range o.Weights {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		fmt.Fprintf(&b, "%s=%v,", c, o.Weights[c])
	}
	return b.String()
}

func ptrStringer[T fmt.Stringer](p *T) fmt.Stringer {
	if p == nil {
		return nil
	}
	return *p
}

// YearCount is a year a framework scores and how many units it scores
// (units with an overall score).
type YearCount struct {
	Year  int `json:"year"`
	Units int `json:"units"`
}

// ScoredYears returns the years in which a framework scores at least one
// unit, ascending, each with the number of units scored (computed once per
// framework): the years its indicators have data, less those in which no
// unit reaches the framework's coverage rule.
func (e *Engine) ScoredYears(f *indicators.Framework) []YearCount {
	e.mu.Lock()
	yc, ok := e.years[f.ID]
	e.mu.Unlock()
	if ok {
		return yc
	}
	seen := map[int]bool{}
	for _, id := range f.Indicators() {
		for _, y := range e.store.Years(id) {
			seen[y] = true
		}
	}
	candidates := make([]int, 0, len(seen))
	for y := range seen {
		candidates = append(candidates, y)
	}
	sort.Ints(candidates)
	var out []YearCount
	// Uncached, each year in the memory of the one before: these results
	// are only counted.
	for res, err := range indicators.ScoreYears(f, e.panel(f), slices.Values(candidates), indicators.Options{}) {
		if err != nil {
			continue
		}
		n := 0
		for _, v := range res.Root().Valid {
			if v {
				n++
			}
		}
		if n > 0 {
			out = append(out, YearCount{Year: res.Year, Units: n})
		}
	}
	e.mu.Lock()
	e.years[f.ID] = out
	e.mu.Unlock()
	return out
}

// Years returns the years in which a framework scores at least one unit,
// ascending (ScoredYears without the counts).
func (e *Engine) Years(f *indicators.Framework) []int {
	yc := e.ScoredYears(f)
	out := make([]int, len(yc))
	for i, c := range yc {
		out[i] = c.Year
	}
	return out
}

// DefaultYear is the latest year in which the framework scores at least
// half of the units (the latest data year if none does).
func (e *Engine) DefaultYear(f *indicators.Framework) int {
	e.mu.Lock()
	y, ok := e.defYear[f.ID]
	e.mu.Unlock()
	if ok {
		return y
	}
	y = e.defaultYear(f)
	e.mu.Lock()
	e.defYear[f.ID] = y
	e.mu.Unlock()
	return y
}

func (e *Engine) defaultYear(f *indicators.Framework) int {
	years := e.Years(f)
	if len(years) == 0 {
		return 0
	}
	for i := len(years) - 1; i >= 0 && i >= len(years)-8; i-- {
		res, err := e.Score(f.ID, years[i], indicators.Options{})
		if err != nil {
			continue
		}
		n := 0
		for _, v := range res.Root().Valid {
			if v {
				n++
			}
		}
		if 2*n >= len(e.units) {
			return years[i]
		}
	}
	return years[len(years)-1]
}

// UnknownError is an unknown framework, node, unit or group.
type UnknownError struct{ Kind, Name string }

func (e *UnknownError) Error() string { return fmt.Sprintf("engine: unknown %s %q", e.Kind, e.Name) }

// Population returns each scored unit's population in a year: the
// wb.population value of exactly that year (World Bank WDI: the shipped
// file runs 1960-2024, of which the years from 1990, DRI's range, are
// loaded); NaN when unknown. Group figures for years after the last year
// with population use PopulationYear's year instead.
func (e *Engine) Population(year int) []float64 {
	e.loadPopulation()
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.pop[year]; ok {
		return p
	}
	p := make([]float64, len(e.units))
	for i, u := range e.units {
		p[i] = math.NaN()
		s := e.popAll[u]
		if k, ok := slices.BinarySearch(s.Years, year); ok {
			p[i] = s.Values[k]
		}
	}
	e.pop[year] = p
	return p
}

// PopulationYear is the year whose population weighs a group figure of
// year: the year itself, or the last year with population data when year
// is later (0 when no population is loaded).
func (e *Engine) PopulationYear(year int) int {
	e.loadPopulation()
	return min(year, e.popLast)
}

func (e *Engine) loadPopulation() {
	e.popOnce.Do(func() {
		e.popAll = map[string]indicators.Series{}
		q := pipeline.QueryOf(pipeline.TotalBreakdown)
		q.Indicator = populationIndicator
		for _, i := range e.store.Select(q) {
			s := e.popAll[e.store.Unit(i)]
			s.Years = append(s.Years, e.store.Year(i))
			s.Values = append(s.Values, e.store.Value(i))
			e.popAll[e.store.Unit(i)] = s
			e.popLast = max(e.popLast, e.store.Year(i))
		}
		for u, s := range e.popAll {
			if !slices.IsSorted(s.Years) {
				k := make([]int, len(s.Years))
				for j := range k {
					k[j] = j
				}
				slices.SortFunc(k, func(a, b int) int { return s.Years[a] - s.Years[b] })
				ys, vs := make([]int, len(k)), make([]float64, len(k))
				for j, o := range k {
					ys[j], vs[j] = s.Years[o], s.Values[o]
				}
				e.popAll[u] = indicators.Series{Years: ys, Values: vs}
			}
		}
	})
}

// UnitIndex returns a scored unit's position.
func (e *Engine) UnitIndex(code string) (int, bool) {
	i, ok := e.unitIndex[code]
	return i, ok
}
