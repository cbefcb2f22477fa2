package api

import (
	"slices"
	"strings"

	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline/dims"
)

var gapsParams = []paramSpec{
	{name: "dimension", typ: "string", enum: dims.GapColumns(),
		desc: "the breakdown (default sex): sex (women/men), area (rural/urban), income (poorest 40 %/richest 60 %), age (15-24/25+), education (primary or less/secondary or more), labour (outside/in the labour force)"},
	{name: "unit", typ: "string", list: true, desc: "units: ISO3, ISO2 or group codes (groups: the group rule, see docs/DECISIONS.md)"},
	{name: "year", typ: "integer", desc: "year (values up to the gap window before it; default: the latest year with a pair of values)"},
	{name: "indicator", typ: "string", list: true, desc: "only these indicators (each must be split by the dimension in /v1/indicators)"},
	membershipParam, estimateParam,
}

// gapsColumns: a gap row, with the unit's name and type after its code and
// a group row's figure's provenance after the note.
var gapsColumns = append([]colSpec{{"unit", KindString, "REF_AREA"}, {"unit_name", KindString, ""}, {"type", KindString, ""},
	{"indicator", KindString, "INDICATOR"}, {"dimension", KindString, ""}, {"focus", KindString, ""}, {"reference", KindString, ""},
	{"year", KindInt, "TIME_PERIOD"}, {"focus_value", KindFloat, ""}, {"reference_value", KindFloat, ""},
	{"parity_index", KindFloat, "OBS_VALUE"}, {"parity", KindString, ""}, {"gap_points", KindFloat, ""},
	{"gap_relative", KindFloat, ""}, {"note", KindString, "COMMENT"}}, figureColumns...)

const sdmxGaps = "DRI:DF_INCLUSION_GAPS(1.0)"

// handleGaps is GET /v1/gaps: engine.InclusionTable (the table dri gaps
// --by prints), rendered.
func handleGaps(r *request) (*Result, error) {
	sc, err := scorer(r)
	if err != nil {
		return nil, err
	}
	var dim *dims.Dimension
	name := r.str("dimension")
	if name == "" {
		name = dims.Sex.Column
	}
	if d, ok := dims.ByColumn(name); ok && d.Gap != nil {
		dim = d
	} else {
		r.errs.add("dimension", "%q: want one of %s", name, strings.Join(dims.GapColumns(), ", "))
	}
	units, groups := parseUnits(r, "unit")
	gopt := groupOptions(r)
	inds := r.list("indicator")
	for _, id := range inds {
		ind, _, ok := r.ds.Registry.Lookup(id)
		switch {
		case !ok:
			r.errs.add("indicator", "unknown indicator %q", id)
		case dim != nil && !slices.Contains(ind.Disaggregations, dim.Column):
			r.errs.add("indicator", "%s has no %s disaggregation (see /v1/indicators)", id, dim.Column)
		}
	}
	year := r.integer("year", 0, 1990, 2100)
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	it, err := sc.InclusionTable(engine.InclusionQuery{Dimension: dim, Year: year, Units: units, Groups: groups, Indicators: inds, Options: gopt})
	if err != nil {
		return nil, engineError(err)
	}
	names := unitNames(r.ds)
	t := newTable(gapsColumns)
	w := newRowWriter(t)
	for _, g := range it.Rows {
		setUnitCells(w, r.ds, names, g.Unit, g.Group)
		w.str("indicator", g.Indicator)
		w.str("dimension", dim.Column)
		w.str("focus", it.Pair.Focus)
		w.str("reference", it.Pair.Reference)
		w.integer("year", g.Year)
		w.float("focus_value", g.Focus)
		w.float("reference_value", g.Reference)
		w.float("parity_index", g.Parity)
		w.str("parity", g.Class)
		w.float("gap_points", g.PointGap)
		w.float("gap_relative", g.RelativeGap)
		w.str("note", g.Note)
		if g.Group != nil {
			setFigure(w, g.Figure)
		}
		w.end()
	}
	meta := map[string]any{"dimension": dim.Column, "focus": it.Pair.Focus, "reference": it.Pair.Reference,
		"focus_name": it.Pair.FocusName, "reference_name": it.Pair.ReferenceName,
		"year": it.Year, "window": it.Window, "parity_band": map[string]float64{"lo": it.Band.Lo, "hi": it.Band.Hi},
		"indicators": it.Indicators}
	return &Result{Table: t, Paged: true, SDMXID: sdmxGaps, Meta: meta}, nil
}
