package load

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

// countryYearValueOptions names the series a country-year-value file holds.
type countryYearValueOptions struct {
	Indicator string `yaml:"indicator"`
}

// readCountryYearValue reads one series in long form (Country Name,
// Country Code, Year, Value). The rows of the World Bank's aggregates (WLD,
// LDC, SSF, ...) are counted and skipped: DRI computes its own groups from
// the members. Years before MinYear are outside DRI's range: counted as not
// read in one notice, not quarantined row by row.
func readCountryYearValue(s *source) error {
	var opt countryYearValueOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	if opt.Indicator == "" {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "options.indicator is required")
	}
	t, err := s.openTable(nil, ',', "Country Code", "Year", "Value")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	early := fmt.Sprintf("rows before %d (outside DRI's range)", pipeline.MinYear)
	err = s.eachRow(t, t.file, func(rec []string, line int) error {
		unit := field(rec, col["Country Code"])
		if s.skipAggregate(unit, pipeline.ByCode, wbAggregates) {
			return nil
		}
		cell := field(rec, col["Value"])
		if s.emptyCell(cell) {
			return nil
		}
		if y, err := strconv.Atoi(strings.TrimSpace(field(rec, col["Year"]))); err == nil && y < pipeline.MinYear {
			s.skipRow(early)
			return nil
		}
		l, c := t.pos(col["Year"])
		year, ok := s.ParseYear(field(rec, col["Year"]), l, c)
		if !ok {
			return nil
		}
		l, c = t.pos(col["Value"])
		v, ok := s.ParseValue(cell, l, c, opt.Indicator)
		if !ok {
			return nil
		}
		s.Add(pipeline.Obs{Line: line, Column: c, Unit: unit, UnitKind: pipeline.ByCode, Year: year, Indicator: opt.Indicator,
			Sex: pipeline.Total, Area: pipeline.Total, Age: pipeline.Total, Value: v})
		return nil
	})
	return err
}
