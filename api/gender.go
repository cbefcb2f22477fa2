package api

import (
	"strings"

	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
)

// genderColumns: the columns of dri gaps with the unit's name and type
// after its code.
var genderColumns = append([]colSpec{{"unit", KindString, "REF_AREA"}, {"unit_name", KindString, ""}, {"type", KindString, ""},
	{"indicator", KindString, "INDICATOR"}, {"year", KindInt, "TIME_PERIOD"}, {"female", KindFloat, ""}, {"male", KindFloat, ""},
	{"parity_score", KindFloat, "OBS_VALUE"}, {"parity", KindString, ""}, {"gap_points", KindFloat, ""},
	{"gap_relative", KindFloat, ""}, {"weight", KindFloat, ""}, {"note", KindString, "COMMENT"}}, figureColumns...)

const sdmxGender = "DRI:DF_GENDER_PARITY(1.0)"

// setUnitCells sets a gap row's unit, unit_name and type: a group row's
// from its group, a unit's from the reference (/v1/gender and /v1/gaps).
func setUnitCells(w *rowWriter, ds *Dataset, names map[string]string, code string, g *pipeline.Group) {
	w.str("unit", code)
	if g != nil {
		w.str("unit_name", g.Name)
		w.str("type", pipeline.UnitGroup)
		return
	}
	w.str("unit_name", names[code])
	w.str("type", unitType(ds, code))
}

// handleGender is GET /v1/gender: engine.GenderTable (the table dri gaps
// prints), rendered.
func handleGender(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, "gender")
	if err != nil {
		return nil, err
	}
	units, groups := parseUnits(r, "unit")
	gopt := groupOptions(r)
	inds := indicatorIDs(r, "indicator")
	known := map[string]bool{"composite": true, "wis": true}
	for _, id := range f.Indicators() {
		known[id] = true
	}
	for _, id := range inds {
		if !known[id] {
			r.errs.add("indicator", "%q is not a gender indicator (have %s, composite, wis)", id, strings.Join(f.Indicators(), ", "))
		}
	}
	// Any year, as dri gaps: in a year the framework scores no unit, the
	// group rows say why they are withheld (issue 14).
	year := r.integer("year", 0, 1990, 2100)
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	gt, err := sc.GenderTable(engine.GapsQuery{Year: year, Units: units, Groups: groups, Indicators: inds, Options: gopt})
	if err != nil {
		return nil, engineError(err)
	}
	names := unitNames(r.ds)
	t := newTable(genderColumns)
	w := newRowWriter(t)
	for _, g := range gt.Rows {
		setUnitCells(w, r.ds, names, g.Unit, g.Group)
		w.str("indicator", g.Indicator)
		w.integer("year", g.Year)
		w.float("female", g.Female)
		w.float("male", g.Male)
		w.float("parity_score", g.GPS)
		w.str("parity", g.Class)
		w.float("gap_points", g.PointGap)
		w.float("gap_relative", g.RelativeGap)
		w.float("weight", g.Weight)
		w.str("note", g.Note)
		if g.Group != nil {
			setFigure(w, g.Figure)
		}
		w.end()
	}
	meta := scoreMeta(gt.Result)
	meta["parity_band"] = f.ParityBand
	return &Result{Table: t, Paged: true, SDMXID: sdmxGender, Meta: meta}, nil
}
