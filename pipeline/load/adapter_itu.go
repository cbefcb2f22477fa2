package load

import (
	"io"
	"regexp"
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

type ituOptions struct {
	// Series maps ITU series codes to indicator ids; other series in the
	// file are counted as not used.
	Series map[string]string `yaml:"series"`
}

var estimateSource = regexp.MustCompile(`(?i)estimat`)

// readITUDataHub reads an ITU DataHub export. Known defects handled:
//   - in files holding several series, seriesUnits repeats one label for all
//     of them, so the label is not trusted there (the series code says the
//     unit); in single-series files it is checked against the registry;
//   - dataSource says when a value is an estimate ("ITU estimate.", with
//     typos such as "IUT estimate."); such values get status E.
func readITUDataHub(s *source) error {
	var opt ituOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	if len(opt.Series) == 0 {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "options.series maps no series code to an indicator")
	}
	// First pass over the series codes and unit labels is folded into the
	// read: the rows are buffered per file (DataHub exports are small).
	t, err := s.openTable(nil, ',', "seriesCode", "seriesUnits", "entityIso", "dataValue", "dataYear", "dataNote", "dataSource")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	type row struct {
		line, valCol, yearCol   int
		unitCol                 int
		code, unit, label, year string
		value, note, src        string
	}
	var rows []row
	labels := map[string]map[string]bool{} // series -> labels
	err = s.eachRow(t, t.file, func(rec []string, line int) error {
		r := row{line: line, code: strings.TrimSpace(field(rec, col["seriesCode"])), unit: field(rec, col["entityIso"]),
			label: field(rec, col["seriesUnits"]), year: field(rec, col["dataYear"]), value: field(rec, col["dataValue"]),
			note: field(rec, col["dataNote"]), src: field(rec, col["dataSource"])}
		_, r.valCol = t.pos(col["dataValue"])
		_, r.yearCol = t.pos(col["dataYear"])
		_, r.unitCol = t.pos(col["entityIso"])
		rows = append(rows, r)
		if labels[r.code] == nil {
			labels[r.code] = map[string]bool{}
		}
		labels[r.code][r.label] = true
		return nil
	})
	if err != nil {
		return err
	}
	// The export defect: several series, one label between them.
	trustLabels := true
	if len(labels) > 1 {
		all := map[string]bool{}
		for _, ls := range labels {
			for l := range ls {
				all[l] = true
			}
		}
		if len(all) == 1 {
			trustLabels = false
			s.Problem(2, 0, pipeline.Notice, pipeline.RuleKnownDefect,
				"seriesUnits repeats %s for all %d series of the file (ITU export defect); units are taken from the series codes",
				pipeline.Excerpt(strings.Join(sortedKeys(all), "")), len(labels))
		}
	}
	for _, r := range rows {
		id, ok := opt.Series[r.code]
		if !ok {
			s.skipSeries(r.code)
			continue
		}
		if s.emptyCell(r.value) {
			continue
		}
		year, ok := s.ParseYear(r.year, r.line, r.yearCol)
		if !ok {
			continue
		}
		v, ok := s.ParseValue(r.value, r.line, r.valCol, id)
		if !ok {
			continue
		}
		o := pipeline.Obs{Line: r.line, Column: r.valCol, Unit: r.unit, UnitKind: pipeline.ByCode, Year: year, Indicator: id, Value: v,
			Fields: pipeline.FieldColumns{Unit: r.unitCol, Year: r.yearCol}}
		if trustLabels {
			o.UnitLabel = r.label
		}
		src := strings.Join(strings.Fields(r.src), " ")
		if estimateSource.MatchString(src) {
			o.Status = pipeline.StatusEstimated
		}
		o.Note = joinNote(r.note, src)
		s.Add(o)
	}
	return nil
}

// joinNote keeps a publisher's note and source text as one note.
func joinNote(note, src string) string {
	note = strings.Join(strings.Fields(note), " ")
	switch {
	case note == "" && src == "":
		return ""
	case src == "":
		return note
	case note == "":
		return "source: " + src
	}
	return note + "; source: " + src
}

type ituBySexOptions struct {
	Indicator string `yaml:"indicator"`
	// ScopeFile is the workbook's second sheet: the in-scope population of
	// each economy ("Population age 15+"), kept as the values' note.
	ScopeFile string `yaml:"scope_file"`
}

var footnoteText = regexp.MustCompile(`^\s*\((\d+)\)\s*(.+)$`)

// readITUBySex reads ITU's by-sex and urban/rural sheet as converted to CSV:
// a title line, two header lines (groups "All", "Gender", "Urban", "Rural"
// over "Individuals"/"Total", "Male", "Female"), one row per economy with
// its latest year, a footnote marker in the column after a value, "..." for
// no data, then "Source:" and the footnote texts.
func readITUBySex(s *source) error {
	var opt ituBySexOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	scope := map[string]string{}
	if opt.ScopeFile != "" {
		if err := readScope(s, opt.ScopeFile, scope); err != nil {
			return err
		}
	}
	t, cl, err := s.openCSV("", ',')
	if err != nil {
		return err
	}
	defer cl.Close()
	var recs [][]string
	var lines []int
	err = s.eachRow(t, t.file, func(rec []string, line int) error {
		recs = append(recs, append([]string(nil), rec...))
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		return err
	}
	if len(recs) < 4 {
		return pipeline.Structural(t.file, 1, 0, pipeline.RuleWrongHeader, "want a title line and two header lines before the data")
	}
	groups, subs := recs[1], recs[2]
	if strings.TrimSpace(field(subs, 0)) != "Economy name" {
		return pipeline.Structural(t.file, lines[2], 1, pipeline.RuleWrongHeader, "third line starts %s, want \"Economy name\"", pipeline.Excerpt(field(subs, 0)))
	}
	type valueCol struct {
		idx       int
		sex, area string
	}
	var vcols []valueCol
	yearIdx := -1
	group := ""
	for i := range subs {
		if g := strings.TrimSpace(field(groups, i)); g != "" {
			group = g
		}
		sub := strings.TrimSpace(subs[i])
		switch {
		case sub == "year" && group == "Latest":
			yearIdx = i
		case group == "All" && sub == "Individuals":
			vcols = append(vcols, valueCol{idx: i, sex: pipeline.Total, area: pipeline.Total})
		case (group == "Gender" || group == "Urban" || group == "Rural") && (sub == "Male" || sub == "Female" || sub == "Total"):
			vc := valueCol{idx: i, sex: map[string]string{"Male": pipeline.Male, "Female": pipeline.Female, "Total": pipeline.Total}[sub], area: pipeline.Total}
			if group == "Urban" {
				vc.area = pipeline.Urban
			} else if group == "Rural" {
				vc.area = pipeline.Rural
			}
			if group == "Gender" && sub == "Total" {
				continue
			}
			vcols = append(vcols, vc)
		}
	}
	if yearIdx < 0 || len(vcols) != 9 {
		return pipeline.Structural(t.file, lines[2], 0, pipeline.RuleMissingColumn,
			"want a 'Latest year' column and Individuals, Male/Female, Urban and Rural Total/Male/Female columns; found year=%v and %d value columns", yearIdx >= 0, len(vcols))
	}
	// Footnotes after the data: "(1) text".
	footnotes := map[string]string{}
	end := len(recs)
	for i := 3; i < len(recs); i++ {
		if strings.TrimSpace(strings.Join(recs[i], "")) == "" || strings.HasPrefix(strings.TrimSpace(recs[i][0]), "Source:") {
			end = min(end, i)
		}
		if i >= end {
			for _, part := range strings.Split(recs[i][0], "\n") {
				if m := footnoteText.FindStringSubmatch(part); m != nil {
					footnotes[m[1]] = strings.TrimSpace(m[2])
				}
			}
		}
	}
	s.Ignore("footer lines", len(recs)-end)
	for i := 3; i < end; i++ {
		rec, line := recs[i], lines[i]
		name := rec[0]
		yearCell := field(rec, yearIdx)
		year, ok := s.ParseYear(yearCell, line, yearIdx+1)
		if !ok {
			continue
		}
		for _, vc := range vcols {
			v, ok := s.valueAt(rec, vc.idx, line, opt.Indicator, "'...' cells")
			if !ok {
				continue
			}
			var notes []string
			if sc := scope[pipeline.NormName(name)]; sc != "" {
				notes = append(notes, "in-scope population: "+sc)
			}
			// A footnote marker sits in the column after the value (and
			// after the name for the whole row).
			for _, mi := range []int{1, vc.idx + 1} {
				if m := strings.TrimSpace(field(rec, mi)); m != "" {
					if txt, ok := footnotes[m]; ok {
						notes = append(notes, txt)
					} else {
						notes = append(notes, "footnote "+m)
					}
				}
			}
			s.Add(pipeline.Obs{Line: line, Column: vc.idx + 1, Fields: pipeline.FieldColumns{Unit: 1, Year: yearIdx + 1}, Unit: name, UnitKind: pipeline.ByName, Year: year, Indicator: opt.Indicator,
				Sex: vc.sex, Area: vc.area, Value: v, Note: strings.Join(notes, "; ")})
		}
	}
	return nil
}

func readScope(s *source, file string, scope map[string]string) error {
	t, cl, err := s.openCSV(file, ',')
	if err != nil {
		return err
	}
	defer cl.Close()
	col, _, err := t.header("Country", "In-scope population")
	if err != nil {
		return err
	}
	for {
		rec, _, err := t.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvStructural(t.file, err)
		}
		scope[pipeline.NormName(field(rec, col["Country"]))] = strings.TrimSpace(field(rec, col["In-scope population"]))
	}
}
