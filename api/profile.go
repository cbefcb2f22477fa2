package api

import (
	"math"

	"github.com/dri-engine/dri/indicators/engine"
)

type profileNode struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Level  int      `json:"level"`
	Parent string   `json:"parent,omitempty"`
	Value  *float64 `json:"value"`
	Rank   *int     `json:"rank"`
	Of     int      `json:"of"`
	// Aggregates: how many of the node's taking children the score rests
	// on ("3/5"); Partial when fewer than all of them.
	RestsOn   string  `json:"rests_on,omitempty"`
	Partial   bool    `json:"partial,omitempty"`
	Tier      string  `json:"tier,omitempty"`
	Class     string  `json:"class,omitempty"`
	Coverage  float64 `json:"coverage"`
	Weight    float64 `json:"weight"`
	NoData    bool    `json:"no_data_shipped,omitempty"`
	Excluded  string  `json:"excluded,omitempty"`
	Indicator string  `json:"indicator,omitempty"`
	// Indicators: the raw value used, its year, source, status and note.
	Raw     *float64 `json:"raw,omitempty"`
	RawYear int      `json:"year,omitempty"`
	Source  string   `json:"source,omitempty"`
	Status  string   `json:"status,omitempty"`
	Note    string   `json:"note,omitempty"`
	Imputed bool     `json:"imputed,omitempty"`
	// Gender indicators.
	Female *float64 `json:"female,omitempty"`
	Male   *float64 `json:"male,omitempty"`
	GPS    *float64 `json:"parity_score,omitempty"`
	// Published: the publisher's own score for this node (compass: UNDP's
	// published Compass score, indicator ddc.*) next to DRI's.
	Published *publishedScore `json:"published,omitempty"`
}

// publishedScore is a publisher's own score for a profile node, with
// DRI's recomputation minus it (null when DRI has no score).
type publishedScore struct {
	Indicator  string   `json:"indicator"`
	Value      float64  `json:"value"`
	Year       int      `json:"year"`
	Source     string   `json:"source"`
	Difference *float64 `json:"difference"`
}

type trendPoint struct {
	Year  int      `json:"year"`
	Value *float64 `json:"value"`
	Rank  *int     `json:"rank"`
	// RestsOn: the pillars (children) the year's index rests on, "3/5".
	RestsOn string `json:"rests_on,omitempty"`
	Tier    string `json:"tier,omitempty"`
}

type comparisonEntry struct {
	Node       string   `json:"node"`
	Group      string   `json:"group"`
	GroupName  string   `json:"group_name"`
	Value      *float64 `json:"value"`
	GroupValue *float64 `json:"group_value"`
	Difference *float64 `json:"difference"`
	Ratio      *float64 `json:"ratio"`
	Percentile *float64 `json:"percentile"`
	Rank       *int     `json:"rank"`
	Of         int      `json:"of"`
	N          int      `json:"members_with_data"`
	Members    int      `json:"members"`
	Withheld   string   `json:"withheld,omitempty"`
}

// jsonFloat is v for a JSON field that is null when missing (NaN or
// infinite, the engine's form inside a typed result).
func jsonFloat(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// jsonInt is v for a JSON field that is never missing but shares a
// struct with nullable ones.
func jsonInt(v int) *int { return &v }

// profileColumns are the flat form of a profile: one row per node.
var profileColumns = []colSpec{{"node", KindString, ""}, {"name", KindString, ""}, {"level", KindInt, ""}, {"value", KindFloat, ""},
	{"rank", KindInt, ""}, {"tier", KindString, ""}, {"coverage", KindFloat, ""}, {"indicator", KindString, ""},
	{"raw", KindFloat, ""}, {"year", KindInt, ""}, {"source", KindString, ""}, {"status", KindString, ""},
	{"rests_on", KindString, ""}, {"published", KindFloat, ""}, {"published_year", KindInt, ""},
	{"difference", KindFloat, ""}}

// handleProfile is GET /v1/scores/{framework}/{unit}: engine.Profile,
// rendered.
func handleProfile(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, r.param("framework"))
	if err != nil {
		return nil, err
	}
	unit, ok := r.ds.Reference.LookupUnit(r.param("unit"))
	if !ok {
		return nil, notFound(CodeUnknownUnit, "unknown unit %q", r.param("unit"))
	}
	year, err := requestYear(r, sc, f)
	if err != nil {
		return nil, err
	}
	p, err := sc.Profile(unit.Code, f.ID, year)
	if err != nil {
		return nil, engineError(err)
	}
	var nodes []profileNode
	t := newTable(profileColumns)
	w := newRowWriter(t)
	for _, pn := range p.Nodes {
		n := profileNodeOf(pn, p.Scored)
		nodes = append(nodes, n)
		w.str("node", n.Code)
		w.str("name", n.Name)
		w.integer("level", n.Level)
		w.floatPtr("value", n.Value)
		w.intPtr("rank", n.Rank)
		w.str("tier", n.Tier)
		w.float("coverage", n.Coverage)
		w.str("indicator", n.Indicator)
		w.floatPtr("raw", n.Raw)
		if n.RawYear > 0 {
			w.integer("year", n.RawYear)
		}
		w.str("source", n.Source)
		w.str("status", n.Status)
		w.str("rests_on", n.RestsOn)
		if n.Published != nil {
			w.float("published", n.Published.Value)
			w.integer("published_year", n.Published.Year)
			w.floatPtr("difference", n.Published.Difference)
		}
		w.end()
	}
	var trend []trendPoint
	for _, tp := range p.Trend {
		point := trendPoint{Year: tp.Year}
		if tp.Scored {
			point.Value, point.Rank, point.RestsOn, point.Tier = jsonFloat(tp.Value), jsonInt(tp.Rank), tp.RestsOn, tp.Tier
		}
		trend = append(trend, point)
	}
	var comparisons []comparisonEntry
	for _, c := range p.Comparisons {
		comparisons = append(comparisons, comparison(r.ds, c))
	}
	u, res := p.Unit, p.Result
	obj := map[string]any{
		"unit": map[string]any{"code": u.Code, "name": u.Name, "type": u.Type, "region": u.Region,
			"sub_region": u.SubRegion, "income_group": u.IncomeGroup, "ldc": u.LDC, "lldc": u.LLDC,
			"sids": u.SIDS, "groups": p.Groups},
		"framework": f.ID, "framework_name": f.Name, "year": res.Year, "scale": f.Scale, "tiers": tierInfo(f),
		"nodes": nodes, "trend": trend, "comparisons": comparisons, "notes": nonNil(res.Notes),
		"universe": p.Universe.String(), "regions": profileRegions(p.Regions),
	}
	if u.Parent != "" {
		obj["unit"].(map[string]any)["parent"] = u.Parent
	}
	return &Result{Object: obj, Table: t, Meta: scoreMeta(res)}, nil
}

// profileNodeOf is a profile node's JSON; of is the number of units scored.
func profileNodeOf(pn engine.ProfileNode, of int) profileNode {
	nr := pn.NodeResult
	n := nr.Node
	p := profileNode{Code: n.Code, Name: n.Name, Level: n.Level, Coverage: pn.Coverage, Weight: nr.Weight,
		NoData: n.NoData(), Excluded: nr.Excluded, Indicator: n.Indicator, Of: of,
		RestsOn: pn.RestsOn, Partial: pn.Partial, Tier: pn.Tier, Class: pn.Class}
	if n.Parent != nil {
		p.Parent = n.Parent.Code
	}
	if pn.Scored {
		p.Value, p.Rank = jsonFloat(pn.Value), jsonInt(pn.Rank)
	}
	if pn.HasRaw {
		p.Raw, p.RawYear, p.Imputed = jsonFloat(pn.Raw), pn.RawYear, pn.Imputed
		p.Source, p.Status, p.Note = pn.Source, pn.Status, pn.Note
		p.Female, p.Male, p.GPS = jsonFloat(pn.Female), jsonFloat(pn.Male), jsonFloat(pn.GPS)
	}
	if pub := pn.Published; pub != nil {
		p.Published = &publishedScore{Indicator: pub.Indicator, Value: pub.Value, Year: pub.Year, Source: pub.Source}
		if p.Value != nil {
			p.Published.Difference = jsonFloat(*p.Value - pub.Value)
		}
	}
	return p
}

func comparison(ds *Dataset, c engine.NodeComparison) comparisonEntry {
	g, _ := ds.Reference.Group(c.Group)
	e := comparisonEntry{Node: c.Code, Group: c.Group, Value: jsonFloat(c.Value), GroupValue: jsonFloat(c.Agg.Value),
		N: c.Agg.N, Members: c.Agg.Members}
	if g != nil {
		e.GroupName = g.Name
	}
	if c.HasCmp {
		e.Difference, e.Ratio, e.Percentile = jsonFloat(c.Cmp.Difference), jsonFloat(c.Cmp.Ratio), jsonFloat(c.Cmp.Percentile)
		e.Rank, e.Of = jsonInt(c.Cmp.Rank), c.Cmp.Of
	}
	if c.Agg.Withheld {
		e.Withheld = c.Agg.Reason
	}
	return e
}

// profileRegion is one of a country's sub-national units with data, as a
// profile lists them.
type profileRegion struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Indicators []string `json:"indicators"`
	FirstYear  int      `json:"first_year"`
	LastYear   int      `json:"last_year"`
}

func profileRegions(rs []engine.RegionData) []profileRegion {
	out := make([]profileRegion, len(rs))
	for i, r := range rs {
		out[i] = profileRegion{Code: r.Code, Name: r.Name, Indicators: r.Indicators, FirstYear: r.FirstYear, LastYear: r.LastYear}
	}
	return out
}
