package load

import (
	"errors"

	"github.com/dri-engine/dri/pipeline"
)

type wideOptions struct {
	IMeta string `yaml:"imeta"`
	// Year for every row when iData has no Time column.
	Year int `yaml:"year"`
}

// readWide loads COINr iData/iMeta. Indicators the registry does not have
// are added to this load's registry from iMeta (unit "value", polarity from
// Direction), so their ids are the iCodes.
func readWide(s *source) error {
	var opt wideOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	if opt.IMeta == "" {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "options.imeta names no iMeta file")
	}
	mr, mname, err := s.open(opt.IMeta)
	if err != nil {
		return err
	}
	meta, err := ParseIMeta(mname, mr, s.maxLine)
	mr.Close()
	if err != nil {
		return problemsToLoadError(s, err)
	}
	dr, dname, err := s.open("")
	if err != nil {
		return err
	}
	data, err := ParseIData(dname, dr, meta, s.maxLine)
	dr.Close()
	if err != nil {
		return problemsToLoadError(s, err)
	}
	if data.Times == nil && opt.Year == 0 {
		return pipeline.Structural(dname, 1, 0, pipeline.RuleMissingColumn, "no Time column and no options.year")
	}
	for _, code := range meta.Indicators() {
		if _, _, ok := s.Registry().Lookup(code); ok {
			continue
		}
		row, _ := meta.Row(code)
		name := row.IName
		if name == "" {
			name = code
		}
		if err := s.Registry().Add(&pipeline.Indicator{ID: code, Name: name, Unit: "value", Polarity: row.Direction,
			Definition: "from " + meta.File, Sources: []string{s.entry.ID}}); err != nil {
			return pipeline.Structural(mname, row.Line, 0, pipeline.RuleBadEntry, "%v", err)
		}
	}
	for i, u := range data.Units {
		year := opt.Year
		if data.Times != nil {
			year = data.Times[i]
		}
		for _, code := range meta.Indicators() {
			if !data.Valid[code][i] {
				s.Ignore("NA cells", 1)
				continue
			}
			s.Add(pipeline.Obs{Line: data.Lines[i], Unit: u, UnitKind: pipeline.ByCode, Year: year, Indicator: code, Value: data.Values[code][i]})
		}
	}
	return nil
}

// problemsToLoadError records every located problem of a whole-file failure
// and returns the first as the file's structural error.
func problemsToLoadError(s *source, err error) error {
	var pe *ProblemsError
	if !errors.As(err, &pe) {
		return err
	}
	for _, p := range pe.Problems[1:] {
		s.Report().AddProblem(p)
	}
	p := pe.Problems[0]
	return &pipeline.LoadError{File: p.File, Line: p.Line, Column: p.Column, Rule: p.Rule, Err: errors.New(p.Message)}
}
