package load

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/internal/longload"
)

// openSDGOptions map one Open SDG data file (a national statistical
// office's SDG platform: Year, one column per breakdown, Value) to the
// canonical columns. Every column other than Year and Value must have a
// role, so a breakdown DRI does not read is never loaded as a total.
type openSDGOptions struct {
	// Indicator is the registry id of the file's one series.
	Indicator string `yaml:"indicator"`
	// Country is the ISO3 code of the publisher's country: rows with no
	// region are its national figures; regions are its ISO 3166-2
	// subdivisions.
	Country string `yaml:"country"`
	// Columns give each publisher column its role: sex, area, age, income,
	// region (a region code), region-name, label (describes the series, not
	// read) or skip (a breakdown DRI does not keep: rows with a value in it
	// are counted and left out).
	Columns map[string]string `yaml:"columns"`
	// RegionNames is a sidecar file (code: name, the Open SDG translation
	// file) naming the region codes, for matching by name.
	RegionNames string `yaml:"region_names"`
	// Age is the age band of rows with no age breakdown: the survey's
	// population (Y15T49 for MICS), _T when empty.
	Age string `yaml:"age"`
	// Codes map a role's publisher values to DRI codes (income: Poorest ->
	// Q1, the wealth quintiles of pipeline/dims' income dimension); sex and
	// area read male/female/M/F and urban/rural/U/R by default, age
	// "15-24", "aged 15-24 years", "25+". A value no map gives is
	// quarantined (bad-code) at its column.
	Codes map[string]map[string]string `yaml:"codes"`
}

// Roles of an Open SDG column.
const (
	roleSex        = "sex"
	roleArea       = "area"
	roleAge        = "age"
	roleIncome     = "income"
	roleRegion     = "region"
	roleRegionName = "region-name"
	roleLabel      = "label"
	roleSkip       = "skip"
)

var openSDGRoles = []string{roleSex, roleArea, roleAge, roleIncome, roleRegion, roleRegionName, roleLabel, roleSkip}

// openSDGDefaultCodes are the spellings of sex and area the three
// platforms shipped use (lower-cased before lookup).
var openSDGDefaultCodes = map[string]map[string]string{
	roleSex:  {"m": pipeline.Male, "male": pipeline.Male, "f": pipeline.Female, "female": pipeline.Female},
	roleArea: {"u": pipeline.Urban, "urban": pipeline.Urban, "r": pipeline.Rural, "rural": pipeline.Rural},
}

// openSDGAgeBand reads "15-24", "aged 15-24 years" and "25+" as SDMX age
// bands.
var openSDGAgeBand = regexp.MustCompile(`^(?:aged\s+)?(\d{1,3})\s*(?:-\s*(\d{1,3})|(\+))(?:\s+years)?$`)

// readOpenSDG reads an Open SDG platform's data file (kazstat, NBS Nigeria,
// Armstat): one indicator, years in rows, each breakdown in its own column,
// the empty cell meaning "all". Regions become the country's ISO 3166-2
// units, matched by code or name (Reference.MatchSubdivision); a region
// that matches none is quarantined with its line and column (a notice when
// the catalogue acknowledges it as a known defect), never dropped.
func readOpenSDG(s *source) error {
	var opt openSDGOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	if err := opt.check(s); err != nil {
		return err
	}
	want := append([]string{"Year", "Value"}, sortedKeys(opt.Columns)...)
	t, err := s.openTable(nil, ',', want...)
	if err != nil {
		return err
	}
	defer t.Close()
	for _, h := range t.hdr {
		if _, ok := opt.Columns[h]; !ok && h != "Year" && h != "Value" {
			return pipeline.Structural(t.file, 1, slices.Index(t.hdr, h)+1, pipeline.RuleWrongHeader,
				"column %q has no role in the catalogue entry's options.columns (one of %s)", h, strings.Join(openSDGRoles, ", "))
		}
	}
	names, err := opt.regionNames(s)
	if err != nil {
		return err
	}
	country, _ := s.ref.Unit(opt.Country)
	byRole := map[string][]string{}
	for col, role := range opt.Columns {
		byRole[role] = append(byRole[role], col)
	}
	for _, cols := range byRole {
		slices.Sort(cols)
	}
	r := openSDGRow{s: s, t: t, opt: &opt, byRole: byRole, names: names, iso2: country.ISO2}
	return s.eachRow(t, t.file, r.read)
}

// check refuses options that cannot describe a file.
func (o *openSDGOptions) check(s *source) error {
	bad := func(format string, args ...any) error {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, format, args...)
	}
	if o.Indicator == "" {
		return bad("options.indicator is required")
	}
	if u, ok := s.ref.Unit(o.Country); !ok || u.ISO2 == "" {
		return bad("options.country %q is not the ISO3 code of a unit with an ISO 3166-1 alpha-2 code", o.Country)
	}
	for col, role := range o.Columns {
		if !slices.Contains(openSDGRoles, role) {
			return bad("options.columns: column %q: role %q is not one of %s", col, role, strings.Join(openSDGRoles, ", "))
		}
	}
	for _, role := range []string{roleSex, roleArea, roleAge, roleIncome, roleRegion, roleRegionName} {
		n := 0
		for _, r := range o.Columns {
			if r == role {
				n++
			}
		}
		if n > 1 {
			return bad("options.columns: role %q given to %d columns", role, n)
		}
	}
	if o.Age != "" && !dims.Age.Valid(o.Age) {
		return bad("options.age %q is not %s", o.Age, dims.Age.Want())
	}
	return nil
}

// regionNames reads the sidecar naming the region codes (code: name).
func (o *openSDGOptions) regionNames(s *source) (map[string]string, error) {
	if o.RegionNames == "" {
		return nil, nil
	}
	rc, display, err := s.open(o.RegionNames)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return nil, pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "%v", err)
	}
	names := map[string]string{}
	if err := yaml.Unmarshal(raw, &names); err != nil {
		return nil, pipeline.Structural(display, 0, 0, pipeline.RuleMalformedRow, "not a map of region code to name: %v", err)
	}
	return names, nil
}

// openSDGRow reads one row of an Open SDG file.
type openSDGRow struct {
	s      *source
	t      *csvTable
	opt    *openSDGOptions
	byRole map[string][]string
	names  map[string]string
	iso2   string
}

// cell returns the trimmed value of the column with role, and its index
// (-1 when no column has the role).
func (r *openSDGRow) cell(rec []string, role string) (string, int) {
	cols := r.byRole[role]
	if len(cols) == 0 {
		return "", -1
	}
	i := r.t.col[cols[0]]
	return strings.TrimSpace(field(rec, i)), i
}

func (r *openSDGRow) read(rec []string, line int) error {
	s, t, col := r.s, r.t, r.t.col
	for _, c := range r.byRole[roleSkip] {
		if strings.TrimSpace(field(rec, col[c])) != "" {
			s.skipRow(fmt.Sprintf("rows by %s (not a breakdown or unit DRI keeps)", c))
			return nil
		}
	}
	cell := field(rec, col["Value"])
	if s.emptyCell(cell) {
		return nil
	}
	ly, cy := t.pos(col["Year"])
	year, ok := s.ParseYear(field(rec, col["Year"]), ly, cy)
	if !ok {
		return nil
	}
	o := pipeline.Obs{Line: line, Year: year, Indicator: r.opt.Indicator, Fields: pipeline.FieldColumns{Year: cy}}
	for _, d := range []struct {
		role string
		dst  *string
		fld  *int
	}{{roleSex, &o.Sex, &o.Fields.Sex}, {roleArea, &o.Area, &o.Fields.Area}, {roleAge, &o.Age, &o.Fields.Age}, {roleIncome, &o.Income, &o.Fields.Income}} {
		v, i := r.cell(rec, d.role)
		if i < 0 || v == "" {
			continue
		}
		_, *d.fld = t.pos(i)
		code, ok := r.code(d.role, v)
		if !ok {
			s.Quarantine(line, *d.fld, pipeline.Error, pipeline.RuleBadCode, "%s %s is not one of DRI's %s codes (options.codes.%s maps a publisher's values)",
				r.t.hdr[i], pipeline.Excerpt(v), d.role, d.role)
			return nil
		}
		*d.dst = code
	}
	if o.Age == "" && r.opt.Age != "" {
		o.Age = r.opt.Age
	}
	unit, ok := r.unit(rec, line, &o)
	if !ok {
		return nil
	}
	o.Unit, o.UnitKind = unit, pipeline.ByCode
	lv, cv := t.pos(col["Value"])
	o.Column = cv
	v, ok := s.ParseValue(cell, lv, cv, r.opt.Indicator)
	if !ok {
		return nil
	}
	o.Value = v
	s.Add(o)
	return nil
}

// code maps a publisher's value of a role to a DRI code: options.codes
// first, then the default spellings (sex, area) or an age band.
func (r *openSDGRow) code(role, v string) (string, bool) {
	if c, ok := r.opt.Codes[role][v]; ok {
		return c, true
	}
	if c, ok := openSDGDefaultCodes[role][strings.ToLower(v)]; ok {
		return c, true
	}
	if role == roleAge {
		m := openSDGAgeBand.FindStringSubmatch(strings.ToLower(v))
		switch {
		case m == nil:
		case m[3] == "+":
			return "Y_GE" + m[1], true
		default:
			return "Y" + m[1] + "T" + m[2], true
		}
	}
	return "", false
}

// unit returns the row's unit code: the country for a row with no region
// (or the country's own code in the region column), else the ISO 3166-2
// code its region matches. An unmatched region is quarantined here, at the
// region's column, as an unknown-unit error, or as a known-defect notice
// when the catalogue entry acknowledges it (known_defects, rule
// unknown-unit, unit = the publisher's code or name).
func (r *openSDGRow) unit(rec []string, line int, o *pipeline.Obs) (string, bool) {
	code, ci := r.cell(rec, roleRegion)
	name, ni := r.cell(rec, roleRegionName)
	if name == "" && code != "" {
		name = r.names[code]
	}
	if name == "" && (code == "" || strings.EqualFold(code, r.iso2) || strings.EqualFold(code, r.opt.Country)) {
		return r.opt.Country, true
	}
	at := ci
	if at < 0 || code == "" {
		at = ni
	}
	_, o.Fields.Unit = r.t.pos(at)
	iso, err := r.s.ref.MatchSubdivision(r.opt.Country, code, name)
	if err == nil {
		return iso, true
	}
	for _, d := range r.s.entry.KnownDefects {
		if d.Rule == pipeline.RuleUnknownUnit && d.Unit != "" && (d.Unit == code || d.Unit == name) {
			r.s.Quarantine(line, o.Fields.Unit, pipeline.Notice, pipeline.RuleKnownDefect, "%v; known defect: %s", err, d.Reason)
			return "", false
		}
	}
	r.s.Quarantine(line, o.Fields.Unit, pipeline.Error, pipeline.RuleUnknownUnit, "%v", err)
	return "", false
}

// seriesKey is an observation's key without its year: one series (the
// breakdown codes with the status zeroed).
type seriesKey struct {
	unit, indicator int32
	codes           longload.Codes // the breakdowns; Status left 0
}

// deferCountrySeries applies the series rule of the adapters that defer to
// international sources (adapter.defersCountrySeries: a national platform):
// a country-level series (unit, indicator, sex, area, age over the years)
// that a source of higher precedence also gives is left to it whole, not
// only in the years both give, so a country's series never changes
// publisher from one year to the next (Armenia's 2024 mobile ownership
// from Armstat after ITU's 2023 estimate would read as a 7-point rise).
// The rows left out are counted as superseded (still read and loaded, as
// merge counts the values a higher precedence supersedes key by key), with
// one notice per source.
// Regions are untouched: no international source gives them.
func deferCountrySeries(sources []*source, units []*pipeline.Unit, reg *pipeline.Registry) {
	var deferring []int
	wanted := make([]bool, len(reg.Indicators)) // indicators the deferring sources give
	for si, s := range sources {
		if !adapters[s.entry.Adapter].defersCountrySeries {
			continue
		}
		deferring = append(deferring, si)
		for _, c := range s.allParts() {
			for i := range uint32(c.Len()) {
				wanted[c.IndicatorAt(i)] = true
			}
		}
	}
	if len(deferring) == 0 {
		return
	}
	key := func(c *longload.Columns, i uint32) seriesKey {
		k := c.CodesAt(i)
		k.Status = 0
		return seriesKey{unit: c.UnitAt(i), indicator: c.IndicatorAt(i), codes: k}
	}
	// The series each precedence gives, for the deferring sources' indicators
	// and countries only.
	given := map[seriesKey][]int{} // -> the sources giving it
	for si, s := range sources {
		for _, c := range s.allParts() {
			for i := range uint32(c.Len()) {
				if !wanted[c.IndicatorAt(i)] || units[c.UnitAt(i)].Type == pipeline.UnitSubnational {
					continue
				}
				k := key(c, i)
				if g := given[k]; len(g) == 0 || g[len(g)-1] != si {
					given[k] = append(g, si)
				}
			}
		}
	}
	for _, si := range deferring {
		s := sources[si]
		higher := func(k seriesKey) string {
			for _, o := range given[k] {
				if o != si && sources[o].entry.Precedence > s.entry.Precedence {
					return sources[o].entry.ID
				}
			}
			return ""
		}
		dropped, example, exampleBy, exampleLine := 0, seriesKey{}, "", int32(0)
		var kept []*longload.Columns
		for _, c := range s.allParts() {
			out := &longload.Columns{}
			for i := range uint32(c.Len()) {
				k := key(c, i)
				if units[k.unit].Type != pipeline.UnitSubnational {
					if by := higher(k); by != "" {
						if dropped == 0 {
							example, exampleBy, exampleLine = k, by, c.LineAt(i)
						}
						dropped++
						continue
					}
				}
				out.Push(k.unit, c.YearAt(i), k.indicator, c.CodesAt(i), c.ValueAt(i), c.NoteAt(i), c.LineAt(i))
			}
			kept = append(kept, out)
		}
		if dropped == 0 {
			continue
		}
		s.parts = kept
		*s.Columns() = longload.Columns{} // its rows are in kept
		s.Report().Superseded += dropped
		s.Problem(int(exampleLine), 0, pipeline.Notice, pipeline.RuleSuperseded,
			"%d values of country series that a source of higher precedence also gives were left to it whole (every year), e.g. %s %s sex=%s area=%s from %s",
			dropped, units[example.unit].Code, reg.Indicators[example.indicator].ID, pipeline.SexCodes[example.codes.Sex], pipeline.AreaCodes[example.codes.Area], exampleBy)
	}
}
