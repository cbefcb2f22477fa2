package indicators

import (
	"maps"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/dri-engine/dri/pipeline/dims"
	"golang.org/x/sync/errgroup"
)

// SeriesKey identifies a series: an indicator and one disaggregation (a
// code per breakdown dimension; "" and "_T" both mean the total, and
// KeyOf writes "_T").
type SeriesKey struct {
	Indicator, Sex, Area, Age, Income, Education, Labour string
}

// normal is the key with "" read as the total.
func (k SeriesKey) normal() SeriesKey { return KeyOf(k.Indicator, k.Breakdown()) }

// Breakdown is the key's breakdown codes.
func (k SeriesKey) Breakdown() dims.Breakdown {
	return dims.Breakdown{Sex: k.Sex, Area: k.Area, Age: k.Age, Income: k.Income, Education: k.Education, Labour: k.Labour}
}

// KeyOf is the series key of an indicator and a breakdown ("" codes read
// as totals).
func KeyOf(indicator string, b dims.Breakdown) SeriesKey {
	b = b.Normal()
	return SeriesKey{Indicator: indicator, Sex: b.Sex, Area: b.Area, Age: b.Age, Income: b.Income, Education: b.Education, Labour: b.Labour}
}

// Series is one unit's observations of a series, in any year order.
type Series struct {
	Years  []int
	Values []float64
}

// Panel is the input of scoring: per series, each unit's observations.
// A panel is either built by hand (Units, Info, Series and Groups set) or
// read from a store of observations with NewPanel; either way it is
// read-only once scoring starts, and safe to score concurrently.
type Panel struct {
	Units []string
	Info  map[string]IndicatorInfo
	// Series holds, per key, one entry per unit (len(Units) entries). A
	// panel from NewPanel reads its series from the store instead.
	Series map[SeriesKey][]Series
	// Groups are unit attributes for group imputation (income_group ->
	// per-unit labels).
	Groups map[string][]string

	store *storeLookup // NewPanel's: nil for a panel built by hand
}

// Observations is a store of observations a panel reads its series from
// (NewPanel): the engine's view of the pipeline's table.
type Observations interface {
	// Years lists the years in which an indicator has any value, ascending.
	Years(indicator string) []int
	// Each calls fn with each unit's observations of a key: u is the
	// unit's position in the panel's units, years ascend strictly, and the
	// slices are views valid as long as the store, which fn does not
	// modify (the panel keeps the values of the series it reads).
	Each(k SeriesKey, fn func(u int, years []int16, values []float64))
}

// NewPanel returns a panel over units whose series are read from obs. The
// keys a framework scores are read up front, in parallel, each laid out
// year by year (scoring a year then reads one row per key instead of
// searching every unit's series); any other key, and a key's per-unit
// series when imputation or a gender gap needs them, is read on first use.
func NewPanel(units []string, info map[string]IndicatorInfo, groups map[string][]string, obs Observations, keys []SeriesKey) *Panel {
	l := &storeLookup{obs: obs, units: len(units), byYear: map[SeriesKey]*yearRows{}, series: map[SeriesKey][]Series{}}
	rows := make([]*yearRows, len(keys))
	series := make([][]Series, len(keys))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, k := range keys {
		g.Go(func() error {
			if rows[i] = l.readYearRows(k); rows[i] == nil {
				series[i] = l.readSeries(k)
			}
			return nil
		})
	}
	_ = g.Wait() // the readers return no error
	for i, k := range keys {
		if rows[i] != nil {
			l.byYear[k] = rows[i]
		} else {
			l.series[k] = series[i]
		}
	}
	return &Panel{Units: units, Info: info, Groups: groups, Series: map[SeriesKey][]Series{}, store: l}
}

// Subset returns the panel of the units for which keep is true, in p's
// order, with all their observations (every year): dri score --imeta
// scores each Time of an iData over the units with a row for it, as
// COINr builds one coin per Time. A panel from NewPanel reads its store
// again through the subset's positions, laying out the keys it has read.
// When keep holds for every unit, Subset returns p itself.
func (p *Panel) Subset(keep func(unit string) bool) *Panel {
	var idx []int
	for i, u := range p.Units {
		if keep(u) {
			idx = append(idx, i)
		}
	}
	if len(idx) == len(p.Units) {
		return p
	}
	units := make([]string, len(idx))
	for j, i := range idx {
		units[j] = p.Units[i]
	}
	groups := map[string][]string{}
	for g, labels := range p.Groups {
		groups[g] = pick(labels, idx)
	}
	if p.store == nil {
		q := &Panel{Units: units, Info: p.Info, Groups: groups, Series: map[SeriesKey][]Series{}}
		for k, s := range p.Series {
			q.Series[k] = pick(s, idx)
		}
		return q
	}
	to := make([]int, len(p.Units))
	for i := range to {
		to[i] = -1
	}
	for j, i := range idx {
		to[i] = j
	}
	l := p.store
	l.mu.Lock()
	keys := slices.Concat(slices.Collect(maps.Keys(l.byYear)), slices.Collect(maps.Keys(l.series)))
	l.mu.Unlock()
	return NewPanel(units, p.Info, groups, unitSubset{obs: l.obs, to: to}, keys)
}

// pick returns the elements of s at idx.
func pick[T any](s []T, idx []int) []T {
	out := make([]T, len(idx))
	for j, i := range idx {
		out[j] = s[i]
	}
	return out
}

// unitSubset serves a store's observations of some of its units, at their
// positions in a subset (to[u] is unit u's, -1 for a unit left out).
type unitSubset struct {
	obs Observations
	to  []int
}

func (s unitSubset) Years(indicator string) []int { return s.obs.Years(indicator) }

func (s unitSubset) Each(k SeriesKey, fn func(u int, years []int16, values []float64)) {
	s.obs.Each(k, func(u int, years []int16, values []float64) {
		if j := s.to[u]; j >= 0 {
			fn(j, years, values)
		}
	})
}

// SeriesOf returns each unit's observations of a key (len(Units) entries;
// nil when the panel has no such series). The values are read-only.
func (p *Panel) SeriesOf(k SeriesKey) []Series {
	s, _ := p.series(k)
	return s
}

// series returns the series of a key and whether their years ascend
// strictly (then the value of a year is found by binary search).
func (p *Panel) series(k SeriesKey) (s []Series, sorted bool) {
	if s, ok := p.Series[k]; ok {
		return s, false
	}
	if p.store == nil {
		// A panel built by hand may spell a total "" or "_T" (the key a
		// framework reads is normal: "_T").
		for key, s := range p.Series {
			if key.normal() == k {
				return s, false
			}
		}
		return nil, false
	}
	return p.store.seriesOf(k), true
}

// rows returns a key's year rows (nil when the panel has none).
func (p *Panel) rows(k SeriesKey) *yearRows {
	if p.store == nil {
		return nil
	}
	return p.store.byYear[k]
}

// storeLookup is how a panel from NewPanel finds its values: year rows
// for the keys read up front (fixed after NewPanel) and per-unit series,
// read on first use and kept.
type storeLookup struct {
	obs    Observations
	units  int
	byYear map[SeriesKey]*yearRows
	mu     sync.Mutex
	series map[SeriesKey][]Series
}

func (l *storeLookup) seriesOf(k SeriesKey) []Series {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.series[k]
	if !ok {
		s = l.readSeries(k)
		l.series[k] = s
	}
	return s
}

// readSeries reads a key's series for every unit in one pass; the values
// are views of the store.
func (l *storeLookup) readSeries(k SeriesKey) []Series {
	out := make([]Series, l.units)
	var years []int
	l.obs.Each(k, func(u int, ys []int16, vals []float64) {
		if cap(years)-len(years) < len(ys) {
			years = make([]int, 0, max(4096, 2*len(ys)))
		}
		start := len(years)
		for _, y := range ys {
			years = append(years, int(y))
		}
		out[u] = Series{Years: years[start:len(years):len(years)], Values: vals}
	})
	return out
}

// maxYearRows bounds the years a series may span to be laid out by year;
// a longer one keeps its per-unit series (same scores).
const maxYearRows = 200

// yearRows are one key's values by year: valid[y-first][u] says whether
// unit u has a value in year y, and values[y-first][u] is that value, 0
// where it has none (the form of a NodeResult's Raw and RawValid, which
// may be these rows themselves: selectRowsView).
type yearRows struct {
	first  int
	values [][]float64
	valid  [][]bool
}

// readYearRows lays one key's values out by year; nil when no unit has a
// value or the values span more than maxYearRows years. Where a unit has
// two values in a year the first non-NaN one counts, as LatestWithin takes
// (the store marks a missing value NaN: pipeline's table).
func (l *storeLookup) readYearRows(k SeriesKey) *yearRows {
	// One pass over the store's series, into rows spanning every year the
	// indicator has (validated years: a few decades), then cut to the
	// years this key's units have.
	all := l.obs.Years(k.Indicator)
	if len(all) == 0 {
		return nil
	}
	first, n := all[0], l.units
	span := all[len(all)-1] - first + 1
	if span > maxYearRows {
		return nil
	}
	flat, flatValid := make([]float64, span*n), make([]bool, span*n)
	lo, hi := math.MaxInt, math.MinInt
	l.obs.Each(k, func(u int, years []int16, values []float64) {
		for i, y := range years {
			yi := int(y)
			lo, hi = min(lo, yi), max(hi, yi)
			if v, at := values[i], (yi-first)*n+u; !math.IsNaN(v) && !flatValid[at] {
				flat[at], flatValid[at] = v, true
			}
		}
	})
	if lo > hi || hi-lo+1 > maxYearRows {
		return nil
	}
	r := &yearRows{first: lo, values: make([][]float64, hi-lo+1), valid: make([][]bool, hi-lo+1)}
	for i := range r.values {
		at := (lo - first + i) * n
		r.values[i], r.valid[i] = flat[at:at+n:at+n], flatValid[at:at+n:at+n]
	}
	return r
}
