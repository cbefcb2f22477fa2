package api

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline/dims"
)

// SDMX: DRI's data as the SDMX REST API (version 1.5, the one of SDMX 2.1)
// serves it, under /v1/sdmx:
//
//	GET /v1/sdmx/dataflow[/{agency}/{id}[/{version}]]        structure: SDMX-ML 2.1
//	GET /v1/sdmx/datastructure/{agency}/{id}[/{version}]
//	GET /v1/sdmx/data/{flow}[/{key}[/{provider}]]?startPeriod=&endPeriod=&lastNObservations=
//
// Two dataflows, agency DRI, version 1.0: DF_OBSERVATIONS (the canonical
// table: REF_AREA.INDICATOR then one position per breakdown of
// pipeline/dims, in its order) and DF_SCORES (REF_AREA.FRAMEWORK.NODE.
// SCORE_MEASURE, the measures VALUE, RANK and COVERAGE of each score, the
// tier an attribute). Their data structure definitions are built on every
// request from the dimension table (dims.All: a breakdown is a dimension of
// the key, the status an attribute), the reference units and groups, the
// indicator registry and the frameworks: nothing here lists a code.
//
// The data path answers through the handlers of /v1/data and /v1/scores:
// the key is turned into their parameters (KAZ+NGA.itu.internet_use.F..... is
// unit=KAZ,NGA&indicator=itu.internet_use&sex=F), so one filter
// implementation serves both. DRI's indicator ids and node codes hold a
// '.', which SDMX ids may not (and the key's separator): SDMX outputs spell
// them with '_' (sdmxCode: itu_internet_use), and a key takes either
// spelling; with DRI's, the one dimension of a flow whose codes may hold a
// '.' (INDICATOR, NODE) takes the key's extra segments (docs/DECISIONS.md,
// "SDMX and publisher codes").

const (
	sdmxAgency        = "DRI"
	sdmxVersion       = "1.0"
	sdmxConceptScheme = "CS_DRI"
	flowObservations  = "DF_OBSERVATIONS"
	flowScores        = "DF_SCORES"
)

// sdmxComponent is a dimension or attribute of a dataflow's structure.
type sdmxComponent struct {
	id       string // the component's and its concept's id (the SDMX-CSV column)
	name     string
	codelist string // the DRI code list of its codes ("": free text)
	// param is the parameter of /v1/data or /v1/scores its codes filter
	// (dimensions only).
	param string
	// dotted: the codes may hold '.' (DRI's indicator ids and node codes).
	dotted bool
	// dim is the dimension table's entry it comes from (nil: not from it).
	dim *dims.Dimension
}

// sdmxFlow is a dataflow with its data structure definition.
type sdmxFlow struct {
	id, dsd, name, description string
	dims                       []sdmxComponent // the key, in order; TIME_PERIOD follows
	attrs                      []sdmxComponent // attached to the observation
}

// sdmxFlows are DRI's dataflows, built from the dimension table.
func sdmxFlows() []*sdmxFlow {
	obs := &sdmxFlow{id: flowObservations, dsd: "DSD_OBSERVATIONS", name: "DRI observations",
		description: "The canonical observation table: one value per unit, year, indicator and breakdown, with its status, source and note.",
		dims: []sdmxComponent{
			{id: "REF_AREA", name: "Reference area (country, sub-national unit or group)", codelist: "CL_AREA", param: "unit"},
			{id: "INDICATOR", name: "Indicator (DRI registry id)", codelist: "CL_INDICATOR", param: "indicator", dotted: true},
		}}
	for _, d := range dims.All {
		c := sdmxComponent{id: d.Concept, name: conceptName(d), codelist: d.Codelist.ID, dim: d}
		if slices.Contains(dims.Breakdowns, d) {
			c.param = d.Column
			obs.dims = append(obs.dims, c)
		} else {
			obs.attrs = append(obs.attrs, c)
		}
	}
	obs.attrs = append(obs.attrs,
		sdmxComponent{id: "SOURCE", name: "Source (DRI catalogue id of the publisher's file)"},
		sdmxComponent{id: "COMMENT", name: "Note"})
	scores := &sdmxFlow{id: flowScores, dsd: "DSD_SCORES", name: "DRI scores",
		description: "Scores of every node of DRI's frameworks (composite indices, pillars, normalised indicators) by unit and year: the value on the framework's scale, the rank (1 = best) and the coverage (share of the node's indicators with data); the tier is an attribute of the value.",
		dims: []sdmxComponent{
			{id: "REF_AREA", name: "Reference area (country, sub-national unit or group)", codelist: "CL_AREA", param: "unit"},
			{id: "FRAMEWORK", name: "Framework", codelist: "CL_FRAMEWORK"},
			{id: "NODE", name: "Node of the framework's tree", codelist: "CL_NODE", param: "node", dotted: true},
			{id: "SCORE_MEASURE", name: "Measure of a score", codelist: "CL_SCORE_MEASURE"},
		},
		attrs: []sdmxComponent{{id: "TIER", name: "Tier (stage, group or class of the framework's scheme)"}, {id: "COMMENT", name: "Note"}},
	}
	return []*sdmxFlow{obs, scores}
}

// conceptName names a dimension's concept from its column: "Sex", "Area
// (URBANISATION)".
func conceptName(d *dims.Dimension) string {
	name := strings.ToUpper(d.Column[:1]) + d.Column[1:]
	if !strings.EqualFold(d.Column, d.Concept) {
		name += " (" + d.Concept + ")"
	}
	return name
}

// sdmxSpelled are the concepts whose codes are DRI's indicator ids and node
// codes, written in their SDMX spelling wherever SDMX is (code lists,
// SDMX-CSV, SDMX-JSON).
var sdmxSpelled = map[string]bool{"INDICATOR": true, "NODE": true}

// sdmxCode spells a DRI code as an SDMX id (IDType: letters, digits, _ @ $
// -): its '.' as '_'. Indicator ids cannot collide (their source part has
// no '_'); node codes could in principle (A.b and A_b), and sdmxDecoder
// keeps the first.
func sdmxCode(code string) string { return strings.ReplaceAll(code, ".", "_") }

// sdmxDecoder maps SDMX spellings back to DRI codes.
type sdmxDecoder map[string]string

func (d sdmxDecoder) add(code string) {
	if _, ok := d[sdmxCode(code)]; !ok {
		d[sdmxCode(code)] = code
	}
}

// decode returns the DRI code of an SDMX spelling, or the item as given
// (a DRI code, an alias, or an unknown code for the caller to report).
func (d sdmxDecoder) decode(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it
		if code, ok := d[it]; ok {
			out[i] = code
		}
	}
	return out
}

// Score measures of DF_SCORES: the column of /v1/scores each comes from.
var scoreMeasures = []struct{ code, name, column string }{
	{"VALUE", "Score on the framework's scale (indicator nodes: the normalised value)", "value"},
	{"RANK", "Rank among the units scored (1 = best, ties share the lowest)", "rank"},
	{"COVERAGE", "Share of the node's indicators with data (0 to 1)", "coverage"},
}

func sdmxFlowByID(id string) (*sdmxFlow, bool) {
	for _, f := range sdmxFlows() {
		if f.id == id {
			return f, true
		}
	}
	return nil, false
}

// codelists builds the DRI code lists, by id: the dimension table's, the
// units and groups of the reference, the registry's indicators, the
// frameworks and their nodes.
func (r *request) codelists() map[string]smlCodelist {
	out := map[string]smlCodelist{}
	add := func(id, name, desc string, codes []smlItem) {
		out[id] = smlCodelist{ID: id, AgencyID: sdmxAgency, Version: sdmxVersion, Name: english(name), Description: english(desc), Codes: codes}
	}
	for _, d := range dims.All {
		var codes []smlItem
		for _, c := range d.Codes() {
			codes = append(codes, smlItem{ID: c.ID, Name: english(c.Label)})
		}
		desc := "DRI's codes of " + d.Codelist.String() + " (the codes its sources publish)"
		if d.Enum() == nil {
			// An open dimension (age bands): its listed codes, then every
			// other code of the data.
			for _, c := range r.observedCodes(d.Column) {
				if !slices.ContainsFunc(codes, func(it smlItem) bool { return it.ID == c }) {
					codes = append(codes, smlItem{ID: c, Name: english(c)})
				}
			}
			desc += "; open: the codes in the data"
		}
		add(d.Codelist.ID, conceptName(d), desc, codes)
	}
	var units []smlItem
	for _, u := range r.ds.Reference.Units() {
		units = append(units, smlItem{ID: u.Code, Name: english(u.Name), Description: english(u.Type)})
	}
	for _, g := range r.ds.Reference.Groups() {
		units = append(units, smlItem{ID: g.Code, Name: english(g.Name), Description: english("group: " + g.Kind)})
	}
	add("CL_AREA", "Units and groups", "ISO 3166-1 alpha-3 countries and territories, ISO 3166-2 sub-national units, DRI's group codes (WLD, LDC, M49 regions, income groups)", units)
	var inds []smlItem
	for _, ind := range r.ds.Registry.Indicators {
		desc := ind.Definition
		if m := ind.Measure(); m != nil {
			desc += " Unit of measure: " + m.Name + "."
		}
		if len(ind.Aliases) > 0 {
			desc += " Publishers' codes: " + strings.Join(ind.Aliases, ", ") + "."
		}
		desc = "DRI id " + ind.ID + ". " + desc
		inds = append(inds, smlItem{ID: sdmxCode(ind.ID), Name: english(ind.Name), Description: english(desc)})
	}
	add("CL_INDICATOR", "Indicators", "DRI's indicator registry (datasets/indicators.yaml)", inds)
	var measures []smlItem
	for _, m := range scoreMeasures {
		measures = append(measures, smlItem{ID: m.code, Name: english(m.name)})
	}
	add("CL_SCORE_MEASURE", "Measures of a score", "", measures)
	var fws, nodes []smlItem
	if r.ds.Scores != nil {
		for _, id := range r.ds.Scores.Frameworks() {
			f, _ := r.ds.Scores.Framework(id)
			fws = append(fws, smlItem{ID: f.ID, Name: english(f.Name)})
			for _, n := range f.Nodes() {
				if !slices.ContainsFunc(nodes, func(it smlItem) bool { return it.ID == sdmxCode(n.Code) }) {
					name := n.Name
					if name == "" {
						name = n.Indicator
					}
					nodes = append(nodes, smlItem{ID: sdmxCode(n.Code), Name: english(name), Description: english("DRI code " + n.Code)})
				}
			}
		}
	}
	add("CL_FRAMEWORK", "Frameworks", "DRI's scoring frameworks (datasets/frameworks)", fws)
	add("CL_NODE", "Nodes of the frameworks", "Every node code of every framework (a code used by two frameworks is listed once, with the first one's name)", nodes)
	return out
}

// observedCodes returns the codes of a coded column of the observation
// table (its Arrow dictionary), sorted.
func (r *request) observedCodes(column string) []string {
	rec := r.ds.Store.Record()
	if rec == nil {
		return nil
	}
	idx := rec.Schema().FieldIndices(column)
	if len(idx) == 0 {
		return nil
	}
	d, ok := rec.Column(idx[0]).(*array.Dictionary)
	if !ok {
		return nil
	}
	vals, ok := d.Dictionary().(*array.String)
	if !ok {
		return nil
	}
	out := make([]string, 0, vals.Len())
	for i := 0; i < vals.Len(); i++ {
		out = append(out, vals.Value(i))
	}
	sort.Strings(out)
	return out
}

func conceptRef(id string) smlRefTo {
	return smlRefTo{Ref: smlRef{ID: id, MaintainableParentID: sdmxConceptScheme, MaintainableParentVersion: sdmxVersion,
		AgencyID: sdmxAgency, Package: "conceptscheme", Class: "Concept"}}
}

func codelistRef(id string) *smlRepresentation {
	return &smlRepresentation{Enumeration: &smlRefTo{Ref: smlRef{ID: id, AgencyID: sdmxAgency, Version: sdmxVersion,
		Package: "codelist", Class: "Codelist"}}}
}

// dataStructure is a flow's data structure definition.
func (f *sdmxFlow) dataStructure() smlDataStructure {
	dsd := smlDataStructure{ID: f.dsd, AgencyID: sdmxAgency, Version: sdmxVersion, Name: english(f.name)}
	c := &dsd.Components
	c.Dimensions.ID, c.Attributes.ID, c.Measures.ID = "DimensionDescriptor", "AttributeDescriptor", "MeasureDescriptor"
	for i, d := range f.dims {
		c.Dimensions.Dimensions = append(c.Dimensions.Dimensions, smlComponent{ID: d.id, Position: i + 1,
			Concept: conceptRef(d.id), Representation: codelistRef(d.codelist)})
	}
	c.Dimensions.Time = smlComponent{ID: "TIME_PERIOD", Position: len(f.dims) + 1, Concept: conceptRef("TIME_PERIOD"),
		Representation: &smlRepresentation{TextFormat: &smlTextFormat{TextType: "ObservationalTimePeriod"}}}
	for _, a := range f.attrs {
		comp := smlComponent{ID: a.id, AssignmentStatus: "Conditional", Concept: conceptRef(a.id),
			Relationship: &smlRelationship{PrimaryMeasure: &smlRefTo{Ref: smlRef{ID: "OBS_VALUE"}}}}
		if a.codelist != "" {
			comp.Representation = codelistRef(a.codelist)
		} else {
			comp.Representation = &smlRepresentation{TextFormat: &smlTextFormat{TextType: "String"}}
		}
		c.Attributes.Attributes = append(c.Attributes.Attributes, comp)
	}
	c.Measures.Primary = smlComponent{ID: "OBS_VALUE", Concept: conceptRef("OBS_VALUE"),
		Representation: &smlRepresentation{TextFormat: &smlTextFormat{TextType: "Double"}}}
	return dsd
}

func (f *sdmxFlow) dataflow() smlDataflow {
	return smlDataflow{ID: f.id, AgencyID: sdmxAgency, Version: sdmxVersion, Name: english(f.name), Description: english(f.description),
		Structure: smlRefTo{Ref: smlRef{ID: f.dsd, AgencyID: sdmxAgency, Version: sdmxVersion, Package: "datastructure", Class: "DataStructure"}}}
}

// structureMessage is the SDMX-ML message of flows: their dataflows and,
// with their references, their structures, code lists and concepts.
func (r *request) structureMessage(flows []*sdmxFlow, withDataflows, withReferences bool) *smlStructure {
	m := &smlStructure{Header: smlHeader{ID: "DRI-" + r.ds.ID, Prepared: r.ds.Created.UTC().Format(time.RFC3339), Sender: smlSender{ID: sdmxAgency}}}
	st := &m.Structures
	if withDataflows {
		st.Dataflows = &smlDataflows{}
		for _, f := range flows {
			st.Dataflows.Items = append(st.Dataflows.Items, f.dataflow())
		}
	}
	if !withReferences && withDataflows {
		return m
	}
	st.DataStructures = &smlDataStructures{}
	for _, f := range flows {
		st.DataStructures.Items = append(st.DataStructures.Items, f.dataStructure())
	}
	if !withReferences {
		return m
	}
	lists := r.codelists()
	st.Codelists = &smlCodelists{}
	scheme := smlConceptScheme{ID: sdmxConceptScheme, AgencyID: sdmxAgency, Version: sdmxVersion, Name: english("DRI concepts")}
	seenList, seenConcept := map[string]bool{}, map[string]bool{}
	concept := func(id, name string) {
		if !seenConcept[id] {
			seenConcept[id] = true
			scheme.Concepts = append(scheme.Concepts, smlConcept{ID: id, Name: english(name)})
		}
	}
	for _, f := range flows {
		for _, c := range append(slices.Clone(f.dims), f.attrs...) {
			concept(c.id, c.name)
			if c.codelist != "" && !seenList[c.codelist] {
				seenList[c.codelist] = true
				st.Codelists.Items = append(st.Codelists.Items, lists[c.codelist])
			}
		}
		concept("TIME_PERIOD", "Time period (year)")
		concept("OBS_VALUE", "Observation value")
	}
	st.Concepts = &smlConcepts{Items: []smlConceptScheme{scheme}}
	return m
}

var sdmxStructureParams = []paramSpec{
	{name: "references", typ: "string", desc: "none: the object alone; parents, parentsandsiblings, children, descendants or all (DRI's default): with its data structure, code lists and concepts",
		enum: []string{"none", "parents", "parentsandsiblings", "children", "descendants", "all"}},
	{name: "detail", typ: "string", desc: "full (the only detail served)", enum: []string{"full"}},
}

var sdmxDataParams = []paramSpec{
	{name: "startPeriod", typ: "string", desc: "first period: a year (2015) or an SDMX period of it (2015-01, 2015-Q1, 2015-01-01): annual data from that year on"},
	{name: "endPeriod", typ: "string", desc: "last period: a year or an SDMX period of it"},
	{name: "lastNObservations", typ: "integer", desc: "each series' N most recent observations (DF_OBSERVATIONS: /v1/data's mrnev); DF_SCORES: the N most recent years scored"},
}

func (s *Server) registerSDMXRoutes() {
	structure := func(path, summary string, h handlerFunc) {
		s.add(&route{method: "GET", path: path, summary: summary, params: sdmxStructureParams, cacheable: true, structure: true,
			defaultFormat: FormatSDMXML, handler: h, dataSchema: objectSchema})
	}
	structure("/v1/sdmx/dataflow", "SDMX: every dataflow with its data structure definition, code lists and concepts (SDMX-ML 2.1 structure message)", handleSDMXDataflow)
	structure("/v1/sdmx/dataflow/:agency/:id", "SDMX: a dataflow (DF_OBSERVATIONS, DF_SCORES) with its data structure definition, code lists and concepts", handleSDMXDataflow)
	structure("/v1/sdmx/dataflow/:agency/:id/:version", "SDMX: a dataflow of a version (1.0, latest)", handleSDMXDataflow)
	structure("/v1/sdmx/datastructure/:agency/:id", "SDMX: a data structure definition (DSD_OBSERVATIONS, DSD_SCORES) with its code lists and concepts", handleSDMXDataStructure)
	structure("/v1/sdmx/datastructure/:agency/:id/:version", "SDMX: a data structure definition of a version", handleSDMXDataStructure)
	data := func(path, summary string) {
		s.add(&route{method: "GET", path: path, summary: summary, params: sdmxDataParams, cacheable: true, sdmx: true,
			defaultFormat: FormatSDMX, handler: handleSDMXData,
			// /v1/data's rows (DF_OBSERVATIONS) or DF_SCORES' observations.
			dataSchema: map[string]any{"oneOf": []any{tableSchema(dataColumns), tableSchema(sdmxScoreColumns)}},
			extraResponses: map[string]string{
				"429": "DF_SCORES: this client already has its share of the expensive requests running or waiting (Retry-After)",
				"503": "DF_SCORES: every worker is busy and the queue is full (Retry-After), or no snapshot is loaded",
				"504": "DF_SCORES: the scores did not finish within the request's deadline (ask for fewer frameworks or years)"}})
	}
	data("/v1/sdmx/data/:flow", "SDMX: every observation of a dataflow (SDMX-CSV 2.0 unless another format is asked for)")
	data("/v1/sdmx/data/:flow/:key", "SDMX: the observations of a dataflow matching a key such as KEN+NGA.itu.internet_use.F..... (positions separated by '.', codes by '+', empty = all; one position per dimension)")
	data("/v1/sdmx/data/:flow/:key/:provider", "SDMX: as without the provider, which must be all (DRI is the one provider)")
}

// handlerFunc is a route's handler.
type handlerFunc = func(*request) (*Result, error)

// structureVersion checks the agency and version path segments.
func structureVersion(r *request) error {
	if a := r.param("agency"); a != sdmxAgency && a != "all" && a != "*" {
		return notFound(CodeNotFound, "unknown agency %q: DRI's structures are maintained by DRI", a)
	}
	switch v := r.param("version"); v {
	case "", sdmxVersion, "latest", "+", "~", "*", "all":
	default:
		return notFound(CodeNotFound, "no version %q: DRI's structures are version %s", v, sdmxVersion)
	}
	return nil
}

// checkStructureQuery checks references and detail against the values
// the SDMX REST API defines (the route table lists them for OpenAPI).
func checkStructureQuery(r *request) error {
	for _, p := range sdmxStructureParams {
		if v := r.str(p.name); v != "" && !slices.Contains(p.enum, v) {
			return badParam(p.name, "%q: want %s", v, strings.Join(p.enum, ", "))
		}
	}
	return nil
}

func handleSDMXDataflow(r *request) (*Result, error) {
	if err := checkStructureQuery(r); err != nil {
		return nil, err
	}
	flows := sdmxFlows()
	if id := r.param("id"); id != "" {
		if err := structureVersion(r); err != nil {
			return nil, err
		}
		if id != "all" && id != "*" {
			f, ok := sdmxFlowByID(id)
			if !ok {
				return nil, notFound(CodeNotFound, "unknown dataflow %q (have %s, %s)", id, flowObservations, flowScores)
			}
			flows = []*sdmxFlow{f}
		}
	}
	return structureResult(r, r.structureMessage(flows, true, r.str("references") != "none"))
}

func handleSDMXDataStructure(r *request) (*Result, error) {
	if err := checkStructureQuery(r); err != nil {
		return nil, err
	}
	if err := structureVersion(r); err != nil {
		return nil, err
	}
	flows := sdmxFlows()
	if id := r.param("id"); id != "all" && id != "*" {
		i := slices.IndexFunc(flows, func(f *sdmxFlow) bool { return f.dsd == id })
		if i < 0 {
			return nil, notFound(CodeNotFound, "unknown data structure %q (have DSD_OBSERVATIONS, DSD_SCORES)", id)
		}
		flows = flows[i : i+1]
	}
	return structureResult(r, r.structureMessage(flows, false, r.str("references") != "none"))
}

func structureResult(r *request, m *smlStructure) (*Result, error) {
	body, err := marshalSDMXML(m)
	if err != nil {
		return nil, err
	}
	return &Result{Object: m, SDMXML: body}, nil
}

// parseSDMXKey splits a key into one list of codes per dimension of the
// flow ("all" or "" is every position empty). Positions are separated by
// '.', codes within one by '+'; the flow's dotted dimension takes the
// segments beyond the key's length, since only its codes hold a '.'.
func parseSDMXKey(key string, f *sdmxFlow) ([][]string, error) {
	out := make([][]string, len(f.dims))
	if key == "" || key == "all" {
		return out, nil
	}
	parts := strings.Split(key, ".")
	names := make([]string, len(f.dims))
	for i, d := range f.dims {
		names[i] = d.id
	}
	if extra := len(parts) - len(f.dims); extra < 0 {
		return nil, fmt.Errorf("key %q has %d positions; %s has %d: %s", key, len(parts), f.id, len(f.dims), strings.Join(names, "."))
	} else if extra > 0 {
		i := slices.IndexFunc(f.dims, func(d sdmxComponent) bool { return d.dotted })
		parts = slices.Concat(parts[:i], []string{strings.Join(parts[i:i+extra+1], ".")}, parts[i+extra+1:])
	}
	for i, p := range parts {
		for _, code := range strings.Split(p, "+") {
			if code = strings.TrimSpace(code); code != "" && !slices.Contains(out[i], code) {
				out[i] = append(out[i], code)
			}
		}
	}
	return out, nil
}

// sdmxFlowRef reads a data path's flow: DF_X, DRI,DF_X or DRI,DF_X,1.0.
func sdmxFlowRef(ref string) (*sdmxFlow, error) {
	parts := strings.Split(ref, ",")
	id := parts[0]
	if len(parts) > 1 {
		if parts[0] != sdmxAgency && parts[0] != "all" {
			return nil, notFound(CodeNotFound, "unknown agency %q in %q", parts[0], ref)
		}
		id = parts[1]
	}
	if len(parts) > 2 && parts[2] != sdmxVersion && parts[2] != "latest" {
		return nil, notFound(CodeNotFound, "no version %q of %s (have %s)", parts[2], id, sdmxVersion)
	}
	f, ok := sdmxFlowByID(id)
	if !ok || len(parts) > 3 {
		return nil, notFound(CodeNotFound, "unknown dataflow %q (have %s, %s)", ref, flowObservations, flowScores)
	}
	return f, nil
}

// sdmxPeriod is an SDMX reporting period: a year, a month or day of it
// (ISO 8601) or a period of SDMX's basic time periods (2015-Q1, 2015-S2,
// 2015-W05, 2015-M06, 2015-D123).
var sdmxPeriod = regexp.MustCompile(`^(\d{4})(-((0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|Q[1-4]|S[12]|W(0[1-9]|[1-4]\d|5[0-3])|M(0[1-9]|1[0-2])|D(00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])))?$`)

// sdmxYear reads startPeriod or endPeriod: the year of an SDMX period (0
// when absent).
func sdmxYear(r *request, name string) int {
	v := r.str(name)
	if v == "" {
		return 0
	}
	m := sdmxPeriod.FindStringSubmatch(v)
	if m == nil {
		r.errs.add(name, "%q: want a year (2015) or an SDMX period of one (2015-06, 2015-Q2, 2015-06-30)", v)
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	return y
}

func handleSDMXData(r *request) (*Result, error) {
	f, err := sdmxFlowRef(r.param("flow"))
	if err != nil {
		return nil, err
	}
	if p := r.param("provider"); p != "" && p != "all" && p != sdmxAgency {
		return nil, notFound(CodeNotFound, "unknown data provider %q: DRI is the one provider (use all)", p)
	}
	key, err := parseSDMXKey(r.param("key"), f)
	if err != nil {
		return nil, newProblem(http.StatusBadRequest, CodeBadParameter, err.Error(), ParamError{Param: "key", In: "path", Message: err.Error()})
	}
	from, to := sdmxYear(r, "startPeriod"), sdmxYear(r, "endPeriod")
	if from != 0 && to != 0 && from > to {
		r.errs.add("endPeriod", "%d is before startPeriod %d", to, from)
	}
	lastN := r.integer("lastNObservations", 0, 1, 100)
	if p := r.errs.problem(); p != nil {
		return nil, p
	}
	var res *Result
	if f.id == flowObservations {
		res, err = sdmxObservationData(r, f, key, from, to, lastN)
	} else {
		res, err = sdmxScoreData(r, key, from, to, lastN)
	}
	if err != nil {
		return nil, keyProblem(err, f)
	}
	res.Paged = false
	if res.Meta == nil {
		res.Meta = map[string]any{}
	}
	res.Meta["dataflow"] = sdmxAgency + ":" + f.id + "(" + sdmxVersion + ")"
	if r.format == FormatSDMXJSON {
		if res.SDMXJSON, err = r.sdmxJSON(f, res.Table); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// keyProblem reports a problem with a parameter of /v1/data or /v1/scores
// that a key position became as a problem with that position of the key.
func keyProblem(err error, f *sdmxFlow) error {
	p, ok := err.(*Problem)
	if !ok {
		return err
	}
	for i, e := range p.Errors {
		for _, d := range f.dims {
			if d.param != "" && e.Param == d.param {
				p.Errors[i] = ParamError{Param: "key", In: "path", Message: d.id + ": " + e.Message}
			}
		}
	}
	return p
}

// subRequest is r with other query parameters (a route's own, parsed), for
// calling another route's handler.
func (r *request) subRequest(params []paramSpec, values map[string][]string) *request {
	return &request{s: r.s, c: r.c, ds: r.ds, q: &query{kinds: routeKinds(&route{params: params}), values: values}}
}

// sdmxObservationData answers DF_OBSERVATIONS through /v1/data's handler.
func sdmxObservationData(r *request, f *sdmxFlow, key [][]string, from, to, lastN int) (*Result, error) {
	values := map[string][]string{}
	sub := r.subRequest(dataParams, values)
	for i, d := range f.dims {
		if len(key[i]) == 0 {
			continue
		}
		if _, ok := sub.q.kinds[d.param]; !ok {
			return nil, badParam("key", "%s: /v1/data has no %s filter", d.id, d.param)
		}
		values[d.param] = key[i]
	}
	if len(values["indicator"]) == 0 {
		values["indicator"] = r.ds.Store.Indicators()
	} else {
		ids := sdmxDecoder{}
		for _, id := range r.ds.Registry.IDs() {
			ids.add(id)
		}
		values["indicator"] = ids.decode(values["indicator"])
	}
	if from != 0 || to != 0 {
		values["date"] = []string{yearOrEmpty(from) + ":" + yearOrEmpty(to)}
	}
	if lastN > 0 {
		values["mrnev"] = []string{strconv.Itoa(lastN)}
	}
	return handleData(sub)
}

func yearOrEmpty(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// sdmxScoreData answers DF_SCORES through /v1/scores' handler: each framework
// of the key, each year it scores in the period, three observations per
// score row. Every framework in every year is 1.6 million observations
// (seconds of work), so it runs in the admission pool like the other
// expensive requests: one client cannot hold the cores.
func sdmxScoreData(r *request, key [][]string, from, to, lastN int) (*Result, error) {
	var res *Result
	err := r.expensive(func(ctx context.Context) error {
		var err error
		res, err = scoreObservations(ctx, r, key, from, to, lastN)
		return err
	})
	return res, err
}

func scoreObservations(ctx context.Context, r *request, key [][]string, from, to, lastN int) (*Result, error) {
	sc, err := scorer(r)
	if err != nil {
		return nil, err
	}
	frameworks := key[1]
	if len(frameworks) == 0 {
		frameworks = sc.Frameworks()
	}
	for _, m := range key[3] {
		if !slices.ContainsFunc(scoreMeasures, func(s struct{ code, name, column string }) bool { return s.code == m }) {
			return nil, badParam("key", "SCORE_MEASURE: unknown measure %q (want VALUE, RANK or COVERAGE)", m)
		}
	}
	out := newTable(sdmxScoreColumns)
	found := map[string]bool{} // nodes of the key some framework has
	for _, id := range frameworks {
		fw, ok := sc.Framework(id)
		if !ok {
			return nil, badParam("key", "FRAMEWORK: unknown framework %q (have %s)", id, strings.Join(sc.Frameworks(), ", "))
		}
		// The key's nodes of this framework; one with none of them has no
		// observation in the key.
		codes := sdmxDecoder{}
		for _, n := range fw.Nodes() {
			codes.add(n.Code)
		}
		var nodes []string
		for i, code := range codes.decode(key[2]) {
			if _, ok := fw.Node(code); ok || (fw.Kind == indicators.KindGender && code == "WIS") {
				found[key[2][i]] = true
				nodes = append(nodes, code)
			}
		}
		if len(key[2]) > 0 && len(nodes) == 0 {
			continue
		}
		var years []int
		for _, y := range scoredYears(sc, fw) {
			if (from == 0 || y >= from) && (to == 0 || y <= to) {
				years = append(years, y)
			}
		}
		if lastN > 0 && len(years) > lastN {
			years = years[len(years)-lastN:]
		}
		for _, y := range years {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			values := map[string][]string{"year": {strconv.Itoa(y)}}
			if len(key[0]) > 0 {
				values["unit"] = key[0]
			}
			if len(nodes) > 0 {
				values["node"] = nodes
			}
			res, err := scoresResult(r.subRequest(scoreParams, values), fw.ID)
			if err != nil {
				return nil, err
			}
			appendScoreObservations(out, res.Table, fw.ID, key[3])
		}
	}
	for _, code := range key[2] {
		if !found[code] {
			return nil, badParam("key", "NODE: no framework of the key has a node %q", code)
		}
	}
	return &Result{Table: out, SDMXID: sdmxScores, Meta: map[string]any{"frameworks": frameworks}}, nil
}

// sdmxScoreColumns are DF_SCORES' observations as a table.
var sdmxScoreColumns = []colSpec{
	{"unit", KindString, "REF_AREA"}, {"unit_name", KindString, ""}, {"type", KindString, ""},
	{"framework", KindString, "FRAMEWORK"}, {"node", KindString, "NODE"}, {"measure", KindString, "SCORE_MEASURE"},
	{"year", KindInt, "TIME_PERIOD"}, {"value", KindFloat, "OBS_VALUE"}, {"tier", KindString, "TIER"}, {"note", KindString, "COMMENT"},
}

// appendScoreObservations adds the observations of a /v1/scores table (one
// row per unit and node) to a DF_SCORES table: VALUE, RANK and COVERAGE
// where they are not missing (only the measures listed, when any), the
// tier and note on VALUE.
func appendScoreObservations(out, scores *Table, framework string, measures []string) {
	col := func(t *Table, name string) *Col {
		for _, c := range t.Cols {
			if c.Name == name {
				return c
			}
		}
		panic("api: no column " + name)
	}
	w := newRowWriter(out)
	unit, name, typ, node, year := col(scores, "unit"), col(scores, "unit_name"), col(scores, "type"), col(scores, "node"), col(scores, "year")
	tier, note := col(scores, "tier"), col(scores, "note")
	for i := 0; i < scores.Len(); i++ {
		for _, m := range scoreMeasures {
			if len(measures) > 0 && !slices.Contains(measures, m.code) {
				continue
			}
			c := col(scores, m.column)
			if c.IsNull(i) {
				continue
			}
			w.str("unit", unit.S[i])
			w.str("unit_name", name.S[i])
			w.str("type", typ.S[i])
			w.str("framework", framework)
			w.str("node", node.S[i])
			w.str("measure", m.code)
			w.integer("year", int(year.I[i]))
			if c.Kind == KindInt {
				w.float("value", float64(c.I[i]))
			} else {
				w.float("value", c.F[i])
			}
			if m.code == "VALUE" {
				w.str("tier", tier.S[i])
				w.str("note", note.S[i])
			}
			w.end()
		}
	}
}
