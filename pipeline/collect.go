package pipeline

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/internal/longload"
)

// Obs is one observation as an adapter offers it, before validation. Line and
// Column locate the value in the file (1-based; 0 when unknown); Fields
// locate its other fields, so that a problem with one points at it.
type Obs struct {
	Line, Column int
	Fields       FieldColumns
	Unit         string
	UnitKind     UnitKind
	Year         int
	Indicator    string
	Sex          string // "" means _T
	Area         string // "" means _T
	Age          string // "" means _T
	Income       string // "" means _T
	Education    string // "" means _T
	Labour       string // "" means _T
	Value        float64
	Status       string // "" means A
	Note         string
	// UnitLabel is the unit of measure the file states for the value, if any.
	UnitLabel string
}

// FieldColumns are the 1-based columns of an observation's fields on its
// line; 0 means not known, and a problem with that field then points at
// the value's column.
type FieldColumns struct {
	Unit, Year, Indicator, Sex, Area, Age, Income, Education, Labour, Status int
}

// Interner gives small dense ids to strings (age codes, notes) shared by all
// collectors of a load.
type Interner struct {
	mu  sync.Mutex
	ids map[string]int32
	s   []string
}

// NewInterner returns an interner whose first ids are those of first.
func NewInterner(first ...string) *Interner {
	in := &Interner{ids: map[string]int32{}}
	for _, s := range first {
		in.ID(s)
	}
	return in
}

func (in *Interner) ID(s string) int32 {
	in.mu.Lock()
	defer in.mu.Unlock()
	if id, ok := in.ids[s]; ok {
		return id
	}
	s = strings.Clone(s) // callers may pass views of a reused buffer
	id := int32(len(in.s))
	in.ids[s] = id
	in.s = append(in.s, s)
	return id
}

func (in *Interner) Strings() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.s...)
}

var (
	sexIndex = map[string]uint8{Total: 0, Female: 1, Male: 2}
	// SexCodes, AreaCodes and StatusCodes are the codes of the table's sex,
	// area and status columns, in the order of their ids.
	SexCodes    = []string{Total, Female, Male}
	areaIndex   = map[string]uint8{Total: 0, Urban: 1, Rural: 2}
	AreaCodes   = []string{Total, Urban, Rural}
	statusIndex = map[string]uint8{StatusObserved: 0, StatusEstimated: 1, StatusImputed: 2}
	StatusCodes = []string{StatusObserved, StatusEstimated, StatusImputed}
	// What input files may write (empty = the default).
	sexInput    = map[string]uint8{"": 0, Total: 0, Female: 1, Male: 2}
	areaInput   = map[string]uint8{"": 0, Total: 0, Urban: 1, Rural: 2}
	statusInput = map[string]uint8{"": 0, StatusObserved: 0, StatusEstimated: 1}

	// The closed breakdowns after age: their ids are their codes' places in
	// the dimension table.
	incomeIDs, educationIDs, labourIDs = newCodeIDs(dims.Income), newCodeIDs(dims.Education), newCodeIDs(dims.Labour)
	// IncomeCodes, EducationCodes and LabourCodes are the codes of those
	// columns, in the order of their ids.
	IncomeCodes, EducationCodes, LabourCodes = incomeIDs.codes, educationIDs.codes, labourIDs.codes
)

// codeIDs are the ids of a closed breakdown's codes as input files write
// them ("" is the total).
type codeIDs struct {
	dim   *dims.Dimension
	input map[string]uint8
	codes []string
}

func newCodeIDs(d *dims.Dimension) codeIDs {
	c := codeIDs{dim: d, input: map[string]uint8{"": 0}}
	for i, code := range d.Codes() {
		c.input[code.ID] = uint8(i)
		c.codes = append(c.codes, code.ID)
	}
	return c
}

// id returns the id of an input cell, or a problem at column.
func (c *codeIDs) id(s string, column int) (uint8, *RuleError) {
	if id, ok := c.input[s]; ok {
		return id, nil
	}
	t := strings.TrimSpace(s)
	if id, ok := c.input[t]; ok {
		return id, nil
	}
	return 0, Reject(RuleBadCode, "%v", checkCode(c.dim, t)).at(column)
}

// Collector validates the observations of one source file and keeps those
// that pass, column by column. Adapters call Add for each value and Problem
// for what they find themselves. A Collector is used by one goroutine.
type Collector struct {
	file   string
	ref    *Reference
	reg    *Registry
	ages   *Interner
	notes  *Interner
	report *FileReport
	cols   longload.Columns
	// Caches: units by code, age codes, the last indicator looked up.
	unitCache   map[string]int32
	unitName    map[int32]string // unitCache's keys by index
	lastUnit    string           // the last unit code looked up (a unitCache key)
	lastUnitIdx int32
	ageIDs      map[string]int32
	ageCode     map[int32]string
	lastInd     *Indicator
	lastIndIdx  int
	// defects are the catalogue entry's acknowledged known defects.
	defects []KnownDefect
	maxY    int
	// fatal is a structural error met by a shard of a parallel reader (a
	// line over the limit, a malformed record batch): the file is
	// rejected when the shards are absorbed.
	fatal *LoadError
}

// NewCollector returns the collector of one file of a load: its problems go
// to report, its rows are checked against ref and reg and the years up to
// maxYear; ages and notes are the load's shared interners.
func NewCollector(file string, ref *Reference, reg *Registry, ages, notes *Interner, report *FileReport, maxYear int) *Collector {
	return &Collector{file: file, ref: ref, reg: reg, ages: ages, notes: notes, report: report,
		unitCache: map[string]int32{}, unitName: map[int32]string{}, ageIDs: map[string]int32{"": 0, Total: 0}, ageCode: map[int32]string{0: Total}, maxY: maxYear}
}

// File is the display name of the file being read.
func (c *Collector) File() string { return c.file }

// Problem records a finding at a position. A row problem of severity Error
// should be followed by no Add for that value; use Quarantine for a value the
// adapter itself refuses.
func (c *Collector) Problem(line, col int, sev Severity, rule Rule, format string, args ...any) {
	if !c.report.keeps(rule) {
		c.report.count(sev, rule) // not formatted: it would not be kept
		return
	}
	c.report.add(Problem{File: c.file, Line: line, Column: col, Rule: rule, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// Quarantine counts a value as read and quarantined, with its problem.
func (c *Collector) Quarantine(line, col int, sev Severity, rule Rule, format string, args ...any) {
	c.report.Read++
	c.report.Quarantined++
	c.Problem(line, col, sev, rule, format, args...)
}

// Ignore counts cells or lines that are not data (empty cells, "..", footer
// lines, series DRI does not use), by reason.
func (c *Collector) Ignore(reason string, n int) { c.report.ignore(reason, n) }

// ParseValue parses a numeric cell. On failure it quarantines the value with a
// not-a-number problem and returns ok=false.
func (c *Collector) ParseValue(s string, line, col int, what string) (float64, bool) {
	v, err := longload.ParseFloat(strings.TrimSpace(s))
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			c.Quarantine(line, col, Error, RuleNotANumber, "%s %s is outside the range of a float64", what, Excerpt(s))
		} else {
			c.Quarantine(line, col, Error, RuleNotANumber, "%s %s is not a number", what, Excerpt(s))
		}
		return 0, false
	}
	return v, true
}

// ParseYear parses a year cell; on failure it quarantines the value.
func (c *Collector) ParseYear(s string, line, col int) (int, bool) {
	t := strings.TrimSpace(s)
	// Some exports write years as floats ("2019.0").
	t = strings.TrimSuffix(t, ".0")
	y, err := strconv.Atoi(t)
	if err != nil {
		c.Quarantine(line, col, Error, RuleNotANumber, "year %s is not a whole number", Excerpt(s))
		return 0, false
	}
	return y, true
}

// CheckUnit resolves a row's unit before its values are offered. When the
// unit is unknown it quarantines the row's n values with one problem and
// returns false, so a row of a wide file gives one message, not one per cell.
func (c *Collector) CheckUnit(raw string, kind UnitKind, line, col, n int) bool {
	_, aggregate, err := c.ref.resolve(raw, kind)
	if err == nil && !aggregate {
		return true
	}
	if aggregate {
		err = fmt.Errorf("%s is a publisher's aggregate, not a country or territory", Excerpt(raw))
	}
	o := Obs{Unit: raw, UnitKind: kind}
	c.report.Read += n
	c.report.Quarantined += n
	p := Problem{File: c.file, Line: line, Column: col, Rule: RuleUnknownUnit, Severity: Error, Message: fmt.Sprintf("%v (%d values)", err, n)}
	if d := c.knownDefect(RuleUnknownUnit, &o); d != nil {
		p.Severity = Notice
		p.Message += "; known defect: " + d.Reason
	}
	c.report.add(p)
	return false
}

// Add validates one observation and keeps it or quarantines it.
func (c *Collector) Add(o Obs) {
	c.report.Read++
	if err := c.add(&o); err != nil {
		c.report.Quarantined++
		col := o.Column
		if err.column > 0 {
			col = err.column
		}
		p := Problem{File: c.file, Line: o.Line, Column: col, Rule: err.rule, Severity: Error, Message: err.msg}
		if d := c.knownDefect(err.rule, &o); d != nil {
			p.Severity = Notice
			p.Message += "; known defect: " + d.Reason
		}
		c.report.add(p)
		return
	}
	c.report.Loaded++
}

// knownDefect returns the catalogue's acknowledgement of this problem, if any.
func (c *Collector) knownDefect(rule Rule, o *Obs) *KnownDefect {
	if len(c.defects) == 0 {
		return nil
	}
	code := strings.TrimSpace(o.Unit)
	if i, _, err := c.ref.resolve(o.Unit, o.UnitKind); err == nil && i >= 0 {
		code = c.ref.UnitAt(i).Code
	}
	for i := range c.defects {
		if c.defects[i].matches(rule, code, o) {
			return &c.defects[i]
		}
	}
	return nil
}

// RuleError is a row problem an adapter or a check finds: its rule, message
// and (at) the column of the offending field.
type RuleError struct {
	rule   Rule
	msg    string
	column int // the offending field's column; 0 = the value's
}

// Error is the problem's message.
func (e *RuleError) Error() string { return e.msg }

// Reject returns a row problem of rule with a formatted message.
func Reject(rule Rule, format string, args ...any) *RuleError {
	return &RuleError{rule: rule, msg: fmt.Sprintf(format, args...)}
}

// at locates the problem at column (0 leaves it at the value).
func (e *RuleError) at(column int) *RuleError {
	e.column = column
	return e
}

func orTotal(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return Total
	}
	return s
}

func (c *Collector) add(o *Obs) *RuleError {
	unit, err := c.UnitIndex(o.Unit, o.UnitKind)
	if err != nil {
		return err.at(o.Fields.Unit)
	}
	ind, indIdx := c.lastInd, c.lastIndIdx
	if ind == nil || ind.ID != o.Indicator {
		var ok bool
		if ind, indIdx, ok = c.reg.Lookup(o.Indicator); !ok {
			return Reject(RuleUnknownIndicator, "unknown indicator %s (not in the registry)", Excerpt(o.Indicator)).at(o.Fields.Indicator)
		}
		c.lastInd, c.lastIndIdx = ind, indIdx
	}
	if o.UnitLabel != "" {
		if m, ok := c.reg.MeasureOfLabel(o.UnitLabel); ok && m != ind.Unit {
			return Reject(RuleUnitMismatch, "%s is measured in %s but the file labels it %s (%s)", ind.ID, ind.Unit, Excerpt(o.UnitLabel), m)
		}
	}
	if o.Year < MinYear || o.Year > c.maxY {
		return Reject(RuleYearRange, "year %d is outside %d..%d", o.Year, MinYear, c.maxY).at(o.Fields.Year)
	}
	sex, ok := inputCode(sexInput, o.Sex)
	if !ok {
		if err := checkSex(orTotal(o.Sex)); err != nil {
			return Reject(RuleBadCode, "%v", err).at(o.Fields.Sex)
		}
		sex = sexIndex[orTotal(o.Sex)]
	}
	area, ok := inputCode(areaInput, o.Area)
	if !ok {
		if err := checkArea(orTotal(o.Area)); err != nil {
			return Reject(RuleBadCode, "%v", err).at(o.Fields.Area)
		}
		area = areaIndex[orTotal(o.Area)]
	}
	age, ok := int32(0), o.Age == ""
	if !ok {
		age, ok = c.ageIDs[o.Age]
	}
	if !ok {
		a := strings.Clone(orTotal(o.Age))
		if err := checkAge(a); err != nil {
			return Reject(RuleBadCode, "%v", err).at(o.Fields.Age)
		}
		age = c.ages.ID(a)
		c.ageIDs[strings.Clone(o.Age)] = age
		c.ageCode[age] = a
	}
	status, ok := inputCode(statusInput, o.Status)
	if !ok || status == statusIndex[StatusImputed] {
		st := strings.TrimSpace(o.Status)
		if st == "" {
			st = StatusObserved
		}
		if err := checkStatus(st); err != nil {
			return Reject(RuleBadCode, "%v", err).at(o.Fields.Status)
		}
		status = statusIndex[st]
	}
	k := longload.Codes{Sex: sex, Area: area, Age: age, Status: status}
	if o.Income != "" || o.Education != "" || o.Labour != "" {
		var err *RuleError
		if k.Income, err = incomeIDs.id(o.Income, o.Fields.Income); err != nil {
			return err
		}
		if k.Education, err = educationIDs.id(o.Education, o.Fields.Education); err != nil {
			return err
		}
		if k.Labour, err = labourIDs.id(o.Labour, o.Fields.Labour); err != nil {
			return err
		}
	}
	if sex != 0 || area != 0 || age != 0 || k.Income != 0 || k.Education != 0 || k.Labour != 0 {
		codes := []string{SexCodes[sex], AreaCodes[area], c.ageCode[age], IncomeCodes[k.Income], EducationCodes[k.Education], LabourCodes[k.Labour]}
		if dim, err := disaggregationAllowed(ind, codes); err != nil {
			column := map[*dims.Dimension]int{dims.Sex: o.Fields.Sex, dims.Area: o.Fields.Area, dims.Age: o.Fields.Age,
				dims.Income: o.Fields.Income, dims.Education: o.Fields.Education, dims.Labour: o.Fields.Labour}[dim]
			return Reject(RuleBadCode, "%v", err).at(column)
		}
	}
	if err := ind.checkValue(o.Value); err != nil {
		return Reject(RuleOutOfBounds, "%v", err)
	}
	var note int32
	if o.Note != "" {
		if n := strings.TrimSpace(o.Note); n != "" {
			note = c.notes.ID(n)
		}
	}
	c.cols.Push(unit, int16(o.Year), int32(indIdx), k, o.Value, note, int32(o.Line))
	return nil
}

// AddKnown adds an observation whose unit and indicator are already
// resolved and whose sex, area, age, status and note are the defaults
// (totals, observed, none): what a dictionary-encoded long file gives once
// per distinct code. It reports false, adding nothing, when a row-level
// check fails, and the caller then calls Add for the exact problem.
func (c *Collector) AddKnown(unit int32, ind *Indicator, indIdx int, year int, v float64, line, column int) bool {
	if year < MinYear || year > c.maxY || ind.checkValue(v) != nil {
		return false
	}
	c.report.Read++
	c.report.Loaded++
	c.cols.PushDefaults(unit, int16(year), int32(indIdx), v, int32(line))
	return true
}

// inputCode looks up a code cell; empty cells (the usual case in files
// without the column) skip the map.
func inputCode(m map[string]uint8, s string) (uint8, bool) {
	if s == "" {
		return 0, true
	}
	v, ok := m[s]
	return v, ok
}

// UnitIndex resolves a unit field, with a cache per collector (files repeat
// the same units many times).
func (c *Collector) UnitIndex(raw string, kind UnitKind) (int32, *RuleError) {
	if kind == ByCode {
		if raw == c.lastUnit && raw != "" {
			return c.lastUnitIdx, nil
		}
		if i, ok := c.unitCache[raw]; ok {
			c.lastUnit, c.lastUnitIdx = c.unitName[i], i
			return i, nil
		}
	}
	unit, aggregate, err := c.ref.resolve(raw, kind)
	if aggregate {
		// Adapters filter aggregates before Add; one that reaches here is a
		// publisher's aggregate in a file that should not have one.
		return 0, Reject(RuleUnknownUnit, "%s is a publisher's aggregate, not a country or territory", Excerpt(raw))
	}
	if err != nil {
		return 0, Reject(RuleUnknownUnit, "%v", err)
	}
	if kind == ByCode {
		key := strings.Clone(raw)
		c.unitCache[key] = int32(unit)
		c.unitName[int32(unit)] = key
	}
	return int32(unit), nil
}

// disaggregationAllowed checks the registry lists the breakdowns of the
// codes that are not totals (codes in the order of dims.Breakdowns); on
// failure it returns the dimension.
func disaggregationAllowed(ind *Indicator, codes []string) (*dims.Dimension, error) {
	for i, d := range dims.Breakdowns {
		if codes[i] != Total && !slices.Contains(ind.Disaggregations, d.Column) {
			return d, fmt.Errorf("%s has no %s disaggregation in the registry (got %s=%s)", ind.ID, d.Column, d.Column, codes[i])
		}
	}
	return nil, nil
}
