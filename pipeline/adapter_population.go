package pipeline

import (
	"fmt"
	"strconv"
	"strings"
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
	if err := decodeOptions(s.entry, &opt); err != nil {
		return structural(s.name, 0, 0, RuleBadEntry, "%v", err)
	}
	if opt.Indicator == "" {
		return structural(s.name, 0, 0, RuleBadEntry, "options.indicator is required")
	}
	t, err := s.openTable(nil, ',', "Country Code", "Year", "Value")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	early := fmt.Sprintf("rows before %d (outside DRI's range)", MinYear)
	err = s.eachRow(t, t.file, func(rec []string, line int) error {
		unit := field(rec, col["Country Code"])
		if s.skipAggregate(unit, ByCode, wbAggregates) {
			return nil
		}
		cell := field(rec, col["Value"])
		if s.emptyCell(cell) {
			return nil
		}
		if y, err := strconv.Atoi(strings.TrimSpace(field(rec, col["Year"]))); err == nil && y < MinYear {
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
		s.Add(Obs{Line: line, Column: c, Unit: unit, UnitKind: ByCode, Year: year, Indicator: opt.Indicator,
			Sex: Total, Area: Total, Age: Total, Value: v})
		return nil
	})
	return err
}
