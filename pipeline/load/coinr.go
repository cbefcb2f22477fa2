package load

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

// COINr's iMeta/iData conventions (COINr 1.1.14, vignette "Building coins"):
// iMeta has one row per iData column and per aggregate, with Level (1 =
// indicator), iCode, Parent (the iCode one level up; NA at the top), Weight,
// Direction (-1 or 1) and Type (Indicator, Aggregate, Group, Denominator,
// Other); iName, Unit and Target are optional. iData has one row per unit
// (and per Time for panels) with uCode (required), uName and Time
// (optional), and one column per iMeta entry of type Indicator, Group,
// Denominator or Other.

// IMetaRow is one row of an iMeta table.
type IMetaRow struct {
	ICode     string
	IName     string
	Level     int // 0 for rows outside the index (groups, denominators)
	Parent    string
	Weight    float64
	HasWeight bool
	Direction int
	Type      string
	Unit      string
	Target    float64
	HasTarget bool
	Line      int
}

// IMeta is a parsed iMeta table in file order.
type IMeta struct {
	File string
	Rows []IMetaRow
}

// Row returns the row of an iCode.
func (m *IMeta) Row(code string) (*IMetaRow, bool) {
	for i := range m.Rows {
		if m.Rows[i].ICode == code {
			return &m.Rows[i], true
		}
	}
	return nil, false
}

// Indicators returns the iCodes of type Indicator in file order.
func (m *IMeta) Indicators() []string { return m.ofType("Indicator") }

// Groups returns the iCodes of type Group (unit grouping columns).
func (m *IMeta) Groups() []string { return m.ofType("Group") }

func (m *IMeta) ofType(t string) []string {
	var out []string
	for _, r := range m.Rows {
		if r.Type == t {
			out = append(out, r.ICode)
		}
	}
	return out
}

var (
	iMetaTypes = map[string]bool{"Indicator": true, "Aggregate": true, "Group": true, "Denominator": true, "Other": true}
	iCodeRe    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.]*$`)
)

// ProblemsError carries located problems of a file; it is the error returned
// when a file fails validation as a whole.
type ProblemsError struct{ Problems []pipeline.Problem }

func (e *ProblemsError) Error() string {
	if len(e.Problems) == 1 {
		return "pipeline: " + e.Problems[0].String()
	}
	return fmt.Sprintf("pipeline: %s (and %d more problems)", e.Problems[0].String(), len(e.Problems)-1)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ProblemsError) Unwrap() error { return pipeline.ErrInvalid }

func isNA(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "NA", "NaN", "..":
		return true
	}
	return false
}

func readAllCSV(file string, r io.Reader, maxLine int) ([][]string, []int, error) {
	cr := csv.NewReader(stripBOM(newLineLimit(r, file, maxLine, 0)))
	cr.FieldsPerRecord = -1
	var recs [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvStructural(file, err)
		}
		line, _ := cr.FieldPos(0)
		recs = append(recs, rec)
		lines = append(lines, line)
	}
	if len(recs) == 0 {
		return nil, nil, pipeline.Structural(file, 1, 0, pipeline.RuleEmptyFile, "the file is empty")
	}
	return recs, lines, nil
}

// ParseIMeta reads and checks an iMeta table. All problems are returned
// together in a *ProblemsError. A line longer than maxLine bytes (0:
// pipeline.DefaultMaxLineBytes) rejects the file (too-large).
func ParseIMeta(file string, r io.Reader, maxLine int) (*IMeta, error) {
	recs, lines, err := readAllCSV(file, r, maxLine)
	if err != nil {
		return nil, err
	}
	col, _, err := findColumns(file, lines[0], recs[0], "iCode", "Level", "Parent", "Weight", "Direction", "Type")
	if err != nil {
		return nil, err
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok {
			return ""
		}
		return strings.TrimSpace(field(rec, i))
	}
	m := &IMeta{File: file}
	var ps []pipeline.Problem
	bad := func(line int, name string, format string, args ...any) {
		c := 0
		if i, ok := col[name]; ok {
			c = i + 1
		}
		ps = append(ps, pipeline.Problem{File: file, Line: line, Column: c, Rule: pipeline.RuleBadCode, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	for k, rec := range recs[1:] {
		line := lines[k+1]
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		row := IMetaRow{ICode: get(rec, "iCode"), IName: get(rec, "iName"), Parent: get(rec, "Parent"), Type: get(rec, "Type"), Unit: get(rec, "Unit"), Line: line}
		if !iCodeRe.MatchString(row.ICode) {
			bad(line, "iCode", "iCode %s: want letters, digits, '_' or '.', not starting with a digit", pipeline.Excerpt(row.ICode))
		}
		if first, dup := seen[row.ICode]; dup {
			ps = append(ps, pipeline.Problem{File: file, Line: line, Column: col["iCode"] + 1, Rule: pipeline.RuleDuplicateKey, Message: fmt.Sprintf("iCode %s already on line %d", pipeline.Excerpt(row.ICode), first)})
		}
		seen[row.ICode] = line
		if !iMetaTypes[row.Type] {
			bad(line, "Type", "Type %s: want Indicator, Aggregate, Group, Denominator or Other", pipeline.Excerpt(row.Type))
		}
		inIndex := row.Type == "Indicator" || row.Type == "Aggregate"
		if lv := get(rec, "Level"); !isNA(lv) {
			n, err := strconv.Atoi(strings.TrimSuffix(lv, ".0"))
			if err != nil || n < 1 {
				bad(line, "Level", "Level %s: want a whole number >= 1", pipeline.Excerpt(lv))
			}
			row.Level = n
		} else if inIndex {
			bad(line, "Level", "%s %s has no Level", row.Type, row.ICode)
		}
		if row.Type == "Indicator" && row.Level != 1 {
			bad(line, "Level", "indicator %s has Level %d, want 1", row.ICode, row.Level)
		}
		if w := get(rec, "Weight"); !isNA(w) {
			v, err := strconv.ParseFloat(w, 64)
			if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				bad(line, "Weight", "Weight %s: want a number >= 0", pipeline.Excerpt(w))
			}
			row.Weight, row.HasWeight = v, true
		}
		row.Direction = 1
		if d := get(rec, "Direction"); !isNA(d) {
			switch strings.TrimSuffix(d, ".0") {
			case "1":
				row.Direction = 1
			case "-1":
				row.Direction = -1
			default:
				bad(line, "Direction", "Direction %s: want 1 or -1", pipeline.Excerpt(d))
			}
		} else if row.Type == "Indicator" {
			bad(line, "Direction", "indicator %s has no Direction", row.ICode)
		}
		if t := get(rec, "Target"); !isNA(t) {
			v, err := strconv.ParseFloat(t, 64)
			if err != nil {
				bad(line, "Target", "Target %s is not a number", pipeline.Excerpt(t))
			}
			row.Target, row.HasTarget = v, true
		}
		if isNA(row.Parent) {
			row.Parent = ""
		}
		m.Rows = append(m.Rows, row)
	}
	// Structure: parents exist, one level up; weights where aggregated.
	top := 0
	for _, r := range m.Rows {
		top = max(top, r.Level)
	}
	for _, r := range m.Rows {
		if r.Level == 0 {
			continue
		}
		if r.Parent == "" {
			if r.Level != top {
				bad(r.Line, "Parent", "%s (level %d) has no Parent; only the top level (%d) may", r.ICode, r.Level, top)
			}
			continue
		}
		p, ok := m.Row(r.Parent)
		switch {
		case !ok:
			bad(r.Line, "Parent", "Parent %s of %s is not an iCode", pipeline.Excerpt(r.Parent), r.ICode)
		case p.Type != "Aggregate" || p.Level != r.Level+1:
			bad(r.Line, "Parent", "Parent %s of %s (level %d) must be an Aggregate at level %d", pipeline.Excerpt(r.Parent), r.ICode, r.Level, r.Level+1)
		}
		if !r.HasWeight {
			bad(r.Line, "Weight", "%s is aggregated into %s but has no Weight", r.ICode, r.Parent)
		}
	}
	if len(ps) > 0 {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
		return nil, &ProblemsError{ps}
	}
	if len(m.Indicators()) == 0 {
		return nil, pipeline.Structural(file, 0, 0, pipeline.RuleMissingColumn, "no row of Type Indicator")
	}
	return m, nil
}

// IData is a parsed iData table: one row per unit (and time).
type IData struct {
	File  string
	Units []string
	Names []string
	Times []int // nil without a Time column
	Lines []int
	// Values and Valid hold each indicator and denominator column.
	Values map[string][]float64
	Valid  map[string][]bool
	// Groups hold each Group column's labels.
	Groups map[string][]string
}

// ParseIData reads an iData table against its iMeta: every column other than
// uCode, uName and Time must be an iCode of iMeta; indicator cells must be
// numbers or NA (empty, "NA"). All problems come back in a *ProblemsError.
// maxLine is ParseIMeta's.
func ParseIData(file string, r io.Reader, meta *IMeta, maxLine int) (*IData, error) {
	recs, lines, err := readAllCSV(file, r, maxLine)
	if err != nil {
		return nil, err
	}
	hdr := recs[0]
	col := map[string]int{}
	var ps []pipeline.Problem
	for i, h := range hdr {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		col[h] = i
		switch h {
		case "uCode", "uName", "Time":
			continue
		}
		row, ok := meta.Row(h)
		if !ok {
			ps = append(ps, pipeline.Problem{File: file, Line: lines[0], Column: i + 1, Rule: pipeline.RuleWrongHeader, Message: fmt.Sprintf("column %s is not an iCode of %s", pipeline.Excerpt(h), meta.File)})
		} else if row.Type == "Aggregate" {
			ps = append(ps, pipeline.Problem{File: file, Line: lines[0], Column: i + 1, Rule: pipeline.RuleWrongHeader, Message: fmt.Sprintf("column %q is an Aggregate: aggregates are computed, not given", h)})
		}
	}
	if _, ok := col["uCode"]; !ok {
		return nil, pipeline.Structural(file, lines[0], 0, pipeline.RuleMissingColumn, "missing column \"uCode\"")
	}
	for _, ic := range meta.Indicators() {
		if _, ok := col[ic]; !ok {
			ps = append(ps, pipeline.Problem{File: file, Line: lines[0], Rule: pipeline.RuleMissingColumn, Message: fmt.Sprintf("indicator %q of %s has no column", ic, meta.File)})
		}
	}
	if len(ps) > 0 {
		return nil, &ProblemsError{ps}
	}
	d := &IData{File: file, Values: map[string][]float64{}, Valid: map[string][]bool{}, Groups: map[string][]string{}}
	_, hasTime := col["Time"]
	if hasTime {
		d.Times = []int{}
	}
	numeric := map[string]bool{}
	for _, r := range meta.Rows {
		if _, ok := col[r.ICode]; !ok {
			continue
		}
		switch r.Type {
		case "Indicator", "Denominator":
			numeric[r.ICode] = true
		case "Group":
			d.Groups[r.ICode] = nil
		}
	}
	// The numeric columns, resolved once: a row appends to plain slices,
	// not through the maps (issue 19 item 4: four map operations per cell
	// were a tenth of `dri score --imeta`).
	type numCol struct {
		code  string
		at    int
		vals  []float64
		valid []bool
	}
	nums := make([]numCol, 0, len(numeric))
	for code := range numeric {
		nums = append(nums, numCol{code: code, at: col[code], vals: make([]float64, 0, len(recs)-1), valid: make([]bool, 0, len(recs)-1)})
	}
	seen := map[string]int{}
	for k, rec := range recs[1:] {
		line := lines[k+1]
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		u := strings.TrimSpace(field(rec, col["uCode"]))
		if u == "" {
			ps = append(ps, pipeline.Problem{File: file, Line: line, Column: col["uCode"] + 1, Rule: pipeline.RuleUnknownUnit, Message: "empty uCode"})
			continue
		}
		key := u
		t := 0
		if hasTime {
			ts := strings.TrimSpace(field(rec, col["Time"]))
			var err error
			t, err = strconv.Atoi(strings.TrimSuffix(ts, ".0"))
			if err != nil {
				ps = append(ps, pipeline.Problem{File: file, Line: line, Column: col["Time"] + 1, Rule: pipeline.RuleNotANumber, Message: fmt.Sprintf("Time %s is not a whole number", pipeline.Excerpt(ts))})
				continue
			}
			key += "\x00" + strconv.Itoa(t)
		}
		if first, dup := seen[key]; dup {
			ps = append(ps, pipeline.Problem{File: file, Line: line, Column: col["uCode"] + 1, Rule: pipeline.RuleDuplicateKey, Message: fmt.Sprintf("unit %s already on line %d", u, first)})
			continue
		}
		seen[key] = line
		d.Units = append(d.Units, u)
		d.Lines = append(d.Lines, line)
		if i, ok := col["uName"]; ok {
			d.Names = append(d.Names, strings.TrimSpace(field(rec, i)))
		}
		if hasTime {
			d.Times = append(d.Times, t)
		}
		for code := range d.Groups {
			d.Groups[code] = append(d.Groups[code], strings.TrimSpace(field(rec, col[code])))
		}
		for j := range nums {
			nc := &nums[j]
			cell := field(rec, nc.at)
			v, ok := 0.0, false
			if !isNA(cell) {
				var err error
				v, err = strconv.ParseFloat(strings.TrimSpace(cell), 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					ps = append(ps, pipeline.Problem{File: file, Line: line, Column: nc.at + 1, Rule: pipeline.RuleNotANumber, Message: fmt.Sprintf("%s %s is not a number", nc.code, pipeline.Excerpt(cell))})
					v = 0
				} else {
					ok = true
				}
			}
			nc.vals = append(nc.vals, v)
			nc.valid = append(nc.valid, ok)
		}
	}
	for _, nc := range nums {
		if len(d.Units) == 0 {
			break // no rows: no columns, as before
		}
		d.Values[nc.code] = nc.vals
		d.Valid[nc.code] = nc.valid
	}
	if len(ps) > 0 {
		sort.SliceStable(ps, func(i, j int) bool {
			if ps[i].Line != ps[j].Line {
				return ps[i].Line < ps[j].Line
			}
			return ps[i].Column < ps[j].Column
		})
		return nil, &ProblemsError{ps}
	}
	return d, nil
}
