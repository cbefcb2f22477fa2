package pipeline

import (
	"maps"
	"slices"

	"github.com/dri-engine/dri/pipeline/internal/longload"
)

// What the loader and the adapters (package pipeline/load) use of a load's
// collectors, reference tables and registry: they build them, the table's
// types keep their invariants.

// Report is the report of the collector's file.
func (c *Collector) Report() *FileReport { return c.report }

// Registry is the indicator registry the collector checks against.
func (c *Collector) Registry() *Registry { return c.reg }

// Columns are the rows the collector has kept.
func (c *Collector) Columns() *longload.Columns { return &c.cols }

// SetKnownDefects sets the catalogue entry's acknowledged defects.
func (c *Collector) SetKnownDefects(d []KnownDefect) { c.defects = d }

// Fatal is the structural error a shard of a parallel reader met (a line
// over the limit, a malformed record batch), or nil; SetFatal records it.
func (c *Collector) Fatal() *LoadError { return c.fatal }

// SetFatal records the structural error that rejects the shard's file.
func (c *Collector) SetFatal(e *LoadError) { c.fatal = e }

// Shard returns a collector for a parallel part of the same file: same
// checks and defects, its own report (for source) and rows, which Absorb
// takes over in file order.
func (c *Collector) Shard(source string) *Collector {
	fr := &FileReport{Source: source, File: c.file}
	s := NewCollector(c.file, c.ref, c.reg, c.ages, c.notes, fr, c.maxY)
	s.defects = c.defects
	return s
}

// Absorb adds a shard's counts and problems to the collector's report and
// returns its rows (nil when it kept none) and its structural error.
func (c *Collector) Absorb(shard *Collector) (*longload.Columns, *LoadError) {
	c.report.absorb(shard.report)
	if shard.cols.Len() == 0 {
		return nil, shard.fatal
	}
	cols := shard.cols
	return &cols, shard.fatal
}

// Ignore counts n values of the file not read as data, with the reason.
func (r *FileReport) Ignore(reason string, n int) { r.ignore(reason, n) }

// AddProblem adds a problem to the report (counted; kept up to the limit
// per rule).
func (r *FileReport) AddProblem(p Problem) { r.add(p) }

// At sets the column of the offending field.
func (e *RuleError) At(column int) *RuleError { return e.at(column) }

// Rule is the problem's rule.
func (e *RuleError) Rule() Rule { return e.rule }

// AddUnit adds a unit; a code given twice is an error (the first stays).
func (r *Reference) AddUnit(u *Unit) (*Unit, error) { return r.addUnit(u) }

// RenameUnit gives unit i the name the UN uses today; its former name
// still finds it (names of older editions stay in publishers' files).
func (r *Reference) RenameUnit(i int, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.units[i].Name = name
	r.byName[NormName(name)] = i
}

// UnitIndex returns the index of the unit with code (see UnitAt).
func (r *Reference) UnitIndex(code string) (int, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	i, ok := r.byCode[code]
	return i, ok
}

// AddAggregate records a publisher's code for one of its own aggregates
// (rows with it are not country data).
func (r *Reference) AddAggregate(code, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.aggregates[code] = name
}

// Alias returns the unit code a normalised name (NormName) points at.
func (r *Reference) Alias(name string) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	code, ok := r.alias[name]
	return code, ok
}

// SetAlias points a normalised name at a unit code.
func (r *Reference) SetAlias(name, code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alias[name] = code
}

// SetLDCPeriods sets the LDC list's inclusion and graduation years.
func (r *Reference) SetLDCPeriods(p []MemberPeriod) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ldcPeriods = slices.Clone(p)
}

// AddSubdivisionList starts a list of ISO 3166-2 codes read from file:
// from then on a sub-national unit code must be in a list.
func (r *Reference) AddSubdivisionList(file string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.subdivisions == nil {
		r.subdivisions = map[string]subdivision{}
	}
	r.subdivisionList = append(r.subdivisionList, file)
}

// AddSubdivision adds an ISO 3166-2 code with its name, read from file: a
// code of another form, of a country not in the units table, or given
// twice in one file is refused. A code another list already gives (a
// user's sidecar repeating the shipped ISO 3166-2 list's UG-101) keeps
// that list's name, and listedBy names that list ("" for a new code).
func (r *Reference) AddSubdivision(file, code, name string) (listedBy string, e *RuleError) {
	m := subnationalCode.FindStringSubmatch(code)
	if m == nil {
		return "", Reject(RuleBadCode, "code %s is not of the ISO 3166-2 form XX-YYY (country, hyphen, 1-3 letters or digits)", Excerpt(code))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byISO2[m[1]]; !ok {
		return "", Reject(RuleUnknownUnit, "code %q: %q is not the ISO 3166-1 alpha-2 code of a unit in the units table", code, m[1])
	}
	if had, dup := r.subdivisions[code]; dup {
		if had.file != file {
			return had.file, nil
		}
		return "", Reject(RuleDuplicateKey, "code %q is listed twice", code)
	}
	r.subdivisions[code] = subdivision{name: name, file: file}
	r.indexSubdivisionName(code, name)
	return "", nil
}

// IsAggregate reports whether s is a publisher's code for one of its own
// aggregates (or an M49 region, by kind).
func (r *Reference) IsAggregate(s string, kind UnitKind) bool {
	_, agg, _ := r.resolve(s, kind)
	return agg
}

// BuildGroups builds the groups from the units' attributes, once the
// reference tables are read.
func (r *Reference) BuildGroups() { r.buildGroups() }

// Clone returns a registry that can be extended without changing r.
func (r *Registry) Clone() *Registry { return r.clone() }

// Add adds an indicator; an id already in the registry is an error.
func (r *Registry) Add(ind *Indicator) error { return r.add(ind) }

// CloneUnits returns a new reference with copies of r's units, its aliases
// and its aggregates' codes, and the groups built from them (what a test
// that runs an adapter against the shipped reference needs; the LDC
// periods and the subdivision lists are not copied).
func (r *Reference) CloneUnits() *Reference {
	c := NewReference()
	for _, u := range r.Units() {
		cu := *u
		_, _ = c.addUnit(&cu)
	}
	r.mu.RLock()
	maps.Copy(c.alias, r.alias)
	maps.Copy(c.aggregates, r.aggregates)
	r.mu.RUnlock()
	c.buildGroups()
	return c
}
