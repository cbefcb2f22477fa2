package load

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

// LongColumns are the columns of the long format, in their canonical order.
var LongColumns = []string{"unit", "year", "indicator", "sex", "area", "age", "income", "education", "labour", "value", "status", "note"}

var longRequired = []string{"unit", "year", "indicator", "value"}

// indexColumn is the key of a row-index column in a header's indices: no
// reader asks for it, and it counts as a field of every row.
const indexColumn = "\x00index"

// checkLongHeader checks a header of the long format and returns the
// columns' indices. col(i) is the column a problem with field i points at
// (the byte column in CSV, the field's position in Parquet and Arrow).
//
// A row index written by R (write.csv: an unnamed first column) or pandas
// (to_csv: an unnamed first column; to_parquet: __index_level_0__) is
// unambiguous: it is skipped, and notice says so with the option that
// leaves it out. A header that is one field holding ';' or a tab is a file
// in another delimiter: the error says which.
func checkLongHeader(file string, line int, hdr []string, col func(i int) int) (idx map[string]int, notice string, err error) {
	allowed := map[string]bool{}
	for _, c := range LongColumns {
		allowed[c] = true
	}
	idx = map[string]int{}
	for i, h := range hdr {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if (h == "" && i == 0 && len(hdr) > 1) || h == "__index_level_0__" {
			idx[indexColumn] = i
			notice = fmt.Sprintf("column %d has no name (%s): read as a row index and ignored; write.csv(..., row.names = FALSE) in R or to_csv(..., index=False) in pandas leaves it out", i+1, pipeline.Excerpt(h))
			continue
		}
		if !allowed[h] {
			hint := ""
			switch {
			case len(hdr) == 1 && strings.Contains(h, ";"):
				hint = "; the header is one field holding ';': DRI reads comma-separated files (R: write.csv, not write.csv2; pandas: sep=',')"
			case len(hdr) == 1 && strings.Contains(h, "\t"):
				hint = "; the header is one field holding tabs: DRI reads comma-separated files, not tab-separated"
			case h == "":
				hint = fmt.Sprintf("; column %d has no name", i+1)
			case strings.HasPrefix(h, "Unnamed: "):
				hint = "; a pandas index read back and written again: to_csv(..., index=False)"
			}
			return nil, "", pipeline.Structural(file, line, col(i), pipeline.RuleWrongHeader, "column %s is not a column of the long format (%s)%s", pipeline.Excerpt(h), strings.Join(LongColumns, ","), hint)
		}
		if _, dup := idx[h]; dup {
			return nil, "", pipeline.Structural(file, line, col(i), pipeline.RuleWrongHeader, "column %s appears twice", pipeline.Excerpt(h))
		}
		idx[h] = i
	}
	var missing []string
	for _, c := range longRequired {
		if _, ok := idx[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, "", pipeline.Structural(file, line, 0, pipeline.RuleMissingColumn, "missing required column(s) %q", missing)
	}
	return idx, notice, nil
}

// checkDelimiter refuses a file whose first line has no comma but a ';'
// or a tab (R's write.csv2, a TSV export), naming the delimiter, before a
// CSV reader reports a quoting error or one unknown column.
func checkDelimiter(file string, data []byte) error {
	first, _, _ := bytes.Cut(data, []byte{'\n'})
	if bytes.IndexByte(first, ',') >= 0 {
		return nil
	}
	for _, d := range []struct{ sep, name, hint string }{
		{";", "';'", "R: write.csv, not write.csv2; pandas: sep=','"},
		{"\t", "tabs", "a TSV export: save as CSV"},
	} {
		if bytes.Contains(first, []byte(d.sep)) {
			return pipeline.Structural(file, 1, 1, pipeline.RuleWrongHeader,
				"the header has no comma but %s: DRI reads comma-separated files (%s)", d.name, d.hint)
		}
	}
	return nil
}

// naReason counts values written as NA (R's missing value), which are
// missing values, not errors.
const naReason = "NA values (missing)"

func isRNA(cell string) bool { return strings.TrimSpace(cell) == "NA" }

func readLong(s *source) error {
	switch strings.ToLower(path.Ext(s.entry.File)) {
	case ".parquet":
		return readLongArrow(s, true)
	case ".arrow", ".arrows", ".ipc", ".feather":
		return readLongArrow(s, false)
	}
	rc, display, err := s.open("")
	if err != nil {
		return err
	}
	defer rc.Close()
	err = readLongCSVFast(s, rc, display)
	var le *pipeline.LoadError
	if h, ok := rc.(*hashingReader); ok && errors.As(err, &le) && le.Rule == pipeline.RuleTooLarge {
		// A file rejected for a line over the limit may be gigabytes of
		// anything: its checksum (read to the end) is not worth the time.
		h.skipChecksum()
	}
	return err
}

// readLongSlow reads long-format CSV with encoding/csv (quoted fields). r
// starts at line offset+1; idx is the header's columns when the header was
// already read.
func readLongSlow(s *source, r io.Reader, display string, offset int, idx map[string]int) error {
	cr := csv.NewReader(stripBOM(newLineLimit(r, display, s.maxLine, offset)))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	t := &csvTable{r: cr, file: display}
	if idx == nil {
		rec, line, err := t.next()
		if err == io.EOF {
			return pipeline.Structural(display, 1, 0, pipeline.RuleEmptyFile, "the file is empty")
		}
		if err != nil {
			return csvStructural(display, err)
		}
		col := func(i int) int { _, c := t.pos(i); return c }
		var notice string
		if idx, notice, err = checkLongHeader(display, line, rec, col); err != nil {
			return err
		}
		if notice != "" {
			s.Problem(line, col(idx[indexColumn]), pipeline.Notice, pipeline.RuleWrongHeader, "%s", notice)
		}
	}
	get := func(rec []string, name string) string {
		i, ok := idx[name]
		if !ok {
			return ""
		}
		return field(rec, i)
	}
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				s.Quarantine(pe.Line+offset, pe.Column, pipeline.Error, pipeline.RuleMalformedRow, "%v", pe.Err)
				continue
			}
			return csvStructural(display, err)
		}
		line += offset
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(idx) {
			s.Quarantine(line, 0, pipeline.Error, pipeline.RuleMalformedRow, "%d fields, the header has %d", len(rec), len(idx))
			continue
		}
		cell := get(rec, "value")
		l, c := t.pos(idx["value"])
		l += offset
		if isRNA(cell) {
			s.Ignore(naReason, 1)
			continue
		}
		if strings.TrimSpace(cell) == "" {
			s.Quarantine(l, c, pipeline.Error, pipeline.RuleNotANumber, "value is empty (leave the row out for a missing value)")
			continue
		}
		yl, yc := t.pos(idx["year"])
		year, ok := s.ParseYear(get(rec, "year"), yl+offset, yc)
		if !ok {
			continue
		}
		v, ok := s.ParseValue(cell, l, c, "value")
		if !ok {
			continue
		}
		at := func(name string) int {
			i, ok := idx[name]
			if !ok {
				return 0
			}
			_, c := t.pos(i)
			return c
		}
		fields := pipeline.FieldColumns{Unit: at("unit"), Year: at("year"), Indicator: at("indicator"), Sex: at("sex"), Area: at("area"), Age: at("age"),
			Income: at("income"), Education: at("education"), Labour: at("labour"), Status: at("status")}
		s.Add(pipeline.Obs{Line: l, Column: c, Fields: fields, Unit: get(rec, "unit"), UnitKind: pipeline.ByCode, Year: year, Indicator: strings.TrimSpace(get(rec, "indicator")),
			Sex: get(rec, "sex"), Area: get(rec, "area"), Age: get(rec, "age"), Income: get(rec, "income"), Education: get(rec, "education"),
			Labour: get(rec, "labour"), Value: v, Status: get(rec, "status"), Note: get(rec, "note")})
	}
}
