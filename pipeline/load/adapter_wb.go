package load

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

// seriesTarget says where a publisher's series lands.
type seriesTarget struct {
	Indicator string `yaml:"indicator"`
	Sex       string `yaml:"sex"`
	Area      string `yaml:"area"`
	Age       string `yaml:"age"`
}

type databankOptions struct {
	// Layout: "series-rows" (Series Code column, a column per year) or
	// "series-columns" (a column per series and year).
	Layout string                  `yaml:"layout"`
	Series map[string]seriesTarget `yaml:"series"`
}

var (
	yearHeader       = regexp.MustCompile(`^(\d{4}) \[YR\d{4}\]$`)
	seriesYearHeader = regexp.MustCompile(`\[([^\]]+)\] - (\d{4}) \[YR\d{4}\]$`)
)

// dataBankLines reads a DataBank export line by line. DataBank never writes
// a field over several lines, so each physical line is one record; that lets
// the reader repair one known defect: a label ending in a doubled quote
// ("...(% age 15+)"",fin6_a_2) that would otherwise swallow the lines after
// it. Repairs are reported as one notice with their count.
type dataBankLines struct {
	sc       *bufio.Scanner
	line     int
	repaired int
	first    int
	csv      lineParser
}

func (d *dataBankLines) next() ([]string, int, error) {
	if !d.sc.Scan() {
		if err := d.sc.Err(); err != nil {
			return nil, d.line, err
		}
		return nil, d.line, io.EOF
	}
	d.line++
	text := d.sc.Text()
	if d.line == 1 {
		text = strings.TrimPrefix(text, "\ufeff")
	}
	rec, err := d.csv.parse(text)
	if err != nil && strings.Contains(text, `"",`) {
		if fixed, err2 := d.csv.parse(strings.Replace(text, `"",`, `",`, 1)); err2 == nil {
			d.repaired++
			if d.first == 0 {
				d.first = d.line
			}
			return fixed, d.line, nil
		}
	}
	if pe, ok := err.(*csv.ParseError); ok {
		pe.Line, pe.StartLine = d.line, d.line
		return nil, d.line, pe
	}
	return rec, d.line, err
}

// lineParser parses one line at a time as CSV with one csv.Reader for the
// whole file (a reader per line cost a 4 KB buffer each).
type lineParser struct {
	src strings.Reader
	r   *csv.Reader
}

func (p *lineParser) parse(text string) ([]string, error) {
	if p.r == nil {
		p.r = csv.NewReader(&p.src)
		p.r.FieldsPerRecord = -1
	}
	p.src.Reset(text + "\n")
	return p.r.Read()
}

func (s *source) openLines() (*dataBankLines, io.Closer, error) {
	rc, display, err := s.open("")
	if err != nil {
		return nil, nil, err
	}
	// The line limit fails first: the scanner's own limit (ErrTooLong)
	// would not say which line.
	ll := newLineLimit(rc, display, s.maxLine, 0)
	sc := bufio.NewScanner(ll)
	sc.Buffer(make([]byte, 64*1024), ll.max+64)
	return &dataBankLines{sc: sc}, rc, nil
}

func isDataBankFooter(rec []string) bool {
	first := strings.TrimSpace(field(rec, 0))
	if strings.TrimSpace(strings.Join(rec, "")) == "" {
		return true
	}
	return strings.HasPrefix(first, "Data from database:") || strings.HasPrefix(first, "Last Updated:")
}

// readWBDataBank reads a World Bank DataBank extract in either layout.
func readWBDataBank(s *source) error {
	var opt databankOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	d, cl, err := s.openLines()
	if err != nil {
		return err
	}
	defer cl.Close()
	hdr, hline, err := d.next()
	if err == io.EOF {
		return pipeline.Structural(s.name, 1, 0, pipeline.RuleEmptyFile, "the file is empty")
	}
	if err != nil {
		return csvStructural(s.name, err)
	}
	defer func() {
		if d.repaired > 0 {
			s.Problem(d.first, 0, pipeline.Notice, pipeline.RuleRepairedQuoting,
				"%d lines end a quoted label with a doubled quote (DataBank export defect); read as if the quote were single", d.repaired)
		}
	}()
	switch opt.Layout {
	case "series-rows":
		return readDataBankSeriesRows(s, d, hdr, hline, opt)
	case "series-columns":
		return readDataBankSeriesColumns(s, d, hdr, hline, opt)
	}
	return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "options.layout %q: want series-rows or series-columns", opt.Layout)
}

func readDataBankSeriesRows(s *source, d *dataBankLines, hdr []string, hline int, opt databankOptions) error {
	col, names, err := findColumns(s.name, hline, hdr, "Country Code", "Series Code")
	if err != nil {
		return err
	}
	type ycol struct{ idx, year int }
	var years []ycol
	for i, h := range names {
		if m := yearHeader.FindStringSubmatch(h); m != nil {
			var y int
			fmt.Sscan(m[1], &y)
			years = append(years, ycol{i, y})
		}
	}
	if len(years) == 0 {
		return pipeline.Structural(s.name, hline, 0, pipeline.RuleMissingColumn, "no year columns ('2017 [YR2017]')")
	}
	err = s.eachRow(d, s.name, func(rec []string, line int) error {
		if isDataBankFooter(rec) {
			s.Ignore("footer lines", 1)
			return nil
		}
		code := strings.TrimSpace(field(rec, col["Series Code"]))
		target, ok := opt.Series[code]
		if !ok {
			s.skipRow("rows of series not used")
			return nil
		}
		unit := field(rec, col["Country Code"])
		if s.skipAggregate(unit, pipeline.ByCode, wbAggregates) {
			return nil
		}
		for _, yc := range years {
			v, ok := s.valueAt(rec, yc.idx, line, target.Indicator, "'..' cells")
			if !ok {
				continue
			}
			s.Add(pipeline.Obs{Line: line, Column: yc.idx + 1, Unit: unit, UnitKind: pipeline.ByCode, Year: yc.year, Indicator: target.Indicator,
				Sex: target.Sex, Area: target.Area, Age: target.Age, Value: v})
		}
		return nil
	})
	return err
}

func readDataBankSeriesColumns(s *source, d *dataBankLines, hdr []string, hline int, opt databankOptions) error {
	col, names, err := findColumns(s.name, hline, hdr, "Country Code")
	if err != nil {
		return err
	}
	type scol struct {
		idx, year int
		target    seriesTarget
	}
	var cols []scol
	for i, h := range names {
		m := seriesYearHeader.FindStringSubmatch(h)
		if m == nil {
			continue
		}
		t, ok := opt.Series[m[1]]
		if !ok {
			s.Problem(hline, i+1, pipeline.Notice, pipeline.RuleIgnoredColumn, "series %s is not mapped to an indicator", pipeline.Excerpt(m[1]))
			continue
		}
		var y int
		fmt.Sscan(m[2], &y)
		cols = append(cols, scol{i, y, t})
	}
	if len(cols) == 0 {
		return pipeline.Structural(s.name, hline, 0, pipeline.RuleMissingColumn, "no column of a mapped series ('Name [code] - 2017 [YR2017]')")
	}
	err = s.eachRow(d, s.name, func(rec []string, line int) error {
		if isDataBankFooter(rec) {
			s.Ignore("footer lines", 1)
			return nil
		}
		unit := field(rec, col["Country Code"])
		if s.skipAggregate(unit, pipeline.ByCode, wbAggregates) {
			return nil
		}
		for _, c := range cols {
			v, ok := s.valueAt(rec, c.idx, line, c.target.Indicator, "'..' cells")
			if !ok {
				continue
			}
			s.Add(pipeline.Obs{Line: line, Column: c.idx + 1, Unit: unit, UnitKind: pipeline.ByCode, Year: c.year, Indicator: c.target.Indicator,
				Sex: c.target.Sex, Area: c.target.Area, Age: c.target.Age, Value: v})
		}
		return nil
	})
	return err
}

type findexDatabankOptions struct {
	// Columns maps indicator labels (column headers) to where they land.
	Columns map[string]seriesTarget `yaml:"columns"`
}

// readFindexDatabank reads the Findex Databank wide sheet. Known defect
// handled: the spreadsheet export wrote values rounded to whole percent with
// a '%' sign ("9%"); the sign is stripped and a notice says so once.
func readFindexDatabank(s *source) error {
	var opt findexDatabankOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	t, err := s.openTable(nil, ',', append([]string{"Country code", "Year"}, sortedKeys(opt.Columns)...)...)
	if err != nil {
		return err
	}
	defer t.Close()
	col, hdr := t.col, t.hdr
	labels := sortedKeys(opt.Columns)
	s.Ignore("columns not used", len(hdr)-len(labels)-2)
	percent, firstPercent := 0, 0
	err = s.eachRow(t, t.file, func(rec []string, line int) error {
		unit := field(rec, col["Country code"])
		if s.skipAggregate(unit, pipeline.ByCode, wbAggregates) {
			return nil
		}
		l, c := t.pos(col["Year"])
		year, ok := s.ParseYear(field(rec, col["Year"]), l, c)
		if !ok {
			return nil
		}
		_, unitCol := t.pos(col["Country code"])
		fields := pipeline.FieldColumns{Unit: unitCol, Year: c}
		for _, label := range labels {
			i := col[label]
			cell := strings.TrimSpace(field(rec, i))
			if s.emptyCell(cell) {
				continue
			}
			if strings.HasSuffix(cell, "%") {
				cell = strings.TrimSpace(strings.TrimSuffix(cell, "%"))
				percent++
				if firstPercent == 0 {
					firstPercent = line
				}
			}
			target := opt.Columns[label]
			l, cpos := t.pos(i)
			v, ok := s.ParseValue(cell, l, cpos, target.Indicator)
			if !ok {
				continue
			}
			s.Add(pipeline.Obs{Line: l, Column: cpos, Fields: fields, Unit: unit, UnitKind: pipeline.ByCode, Year: year, Indicator: target.Indicator,
				Sex: target.Sex, Area: target.Area, Age: target.Age, Value: v,
				Note: "rounded to whole percent in this copy"})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if percent > 0 {
		s.Problem(firstPercent, 0, pipeline.Notice, pipeline.RuleKnownDefect,
			"%d values are written with a '%%' sign and rounded to whole percent (spreadsheet display format); the sign was stripped", percent)
	}
	return nil
}

type seriesOptions struct {
	Series map[string]seriesTarget `yaml:"series"`
}

// readWBAPILong reads a World Bank API pull in long form.
func readWBAPILong(s *source) error {
	var opt seriesOptions
	t, err := s.openTable(&opt, ',', "ind_id", "cty_iso", "date", "value")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	err = s.eachRow(t, t.file, func(rec []string, line int) error {
		code := strings.TrimSpace(field(rec, col["ind_id"]))
		target, ok := opt.Series[code]
		if !ok {
			s.skipSeries(code)
			return nil
		}
		unit := field(rec, col["cty_iso"])
		// The API leaves cty_iso empty for its income and lending aggregates
		// ("High income", cty_id XD).
		if strings.TrimSpace(unit) == "" {
			s.skipRow(wbAggregates)
			return nil
		}
		if s.skipAggregate(unit, pipeline.ByCode, wbAggregates) {
			return nil
		}
		cell := field(rec, col["value"])
		if s.emptyCell(cell) {
			return nil
		}
		l, c := t.pos(col["date"])
		year, ok := s.ParseYear(field(rec, col["date"]), l, c)
		if !ok {
			return nil
		}
		_, unitCol := t.pos(col["cty_iso"])
		fields := pipeline.FieldColumns{Unit: unitCol, Year: c}
		l, c = t.pos(col["value"])
		v, ok := s.ParseValue(cell, l, c, target.Indicator)
		if !ok {
			return nil
		}
		s.Add(pipeline.Obs{Line: line, Column: c, Fields: fields, Unit: unit, UnitKind: pipeline.ByCode, Year: year, Indicator: target.Indicator,
			Sex: target.Sex, Area: target.Area, Age: target.Age, Value: v})
		return nil
	})
	return err
}

var unitInName = regexp.MustCompile(`\(([^()]*)\)\s*$`)

// readWDIWide reads a WDI API CSV: four metadata lines, a header with one
// column per year from 1960. Years before 1990 are outside DRI's range and
// are counted as not used (one notice), not quarantined one by one.
func readWDIWide(s *source) error {
	var opt seriesOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	t, cl, err := s.openCSV("", ',')
	if err != nil {
		return err
	}
	defer cl.Close()
	var col map[string]int
	var hdr []string
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			return pipeline.Structural(t.file, line, 0, pipeline.RuleWrongHeader, "no header line starting \"Country Name\"")
		}
		if err != nil {
			return csvStructural(t.file, err)
		}
		if strings.TrimSpace(field(rec, 0)) == "Country Name" {
			col, hdr, err = findColumns(t.file, line, rec, "Country Name", "Country Code", "Indicator Name", "Indicator Code")
			if err != nil {
				return err
			}
			break
		}
		s.Ignore("metadata lines", 1)
	}
	type ycol struct{ idx, year int }
	var years []ycol
	early := 0
	for i, h := range hdr {
		var y int
		if _, err := fmt.Sscan(h, &y); err != nil || len(h) != 4 {
			continue
		}
		if y < pipeline.MinYear {
			early++
			continue
		}
		years = append(years, ycol{i, y})
	}
	if early > 0 {
		s.Problem(0, 0, pipeline.Notice, pipeline.RuleIgnoredColumn, "%d year columns before %d are outside DRI's range and not read", early, pipeline.MinYear)
	}
	err = s.eachRow(t, t.file, func(rec []string, line int) error {
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			s.Ignore("blank lines", 1)
			return nil
		}
		code := strings.TrimSpace(field(rec, col["Indicator Code"]))
		target, ok := opt.Series[code]
		if !ok {
			s.skipSeries(code)
			return nil
		}
		unit := field(rec, col["Country Code"])
		if s.skipAggregate(unit, pipeline.ByCode, wbAggregates) {
			return nil
		}
		label := ""
		if m := unitInName.FindStringSubmatch(field(rec, col["Indicator Name"])); m != nil {
			label = m[1]
		}
		for _, yc := range years {
			v, ok := s.valueAt(rec, yc.idx, line, target.Indicator, "empty cells")
			if !ok {
				continue
			}
			s.Add(pipeline.Obs{Line: line, Column: yc.idx + 1, Unit: unit, UnitKind: pipeline.ByCode, Year: yc.year, Indicator: target.Indicator,
				Sex: target.Sex, Area: target.Area, Age: target.Age, Value: v, UnitLabel: label})
		}
		return nil
	})
	return err
}

type ddfOptions struct {
	Concept   string `yaml:"concept"`
	Indicator string `yaml:"indicator"`
	Sex       string `yaml:"sex"`
	Area      string `yaml:"area"`
	Age       string `yaml:"age"`
}

// readDDF reads DDF datapoints: geo (lower-case ISO3, with a few DDF codes
// such as "kos" resolved by the alias table), time, value.
func readDDF(s *source) error {
	var opt ddfOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	t, err := s.openTable(nil, ',', "geo", "time", opt.Concept)
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	return s.eachRow(t, t.file, func(rec []string, _ int) error {
		cell := field(rec, col[opt.Concept])
		if s.emptyCell(cell) {
			return nil
		}
		l, c := t.pos(col["time"])
		year, ok := s.ParseYear(field(rec, col["time"]), l, c)
		if !ok {
			return nil
		}
		_, unitCol := t.pos(col["geo"])
		fields := pipeline.FieldColumns{Unit: unitCol, Year: c}
		l, c = t.pos(col[opt.Concept])
		v, ok := s.ParseValue(cell, l, c, opt.Indicator)
		if !ok {
			return nil
		}
		s.Add(pipeline.Obs{Line: l, Column: c, Fields: fields, Unit: field(rec, col["geo"]), UnitKind: pipeline.ByCode, Year: year, Indicator: opt.Indicator,
			Sex: opt.Sex, Area: opt.Area, Age: opt.Age, Value: v})
		return nil
	})
}

var sdgSex = map[string]string{"BOTHSEX": pipeline.Total, "FEMALE": pipeline.Female, "MALE": pipeline.Male, "": pipeline.Total}
var sdgLocation = map[string]string{"ALLAREA": pipeline.Total, "URBAN": pipeline.Urban, "RURAL": pipeline.Rural, "": pipeline.Total}

type sdgOptions struct {
	Series map[string]string `yaml:"series"`
}

// readSDG reads a UN SDG Global Database export. Areas are M49 codes;
// regional aggregates are not data here.
func readSDG(s *source) error {
	var opt sdgOptions
	t, err := s.openTable(&opt, ',', "SeriesCode", "GeoAreaCode", "TimePeriod", "Value", "Sex", "Units", "Source", "FootNote", "Nature", "Location")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	err = s.eachRow(t, t.file, func(rec []string, line int) error {
		code := strings.TrimSpace(field(rec, col["SeriesCode"]))
		id, ok := opt.Series[code]
		if !ok {
			s.skipSeries(code)
			return nil
		}
		area := field(rec, col["GeoAreaCode"])
		if s.skipAggregate(area, pipeline.ByM49, regionalAggregates) {
			return nil
		}
		cell := field(rec, col["Value"])
		if s.emptyCell(cell) {
			return nil
		}
		l, c := t.pos(col["TimePeriod"])
		year, ok := s.ParseYear(field(rec, col["TimePeriod"]), l, c)
		if !ok {
			return nil
		}
		_, unitCol := t.pos(col["GeoAreaCode"])
		_, sexCol := t.pos(col["Sex"])
		_, areaCol := t.pos(col["Location"])
		fields := pipeline.FieldColumns{Unit: unitCol, Year: c, Sex: sexCol, Area: areaCol}
		sex, ok1 := sdgSex[strings.TrimSpace(field(rec, col["Sex"]))]
		loc, ok2 := sdgLocation[strings.TrimSpace(field(rec, col["Location"]))]
		if !ok1 || !ok2 {
			_, c := t.pos(col["Sex"])
			s.Quarantine(line, c, pipeline.Error, pipeline.RuleBadCode, "Sex %s / Location %s not understood", pipeline.Excerpt(field(rec, col["Sex"])), pipeline.Excerpt(field(rec, col["Location"])))
			return nil
		}
		l, c = t.pos(col["Value"])
		v, ok := s.ParseValue(cell, l, c, id)
		if !ok {
			return nil
		}
		o := pipeline.Obs{Line: l, Column: c, Fields: fields, Unit: area, UnitKind: pipeline.ByM49, Year: year, Indicator: id, Sex: sex, Area: loc, Value: v,
			UnitLabel: field(rec, col["Units"]),
			Note:      joinNote(field(rec, col["FootNote"]), strings.TrimSpace(field(rec, col["Source"])))}
		if n := strings.TrimSpace(field(rec, col["Nature"])); n == "E" || n == "M" {
			o.Status = pipeline.StatusEstimated
		}
		s.Add(o)
		return nil
	})
	return err
}
