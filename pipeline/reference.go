package pipeline

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"
)

// Unit types.
const (
	UnitCountry     = "country"     // a UN member state
	UnitTerritory   = "territory"   // any other economy or area with data
	UnitSubnational = "subnational" // an ISO 3166-2 subdivision
	UnitGroup       = "group"       // a group aggregate (derived tables only)
)

// Unit is one row of the units reference table.
type Unit struct {
	Code                   string `json:"code"`
	ISO2                   string `json:"iso2,omitempty"`
	M49                    string `json:"m49,omitempty"`
	Name                   string `json:"name"`
	Type                   string `json:"type"`
	UNMember               bool   `json:"un_member"`
	Region                 string `json:"region,omitempty"`
	RegionCode             string `json:"region_code,omitempty"`
	SubRegion              string `json:"sub_region,omitempty"`
	SubRegionCode          string `json:"sub_region_code,omitempty"`
	IntermediateRegion     string `json:"intermediate_region,omitempty"`
	IntermediateRegionCode string `json:"intermediate_region_code,omitempty"`
	IncomeGroup            string `json:"income_group,omitempty"`
	WBRegion               string `json:"wb_region,omitempty"`
	LDC                    bool   `json:"ldc"`
	LLDC                   bool   `json:"lldc"`
	SIDS                   bool   `json:"sids"`
	Parent                 string `json:"parent,omitempty"`
}

// Group is a named set of units with a code usable wherever a unit code is.
type Group struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Definition string   `json:"definition"`
	Members    []string `json:"members"`
	// Periods, for a group whose membership changes over time (LDC), are
	// the years each state counts as a member, former members included;
	// nil when Members hold for every year (income groups: the current
	// classification only, no history is shipped).
	Periods []MemberPeriod `json:"periods,omitempty"`
}

// MemberPeriod is the span of years a state counts as a group's member:
// From (0 = always) through To (0 = still a member).
type MemberPeriod struct {
	Unit string `json:"unit"`
	From int    `json:"from"`
	To   int    `json:"to"`
}

// MembersIn returns the group's members in a year: for a group with
// Periods those whose period covers the year, else Members. Year 0 means
// the current members.
func (g *Group) MembersIn(year int) []string {
	if g.Periods == nil || year == 0 {
		return g.Members
	}
	var out []string
	for _, p := range g.Periods {
		if (p.From == 0 || p.From <= year) && (p.To == 0 || year <= p.To) {
			out = append(out, p.Unit)
		}
	}
	return out
}

// Dated reports whether the group's membership changes over time.
func (g *Group) Dated() bool { return g.Periods != nil }

// Reference holds the units and groups and resolves publishers' codes and
// names to unit codes. Built once by the reference adapters, then read-only
// except for sub-national units, which are added as data names them.
type Reference struct {
	mu     sync.RWMutex
	units  []*Unit
	byCode map[string]int
	byISO2 map[string]int
	byM49  map[string]int
	byName map[string]int
	alias  map[string]string // normalised alias -> code
	// aggregates are publishers' codes for their own aggregates (WB "WLD",
	// "SSF", ...): rows with them are not country data.
	aggregates map[string]string
	groups     []*Group
	groupIdx   map[string]int
	// ldcPeriods are the LDC list's inclusion and graduation years, from
	// the ldc-membership reference table; nil when it is not loaded.
	ldcPeriods []MemberPeriod
	// subdivisions are the ISO 3166-2 codes a sub-national unit may have
	// (code -> its name and the list it came from), from the "subdivisions"
	// adapter's files; nil when none was read, and then any code of a known
	// country's form is taken.
	subdivisions map[string]subdivision
	// subdivisionList names the files they came from, for messages.
	subdivisionList []string
	// subdivisionAlias maps a publisher's region name or code, scoped to a
	// country (subdivisionKey), to an ISO 3166-2 code; subdivisionByName
	// indexes the lists' names the same way.
	subdivisionAlias  map[string]string
	subdivisionByName map[string]string
}

// NewReference returns an empty reference.
func NewReference() *Reference {
	return &Reference{
		byCode: map[string]int{}, byISO2: map[string]int{}, byM49: map[string]int{},
		byName: map[string]int{}, alias: map[string]string{}, aggregates: map[string]string{},
		groupIdx: map[string]int{},
	}
}

// NormName folds a publisher's name for matching: Unicode NFC, case-folded,
// inner whitespace collapsed, outer trimmed ("Iraq " matches "Iraq").
func NormName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(s)), " "))
}

func (r *Reference) addUnit(u *Unit) (*Unit, error) {
	if i, ok := r.byCode[u.Code]; ok {
		return r.units[i], fmt.Errorf("unit %s defined twice", u.Code)
	}
	i := len(r.units)
	r.units = append(r.units, u)
	r.byCode[u.Code] = i
	if u.ISO2 != "" {
		r.byISO2[u.ISO2] = i
	}
	if u.M49 != "" {
		r.byM49[u.M49] = i
	}
	// A region's name finds it only within its country
	// (MatchSubdivision): Nigeria's state Niger must not take the name of
	// the country NER.
	if u.Name != "" && u.Type != UnitSubnational {
		r.byName[NormName(u.Name)] = i
	}
	return u, nil
}

// Unit returns the unit with the given code.
func (r *Reference) Unit(code string) (*Unit, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	i, ok := r.byCode[code]
	if !ok {
		return nil, false
	}
	return r.units[i], true
}

// UnitAt returns the unit with the given index.
func (r *Reference) UnitAt(i int) *Unit {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.units[i]
}

// NumUnits is the number of units known (candidates included).
func (r *Reference) NumUnits() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.units)
}

// Units returns all units known, in index order.
func (r *Reference) Units() []*Unit {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Unit(nil), r.units...)
}

// Groups returns the groups in a stable order (world, UN lists, regions,
// income groups).
func (r *Reference) Groups() []*Group { return r.groups }

// Group returns the group with the given code.
// ComparisonGroups are the groups a unit is compared with by default: the
// LDCs, its M49 region, its income group and the world (those it has).
func (r *Reference) ComparisonGroups(u *Unit) []*Group {
	codes := []string{"LDC"}
	if u.RegionCode != "" {
		codes = append(codes, "M49-"+u.RegionCode)
	}
	if u.IncomeGroup != "" {
		codes = append(codes, u.IncomeGroup)
	}
	codes = append(codes, "WLD")
	var out []*Group
	for _, c := range codes {
		if g, ok := r.Group(c); ok {
			out = append(out, g)
		}
	}
	return out
}

func (r *Reference) Group(code string) (*Group, bool) {
	i, ok := r.groupIdx[code]
	if !ok {
		return nil, false
	}
	return r.groups[i], true
}

// UnitKind says how an adapter's unit field identifies a unit.
type UnitKind int

const (
	ByCode UnitKind = iota // ISO 3166-1 alpha-3 (any case), ISO 3166-2, or a code alias
	ByName                 // a publisher's country name
	ByM49                  // a UN M49 numeric code, zero-padded or not
)

var subnationalCode = regexp.MustCompile(`^([A-Z]{2})-[A-Z0-9]{1,3}$`)

// resolve maps a publisher's unit field to a unit index. aggregate is true for
// a publisher's own aggregate code (not an error, not data).
func (r *Reference) resolve(s string, kind UnitKind) (idx int, aggregate bool, err error) {
	r.mu.RLock()
	idx, aggregate, err = r.resolveLocked(s, kind)
	r.mu.RUnlock()
	if err == nil || kind != ByCode {
		return idx, aggregate, err
	}
	m := subnationalCode.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return idx, aggregate, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.byCode[m[0]]; ok {
		return i, false, nil
	}
	pi, ok := r.byISO2[m[1]]
	if !ok {
		return -1, false, fmt.Errorf("unit %s: %q is not the ISO 3166-1 alpha-2 code of a known country", Excerpt(s), m[1])
	}
	code := strings.Clone(m[0]) // s may be a view of a reused read buffer
	name := code
	if r.subdivisions != nil {
		var sd subdivision
		if sd, ok = r.subdivisions[code]; !ok {
			return -1, false, fmt.Errorf("unit %s is not an ISO 3166-2 subdivision code of %s (%s)", Excerpt(s), r.units[pi].Name, strings.Join(r.subdivisionList, ", "))
		}
		name = sd.name
	}
	u, _ := r.addUnit(&Unit{Code: code, Name: name, Type: UnitSubnational, Parent: r.units[pi].Code})
	return r.byCode[u.Code], false, nil
}

// subdivision is an ISO 3166-2 code's name and the list (file) it came from.
type subdivision struct{ name, file string }

func (r *Reference) resolveLocked(s string, kind UnitKind) (int, bool, error) {
	t := strings.TrimSpace(s)
	switch kind {
	case ByCode:
		up := strings.ToUpper(t)
		if i, ok := r.byCode[up]; ok {
			return i, false, nil
		}
		if code, ok := r.alias[NormName(t)]; ok {
			if i, ok := r.byCode[code]; ok {
				return i, false, nil
			}
		}
		if _, ok := r.aggregates[up]; ok {
			return -1, true, nil
		}
		return -1, false, fmt.Errorf("unknown unit code %s", Excerpt(s))
	case ByM49:
		code := strings.TrimLeft(t, "0")
		if code == "" || len(code) > 3 || strings.Trim(code, "0123456789") != "" {
			return -1, false, fmt.Errorf("unknown M49 code %s", Excerpt(s))
		}
		if i, ok := r.byM49[fmt.Sprintf("%03s", code)]; ok {
			return i, false, nil
		}
		if _, ok := r.aggregates["M49:"+fmt.Sprintf("%03s", code)]; ok {
			return -1, true, nil
		}
		return -1, false, fmt.Errorf("unknown M49 code %s", Excerpt(s))
	default:
		n := NormName(t)
		if code, ok := r.alias[n]; ok {
			if i, ok := r.byCode[code]; ok {
				return i, false, nil
			}
		}
		if i, ok := r.byName[n]; ok {
			return i, false, nil
		}
		return -1, false, fmt.Errorf("unknown country name %s (add it to the alias table)", Excerpt(s))
	}
}

// LookupUnit resolves what a user typed: ISO3, ISO2, M49 or a known name.
func (r *Reference) LookupUnit(s string) (*Unit, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	up := strings.ToUpper(strings.TrimSpace(s))
	if i, ok := r.byCode[up]; ok {
		return r.units[i], true
	}
	if i, ok := r.byISO2[up]; ok {
		return r.units[i], true
	}
	for _, kind := range []UnitKind{ByM49, ByName} {
		if i, _, err := r.resolveLocked(s, kind); err == nil && i >= 0 {
			return r.units[i], true
		}
	}
	return nil, false
}

// buildGroups derives the groups from the units' attributes. Groups count UN
// member states only: territories are units but belong to no group, so a
// group aggregate always means the same set of states.
func (r *Reference) buildGroups() {
	r.groups = nil
	r.groupIdx = map[string]int{}
	add := func(code, name, kind, def string, in func(*Unit) bool) {
		g := &Group{Code: code, Name: name, Kind: kind, Definition: def}
		for _, u := range r.units {
			if u.UNMember && in(u) {
				g.Members = append(g.Members, u.Code)
			}
		}
		sort.Strings(g.Members)
		r.groupIdx[code] = len(r.groups)
		r.groups = append(r.groups, g)
	}
	add("WLD", "World (UN member states)", "world", "the 193 UN member states", func(*Unit) bool { return true })
	add("LDC", "Least developed countries", "un-list", "UN M49 LDC flag (current UNSD list)", func(u *Unit) bool { return u.LDC })
	if r.ldcPeriods != nil {
		g := r.groups[r.groupIdx["LDC"]]
		g.Periods = slices.Clone(r.ldcPeriods)
		g.Definition = "the UN list of LDCs as of each year (datasets/reference/ldc-membership.csv: inclusion and graduation dates); Members: the current list (UN M49)"
	}
	add("LLDC", "Landlocked developing countries", "un-list", "UN M49 LLDC flag", func(u *Unit) bool { return u.LLDC })
	add("SIDS", "Small island developing States (UN members)", "un-list", "UN M49 SIDS flag, UN member states only", func(u *Unit) bool { return u.SIDS })
	type region struct{ code, name, kind string }
	seen := map[string]bool{}
	var regions []region
	for _, u := range r.units {
		for _, rg := range []region{
			{u.RegionCode, u.Region, "m49-region"},
			{u.SubRegionCode, u.SubRegion, "m49-sub-region"},
			{u.IntermediateRegionCode, u.IntermediateRegion, "m49-intermediate-region"},
		} {
			if u.UNMember && rg.code != "" && !seen[rg.code] {
				seen[rg.code] = true
				regions = append(regions, rg)
			}
		}
	}
	kindOrder := map[string]int{"m49-region": 0, "m49-sub-region": 1, "m49-intermediate-region": 2}
	sort.Slice(regions, func(i, j int) bool {
		if kindOrder[regions[i].kind] != kindOrder[regions[j].kind] {
			return kindOrder[regions[i].kind] < kindOrder[regions[j].kind]
		}
		return regions[i].code < regions[j].code
	})
	for _, rg := range regions {
		code := rg.code
		add("M49-"+code, rg.name, rg.kind, "UN M49 "+strings.TrimPrefix(rg.kind, "m49-")+" "+code, func(u *Unit) bool {
			return u.RegionCode == code || u.SubRegionCode == code || u.IntermediateRegionCode == code
		})
	}
	for _, ig := range IncomeGroups {
		code := ig.Code
		add(code, ig.Name, "income", "World Bank income group (CLASS FY2025), the current classification for every year (no history shipped)", func(u *Unit) bool { return u.IncomeGroup == code })
	}
	for _, wr := range WBRegions {
		code := wr.Code
		add(code, wr.Name, "wb-region", "World Bank region (CLASS)", func(u *Unit) bool { return u.WBRegion == code })
	}
}

// IncomeGroups are the World Bank's four income groups (CLASS codes and names).
var IncomeGroups = []struct{ Code, Name string }{
	{"LIC", "Low income"}, {"LMC", "Lower middle income"}, {"UMC", "Upper middle income"}, {"HIC", "High income"},
}

// WBRegions are the World Bank's seven regions (CLASS codes and names).
var WBRegions = []struct{ Code, Name string }{
	{"EAS", "East Asia & Pacific"}, {"ECS", "Europe & Central Asia"}, {"LCN", "Latin America & Caribbean"},
	{"MEA", "Middle East & North Africa"}, {"NAC", "North America"}, {"SAS", "South Asia"}, {"SSF", "Sub-Saharan Africa"},
}
