package load

import (
	"sort"
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

type egovOptions struct {
	// UnitColumn holds the country: a name (UN file) or ISO3 (UNU file).
	UnitColumn string `yaml:"unit_column"`
	UnitKind   string `yaml:"unit_kind"` // "name" or "code"
	// Year is the survey edition when the file has no year column.
	Year       int    `yaml:"year"`
	YearColumn string `yaml:"year_column"`
	// Columns maps the file's columns to indicator ids.
	Columns map[string]string `yaml:"columns"`
	// IgnoreColumns are columns known not to be data, with the reason.
	IgnoreColumns map[string]string `yaml:"ignore_columns"`
}

// readEGov reads an E-Government Survey table. Known defect handled: the 2010
// and 2012 files give EGDI 0 (with a placeholder rank) for states that were
// not assessed; those EGDI and rank values are quarantined as not-assessed
// notices, the components published for them are kept.
func readEGov(s *source) error {
	var opt egovOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	kind := pipeline.ByName
	if opt.UnitKind == "code" {
		kind = pipeline.ByCode
	}
	want := []string{opt.UnitColumn}
	if opt.YearColumn != "" {
		want = append(want, opt.YearColumn)
	}
	want = append(want, sortedKeys(opt.Columns)...)
	t, err := s.openTable(nil, ',', want...)
	if err != nil {
		return err
	}
	defer t.Close()
	col, hdr := t.col, t.hdr
	for i, h := range hdr {
		if why, ok := opt.IgnoreColumns[h]; ok {
			s.Problem(1, i+1, pipeline.Notice, pipeline.RuleIgnoredColumn, "column %s is not used: %s", pipeline.Excerpt(h), why)
			continue
		}
		if _, mapped := opt.Columns[h]; !mapped && h != opt.UnitColumn && h != opt.YearColumn {
			s.Problem(1, i+1, pipeline.Notice, pipeline.RuleIgnoredColumn, "column %s is not mapped to an indicator", pipeline.Excerpt(h))
		}
	}
	var egdiCol, rankCol string
	for c, id := range opt.Columns {
		switch id {
		case "egov.egdi":
			egdiCol = c
		case "egov.rank":
			rankCol = c
		}
	}
	// Values in the file's column order, so problems come out in order.
	cols := sortedKeys(opt.Columns)
	sort.Slice(cols, func(i, j int) bool { return col[cols[i]] < col[cols[j]] })
	return s.eachRow(t, t.file, func(rec []string, _ int) error {
		unit := field(rec, col[opt.UnitColumn])
		year := opt.Year
		_, unitCol := t.pos(col[opt.UnitColumn])
		yearCol := 0
		if opt.YearColumn != "" {
			l, c := t.pos(col[opt.YearColumn])
			yearCol = c
			y, ok := s.ParseYear(field(rec, col[opt.YearColumn]), l, c)
			if !ok {
				return nil
			}
			year = y
		}
		present := 0
		for _, c := range cols {
			if !isMissingCell(field(rec, col[c])) {
				present++
			}
		}
		ul, uc := t.pos(col[opt.UnitColumn])
		if present > 0 && !s.CheckUnit(unit, kind, ul, uc, present) {
			return nil
		}
		notAssessed := egdiCol != "" && isZero(field(rec, col[egdiCol]))
		for _, c := range cols {
			i := col[c]
			cell := field(rec, i)
			if s.emptyCell(cell) {
				continue
			}
			l, cpos := t.pos(i)
			if notAssessed && (c == egdiCol || c == rankCol) {
				s.Quarantine(l, cpos, pipeline.Notice, pipeline.RuleNotAssessed,
					"%s %d: %s %s is the survey's placeholder for a state not assessed (EGDI 0)", strings.TrimSpace(unit), year, opt.Columns[c], strings.TrimSpace(cell))
				continue
			}
			v, ok := s.ParseValue(cell, l, cpos, opt.Columns[c])
			if !ok {
				continue
			}
			s.Add(pipeline.Obs{Line: l, Column: cpos, Fields: pipeline.FieldColumns{Unit: unitCol, Year: yearCol}, Unit: unit, UnitKind: kind, Year: year, Indicator: opt.Columns[c], Value: v})
		}
		return nil
	})
}

func isZero(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return false
	}
	return strings.Trim(t, "0.") == "" && strings.ContainsAny(t, "0")
}
