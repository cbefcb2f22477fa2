package pipeline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dri-engine/dri/pipeline/dims"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Store answers queries over a canonical observation record. It reads the
// record's columns in place (no copies of the values) and keeps one index:
// the row range of each indicator, which the sort order of the record makes
// contiguous. The record must outlive the Store.
type Store struct {
	rec        arrow.RecordBatch
	unit       []int32
	unitDict   []string
	year       []int16
	indicator  []int32
	indDict    []string
	sex        []int32
	sexDict    []string
	area       []int32
	areaDict   []string
	age        []int32
	ageDict    []string
	income     []int8
	incDict    []string
	education  []int8
	eduDict    []string
	labour     []int8
	labDict    []string
	value      []float64
	status     []int32
	statusDict []string
	source     []int32
	srcDict    []string
	note       *array.String
	ranges     map[string][2]int
	years      map[string][]int
}

// NewStore indexes a canonical record (as built by Load or read from a
// snapshot). It returns an error if the record does not have the canonical
// schema or is not sorted by indicator.
func NewStore(rec arrow.RecordBatch) (*Store, error) {
	if !rec.Schema().Equal(Schema) {
		return nil, fmt.Errorf("pipeline: store: record schema %v is not the canonical schema", rec.Schema())
	}
	s := &Store{rec: rec, ranges: map[string][2]int{}}
	dict := func(i int) ([]int32, []string) {
		d := rec.Column(i).(*array.Dictionary)
		idx := d.Indices().(*array.Int32).Int32Values()
		vals := d.Dictionary().(*array.String)
		out := make([]string, vals.Len())
		for j := range out {
			out[j] = vals.Value(j)
		}
		return idx, out
	}
	s.unit, s.unitDict = dict(IdxUnit)
	s.year = rec.Column(IdxYear).(*array.Int16).Int16Values()
	s.indicator, s.indDict = dict(IdxIndicator)
	s.sex, s.sexDict = dict(IdxSex)
	s.area, s.areaDict = dict(IdxArea)
	s.age, s.ageDict = dict(IdxAge)
	code := func(i int) ([]int8, []string) {
		d := rec.Column(i).(*array.Dictionary)
		vals := d.Dictionary().(*array.String)
		out := make([]string, vals.Len())
		for j := range out {
			out[j] = vals.Value(j)
		}
		return d.Indices().(*array.Int8).Int8Values(), out
	}
	s.income, s.incDict = code(IdxIncome)
	s.education, s.eduDict = code(IdxEducation)
	s.labour, s.labDict = code(IdxLabour)
	s.value = rec.Column(IdxValue).(*array.Float64).Float64Values()
	s.status, s.statusDict = dict(IdxStatus)
	s.source, s.srcDict = dict(IdxSource)
	s.note = rec.Column(IdxNote).(*array.String)
	n := int(rec.NumRows())
	for i := 0; i < n; {
		j := i
		for j < n && s.indicator[j] == s.indicator[i] {
			j++
		}
		id := s.indDict[s.indicator[i]]
		if _, dup := s.ranges[id]; dup {
			return nil, fmt.Errorf("pipeline: store: record is not sorted by indicator (%s appears twice)", id)
		}
		s.ranges[id] = [2]int{i, j}
		i = j
	}
	s.years = map[string][]int{}
	seen := make([]bool, 1<<16) // by uint16(year)
	for id, r := range s.ranges {
		var ys []int
		for _, y := range s.year[r[0]:r[1]] {
			if !seen[uint16(y)] {
				seen[uint16(y)] = true
				ys = append(ys, int(y))
			}
		}
		for _, y := range ys {
			seen[uint16(y)] = false
		}
		sort.Ints(ys)
		s.years[id] = ys
	}
	return s, nil
}

// Len is the number of observations.
func (s *Store) Len() int { return len(s.value) }

// Record returns the underlying record (not retained).
func (s *Store) Record() arrow.RecordBatch { return s.rec }

// Row is one observation as plain values.
type Row struct {
	Unit      string  `json:"unit"`
	Year      int     `json:"year"`
	Indicator string  `json:"indicator"`
	Sex       string  `json:"sex"`
	Area      string  `json:"area"`
	Age       string  `json:"age"`
	Income    string  `json:"income"`
	Education string  `json:"education"`
	Labour    string  `json:"labour"`
	Value     float64 `json:"value"`
	Status    string  `json:"status"`
	Source    string  `json:"source"`
	Note      string  `json:"note,omitempty"`
}

// Row returns observation i.
func (s *Store) Row(i int) Row {
	r := Row{
		Unit: s.unitDict[s.unit[i]], Year: int(s.year[i]), Indicator: s.indDict[s.indicator[i]],
		Sex: s.sexDict[s.sex[i]], Area: s.areaDict[s.area[i]], Age: s.ageDict[s.age[i]],
		Income: s.incDict[s.income[i]], Education: s.eduDict[s.education[i]], Labour: s.labDict[s.labour[i]],
		Value: s.value[i], Status: s.statusDict[s.status[i]], Source: s.srcDict[s.source[i]],
	}
	if s.note.IsValid(i) {
		r.Note = s.note.Value(i)
	}
	return r
}

// Unit, Year, Value and the other accessors read one field of row i.
func (s *Store) Unit(i int) string { return s.unitDict[s.unit[i]] }

// UnitsWithData returns the codes of the units with at least one
// observation, in dictionary order.
func (s *Store) UnitsWithData() []string {
	seen := make([]bool, len(s.unitDict))
	for _, u := range s.unit {
		seen[u] = true
	}
	var out []string
	for i, ok := range seen {
		if ok {
			out = append(out, s.unitDict[i])
		}
	}
	return out
}
func (s *Store) Year(i int) int         { return int(s.year[i]) }
func (s *Store) Value(i int) float64    { return s.value[i] }
func (s *Store) Indicator(i int) string { return s.indDict[s.indicator[i]] }
func (s *Store) Sex(i int) string       { return s.sexDict[s.sex[i]] }
func (s *Store) Area(i int) string      { return s.areaDict[s.area[i]] }
func (s *Store) Age(i int) string       { return s.ageDict[s.age[i]] }
func (s *Store) Income(i int) string    { return s.incDict[s.income[i]] }
func (s *Store) Education(i int) string { return s.eduDict[s.education[i]] }
func (s *Store) Labour(i int) string    { return s.labDict[s.labour[i]] }

// Breakdown returns row i's breakdown codes.
func (s *Store) Breakdown(i int) Breakdown {
	return Breakdown{Sex: s.sexDict[s.sex[i]], Area: s.areaDict[s.area[i]], Age: s.ageDict[s.age[i]],
		Income: s.incDict[s.income[i]], Education: s.eduDict[s.education[i]], Labour: s.labDict[s.labour[i]]}
}
func (s *Store) Status(i int) string { return s.statusDict[s.status[i]] }
func (s *Store) Source(i int) string { return s.srcDict[s.source[i]] }

// Indicators returns the ids of the indicators with data, sorted.
func (s *Store) Indicators() []string {
	ids := make([]string, 0, len(s.ranges))
	for id := range s.ranges {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// IndicatorRows is the range [first, end) of an indicator's rows (the
// record is in key order, indicator first), for code that walks one
// indicator's rows in order, such as the snapshot diff.
func (s *Store) IndicatorRows(indicator string) (r [2]int, ok bool) {
	r, ok = s.ranges[indicator]
	return r, ok
}

// Years returns the distinct years with data for an indicator, ascending
// (computed once; callers must not modify the slice).
func (s *Store) Years(indicator string) []int { return s.years[indicator] }

// Count is the number of observations of an indicator.
func (s *Store) Count(indicator string) int {
	r := s.ranges[indicator]
	return r[1] - r[0]
}

// Breakdown is the row's breakdown codes.
func (r Row) Breakdown() Breakdown {
	return Breakdown{Sex: r.Sex, Area: r.Area, Age: r.Age, Income: r.Income, Education: r.Education, Labour: r.Labour}
}

// QueryOf is a query of exactly one breakdown ("" reads as the total) of
// any indicator, unit and year (set them on the result).
func QueryOf(b Breakdown) Query {
	b = b.Normal()
	return Query{Sex: []string{b.Sex}, Area: []string{b.Area}, Age: []string{b.Age},
		Income: []string{b.Income}, Education: []string{b.Education}, Labour: []string{b.Labour}}
}

// Query selects observations of one indicator. Empty filters select all.
type Query struct {
	Indicator string
	Units     []string // unit codes
	Sex       []string
	Area      []string
	Age       []string
	Income    []string
	Education []string
	Labour    []string
	From, To  int // years, inclusive; 0 = open
	// MRV keeps the MRV most recent years in which the indicator has any
	// data in the selection (periods, as the World Bank API's mrv).
	MRV int
	// MRNEV keeps each series' MRNEV most recent observations (non-empty
	// values, as the World Bank API's mrnev).
	MRNEV int
}

// Filter returns the query's codes of a breakdown dimension (nil = all).
func (q *Query) Filter(d *dims.Dimension) []string {
	return *q.filter(d)
}

// SetFilter sets the query's codes of a breakdown dimension.
func (q *Query) SetFilter(d *dims.Dimension, codes []string) { *q.filter(d) = codes }

func (q *Query) filter(d *dims.Dimension) *[]string {
	switch d {
	case dims.Sex:
		return &q.Sex
	case dims.Area:
		return &q.Area
	case dims.Age:
		return &q.Age
	case dims.Income:
		return &q.Income
	case dims.Education:
		return &q.Education
	case dims.Labour:
		return &q.Labour
	}
	panic("pipeline: " + d.Column + " is not a breakdown")
}

// Select returns the row indices of the observations matching q, in the
// record's order (unit, the breakdowns, year). An unknown indicator yields
// no rows; callers check the registry first to tell unknown from empty.
func (s *Store) Select(q Query) []int {
	r, ok := s.ranges[q.Indicator]
	if !ok {
		return nil
	}
	in := func(vals []string) func(string) bool {
		if len(vals) == 0 {
			return func(string) bool { return true }
		}
		set := map[string]bool{}
		for _, v := range vals {
			set[v] = true
		}
		return func(v string) bool { return set[v] }
	}
	inUnit, inSex, inArea, inAge := in(q.Units), in(q.Sex), in(q.Area), in(q.Age)
	inIncome, inEducation, inLabour := in(q.Income), in(q.Education), in(q.Labour)
	var rows []int
	for i := r[0]; i < r[1]; i++ {
		y := int(s.year[i])
		if (q.From != 0 && y < q.From) || (q.To != 0 && y > q.To) {
			continue
		}
		if !inUnit(s.unitDict[s.unit[i]]) || !inSex(s.sexDict[s.sex[i]]) || !inArea(s.areaDict[s.area[i]]) || !inAge(s.ageDict[s.age[i]]) ||
			!inIncome(s.incDict[s.income[i]]) || !inEducation(s.eduDict[s.education[i]]) || !inLabour(s.labDict[s.labour[i]]) {
			continue
		}
		rows = append(rows, i)
	}
	if q.MRV > 0 {
		years := map[int16]bool{}
		for _, i := range rows {
			years[s.year[i]] = true
		}
		ys := make([]int, 0, len(years))
		for y := range years {
			ys = append(ys, int(y))
		}
		sort.Sort(sort.Reverse(sort.IntSlice(ys)))
		keep := map[int16]bool{}
		for _, y := range ys[:min(q.MRV, len(ys))] {
			keep[int16(y)] = true
		}
		rows = filterRows(rows, func(i int) bool { return keep[s.year[i]] })
	}
	if q.MRNEV > 0 {
		// Rows of one series are contiguous and ascending by year.
		var out []int
		for a := 0; a < len(rows); {
			b := a
			for b < len(rows) && s.sameSeries(rows[a], rows[b]) {
				b++
			}
			out = append(out, rows[max(a, b-q.MRNEV):b]...)
			a = b
		}
		rows = out
	}
	return rows
}

func (s *Store) sameSeries(i, j int) bool {
	return s.unit[i] == s.unit[j] && s.sex[i] == s.sex[j] && s.area[i] == s.area[j] && s.age[i] == s.age[j] &&
		s.income[i] == s.income[j] && s.education[i] == s.education[j] && s.labour[i] == s.labour[j]
}

func filterRows(rows []int, keep func(int) bool) []int {
	out := rows[:0]
	for _, i := range rows {
		if keep(i) {
			out = append(out, i)
		}
	}
	return out
}

// Series calls fn for each series of an indicator (one unit and
// breakdown) with its years ascending and values: views of the store's
// columns, valid while the store is, not to be modified. It is the fast
// path for reading a whole indicator (no per-row filters).
func (s *Store) Series(indicator string, fn func(unit string, b Breakdown, years []int16, values []float64)) {
	s.SeriesIndexed(indicator, func(unit int, b Breakdown, years []int16, values []float64) {
		fn(s.unitDict[unit], b, years, values)
	})
}

// Breakdown is an observation's codes in the breakdown dimensions (the
// dimension table's type).
type Breakdown = dims.Breakdown

// TotalBreakdown is the breakdown of a country's total: _T everywhere.
var TotalBreakdown = dims.TotalBreakdown

// ParseYears parses a date filter: "2024", "2015:2024", "2015:" or ":2024".
func ParseYears(s string) (from, to int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, nil
	}
	parse := func(p string) (int, error) {
		if p == "" {
			return 0, nil
		}
		var y int
		if _, err := fmt.Sscanf(p, "%d", &y); err != nil || fmt.Sprint(y) != p || y < 1000 || y > 9999 {
			return 0, fmt.Errorf("year %q is not a four-digit year", p)
		}
		return y, nil
	}
	a, b, found := strings.Cut(s, ":")
	if from, err = parse(a); err != nil {
		return 0, 0, err
	}
	if !found {
		if from == 0 {
			return 0, 0, fmt.Errorf("date %q: want YYYY or YYYY:YYYY", s)
		}
		return from, from, nil
	}
	if to, err = parse(b); err != nil {
		return 0, 0, err
	}
	if from != 0 && to != 0 && from > to {
		return 0, 0, fmt.Errorf("date %q: start after end", s)
	}
	return from, to, nil
}
