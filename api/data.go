package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

var dataParams = []paramSpec{
	{name: "indicator", typ: "string", list: true, desc: "indicator id(s) (see /v1/indicators)", required: true},
	{name: "unit", typ: "string", list: true, desc: "units: ISO3, ISO2 or group codes; a group code adds the group's aggregate (type=group)"},
	dimensionParam(dims.Sex), dimensionParam(dims.Area), dimensionParam(dims.Age),
	dimensionParam(dims.Income), dimensionParam(dims.Education), dimensionParam(dims.Labour),
	{name: "date", typ: "string", desc: "year or range: 2024, 2015:2024, 2015:, :2020"},
	{name: "mrv", typ: "integer", desc: "the N most recent years with data in the selection"},
	{name: "mrnev", typ: "integer", desc: "each series' N most recent values"},
	membershipParam, estimateParam,
}

// dataColumns: an observation, and on a group's row its figure's
// provenance (figureColumns).
var dataColumns = append([]colSpec{
	{"unit", KindString, "REF_AREA"}, {"unit_name", KindString, ""}, {"type", KindString, ""},
	{"year", KindInt, "TIME_PERIOD"}, {"indicator", KindString, "INDICATOR"}, dimensionColumn(dims.Sex),
	dimensionColumn(dims.Area), dimensionColumn(dims.Age), dimensionColumn(dims.Income),
	dimensionColumn(dims.Education), dimensionColumn(dims.Labour), {"value", KindFloat, "OBS_VALUE"},
	dimensionColumn(dims.Status), {"source", KindString, "SOURCE"}, {"note", KindString, "COMMENT"},
}, figureColumns...)

// SDMX dataflow of observations.
const sdmxObservations = "DRI:DF_OBSERVATIONS(1.0)"

// dataQuery is /v1/data's parsed and checked query.
type dataQuery struct {
	indicators []string
	units      []string // unit codes (nil = all)
	groups     []*pipeline.Group
	filters    pipeline.Query // the breakdown filters
	from, to   int
	mrv, mrnev int
	groupOpt   engine.GroupOptions
}

func parseDataQuery(r *request) *dataQuery {
	q := &dataQuery{indicators: indicatorIDs(r, "indicator")}
	if len(q.indicators) == 0 {
		r.errs.add("indicator", "required: an indicator id such as egov.egdi (see /v1/indicators)")
	}
	for _, id := range q.indicators {
		if _, _, ok := r.ds.Registry.Lookup(id); !ok {
			r.errs.add("indicator", "unknown indicator %q", id)
		}
	}
	q.units, q.groups = parseUnits(r, "unit")
	q.groupOpt = groupOptions(r)
	for _, d := range dims.Breakdowns {
		codes := r.list(d.Column)
		checkCodes(r, d, codes) // an unknown code would match nothing: a 400, not an empty 200
		q.filters.SetFilter(d, codes)
	}
	var err error
	if q.from, q.to, err = pipeline.ParseYears(r.str("date")); err != nil {
		r.errs.add("date", "%v", err)
	}
	q.mrv = r.integer("mrv", 0, 1, 100)
	q.mrnev = r.integer("mrnev", 0, 1, 100)
	if q.mrv > 0 && q.mrnev > 0 {
		r.errs.add("mrnev", "use mrv or mrnev, not both")
	}
	return q
}

// indicatorIDs returns an indicator list parameter with each publisher's
// code resolved to its indicator's id by the registry (the one place
// aliases are resolved), each indicator once: IT.NET.USER.ZS,itu.internet_use
// is one indicator. Items the registry does not know are kept as given, for
// the caller to report.
func indicatorIDs(r *request, param string) []string {
	var ids []string
	for _, item := range r.list(param) {
		id, _ := r.ds.Registry.Canonical(item)
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// parseUnits resolves a unit list: ISO3, ISO2, M49 codes or names, and
// group codes (returned separately), each once however it was spelt
// (ldc,LDC is one group, KEN,KE,Kenya one unit).
func parseUnits(r *request, param string) ([]string, []*pipeline.Group) {
	var units []string
	var groups []*pipeline.Group
	for _, s := range r.list(param) {
		if g, ok := r.ds.Reference.Group(strings.ToUpper(s)); ok {
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
			continue
		}
		u, ok := r.ds.Reference.LookupUnit(s)
		if !ok {
			r.errs.add(param, "unknown unit %q (use ISO 3166-1 alpha-3 or alpha-2 codes, or a group code)", s)
			continue
		}
		if !slices.Contains(units, u.Code) {
			units = append(units, u.Code)
		}
	}
	return units, groups
}

func handleData(r *request) (*Result, error) {
	q := parseDataQuery(r)
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	t := newTable(dataColumns)
	w := newRowWriter(t)
	s := r.ds.Store
	names := map[string]string{}
	for _, u := range r.ds.Reference.Units() {
		names[u.Code] = u.Name
	}
	// Only groups asked for: no country rows unless units are listed too.
	wantUnits := len(q.units) > 0 || len(q.groups) == 0
	for _, id := range q.indicators {
		if wantUnits {
			sq := q.filters
			sq.Indicator, sq.Units, sq.From, sq.To, sq.MRV, sq.MRNEV = id, q.units, q.from, q.to, q.mrv, q.mrnev
			rows := s.Select(sq)
			for _, i := range rows {
				row := s.Row(i)
				unit, ok := r.ds.Reference.Unit(row.Unit)
				typ := pipeline.UnitTerritory
				if ok {
					typ = unit.Type
				}
				setDataRow(w, row, names[row.Unit], typ)
				w.end()
			}
		}
		for _, g := range q.groups {
			rows, err := groupDataRows(r.ds, g, id, q)
			if err != nil {
				return nil, err
			}
			for _, row := range rows {
				setDataRow(w, row.Row, g.Name, pipeline.UnitGroup)
				setFigure(w, row.Figure)
				w.end()
			}
		}
	}
	meta := map[string]any{"indicators": q.indicators}
	return &Result{Table: t, Paged: true, SDMXID: sdmxObservations, Meta: meta}, nil
}

// setDataRow sets the cells of an observation's row (the row is not ended:
// a group row adds its figure's fields).
func setDataRow(w *rowWriter, row pipeline.Row, name, typ string) {
	w.str("unit", row.Unit)
	w.str("unit_name", name)
	w.str("type", typ)
	w.integer("year", row.Year)
	w.str("indicator", row.Indicator)
	b := row.Breakdown()
	for _, d := range dims.Breakdowns {
		w.str(d.Column, b.Get(d))
	}
	w.float("value", row.Value)
	w.str("status", row.Status)
	w.str("source", row.Source)
	w.str("note", row.Note)
}

// groupDataRows computes a group's aggregate rows for /v1/data, each with
// its figure, through the dataset's scorer (the one group rule).
func groupDataRows(ds *Dataset, g *pipeline.Group, indicator string, q *dataQuery) ([]engine.GroupFigure, error) {
	if ds.Scores == nil {
		return nil, newProblem(http.StatusServiceUnavailable, CodeUnavailable, "group aggregates need the scoring engine, which is not loaded")
	}
	f := q.filters
	return ds.Scores.GroupFigures(g.Code, indicator, engine.GroupSeriesQuery{Sex: f.Sex, Area: f.Area, Age: f.Age,
		Income: f.Income, Education: f.Education, Labour: f.Labour,
		From: q.from, To: q.to, MRV: q.mrv, MRNEV: q.mrnev, Options: q.groupOpt})
}
