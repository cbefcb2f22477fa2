package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// The universe rule, in one place: which units a framework's scores are
// normalised, aggregated and ranked among. The command line and the API
// both ask UniverseFor; nothing else decides it.
//
//   - The countries' universe (an engine from New): the UN member states,
//     and the sub-national units whose every indicator no country or
//     territory has (a user's own regional series, a synthetic panel),
//     which then have no country to be ranked against. A region with a
//     country's indicator (Kazakhstan's regions' internet use) is never
//     in it: it would be ranked among the 193 states.
//   - A parent's universe (Within): the sub-national units whose parent is
//     that country and which have data, embedded or the user's own
//     (--data): they are ranked among each other only.
//
// A request names a parent's universe with against (a country code: its
// regions) or by asking for regions only: a profile or comparison of
// KZ-10 is scored within Kazakhstan's regions.

// Universe names the units an engine scores.
type Universe struct {
	// Parent is the ISO3 code of the country whose regions are scored;
	// "" for the countries' universe.
	Parent string
}

// String is "countries" or "regions of PARENT".
func (u Universe) String() string {
	if u.Parent == "" {
		return "countries"
	}
	return "regions of " + u.Parent
}

// Universe returns the engine's universe.
func (e *Engine) Universe() Universe { return e.universe }

// UniverseError is a request whose universe cannot be chosen: Param names
// the parameter at fault (against, unit).
type UniverseError struct {
	Param, Message string
}

func (e *UniverseError) Error() string { return "engine: " + e.Param + ": " + e.Message }

// countriesUniverse lists the units of the countries' universe, sorted: UN
// member states, and sub-national units with data none of whose indicators
// a country or territory has.
func countriesUniverse(store *pipeline.Store, ref *pipeline.Reference) []string {
	codes := store.UnitCodes()
	subnational := make([]bool, len(codes))
	hasRegions := false
	for d, code := range codes {
		if u, ok := ref.Unit(code); ok && u.Type == pipeline.UnitSubnational {
			subnational[d], hasRegions = true, true
		}
	}
	var units []string
	for _, u := range ref.Units() {
		if u.Type == pipeline.UnitCountry {
			units = append(units, u.Code)
		}
	}
	if hasRegions {
		// A region sharing an indicator with a country or territory stays
		// out; one whose indicators are all regional comes in.
		withData, shared := make([]bool, len(codes)), make([]bool, len(codes))
		for _, ind := range store.Indicators() {
			var regions []int
			national := false
			store.SeriesIndexed(ind, func(unit int, _ pipeline.Breakdown, _ []int16, _ []float64) {
				if subnational[unit] {
					regions = append(regions, unit)
				} else {
					national = true
				}
			})
			for _, d := range regions {
				withData[d] = true
				shared[d] = shared[d] || national
			}
		}
		for d, code := range codes {
			if subnational[d] && withData[d] && !shared[d] {
				units = append(units, code)
			}
		}
	}
	slices.Sort(units)
	return slices.Compact(units)
}

// Within returns the engine of parent's universe: its sub-national units
// with data (an *UniverseError when parent is no country with regions with
// data). The engine is built once and shares this one's data and
// frameworks (one added later to this engine drops it).
func (e *Engine) Within(parent string) (*Engine, error) {
	u, ok := e.ref.LookupUnit(parent)
	if !ok || u.Type == pipeline.UnitSubnational || u.Type == pipeline.UnitGroup {
		return nil, &UniverseError{"against", fmt.Sprintf("%q is not a country code (a parent country whose regions are scored among each other)", parent)}
	}
	e.mu.Lock()
	sub, ok := e.within[u.Code]
	e.mu.Unlock()
	if ok {
		return sub, nil
	}
	withData := map[string]bool{}
	for _, code := range e.store.UnitsWithData() {
		withData[code] = true
	}
	var regions []string
	for _, r := range e.ref.Regions(u.Code) {
		if withData[r.Code] {
			regions = append(regions, r.Code)
		}
	}
	if len(regions) == 0 {
		return nil, &UniverseError{"against", fmt.Sprintf("%s (%s) has no sub-national units with data", u.Name, u.Code)}
	}
	sub = newEngine(e.store, e.ref, e.reg, regions)
	sub.universe = Universe{Parent: u.Code}
	e.mu.Lock()
	defer e.mu.Unlock()
	if had, ok := e.within[u.Code]; ok {
		return had, nil
	}
	sub.frameworks = make(map[string]*indicators.Framework, len(e.frameworks))
	for id, f := range e.frameworks {
		sub.frameworks[id] = f
	}
	sub.order = slices.Clone(e.order)
	if e.within == nil {
		e.within = map[string]*Engine{}
	}
	e.within[u.Code] = sub
	return sub, nil
}

// UniverseFor chooses the engine a request is scored with, the one rule
// behind dri score, dri compare and the scores, profile and compare
// routes:
//
//   - a country code in against (KAZ, KZ, Kazakhstan) means its regions:
//     Within(that country); group codes in against (LDC, WLD) are
//     comparison groups and choose nothing; two countries are an error;
//   - else units that are all sub-national units outside this engine's
//     universe, of one parent, are scored within that parent's regions;
//     regions of two parents, or regions with countries, are an error;
//   - else this engine.
//
// An error is an *UniverseError naming the parameter (against, unit).
func (e *Engine) UniverseFor(against, units []string) (*Engine, error) {
	var parents []string
	for _, a := range against {
		if _, isGroup := e.ref.Group(strings.ToUpper(strings.TrimSpace(a))); isGroup {
			continue
		}
		u, ok := e.ref.LookupUnit(a)
		if !ok {
			continue // an unknown code: the caller's own check names it
		}
		if u.Type == pipeline.UnitSubnational {
			return nil, &UniverseError{"against", fmt.Sprintf("%s is a sub-national unit; give its country (%s) to rank it among that country's regions", u.Code, u.Parent)}
		}
		if !slices.Contains(parents, u.Code) {
			parents = append(parents, u.Code)
		}
	}
	switch {
	case len(parents) > 1:
		return nil, &UniverseError{"against", fmt.Sprintf("%s: one parent country at a time (regions are ranked within their own country)", strings.Join(parents, ", "))}
	case len(parents) == 1:
		sub, err := e.Within(parents[0])
		if err != nil {
			return nil, err
		}
		for _, code := range units {
			if u, ok := e.ref.LookupUnit(code); ok {
				if _, in := sub.unitIndex[u.Code]; !in {
					return nil, &UniverseError{"unit", fmt.Sprintf("%s is not a region of %s with data (against=%s ranks %s's regions only)", u.Code, parents[0], parents[0], parents[0])}
				}
			}
		}
		return sub, nil
	}
	parent, regions, others := "", 0, 0
	for _, code := range units {
		u, ok := e.ref.LookupUnit(code)
		if !ok {
			continue
		}
		if _, in := e.unitIndex[u.Code]; in || u.Type != pipeline.UnitSubnational {
			others++
			continue
		}
		if parent != "" && u.Parent != parent {
			return nil, &UniverseError{"unit", fmt.Sprintf("regions of %s and %s: each country's regions are ranked among themselves; ask for one country's at a time", parent, u.Parent)}
		}
		parent = u.Parent
		regions++
	}
	switch {
	case regions > 0 && others > 0:
		return nil, &UniverseError{"unit", fmt.Sprintf("regions of %s with countries: regions are ranked among their country's regions, countries among countries; ask for one or the other", parent)}
	case regions > 0:
		return e.Within(parent)
	}
	return e, nil
}

// RegionsGroup is a parent's regions with data as a group, for comparing a
// region with its country's others (code "regions:PARENT").
func (e *Engine) RegionsGroup(parent string) (*pipeline.Group, error) {
	sub, err := e.Within(parent)
	if err != nil {
		return nil, err
	}
	return sub.regionsGroup(), nil
}

// regionsGroup is the units of a parent's universe as a group.
func (e *Engine) regionsGroup() *pipeline.Group {
	p, _ := e.ref.Unit(e.universe.Parent)
	return &pipeline.Group{Code: "regions:" + p.Code, Name: "Regions of " + p.Name, Kind: "regions",
		Definition: "the sub-national units of " + p.Name + " with data", Members: slices.Clone(e.units)}
}

// AgainstGroups reads a comparison's against list (dri compare --against,
// /v1/compare?against=): group codes (LDC, WLD, M49-002) as they are, and a
// country code (KAZ, KZ, Kazakhstan) as its regions with data
// (RegionsGroup). nil for an empty list (the unit's default groups). An
// unknown code, or a country without regions with data, is an
// *UniverseError naming against.
func (e *Engine) AgainstGroups(against []string) ([]*pipeline.Group, error) {
	var out []*pipeline.Group
	for _, a := range against {
		if g, ok := e.ref.Group(strings.ToUpper(strings.TrimSpace(a))); ok {
			out = append(out, g)
			continue
		}
		u, ok := e.ref.LookupUnit(a)
		if !ok || u.Type == pipeline.UnitSubnational {
			return nil, &UniverseError{"against", fmt.Sprintf("unknown group or country %q (groups: LDC, LLDC, SIDS, WLD, M49-002, LIC, ... at /v1/groups; a country code means its regions)", a)}
		}
		g, err := e.RegionsGroup(u.Code)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// checkRegionsGroups refuses to compare a unit with regions of a universe
// it is not in: a region's score means something among its country's
// regions only.
func (e *Engine) checkRegionsGroups(u *pipeline.Unit, groups []*pipeline.Group) error {
	for _, g := range groups {
		parent, ok := strings.CutPrefix(g.Code, "regions:")
		if !ok || g.Kind != "regions" || parent == e.universe.Parent {
			continue
		}
		return &UniverseError{"against", fmt.Sprintf("%s is scored among %s; %s's regions are scored among themselves: compare one of them (e.g. %s) with them", u.Code, e.universe, parent, g.Members[0])}
	}
	return nil
}

// scoresNothing is the error of a framework that scores no unit of the
// engine's universe in any year (compass among Kazakhstan's regions: its
// coverage rules are not met by two indicators).
func (e *Engine) scoresNothing(f *indicators.Framework) error {
	param := "framework"
	if e.universe.Parent != "" {
		param = "against"
	}
	return &UniverseError{param, fmt.Sprintf("%s scores no unit among the %s in any year (its coverage rules are not met)", f.ID, e.universe)}
}
