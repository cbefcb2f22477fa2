package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
)

var scoreParams = []paramSpec{
	{name: "year", typ: "integer", desc: "year scored (default: the framework's latest well-covered year)"},
	{name: "unit", typ: "string", list: true, desc: "units: ISO3, ISO2 or group codes (groups add their aggregate rows, type=group)"},
	{name: "level", typ: "integer", desc: "only nodes of this level (1 = indicators)"},
	{name: "node", typ: "string", list: true, desc: "only these node codes"},
	{name: "against", typ: "string", list: true, desc: "a country (ISO3, ISO2 or name): score its sub-national units with data, ranked among each other (regions asked for in unit choose their country's the same way)"},
	membershipParam, estimateParam,
}

func (s *Server) registerScoreRoutes() {
	s.add(&route{method: "GET", path: "/v1/frameworks", summary: "The scoring frameworks: egdi, connectivity, compass, gender, ides, uptake, egdi-tii",
		paged: true, cacheable: true, handler: handleFrameworks, dataSchema: tableSchema(frameworkColumns)})
	s.add(&route{method: "GET", path: "/v1/frameworks/:id", summary: "One framework: description, sources, departures from the original, methods, tree of nodes",
		cacheable: true, handler: handleFramework, dataSchema: objectSchema})
	s.add(&route{method: "GET", path: "/v1/scores/:framework", summary: "Scores of every node for every unit (long format): value, rank, tier, coverage; group codes add group aggregates",
		params: append(slices.Clip(scoreParams), breakdownParams()...), paged: true, cacheable: true, sdmx: true, handler: handleScores, dataSchema: tableSchema(scoreColumns),
		extraResponses: map[string]string{"404": "Unknown framework, unit or node"}})
	s.add(&route{method: "GET", path: "/v1/scores/:framework/:unit", summary: "A unit's profile: every node's score, rank and tier, indicators with value, year, source and status, the trend, and comparisons with LDC, its region, income group and the world",
		params:    []paramSpec{{name: "year", typ: "integer", desc: "year scored (default: the framework's latest well-covered year)"}},
		cacheable: true, handler: handleProfile, dataSchema: objectSchema})
	s.add(&route{method: "GET", path: "/v1/compare", summary: "A unit against groups on every node: value, group value, difference, ratio, percentile and rank within the group",
		params: []paramSpec{
			{name: "unit", typ: "string", list: true, desc: "the unit (ISO3 or ISO2)", required: true},
			{name: "against", typ: "string", list: true, desc: "group codes (default: LDC, the unit's M49 region, its income group, WLD), or a country code for its regions (a region's default)"},
			{name: "framework", typ: "string", desc: "framework id (default compass)"},
			{name: "year", typ: "integer", desc: "year scored"},
			membershipParam, estimateParam,
		}, paged: true, cacheable: true, handler: handleCompare, dataSchema: tableSchema(compareColumns)})
	s.registerScoreGaps()
	s.registerWhatIf()
	s.registerSensitivity()
	s.add(&route{method: "GET", path: "/v1/gender", summary: "Gender gaps: female and male rates, parity score F/M (band 0.98-1.02), gaps, composite and Women's Inclusion Score",
		params: []paramSpec{
			{name: "unit", typ: "string", list: true, desc: "units: ISO3, ISO2 or group codes (groups: the group rule, see docs/DECISIONS.md)"},
			{name: "year", typ: "integer", desc: "year (values up to the framework's window before it); any year: group rows say why a figure is withheld where no member has data"},
			{name: "indicator", typ: "string", list: true, desc: "only these indicators (also composite, wis)"},
			membershipParam, estimateParam,
		}, paged: true, cacheable: true, sdmx: true, handler: handleGender, dataSchema: tableSchema(genderColumns)})
	s.add(&route{method: "GET", path: "/v1/gaps", summary: "Inclusion gaps of one breakdown: for every indicator split by it, the two groups' values (women/men, rural/urban, poorest 40 %/richest 60 %, youth/adults, primary or less/secondary or more, outside/in the labour force), parity index, gaps and parity class; sex is /v1/gender's case",
		params: gapsParams, paged: true, cacheable: true, sdmx: true, handler: handleGaps, dataSchema: tableSchema(gapsColumns)})
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

// requestYear reads and checks the request's year parameter against the
// years the framework scores (0: the framework's default year).
func requestYear(r *request, sc Scorer, f *indicators.Framework) (int, error) {
	year := r.integer("year", 0, 1990, 2100)
	if p := r.errs.problem(); p != nil {
		return 0, p
	}
	if year != 0 {
		years := scoredYears(sc, f)
		if len(years) == 0 || year < years[0] || year > years[len(years)-1] {
			span := "none"
			if len(years) > 0 {
				span = fmt.Sprintf("%d-%d", years[0], years[len(years)-1])
			}
			return 0, badParam("year", "%d: %s has data for %s", year, f.ID, span)
		}
	}
	return year, nil
}

// scoreFor scores with the request's year parameter, checking it.
func scoreFor(r *request, sc Scorer, f *indicators.Framework, opt indicators.Options) (*indicators.Result, error) {
	year, err := requestYear(r, sc, f)
	if err != nil {
		return nil, err
	}
	res, err := sc.Score(f.ID, year, opt)
	if err != nil {
		return nil, engineError(err)
	}
	return res, nil
}

// engineError maps the engine's errors to problems: an unknown name or a
// unit the framework does not score is 404, anything else 422.
func engineError(err error) error {
	var uv *engine.UniverseError
	if errors.As(err, &uv) {
		return badParam(uv.Param, "%s", uv.Message)
	}
	var ue *engine.UnknownError
	if errors.As(err, &ue) {
		return notFound(CodeNotFound, "%v", err)
	}
	var ns *engine.NotScoredError
	if errors.As(err, &ns) {
		return notFound(CodeUnknownUnit, "%v", err)
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
	w := newRowWriter(t)
	for _, id := range sc.Frameworks() {
		f, _ := sc.Framework(id)
		addFrameworkRow(w, sc, f)
	}
	return &Result{Table: t, Paged: true}, nil
}

// addFrameworkRow adds a framework's row: the years null when it scores no
// unit in any year.
func addFrameworkRow(w *rowWriter, sc Scorer, f *indicators.Framework) {
	w.str("id", f.ID)
	w.str("name", f.Name)
	w.str("kind", kindName(f))
	w.integer("levels", f.Levels())
	w.integer("indicators", len(f.Indicators()))
	w.float("scale_lo", f.Scale.Lo)
	w.float("scale_hi", f.Scale.Hi)
	w.str("tiers", f.Tiers.Scheme)
	if years := scoredYears(sc, f); len(years) > 0 {
		w.integer("first_year", years[0])
		w.integer("last_year", years[len(years)-1])
		w.integer("default_year", sc.DefaultYear(f))
	}
	w.end()
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
	w := newRowWriter(t)
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
		w.str("code", fn.Code)
		w.str("name", fn.Name)
		w.integer("level", fn.Level)
		w.str("parent", fn.Parent)
		w.str("indicator", fn.Indicator)
		w.float("weight", fn.Weight)
		w.boolean("no_data_shipped", fn.NoData)
		w.end()
	}
	years := scoredYears(sc, f)
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

func handleScores(r *request) (*Result, error) { return scoresResult(r, r.param("framework")) }

// scoresResult is /v1/scores of a framework; its SDMX-CSV holds the rows'
// observations of DF_SCORES (value, rank and coverage, api/sdmx.go).
func scoresResult(r *request, framework string) (*Result, error) {
	sc, f, err := scorerFramework(r, framework)
	if err != nil {
		return nil, err
	}
	units, groups := parseUnits(r, "unit")
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	if sc, err = universeScorer(r, sc, units); err != nil {
		return nil, err
	}
	gopt := groupOptions(r)
	level := r.integer("level", 0, 1, 20)
	nodes := r.list("node")
	for _, code := range nodes {
		if _, ok := f.Node(code); !ok && !(f.Kind == indicators.KindGender && code == "WIS") {
			r.errs.add("node", "unknown node %q of %s", code, f.ID)
		}
	}
	b := requestBreakdown(r)
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	bres, err := scoreBreakdownFor(r, sc, f, b)
	if err != nil {
		return nil, err
	}
	res := bres.Result
	t := newTable(scoreColumns)
	w := newRowWriter(t)
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
			w.str("unit", code)
			w.str("unit_name", names[code])
			w.str("type", unitType(r.ds, code))
			w.integer("year", res.Year)
			w.str("node", nr.Node.Code)
			w.integer("level", nr.Node.Level)
			if nr.Valid[u] {
				w.float("value", nr.Value(u))
				w.integer("rank", nr.Rank[u])
			}
			w.str("rests_on", engine.RestsOn(nr, u))
			if nr.Tier != nil && (nr.Valid[u] || nr.Node.IsIndicator()) {
				w.str("tier", nr.Tier[u].Name)
			}
			w.float("coverage", nr.Coverage(u))
			note := scoreNote(nr, u)
			if held := heldNote(bres, nr); held != "" {
				note = joinNotes(held, note)
			}
			w.str("note", note)
			w.end()
		}
	}
	for _, g := range groups {
		figures := sc.GroupNodes(res, g, gopt)
		for k, nr := range res.Nodes {
			if !keepNode(nr) {
				continue
			}
			a := figures[k]
			w.str("unit", g.Code)
			w.str("unit_name", g.Name)
			w.str("type", pipeline.UnitGroup)
			w.integer("year", res.Year)
			w.str("node", nr.Node.Code)
			w.integer("level", nr.Node.Level)
			w.float("value", a.Value)
			w.float("coverage", a.Coverage)
			w.str("note", a.Note())
			w.integer("members_with_data", a.N)
			w.integer("members", a.Members)
			w.end()
		}
	}
	meta := scoreMeta(res)
	meta["universe"] = sc.Universe().String()
	breakdownMeta(meta, bres)
	return &Result{Table: t, Paged: true, SDMXID: sdmxScores, Meta: meta, SDMXTable: func(t *Table) *Table {
		out := newTable(sdmxScoreColumns)
		appendScoreObservations(out, t, f.ID, nil)
		return out
	}}, nil
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
// scoreNote is a unit row's note: why an indicator took no part, or that a
// score (and so its rank) rests on fewer children than the node has.
func scoreNote(nr *indicators.NodeResult, u int) string {
	if nr.Parts != nil && nr.Valid[u] && nr.Parts[u] < nr.PartsOf {
		return fmt.Sprintf("rests on %d of %d children with data", nr.Parts[u], nr.PartsOf)
	}
	return nr.Excluded
}

func set(list []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range list {
		m[s] = true
	}
	return m
}
