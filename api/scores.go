package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
)

func (s *Server) registerScoreRoutes() {
	s.add(&route{method: "GET", path: "/v1/frameworks", summary: "The scoring frameworks: egdi, connectivity, compass, gender, ides",
		paged: true, cacheable: true, handler: handleFrameworks, dataSchema: tableSchema(frameworkColumns)})
	s.add(&route{method: "GET", path: "/v1/frameworks/:id", summary: "One framework: description, sources, departures from the original, methods, tree of nodes",
		cacheable: true, handler: handleFramework, dataSchema: objectSchema})
	s.add(&route{method: "GET", path: "/v1/scores/:framework", summary: "Scores of every node for every unit (long format): value, rank, tier, coverage; group codes add group aggregates",
		params: []paramSpec{
			{name: "year", typ: "integer", desc: "year scored (default: the framework's latest well-covered year)"},
			{name: "unit", typ: "string", list: true, desc: "units: ISO3, ISO2 or group codes (groups add their aggregate rows, type=group)"},
			{name: "level", typ: "integer", desc: "only nodes of this level (1 = indicators)"},
			{name: "node", typ: "string", list: true, desc: "only these node codes"},
			membershipParam, estimateParam,
		}, paged: true, cacheable: true, sdmx: true, handler: handleScores, dataSchema: tableSchema(scoreColumns),
		extraResponses: map[string]string{"404": "Unknown framework, unit or node"}})
	s.add(&route{method: "GET", path: "/v1/scores/:framework/:unit", summary: "A unit's profile: every node's score, rank and tier, indicators with value, year, source and status, the trend, and comparisons with LDC, its region, income group and the world",
		params:    []paramSpec{{name: "year", typ: "integer", desc: "year scored (default: the framework's latest well-covered year)"}},
		cacheable: true, handler: handleProfile, dataSchema: objectSchema})
	s.add(&route{method: "GET", path: "/v1/compare", summary: "A unit against groups on every node: value, group value, difference, ratio, percentile and rank within the group",
		params: []paramSpec{
			{name: "unit", typ: "string", list: true, desc: "the unit (ISO3 or ISO2)", required: true},
			{name: "against", typ: "string", list: true, desc: "group codes (default: LDC, the unit's M49 region, its income group, WLD)"},
			{name: "framework", typ: "string", desc: "framework id (default compass)"},
			{name: "year", typ: "integer", desc: "year scored"},
			membershipParam, estimateParam,
		}, paged: true, cacheable: true, handler: handleCompare, dataSchema: tableSchema(compareColumns)})
	s.registerWhatIf()
	s.registerSensitivity()
	s.add(&route{method: "GET", path: "/v1/gender", summary: "Gender gaps: female and male rates, parity score F/M (band 0.98-1.02), gaps, composite and Women's Inclusion Score",
		params: []paramSpec{
			{name: "unit", typ: "string", list: true, desc: "units: ISO3, ISO2 or group codes (groups: the group rule, see docs/DECISIONS.md)"},
			{name: "year", typ: "integer", desc: "year (values up to the framework's window before it)"},
			{name: "indicator", typ: "string", list: true, desc: "only these indicators (also composite, wis)"},
			membershipParam, estimateParam,
		}, paged: true, cacheable: true, sdmx: true, handler: handleGender, dataSchema: tableSchema(genderColumns)})
}

func scorer(r *request) (Scorer, error) {
	if r.ds.Scores == nil {
		return nil, newProblem(http.StatusServiceUnavailable, CodeUnavailable, "the scoring engine is not loaded")
	}
	return r.ds.Scores, nil
}

// scorerFramework is scorer then framework: what most score routes start with.
func scorerFramework(r *request, id string) (Scorer, *indicators.Framework, error) {
	sc, err := scorer(r)
	if err != nil {
		return nil, nil, err
	}
	f, err := framework(r, sc, id)
	return sc, f, err
}

func framework(r *request, sc Scorer, id string) (*indicators.Framework, error) {
	f, ok := sc.Framework(id)
	if !ok {
		return nil, notFound(CodeUnknownFramework, "unknown framework %q (have %s)", id, strings.Join(sc.Frameworks(), ", "))
	}
	return f, nil
}

// scoreFor scores with the request's year parameter, checking it.
func scoreFor(r *request, sc Scorer, f *indicators.Framework, opt indicators.Options) (*indicators.Result, error) {
	year := r.integer("year", 0, 1990, 2100)
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	if year != 0 {
		years := sc.Years(f)
		if len(years) == 0 || year < years[0] || year > years[len(years)-1] {
			span := "none"
			if len(years) > 0 {
				span = fmt.Sprintf("%d-%d", years[0], years[len(years)-1])
			}
			return nil, badParam("year", "%d: %s has data for %s", year, f.ID, span)
		}
	}
	res, err := sc.Score(f.ID, year, opt)
	if err != nil {
		return nil, engineError(err)
	}
	return res, nil
}

func engineError(err error) error {
	var ue *engine.UnknownError
	if errors.As(err, &ue) {
		return notFound(CodeNotFound, "%v", err)
	}
	return newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, err.Error())
}

var frameworkColumns = []colSpec{{"id", KindString, ""}, {"name", KindString, ""}, {"kind", KindString, ""},
	{"levels", KindInt, ""}, {"indicators", KindInt, ""}, {"scale_lo", KindFloat, ""}, {"scale_hi", KindFloat, ""},
	{"tiers", KindString, ""}, {"first_year", KindInt, ""}, {"last_year", KindInt, ""}, {"default_year", KindInt, ""}}

func handleFrameworks(r *request) (*Result, error) {
	sc, err := scorer(r)
	if err != nil {
		return nil, err
	}
	t := newTable(frameworkColumns)
	for _, id := range sc.Frameworks() {
		f, _ := sc.Framework(id)
		addFrameworkRow(t, sc, f)
	}
	return &Result{Table: t, Paged: true}, nil
}

func addFrameworkRow(t *Table, sc Scorer, f *indicators.Framework) {
	c := t.Cols
	kind := f.Kind
	if kind == "" {
		kind = "composite"
	}
	c[0].AddS(f.ID)
	c[1].AddS(f.Name)
	c[2].AddS(kind)
	c[3].AddI(f.Levels())
	c[4].AddI(len(f.Indicators()))
	c[5].AddF(f.Scale.Lo)
	c[6].AddF(f.Scale.Hi)
	c[7].AddS(f.Tiers.Scheme)
	years := sc.Years(f)
	if len(years) == 0 {
		c[8].AddNull()
		c[9].AddNull()
		c[10].AddNull()
		return
	}
	c[8].AddI(years[0])
	c[9].AddI(years[len(years)-1])
	c[10].AddI(sc.DefaultYear(f))
}

// frameworkNode is a node of /v1/frameworks/{id}.
type frameworkNode struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Level      int      `json:"level"`
	Parent     string   `json:"parent,omitempty"`
	Indicator  string   `json:"indicator,omitempty"`
	Weight     float64  `json:"weight"`
	NoData     bool     `json:"no_data_shipped"`
	Children   []string `json:"children,omitempty"`
	Direction  int      `json:"direction,omitempty"`
	Aggregated string   `json:"aggregate,omitempty"`
}

func handleFramework(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, r.param("id"))
	if err != nil {
		return nil, err
	}
	var nodes []frameworkNode
	t := newTable([]colSpec{{"code", KindString, ""}, {"name", KindString, ""}, {"level", KindInt, ""}, {"parent", KindString, ""},
		{"indicator", KindString, ""}, {"weight", KindFloat, ""}, {"no_data_shipped", KindBool, ""}})
	for _, n := range f.Nodes() {
		fn := frameworkNode{Code: n.Code, Name: n.Name, Level: n.Level, Indicator: n.Indicator, Weight: n.EffectiveWeight(), NoData: n.NoData(),
			Direction: n.Direction, Aggregated: n.Aggregate}
		if n.Parent != nil {
			fn.Parent = n.Parent.Code
		}
		for _, c := range n.Children {
			fn.Children = append(fn.Children, c.Code)
		}
		nodes = append(nodes, fn)
		c := t.Cols
		c[0].AddS(n.Code)
		c[1].AddS(n.Name)
		c[2].AddI(n.Level)
		c[3].AddS(fn.Parent)
		c[4].AddS(n.Indicator)
		c[5].AddF(n.EffectiveWeight())
		c[6].AddB(fn.NoData)
	}
	years := sc.Years(f)
	obj := map[string]any{
		"id": f.ID, "kind": kindName(f), "name": f.Name, "description": f.Description, "source": f.Source,
		"departures": f.Departures, "year_window": f.YearWindow, "scale": f.Scale, "methods": f.Methods,
		"tiers": tierInfo(f), "extras": f.Extras, "years": years, "scored_units": sc.ScoredYears(f),
		"default_year": sc.DefaultYear(f), "nodes": nodes,
	}
	if f.ParityBand != nil {
		obj["parity_band"] = f.ParityBand
	}
	return &Result{Object: obj, Table: t}, nil
}

func kindName(f *indicators.Framework) string {
	if f.Kind == "" {
		return "composite"
	}
	return f.Kind
}

func tierInfo(f *indicators.Framework) map[string]any {
	ts := f.TierScheme()
	if ts == nil {
		return map[string]any{"scheme": "none"}
	}
	return map[string]any{"scheme": f.Tiers.Scheme, "names": ts.Names()}
}

var scoreColumns = []colSpec{
	{"unit", KindString, "REF_AREA"}, {"unit_name", KindString, ""}, {"type", KindString, ""},
	{"year", KindInt, "TIME_PERIOD"}, {"node", KindString, "INDICATOR"}, {"level", KindInt, ""},
	{"value", KindFloat, "OBS_VALUE"}, {"rank", KindInt, ""}, {"rests_on", KindString, ""}, {"tier", KindString, ""},
	{"coverage", KindFloat, ""}, {"note", KindString, "COMMENT"},
	// Group rows: members with a value and members in the year (the
	// group rule's figures; null on unit rows).
	{"members_with_data", KindInt, ""}, {"members", KindInt, ""},
}

const sdmxScores = "DRI:DF_SCORES(1.0)"

func handleScores(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, r.param("framework"))
	if err != nil {
		return nil, err
	}
	units, groups := parseUnits(r, "unit")
	gopt := groupOptions(r)
	level := r.integer("level", 0, 1, 20)
	nodes := r.list("node")
	for _, code := range nodes {
		if _, ok := f.Node(code); !ok && !(f.Kind == indicators.KindGender && code == "WIS") {
			r.errs.add("node", "unknown node %q of %s", code, f.ID)
		}
	}
	res, err := scoreFor(r, sc, f, indicators.Options{})
	if err != nil {
		return nil, err
	}
	t := newTable(scoreColumns)
	names := unitNames(r.ds)
	wantUnit := map[string]bool{}
	for _, u := range units {
		wantUnit[u] = true
	}
	wantNode := map[string]bool{}
	for _, n := range nodes {
		wantNode[n] = true
	}
	keepNode := func(nr *indicators.NodeResult) bool {
		if nr.Node.NoData() {
			return false
		}
		return (level == 0 || nr.Node.Level == level) && (len(wantNode) == 0 || wantNode[nr.Node.Code])
	}
	onlyGroups := len(units) == 0 && len(groups) > 0
	for u, code := range res.Units {
		if onlyGroups || (len(wantUnit) > 0 && !wantUnit[code]) {
			continue
		}
		for _, nr := range res.Nodes {
			if !keepNode(nr) {
				continue
			}
			c := t.Cols
			c[0].AddS(code)
			c[1].AddS(names[code])
			c[2].AddS(unitType(r.ds, code))
			c[3].AddI(res.Year)
			c[4].AddS(nr.Node.Code)
			c[5].AddI(nr.Node.Level)
			if nr.Valid[u] {
				c[6].AddF(nr.Value[u])
				c[7].AddI(nr.Rank[u])
			} else {
				c[6].AddNull()
				c[7].AddNull()
			}
			c[8].AddS(restsOn(nr, u))
			tier := ""
			if nr.Tier != nil && (nr.Valid[u] || nr.Node.IsIndicator()) {
				tier = nr.Tier[u].Name
			}
			c[9].AddS(tier)
			c[10].AddF(nr.Coverage[u])
			c[11].AddS(scoreNote(nr, u))
			c[12].AddNull()
			c[13].AddNull()
		}
	}
	for _, g := range groups {
		figures := sc.GroupNodes(res, g, gopt)
		for k, nr := range res.Nodes {
			if !keepNode(nr) {
				continue
			}
			a := figures[k]
			c := t.Cols
			c[0].AddS(g.Code)
			c[1].AddS(g.Name)
			c[2].AddS(pipeline.UnitGroup)
			c[3].AddI(res.Year)
			c[4].AddS(nr.Node.Code)
			c[5].AddI(nr.Node.Level)
			c[6].AddF(a.Value)
			c[7].AddNull()
			c[8].AddS("")
			c[9].AddS("")
			c[10].AddF(a.Coverage)
			c[11].AddS(a.Note())
			c[12].AddI(a.N)
			c[13].AddI(a.Members)
		}
	}
	return &Result{Table: t, Paged: true, SDMXID: sdmxScores, Meta: scoreMeta(res)}, nil
}

func scoreMeta(res *indicators.Result) map[string]any {
	return map[string]any{"framework": res.Framework.ID, "year": res.Year, "methods": map[string]any{
		"impute": res.Imputation.String(), "treat": res.Treatment.String(), "normalise": res.Normalisation.String(),
		"aggregate": res.Aggregation.String(), "weights": res.WeightScheme, "coverage": res.Framework.Methods.Coverage,
		"year_window": res.Framework.YearWindow}, "notes": nonNil(res.Notes)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func unitNames(ds *Dataset) map[string]string {
	names := map[string]string{}
	for _, u := range ds.Reference.Units() {
		names[u.Code] = u.Name
	}
	return names
}

func unitType(ds *Dataset, code string) string {
	if u, ok := ds.Reference.Unit(code); ok {
		return u.Type
	}
	return pipeline.UnitTerritory
}

// profileNode is one node of a unit's profile.
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

func fptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func iptr(v int) *int { return &v }

func handleProfile(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, r.param("framework"))
	if err != nil {
		return nil, err
	}
	unit, ok := r.ds.Reference.LookupUnit(r.param("unit"))
	if !ok {
		return nil, notFound(CodeUnknownUnit, "unknown unit %q", r.param("unit"))
	}
	res, err := scoreFor(r, sc, f, indicators.Options{})
	if err != nil {
		return nil, err
	}
	ui := -1
	for i, u := range res.Units {
		if u == unit.Code {
			ui = i
		}
	}
	if ui < 0 {
		return nil, notFound(CodeUnknownUnit, "%s (%s) is not scored: frameworks score UN member states and sub-national units with data", unit.Name, unit.Code)
	}
	scored := 0
	for _, v := range res.Root().Valid {
		if v {
			scored++
		}
	}
	published := map[string]engine.Published{}
	for _, p := range sc.Published(f.ID, unit.Code, res.Year) {
		published[p.Code] = p
	}
	var nodes []profileNode
	t := newTable([]colSpec{{"node", KindString, ""}, {"name", KindString, ""}, {"level", KindInt, ""}, {"value", KindFloat, ""},
		{"rank", KindInt, ""}, {"tier", KindString, ""}, {"coverage", KindFloat, ""}, {"indicator", KindString, ""},
		{"raw", KindFloat, ""}, {"year", KindInt, ""}, {"source", KindString, ""}, {"status", KindString, ""},
		{"rests_on", KindString, ""}, {"published", KindFloat, ""}, {"published_year", KindInt, ""},
		{"difference", KindFloat, ""}})
	for _, nr := range res.Nodes {
		n := nr.Node
		p := profileNode{Code: n.Code, Name: n.Name, Level: n.Level, Coverage: nr.Coverage[ui], Weight: nr.Weight,
			NoData: n.NoData(), Excluded: nr.Excluded, Indicator: n.Indicator, Of: scored}
		if n.Parent != nil {
			p.Parent = n.Parent.Code
		} else if n.Code == "WIS" {
			p.Parent = ""
		}
		if nr.Valid[ui] {
			p.Value, p.Rank = fptr(nr.Value[ui]), iptr(nr.Rank[ui])
			p.RestsOn = restsOn(nr, ui)
			p.Partial = nr.Parts != nil && nr.Parts[ui] < nr.PartsOf
		}
		if nr.Tier != nil && (nr.Valid[ui] || n.IsIndicator()) {
			p.Tier = nr.Tier[ui].Name
		}
		if nr.Class != nil && nr.Valid[ui] {
			p.Class = nr.Class[ui].Name
		}
		if n.IsIndicator() && nr.RawValid != nil && nr.RawValid[ui] {
			p.Raw, p.RawYear, p.Imputed = fptr(nr.Raw[ui]), nr.Year[ui], nr.Imputed[ui]
			if !nr.Imputed[ui] {
				p.Source, p.Status, p.Note = provenance(r.ds, unit.Code, n.Key(), nr.Year[ui])
			} else {
				p.Status, p.Source = pipeline.StatusImputed, "dri"
			}
			if nr.GValid != nil && nr.GValid[ui] {
				g := nr.Gender[ui]
				p.Female, p.Male, p.GPS = fptr(g.Female), fptr(g.Male), fptr(g.GPS)
				p.Source, p.Status, p.Note = "", "", ""
			}
		}
		if pub, ok := published[n.Code]; ok {
			p.Published = &publishedScore{Indicator: pub.Indicator, Value: pub.Value, Year: pub.Year, Source: pub.Source}
			if p.Value != nil {
				p.Published.Difference = fptr(*p.Value - pub.Value)
			}
		}
		nodes = append(nodes, p)
		c := t.Cols
		c[0].AddS(p.Code)
		c[1].AddS(p.Name)
		c[2].AddI(p.Level)
		addPtr(c[3], p.Value)
		if p.Rank != nil {
			c[4].AddI(*p.Rank)
		} else {
			c[4].AddNull()
		}
		c[5].AddS(p.Tier)
		c[6].AddF(p.Coverage)
		c[7].AddS(p.Indicator)
		addPtr(c[8], p.Raw)
		if p.RawYear > 0 {
			c[9].AddI(p.RawYear)
		} else {
			c[9].AddNull()
		}
		c[10].AddS(p.Source)
		c[11].AddS(p.Status)
		c[12].AddS(p.RestsOn)
		if p.Published != nil {
			c[13].AddF(p.Published.Value)
			c[14].AddI(p.Published.Year)
			addPtr(c[15], p.Published.Difference)
		} else {
			c[13].AddNull()
			c[14].AddNull()
			c[15].AddNull()
		}
	}
	// Trend: the index over the years with data.
	var trend []trendPoint
	for _, y := range sc.Years(f) {
		if y > res.Year || y < res.Year-15 {
			continue
		}
		ry, err := sc.Score(f.ID, y, indicators.Options{})
		if err != nil {
			continue
		}
		root := ry.Root()
		tp := trendPoint{Year: y}
		if root.Valid[ui] {
			tp.Value, tp.Rank, tp.RestsOn = fptr(root.Value[ui]), iptr(root.Rank[ui]), restsOn(root, ui)
			if root.Tier != nil {
				tp.Tier = root.Tier[ui].Name
			}
		}
		trend = append(trend, tp)
	}
	groups := r.ds.Reference.ComparisonGroups(unit)
	cmp, err := sc.Compare(res, unit.Code, groups, engine.GroupOptions{})
	if err != nil {
		return nil, engineError(err)
	}
	var comparisons []comparisonEntry
	for _, c := range cmp {
		comparisons = append(comparisons, comparison(r.ds, c))
	}
	groupCodes := []string{}
	for _, g := range r.ds.Reference.Groups() {
		for _, m := range g.Members {
			if m == unit.Code {
				groupCodes = append(groupCodes, g.Code)
			}
		}
	}
	obj := map[string]any{
		"unit": map[string]any{"code": unit.Code, "name": unit.Name, "type": unit.Type, "region": unit.Region,
			"sub_region": unit.SubRegion, "income_group": unit.IncomeGroup, "ldc": unit.LDC, "lldc": unit.LLDC,
			"sids": unit.SIDS, "groups": groupCodes},
		"framework": f.ID, "framework_name": f.Name, "year": res.Year, "scale": f.Scale, "tiers": tierInfo(f),
		"nodes": nodes, "trend": trend, "comparisons": comparisons, "notes": nonNil(res.Notes),
	}
	meta := scoreMeta(res)
	return &Result{Object: obj, Table: t, Meta: meta}, nil
}

func addPtr(c *Col, v *float64) {
	if v == nil {
		c.AddNull()
		return
	}
	c.AddF(*v)
}

// provenance finds the observation a leaf's value came from.
func provenance(ds *Dataset, unit string, k indicators.SeriesKey, year int) (source, status, note string) {
	rows := ds.Store.Select(pipeline.Query{Indicator: k.Indicator, Units: []string{unit}, Sex: []string{k.Sex},
		Area: []string{k.Area}, Age: []string{k.Age}, From: year, To: year})
	if len(rows) != 1 {
		return "", "", ""
	}
	row := ds.Store.Row(rows[0])
	return row.Source, row.Status, row.Note
}

func comparison(ds *Dataset, c engine.NodeComparison) comparisonEntry {
	g, _ := ds.Reference.Group(c.Group)
	e := comparisonEntry{Node: c.Code, Group: c.Group, Value: fptr(c.Value), GroupValue: fptr(c.Agg.Value),
		N: c.Agg.N, Members: c.Agg.Members}
	if g != nil {
		e.GroupName = g.Name
	}
	if c.HasCmp {
		e.Difference, e.Ratio, e.Percentile = fptr(c.Cmp.Difference), fptr(c.Cmp.Ratio), fptr(c.Cmp.Percentile)
		e.Rank, e.Of = iptr(c.Cmp.Rank), c.Cmp.Of
	}
	if c.Agg.Withheld {
		e.Withheld = c.Agg.Reason
	}
	return e
}

var compareColumns = []colSpec{{"unit", KindString, ""}, {"node", KindString, ""}, {"level", KindInt, ""}, {"name", KindString, ""},
	{"group", KindString, ""}, {"value", KindFloat, ""}, {"group_value", KindFloat, ""}, {"difference", KindFloat, ""},
	{"ratio", KindFloat, ""}, {"percentile", KindFloat, ""}, {"rank", KindInt, ""}, {"of", KindInt, ""},
	{"members_with_data", KindInt, ""}, {"coverage", KindFloat, ""}, {"note", KindString, ""}}

func handleCompare(r *request) (*Result, error) {
	sc, err := scorer(r)
	if err != nil {
		return nil, err
	}
	us := r.list("unit")
	if len(us) != 1 {
		r.errs.add("unit", "required: exactly one unit (ISO3 or ISO2), e.g. unit=KEN")
		return nil, r.errs.problem()
	}
	unit, ok := r.ds.Reference.LookupUnit(us[0])
	if !ok {
		return nil, notFound(CodeUnknownUnit, "unknown unit %q", us[0])
	}
	gopt := groupOptions(r)
	var groups []*pipeline.Group
	for _, code := range r.list("against") {
		g, ok := r.ds.Reference.Group(strings.ToUpper(code))
		if !ok {
			r.errs.add("against", "unknown group %q (see /v1/groups)", code)
			continue
		}
		groups = append(groups, g)
	}
	if len(r.list("against")) == 0 {
		groups = r.ds.Reference.ComparisonGroups(unit)
	}
	fid := r.str("framework")
	if fid == "" {
		fid = "compass"
	}
	f, err := framework(r, sc, fid)
	if err != nil {
		return nil, err
	}
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	res, err := scoreFor(r, sc, f, indicators.Options{})
	if err != nil {
		return nil, err
	}
	cmp, err := sc.Compare(res, unit.Code, groups, gopt)
	if err != nil {
		return nil, notFound(CodeUnknownUnit, "%s (%s) is not scored: frameworks score UN member states and sub-national units with data", unit.Name, unit.Code)
	}
	t := newTable(compareColumns)
	for _, c := range cmp {
		col := t.Cols
		col[0].AddS(unit.Code)
		col[1].AddS(c.Code)
		col[2].AddI(c.Level)
		col[3].AddS(c.Name)
		col[4].AddS(c.Group)
		col[5].AddF(c.Value)
		col[6].AddF(c.Agg.Value)
		if c.HasCmp {
			col[7].AddF(c.Cmp.Difference)
			col[8].AddF(c.Cmp.Ratio)
			col[9].AddF(c.Cmp.Percentile)
			col[10].AddI(c.Cmp.Rank)
			col[11].AddI(c.Cmp.Of)
		} else {
			col[7].AddNull()
			col[8].AddNull()
			col[9].AddNull()
			col[10].AddNull()
			col[11].AddNull()
		}
		col[12].AddI(c.Agg.N)
		col[13].AddF(c.Agg.Coverage)
		note := ""
		if c.Agg.Withheld {
			note = "group value withheld: " + c.Agg.Reason
		} else if c.Agg.Status == engine.StatusEstimated {
			note = c.Agg.Note() // an estimated group value says what it imputed
		}
		col[14].AddS(note)
	}
	meta := scoreMeta(res)
	meta["unit"] = unit.Code
	return &Result{Table: t, Paged: true, Meta: meta}, nil
}

var genderColumns = []colSpec{{"unit", KindString, "REF_AREA"}, {"unit_name", KindString, ""}, {"type", KindString, ""},
	{"indicator", KindString, "INDICATOR"}, {"year", KindInt, "TIME_PERIOD"}, {"female", KindFloat, ""}, {"male", KindFloat, ""},
	{"parity_score", KindFloat, "OBS_VALUE"}, {"parity", KindString, ""}, {"gap_points", KindFloat, ""},
	{"gap_relative", KindFloat, ""}, {"weight", KindFloat, ""}, {"note", KindString, "COMMENT"}}

const sdmxGender = "DRI:DF_GENDER_PARITY(1.0)"

func handleGender(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, "gender")
	if err != nil {
		return nil, err
	}
	units, groups := parseUnits(r, "unit")
	gopt := groupOptions(r)
	inds := r.list("indicator")
	known := map[string]bool{"composite": true, "wis": true}
	for _, id := range f.Indicators() {
		known[id] = true
	}
	for _, id := range inds {
		if !known[id] {
			r.errs.add("indicator", "%q is not a gender indicator (have %s, composite, wis)", id, strings.Join(f.Indicators(), ", "))
		}
	}
	res, err := scoreFor(r, sc, f, indicators.Options{})
	if err != nil {
		return nil, err
	}
	wantU, wantI := set(units), set(inds)
	names := unitNames(r.ds)
	t := newTable(genderColumns)
	add := func(g engine.GapRow, name, typ string) {
		if len(wantI) > 0 && !wantI[g.Indicator] {
			return
		}
		c := t.Cols
		c[0].AddS(g.Unit)
		c[1].AddS(name)
		c[2].AddS(typ)
		c[3].AddS(g.Indicator)
		if g.Year > 0 {
			c[4].AddI(g.Year)
		} else {
			c[4].AddI(res.Year)
		}
		c[5].AddF(g.Female)
		c[6].AddF(g.Male)
		c[7].AddF(g.GPS)
		c[8].AddS(g.Class)
		c[9].AddF(g.PointGap)
		c[10].AddF(g.RelativeGap)
		c[11].AddF(g.Weight)
		c[12].AddS(g.Note)
	}
	if len(units) > 0 || len(groups) == 0 {
		for _, g := range sc.Gaps(res) {
			if len(wantU) > 0 && !wantU[g.Unit] {
				continue
			}
			add(g, names[g.Unit], unitType(r.ds, g.Unit))
		}
	}
	for _, grp := range groups {
		for _, g := range sc.GroupGaps(res, grp, gopt) {
			add(g, grp.Name, pipeline.UnitGroup)
		}
	}
	meta := scoreMeta(res)
	meta["parity_band"] = f.ParityBand
	return &Result{Table: t, Paged: true, SDMXID: sdmxGender, Meta: meta}, nil
}

func set(list []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range list {
		m[s] = true
	}
	return m
}

// restsOn is how many of an aggregate's taking children a unit's score
// rests on, "3/5", next to its rank; "" for indicators and unscored units.
// The framework's coverage rule (methods.coverage, a share of children at
// every level) decides whether the score exists; this says what it stands on.
func restsOn(nr *indicators.NodeResult, u int) string {
	if nr.Parts == nil || !nr.Valid[u] {
		return ""
	}
	return fmt.Sprintf("%d/%d", nr.Parts[u], nr.PartsOf)
}

// scoreNote is a unit row's note: why an indicator took no part, or that a
// score (and so its rank) rests on fewer children than the node has.
func scoreNote(nr *indicators.NodeResult, u int) string {
	if nr.Parts != nil && nr.Valid[u] && nr.Parts[u] < nr.PartsOf {
		return fmt.Sprintf("rests on %d of %d children with data", nr.Parts[u], nr.PartsOf)
	}
	return nr.Excluded
}
