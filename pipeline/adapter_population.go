package pipeline

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

func init() {
	register("country-year-value", adapter{read: readCountryYearValue,
		doc: "one series in long form with the header Country Name,Country Code,Year,Value (the datasets/population copy of WDI SP.POP.TOTL); World Bank aggregate codes are skipped, years before 1990 not read"})
}

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
	t, cl, err := s.openCSV("", ',')
	if err != nil {
		return err
	}
	defer cl.Close()
	col, _, err := t.header("Country Code", "Year", "Value")
	if err != nil {
		return err
	}
	aggregates, early := 0, 0
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if s.malformed(err) {
				continue
			}
			return csvStructural(t.file, err)
		}
		unit := field(rec, col["Country Code"])
		if _, agg, _ := s.ref.resolve(unit, ByCode); agg {
			aggregates++
			continue
		}
		cell := field(rec, col["Value"])
		if isMissingCell(cell) {
			s.Ignore("empty cells", 1)
			continue
		}
		if y, err := strconv.Atoi(strings.TrimSpace(field(rec, col["Year"]))); err == nil && y < MinYear {
			early++
			continue
		}
		l, c := t.pos(col["Year"])
		year, ok := s.ParseYear(field(rec, col["Year"]), l, c)
		if !ok {
			continue
		}
		l, c = t.pos(col["Value"])
		v, ok := s.ParseValue(cell, l, c, opt.Indicator)
		if !ok {
			continue
		}
		s.Add(Obs{Line: line, Column: c, Unit: unit, UnitKind: ByCode, Year: year, Indicator: opt.Indicator,
			Sex: Total, Area: Total, Age: Total, Value: v})
	}
	if early > 0 {
		s.Ignore(fmt.Sprintf("rows before %d (outside DRI's range)", MinYear), early)
	}
	s.Ignore("rows of World Bank aggregates", aggregates)
	return nil
}
