package api

import (
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dri-engine/dri/pipeline"
)

func (s *Server) registerRoutes() {
	e := s.engine
	getAndHead(e, "/healthz", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	getAndHead(e, "/readyz", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		ds := s.data.Current()
		reason := ""
		if s.cfg.Health != nil {
			reason = s.cfg.Health.Degraded()
		}
		if ds == nil {
			detail := "no snapshot is loaded yet"
			if reason != "" {
				detail += ": " + reason
			}
			writeProblem(c.Writer, c.Request, &Problem{Type: problemBase + CodeUnavailable, Title: "Service Unavailable",
				Status: 503, Code: CodeUnavailable, Detail: detail, RetryAfter: 5})
			return
		}
		if reason != "" {
			// Still ready: the replica serves the snapshot it has.
			c.JSON(http.StatusOK, gin.H{"status": "degraded", "snapshot": ds.ID, "reason": reason})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready", "snapshot": ds.ID})
	})
	getAndHead(e, "/metrics", s.metricsHandler())
	if s.cfg.UI != nil {
		ui := gin.WrapH(s.cfg.UI)
		getAndHead(e, "/", ui)
		getAndHead(e, "/assets/*filepath", ui)
	}

	s.add(&route{method: "GET", path: "/v1/snapshot", summary: "The snapshot being served: id, creation time, sources with vintages and checksums, validation counts",
		cacheable: true, handler: handleSnapshot, dataSchema: objectSchema})
	s.add(&route{method: "GET", path: "/v1/units", summary: "Units: UN member states, territories and sub-national units with data; with type=group or group=CODE; parent=KAZ for a country's regions",
		params: []paramSpec{
			{name: "type", typ: "string", desc: "country (UN member states), territory, subnational or group", enum: []string{"country", "territory", "subnational", "group"}},
			{name: "group", typ: "string", desc: "only the members of this group (LDC, WLD, M49-002, LIC, ...)"},
			{name: "parent", typ: "string", desc: "only the sub-national units (ISO 3166-2) of this country with data (ISO3, ISO2 or name), e.g. KAZ"},
		}, paged: true, cacheable: true, handler: handleUnits, dataSchema: tableSchema(unitColumns)})
	s.add(&route{method: "GET", path: "/v1/units/:code", summary: "One unit (ISO3, ISO2 or group code) with its groups",
		cacheable: true, handler: handleUnit, dataSchema: objectSchema})
	s.add(&route{method: "GET", path: "/v1/groups", summary: "Groups: world, UN lists (LDC, LLDC, SIDS), M49 regions, World Bank income groups and regions",
		params: []paramSpec{{name: "kind", typ: "string", desc: "world, un-list, m49-region, m49-sub-region, m49-intermediate-region, income, wb-region"}},
		paged:  true, cacheable: true, handler: handleGroups, dataSchema: tableSchema(groupColumns)})
	s.add(&route{method: "GET", path: "/v1/groups/:code", summary: "One group with its members",
		cacheable: true, handler: handleGroup, dataSchema: objectSchema})
	s.add(&route{method: "GET", path: "/v1/indicators", summary: "The indicator registry with data coverage",
		params: []paramSpec{
			{name: "source", typ: "string", desc: "only indicators fed by this catalogue source id"},
			{name: "framework", typ: "string", desc: "only indicators used by this framework"},
		}, paged: true, cacheable: true, handler: s.handleIndicators, dataSchema: tableSchema(indicatorColumns)})
	s.add(&route{method: "GET", path: "/v1/indicators/:id", summary: "One indicator: definition, unit, polarity, bounds, sources, coverage",
		cacheable: true, handler: handleIndicator, dataSchema: objectSchema})
	s.add(&route{method: "GET", path: "/v1/data", summary: "Observations of one or more indicators, by unit, sex, area, age and year, with status and source",
		params: dataParams, paged: true, cacheable: true, sdmx: true, handler: handleData, dataSchema: tableSchema(dataColumns)})
	s.registerScoreRoutes()
	s.registerSDMXRoutes()
	s.registerAdminRoutes()
	s.registerExport()
	s.registerDocs()
}

// getAndHead registers a GET route and its HEAD (the headOnly middleware
// drops the body).
func getAndHead(e *gin.Engine, path string, h gin.HandlerFunc) {
	e.GET(path, h)
	e.HEAD(path, h)
}

var objectSchema = map[string]any{"type": "object"}

// column specs shared by handlers and the OpenAPI document.
type colSpec struct {
	name string
	kind Kind
	sdmx string
}

func newTable(cols []colSpec) *Table {
	t := &Table{}
	for _, c := range cols {
		t.col(c.name, c.kind, c.sdmx)
	}
	return t
}

var unitColumns = []colSpec{
	{"code", KindString, ""}, {"iso2", KindString, ""}, {"m49", KindString, ""}, {"name", KindString, ""},
	{"type", KindString, ""}, {"un_member", KindBool, ""}, {"region", KindString, ""}, {"sub_region", KindString, ""},
	{"intermediate_region", KindString, ""}, {"income_group", KindString, ""}, {"wb_region", KindString, ""},
	{"ldc", KindBool, ""}, {"lldc", KindBool, ""}, {"sids", KindBool, ""}, {"parent", KindString, ""},
}

func addUnitRow(w *rowWriter, u *pipeline.Unit) {
	w.str("code", u.Code)
	w.str("iso2", u.ISO2)
	w.str("m49", u.M49)
	w.str("name", u.Name)
	w.str("type", u.Type)
	w.boolean("un_member", u.UNMember)
	w.str("region", u.Region)
	w.str("sub_region", u.SubRegion)
	w.str("intermediate_region", u.IntermediateRegion)
	w.str("income_group", u.IncomeGroup)
	w.str("wb_region", u.WBRegion)
	w.boolean("ldc", u.LDC)
	w.boolean("lldc", u.LLDC)
	w.boolean("sids", u.SIDS)
	w.str("parent", u.Parent)
	w.end()
}

func handleSnapshot(r *request) (*Result, error) {
	m := r.ds.Manifest
	t := newTable([]colSpec{{"id", KindString, ""}, {"file", KindString, ""}, {"adapter", KindString, ""}, {"publisher", KindString, ""},
		{"vintage", KindString, ""}, {"licence", KindString, ""}, {"sha256", KindString, ""}, {"read", KindInt, ""},
		{"loaded", KindInt, ""}, {"quarantined", KindInt, ""}, {"superseded", KindInt, ""}})
	w := newRowWriter(t)
	for _, src := range m.Sources {
		w.str("id", src.ID)
		w.str("file", relativeFile(src.File))
		w.str("adapter", src.Adapter)
		w.str("publisher", src.Publisher)
		w.str("vintage", src.Vintage)
		w.str("licence", src.Licence)
		w.str("sha256", src.SHA256)
		w.integer("read", src.Read)
		w.integer("loaded", src.Loaded)
		w.integer("quarantined", src.Quarantined)
		w.integer("superseded", src.Superseded)
		w.end()
	}
	res := &Result{Object: publicManifest(m), Table: t}
	switch {
	case r.ds.Uploads != nil: // served from a state directory
		res.Meta = map[string]any{"uploads": uploadsMeta(r.ds)}
	case r.ds.UploadsUnlisted != "":
		res.Meta = map[string]any{"uploads_unlisted": r.ds.UploadsUnlisted}
	}
	return res, nil
}

func publishedUnits(ds *Dataset) []*pipeline.Unit {
	if ds.Result != nil {
		return ds.Result.PublishedUnits()
	}
	return ds.Reference.Units()
}

func handleUnits(r *request) (*Result, error) {
	typ := r.str("type")
	switch typ {
	case "", pipeline.UnitCountry, pipeline.UnitTerritory, pipeline.UnitSubnational, pipeline.UnitGroup:
	default:
		return nil, badParam("type", "%q: want country, territory, subnational or group", typ)
	}
	if typ == pipeline.UnitGroup {
		return handleGroups(r)
	}
	var members map[string]bool
	if g := r.str("group"); g != "" {
		grp, ok := r.ds.Reference.Group(strings.ToUpper(g))
		if !ok {
			return nil, newProblem(http.StatusNotFound, CodeUnknownGroup, "unknown group "+g,
				ParamError{Param: "group", In: "query", Message: "not a group code; see /v1/groups"})
		}
		members = map[string]bool{}
		for _, m := range grp.Members {
			members[m] = true
		}
	}
	parent, err := unitsParent(r)
	if err != nil {
		return nil, err
	}
	t := newTable(unitColumns)
	w := newRowWriter(t)
	for _, u := range publishedUnits(r.ds) {
		if (typ != "" && u.Type != typ) || (members != nil && !members[u.Code]) || (parent != "" && u.Parent != parent) {
			continue
		}
		addUnitRow(w, u)
	}
	return &Result{Table: t, Paged: true}, nil
}

// unitsParent reads the parent parameter: "" when absent, else the ISO3
// code of a country or territory (a 400 naming the parameter otherwise).
func unitsParent(r *request) (string, error) {
	p := r.str("parent")
	if p == "" {
		return "", nil
	}
	u, ok := r.ds.Reference.LookupUnit(p)
	if !ok || u.Type == pipeline.UnitSubnational {
		return "", badParam("parent", "%q: want the ISO3 or ISO2 code or the name of a country or territory, e.g. KAZ", p)
	}
	return u.Code, nil
}

// unitDetail is the JSON of one unit.
type unitDetail struct {
	*pipeline.Unit
	Groups []string `json:"groups"`
}

func handleUnit(r *request) (*Result, error) {
	code := r.param("code")
	if g, ok := r.ds.Reference.Group(strings.ToUpper(code)); ok {
		return groupResult(r, g), nil
	}
	u, ok := r.ds.Reference.LookupUnit(code)
	if !ok {
		return nil, notFound(CodeUnknownUnit, "unknown unit %q (use an ISO 3166-1 alpha-3 or alpha-2 code, or a group code)", code)
	}
	d := unitDetail{Unit: u, Groups: []string{}}
	for _, g := range r.ds.Reference.Groups() {
		for _, m := range g.Members {
			if m == u.Code {
				d.Groups = append(d.Groups, g.Code)
				break
			}
		}
	}
	t := newTable(unitColumns)
	addUnitRow(newRowWriter(t), u)
	return &Result{Object: d, Table: t}, nil
}

var groupColumns = []colSpec{{"code", KindString, ""}, {"name", KindString, ""}, {"kind", KindString, ""},
	{"definition", KindString, ""}, {"members", KindInt, ""}, {"type", KindString, ""}}

func handleGroups(r *request) (*Result, error) {
	kind := r.str("kind")
	t := newTable(groupColumns)
	w := newRowWriter(t)
	for _, g := range r.ds.Reference.Groups() {
		if kind != "" && g.Kind != kind {
			continue
		}
		w.str("code", g.Code)
		w.str("name", g.Name)
		w.str("kind", g.Kind)
		w.str("definition", g.Definition)
		w.integer("members", len(g.Members))
		w.str("type", pipeline.UnitGroup)
		w.end()
	}
	return &Result{Table: t, Paged: true}, nil
}

func handleGroup(r *request) (*Result, error) {
	code := strings.ToUpper(r.param("code"))
	g, ok := r.ds.Reference.Group(code)
	if !ok {
		return nil, notFound(CodeUnknownGroup, "unknown group %q (see /v1/groups)", r.param("code"))
	}
	return groupResult(r, g), nil
}

func groupResult(r *request, g *pipeline.Group) *Result {
	t := newTable(unitColumns)
	w := newRowWriter(t)
	for _, m := range g.Members {
		if u, ok := r.ds.Reference.Unit(m); ok {
			addUnitRow(w, u)
		}
	}
	obj := struct {
		*pipeline.Group
		Type string `json:"type"`
	}{g, pipeline.UnitGroup}
	return &Result{Object: obj, Table: t}
}

var indicatorColumns = []colSpec{{"id", KindString, ""}, {"aliases", KindString, ""}, {"name", KindString, ""}, {"unit", KindString, ""},
	{"polarity", KindInt, ""}, {"disaggregations", KindString, ""}, {"sources", KindString, ""},
	{"observations", KindInt, ""}, {"first_year", KindInt, ""}, {"last_year", KindInt, ""}}

func (s *Server) handleIndicators(r *request) (*Result, error) {
	source := r.str("source")
	var inFramework map[string]bool
	if fw := r.str("framework"); fw != "" {
		ids, err := frameworkIndicators(r.ds, fw)
		if err != nil {
			return nil, err
		}
		inFramework = map[string]bool{}
		for _, id := range ids {
			inFramework[id] = true
		}
	}
	t := newTable(indicatorColumns)
	w := newRowWriter(t)
	inds := append([]*pipeline.Indicator(nil), r.ds.Registry.Indicators...)
	sort.Slice(inds, func(i, j int) bool { return inds[i].ID < inds[j].ID })
	for _, ind := range inds {
		if source != "" && !contains(ind.Sources, source) {
			continue
		}
		if inFramework != nil && !inFramework[ind.ID] {
			continue
		}
		addIndicatorRow(w, r.ds.Store, ind)
	}
	return &Result{Table: t, Paged: true}, nil
}

// addIndicatorRow adds an indicator's row: registry fields, number of
// observations, first and last year (null without data).
func addIndicatorRow(w *rowWriter, s *pipeline.Store, ind *pipeline.Indicator) {
	w.str("id", ind.ID)
	w.str("aliases", strings.Join(ind.Aliases, ","))
	w.str("name", ind.Name)
	w.str("unit", ind.Unit)
	w.integer("polarity", ind.Polarity)
	w.str("disaggregations", strings.Join(ind.Disaggregations, ","))
	w.str("sources", strings.Join(ind.Sources, ","))
	w.integer("observations", s.Count(ind.ID))
	if years := s.Years(ind.ID); len(years) > 0 {
		w.integer("first_year", years[0])
		w.integer("last_year", years[len(years)-1])
	}
	w.end()
}

type indicatorDetail struct {
	*pipeline.Indicator
	Measure      *pipeline.Measure `json:"measure"`
	Observations int               `json:"observations"`
	Years        []int             `json:"years"`
}

func handleIndicator(r *request) (*Result, error) {
	id := r.param("id")
	ind, _, ok := r.ds.Registry.Lookup(id)
	if !ok {
		return nil, notFound(CodeUnknownIndicator, "unknown indicator %q (see /v1/indicators)", id)
	}
	years := r.ds.Store.Years(ind.ID)
	if years == nil {
		years = []int{}
	}
	t := newTable(indicatorColumns)
	addIndicatorRow(newRowWriter(t), r.ds.Store, ind)
	return &Result{Object: indicatorDetail{Indicator: ind, Measure: ind.Measure(), Observations: r.ds.Store.Count(ind.ID), Years: years}, Table: t}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
