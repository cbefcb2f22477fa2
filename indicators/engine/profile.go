package engine

import (
	"fmt"
	"math"
	"slices"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// ProfileTrendYears is how far back a profile's trend reaches: the index in
// every scored year from the profile's year minus ProfileTrendYears to it.
const ProfileTrendYears = 15

// Profile is one unit's profile in a framework and year: every node's
// score, rank and tier, each indicator's value with the year, source and
// status of the observation it came from, the index over the years before,
// and the unit against its default comparison groups. It is what
// GET /v1/scores/{framework}/{unit} shows.
type Profile struct {
	Unit *pipeline.Unit
	// Result is the framework scored in the profile's year (its framework,
	// year, methods and notes).
	Result *indicators.Result
	// Scored is the number of units with an overall score: the "of" of
	// every rank.
	Scored int
	// Groups are the codes of the groups the unit is a member of (today's
	// lists), in the reference's group order.
	Groups []string
	// Nodes are in the result's node order.
	Nodes []ProfileNode
	// Trend is the overall score in each scored year of the
	// ProfileTrendYears before the profile's year and in it.
	Trend []TrendPoint
	// Comparisons set the unit against its default comparison groups
	// (pipeline.Reference.ComparisonGroups; a region: its country's
	// regions) on every node, by the default group rule.
	Comparisons []NodeComparison
	// Universe is what the unit is ranked among: the countries, or (a
	// region) its country's regions.
	Universe Universe
	// Regions are a country's sub-national units with data, by code (nil
	// for a unit without any).
	Regions []RegionData
}

// RegionData is one sub-national unit with data: its code, name and the
// indicators it has values for, with their years.
type RegionData struct {
	Code, Name string
	Indicators []string // ids, sorted
	// FirstYear and LastYear span its observations.
	FirstYear, LastYear int
}

// RegionsWithData lists country's sub-national units that have
// observations, by code, with their indicators and years.
func (e *Engine) RegionsWithData(country string) []RegionData {
	regions := e.ref.Regions(country)
	if len(regions) == 0 {
		return nil
	}
	at := map[string]int{}
	for i, r := range regions {
		at[r.Code] = i
	}
	codes := e.store.UnitCodes()
	out := make([]RegionData, len(regions))
	for _, ind := range e.store.Indicators() {
		e.store.SeriesIndexed(ind, func(unit int, _ pipeline.Breakdown, years []int16, _ []float64) {
			i, ok := at[codes[unit]]
			if !ok || len(years) == 0 {
				return
			}
			d := &out[i]
			if n := len(d.Indicators); n == 0 || d.Indicators[n-1] != ind {
				d.Indicators = append(d.Indicators, ind)
			}
			first, last := int(years[0]), int(years[len(years)-1])
			if d.FirstYear == 0 || first < d.FirstYear {
				d.FirstYear = first
			}
			d.LastYear = max(d.LastYear, last)
		})
	}
	var with []RegionData
	for i, r := range regions {
		if len(out[i].Indicators) > 0 {
			out[i].Code, out[i].Name = r.Code, r.Name
			slices.Sort(out[i].Indicators)
			with = append(with, out[i])
		}
	}
	return with
}

// ProfileNode is one node of a profile. Missing numbers are NaN.
type ProfileNode struct {
	// NodeResult is the node's result in Profile.Result: its node (code,
	// name, parent), weight and why an indicator was excluded.
	NodeResult *indicators.NodeResult
	// Scored is true when the unit has a value (and so a rank) on the node.
	Scored bool
	Value  float64
	Rank   int
	// RestsOn is how many of an aggregate's taking children the score
	// rests on ("3/5"); Partial when fewer than all of them.
	RestsOn  string
	Partial  bool
	Tier     string
	Class    string // the EGDI rating class
	Coverage float64
	// HasRaw is true when an indicator has a selected value: Raw of
	// RawYear, imputed by DRI or observed, with the observation's Source,
	// Status and Note (imputed: source "dri", status I; a gender indicator
	// shows Female, Male and GPS instead and has no single observation).
	HasRaw               bool
	Raw                  float64
	RawYear              int
	Imputed              bool
	Source, Status, Note string
	Female, Male, GPS    float64
	// Published is the publisher's own score for the node (compass: UNDP's
	// ddc.* scores), nil when there is none.
	Published *Published
}

// TrendPoint is a unit's overall score in one year; Value is NaN and Rank 0
// when the unit is not scored that year.
type TrendPoint struct {
	Year    int
	Scored  bool
	Value   float64
	Rank    int
	RestsOn string
	Tier    string
}

// NotScoredError is a known unit that a framework does not score (no data,
// or not a unit frameworks score).
type NotScoredError struct{ Unit *pipeline.Unit }

func (e *NotScoredError) Error() string {
	return fmt.Sprintf("%s (%s) is not scored: frameworks score UN member states and sub-national units with data", e.Unit.Name, e.Unit.Code)
}

// Profile builds a unit's profile in a framework for a year (0 = the
// framework's default year). An unknown framework or unit is an
// *UnknownError; a unit the framework does not score a *NotScoredError.
func (e *Engine) Profile(unit, framework string, year int) (*Profile, error) {
	u, ok := e.ref.LookupUnit(unit)
	if !ok {
		return nil, &UnknownError{"unit", unit}
	}
	if sub, err := e.UniverseFor(nil, []string{u.Code}); err == nil && sub != e {
		return sub.Profile(u.Code, framework, year) // a region: among its country's regions
	}
	res, err := e.Score(framework, year, indicators.Options{})
	if err != nil {
		return nil, err
	}
	ui := -1
	for i, code := range res.Units {
		if code == u.Code {
			ui = i
		}
	}
	if ui < 0 {
		return nil, &NotScoredError{u}
	}
	p := &Profile{Unit: u, Result: res, Scored: countValid(res.Root().Valid)}
	published := map[string]Published{}
	for _, pub := range e.Published(res.Framework.ID, u.Code, res.Year) {
		published[pub.Code] = pub
	}
	for _, nr := range res.Nodes {
		p.Nodes = append(p.Nodes, e.profileNode(nr, ui, u.Code, published))
	}
	for _, y := range e.Years(res.Framework) {
		if y > res.Year || y < res.Year-ProfileTrendYears {
			continue
		}
		ry, err := e.Score(res.Framework.ID, y, indicators.Options{})
		if err != nil {
			continue
		}
		root := ry.Root()
		tp := TrendPoint{Year: y, Value: math.NaN()}
		if root.Valid[ui] {
			tp.Scored, tp.Value, tp.Rank, tp.RestsOn = true, root.Value(ui), root.Rank[ui], RestsOn(root, ui)
			if root.Tier != nil {
				tp.Tier = root.Tier[ui].Name
			}
		}
		p.Trend = append(p.Trend, tp)
	}
	if p.Comparisons, err = e.Compare(res, u.Code, e.comparisonGroups(u), GroupOptions{}); err != nil {
		return nil, err
	}
	p.Universe = e.universe
	p.Regions = e.RegionsWithData(u.Code)
	p.Groups = []string{}
	for _, g := range e.ref.Groups() {
		for _, m := range g.Members {
			if m == u.Code {
				p.Groups = append(p.Groups, g.Code)
			}
		}
	}
	return p, nil
}

// comparisonGroups are a unit's default comparison groups: in the
// countries' universe the reference's (LDC, region, income group, world),
// in a country's regions' universe those regions.
func (e *Engine) comparisonGroups(u *pipeline.Unit) []*pipeline.Group {
	if e.universe.Parent == "" {
		return e.ref.ComparisonGroups(u)
	}
	return []*pipeline.Group{e.regionsGroup()}
}

func (e *Engine) profileNode(nr *indicators.NodeResult, ui int, unit string, published map[string]Published) ProfileNode {
	n := nr.Node
	nan := math.NaN()
	p := ProfileNode{NodeResult: nr, Value: nan, Coverage: nr.Coverage(ui), Raw: nan, Female: nan, Male: nan, GPS: nan}
	if nr.Valid[ui] {
		p.Scored, p.Value, p.Rank = true, nr.Value(ui), nr.Rank[ui]
		p.RestsOn = RestsOn(nr, ui)
		p.Partial = nr.Parts != nil && nr.Parts[ui] < nr.PartsOf
	}
	if nr.Tier != nil && (nr.Valid[ui] || n.IsIndicator()) {
		p.Tier = nr.Tier[ui].Name
	}
	if nr.Class != nil && nr.Valid[ui] {
		p.Class = nr.Class[ui].Name
	}
	if n.IsIndicator() && nr.RawValid != nil && nr.RawValid[ui] {
		p.HasRaw, p.Raw, p.RawYear, p.Imputed = true, nr.Raw[ui], nr.Year(ui), nr.IsImputed(ui)
		if !p.Imputed {
			p.Source, p.Status, p.Note = e.provenance(unit, n.Key(), nr.Year(ui))
		} else {
			p.Status, p.Source = pipeline.StatusImputed, "dri"
		}
		if nr.GValid != nil && nr.GValid[ui] {
			g := nr.Gender[ui]
			p.Female, p.Male, p.GPS = g.Female, g.Male, g.GPS
			p.Source, p.Status, p.Note = "", "", ""
		}
	}
	if pub, ok := published[n.Code]; ok {
		p.Published = &pub
	}
	return p
}

// provenance finds the observation an indicator's value came from: its
// source, status and note ("" when there is not exactly one).
func (e *Engine) provenance(unit string, k indicators.SeriesKey, year int) (source, status, note string) {
	q := pipeline.QueryOf(k.Breakdown())
	q.Indicator, q.Units, q.From, q.To = k.Indicator, []string{unit}, year, year
	rows := e.store.Select(q)
	if len(rows) != 1 {
		return "", "", ""
	}
	row := e.store.Row(rows[0])
	return row.Source, row.Status, row.Note
}

// RestsOn is how many of an aggregate's taking children unit u's score
// rests on, "3/5", next to its rank; "" for indicators and unscored units.
// The framework's coverage rule (methods.coverage, a share of children at
// every level) decides whether the score exists; this says what it stands on.
func RestsOn(nr *indicators.NodeResult, u int) string {
	if nr.Parts == nil || !nr.Valid[u] {
		return ""
	}
	return fmt.Sprintf("%d/%d", nr.Parts[u], nr.PartsOf)
}

func countValid(valid []bool) int {
	n := 0
	for _, v := range valid {
		if v {
			n++
		}
	}
	return n
}
