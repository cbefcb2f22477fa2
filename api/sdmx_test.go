package api_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dri-engine/dri/pipeline/dims"
)

// The parts of an SDMX-ML 2.1 structure message the tests read (local
// names: the decoder matches them in any namespace).
type smlTestRef struct {
	ID string `xml:"id,attr"`
}

type smlTestComponent struct {
	ID       string     `xml:"id,attr"`
	Position int        `xml:"position,attr"`
	Codelist smlTestRef `xml:"LocalRepresentation>Enumeration>Ref"`
	Concept  smlTestRef `xml:"ConceptIdentity>Ref"`
}

type smlTestCode struct {
	ID   string `xml:"id,attr"`
	Name string `xml:"Name"`
}

type smlTestCodelist struct {
	ID    string        `xml:"id,attr"`
	Codes []smlTestCode `xml:"Code"`
}

type smlTestDSD struct {
	ID         string             `xml:"id,attr"`
	Dimensions []smlTestComponent `xml:"DataStructureComponents>DimensionList>Dimension"`
	Time       smlTestComponent   `xml:"DataStructureComponents>DimensionList>TimeDimension"`
	Attributes []smlTestComponent `xml:"DataStructureComponents>AttributeList>Attribute"`
	Measure    smlTestComponent   `xml:"DataStructureComponents>MeasureList>PrimaryMeasure"`
}

type smlTestMessage struct {
	XMLName   xml.Name
	Dataflows []struct {
		ID        string     `xml:"id,attr"`
		Structure smlTestRef `xml:"Structure>Ref"`
	} `xml:"Structures>Dataflows>Dataflow"`
	Codelists []smlTestCodelist `xml:"Structures>Codelists>Codelist"`
	Concepts  []smlTestRef      `xml:"Structures>Concepts>ConceptScheme>Concept"`
	DSDs      []smlTestDSD      `xml:"Structures>DataStructures>DataStructure"`
}

// obsKey is a DF_OBSERVATIONS key: the positions given, then every other
// position empty (the key has one position per breakdown of pipeline/dims).
func obsKey(positions ...string) string {
	for len(positions) < 2+len(dims.Breakdowns) {
		positions = append(positions, "")
	}
	return strings.Join(positions, ".")
}

func structureMessage(t *testing.T, h http.Handler, target string) smlTestMessage {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/vnd.sdmx.structure+xml") {
		t.Fatalf("GET %s: %d %s %.300s", target, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var m smlTestMessage
	if err := xml.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	if m.XMLName.Space != "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" || m.XMLName.Local != "Structure" {
		t.Fatalf("GET %s: root %v, want the SDMX 2.1 message namespace's Structure", target, m.XMLName)
	}
	return m
}

func (m smlTestMessage) codelist(id string) (smlTestCodelist, bool) {
	i := slices.IndexFunc(m.Codelists, func(c smlTestCodelist) bool { return c.ID == id })
	if i < 0 {
		return smlTestCodelist{}, false
	}
	return m.Codelists[i], true
}

// TestSDMXStructureIsTheDimensionTable: DF_OBSERVATIONS' structure has, for
// every dimension of pipeline/dims (a breakdown a dimension of the key, in
// the table's order, the status an attribute), a code list whose codes and
// names are the table's; a dimension added there is checked here without a
// change to this test.
func TestSDMXStructureIsTheDimensionTable(t *testing.T) {
	ds := testDataset(t)
	h := testServer(t).Handler()
	m := structureMessage(t, h, "/v1/sdmx/dataflow/DRI/DF_OBSERVATIONS/1.0")
	if len(m.Dataflows) != 1 || m.Dataflows[0].ID != "DF_OBSERVATIONS" || len(m.DSDs) != 1 || m.Dataflows[0].Structure.ID != m.DSDs[0].ID {
		t.Fatalf("dataflows %+v, structures %d: want DF_OBSERVATIONS and its DSD", m.Dataflows, len(m.DSDs))
	}
	dsd := m.DSDs[0]
	wantKey := []string{"REF_AREA", "INDICATOR"}
	for _, d := range dims.Breakdowns {
		wantKey = append(wantKey, d.Concept)
	}
	var gotKey []string
	for i, c := range dsd.Dimensions {
		gotKey = append(gotKey, c.ID)
		if c.Position != i+1 {
			t.Errorf("dimension %s at position %d, want %d", c.ID, c.Position, i+1)
		}
	}
	if diff := cmp.Diff(wantKey, gotKey); diff != "" {
		t.Errorf("key dimensions (-want +got):\n%s", diff)
	}
	if dsd.Time.ID != "TIME_PERIOD" || dsd.Measure.ID != "OBS_VALUE" {
		t.Errorf("time dimension %q, measure %q; want TIME_PERIOD, OBS_VALUE", dsd.Time.ID, dsd.Measure.ID)
	}
	for _, d := range dims.All {
		components := dsd.Attributes
		if slices.Contains(dims.Breakdowns, d) {
			components = dsd.Dimensions
		}
		i := slices.IndexFunc(components, func(c smlTestComponent) bool { return c.ID == d.Concept })
		if i < 0 {
			t.Errorf("%s: no component %s", d.Column, d.Concept)
			continue
		}
		if got := components[i].Codelist.ID; got != d.Codelist.ID {
			t.Errorf("%s: component %s takes code list %s, want %s", d.Column, d.Concept, got, d.Codelist.ID)
		}
		cl, ok := m.codelist(d.Codelist.ID)
		if !ok {
			t.Errorf("%s: no code list %s in the message", d.Column, d.Codelist.ID)
			continue
		}
		var want []smlTestCode
		for _, c := range d.Codes() {
			want = append(want, smlTestCode{ID: c.ID, Name: c.Label})
		}
		got := cl.Codes
		if d.Enum() == nil { // open (age bands): the listed codes first, then the data's
			if len(got) < len(want) {
				t.Errorf("%s: %d codes, fewer than the %d listed", d.Column, len(got), len(want))
				continue
			}
			for _, c := range got[len(want):] {
				if !d.Valid(c.ID) {
					t.Errorf("%s: code %s is not a code of the dimension", d.Column, c.ID)
				}
			}
			got = got[:len(want)]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: code list %s (-dims table +structure):\n%s", d.Column, d.Codelist.ID, diff)
		}
	}
	// Every age band of the data is in the open age list.
	cl, _ := m.codelist(dims.Age.Codelist.ID)
	for i := 0; i < ds.Store.Len(); i++ {
		age := ds.Store.Age(i)
		if !slices.ContainsFunc(cl.Codes, func(c smlTestCode) bool { return c.ID == age }) {
			t.Fatalf("row %d: age %s not in %s", i, age, cl.ID)
		}
	}
	// The indicator list is the registry, in SDMX spelling (itu_internet_use:
	// SDMX ids hold no '.'), the area list has units and groups.
	ind, _ := m.codelist("CL_INDICATOR")
	var ids, want []string
	for _, c := range ind.Codes {
		ids = append(ids, c.ID)
	}
	for _, id := range ds.Registry.IDs() {
		want = append(want, strings.ReplaceAll(id, ".", "_"))
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("CL_INDICATOR (-registry +structure):\n%s", diff)
	}
	area, _ := m.codelist("CL_AREA")
	for _, code := range []string{"KEN", "NGA", "LDC", "WLD"} {
		if !slices.ContainsFunc(area.Codes, func(c smlTestCode) bool { return c.ID == code }) {
			t.Errorf("CL_AREA lacks %s", code)
		}
	}
	// Every concept a component names is in the concept scheme.
	for _, c := range slices.Concat(dsd.Dimensions, dsd.Attributes, []smlTestComponent{dsd.Time, dsd.Measure}) {
		if !slices.ContainsFunc(m.Concepts, func(r smlTestRef) bool { return r.ID == c.Concept.ID }) {
			t.Errorf("component %s: concept %s not in the message", c.ID, c.Concept.ID)
		}
	}
}

// TestSDMXScoresStructure: DF_SCORES has framework, node and measure
// dimensions; its frameworks are the engine's.
func TestSDMXScoresStructure(t *testing.T) {
	h := testServer(t).Handler()
	m := structureMessage(t, h, "/v1/sdmx/datastructure/DRI/DSD_SCORES?references=children")
	if len(m.DSDs) != 1 || len(m.Dataflows) != 0 {
		t.Fatalf("%d structures, %d dataflows; want DSD_SCORES alone", len(m.DSDs), len(m.Dataflows))
	}
	var key []string
	for _, c := range m.DSDs[0].Dimensions {
		key = append(key, c.ID)
	}
	if diff := cmp.Diff([]string{"REF_AREA", "FRAMEWORK", "NODE", "SCORE_MEASURE"}, key); diff != "" {
		t.Errorf("DF_SCORES key (-want +got):\n%s", diff)
	}
	fw, _ := m.codelist("CL_FRAMEWORK")
	var ids []string
	for _, c := range fw.Codes {
		ids = append(ids, c.ID)
	}
	if diff := cmp.Diff(testDataset(t).Scores.Frameworks(), ids); diff != "" {
		t.Errorf("CL_FRAMEWORK (-engine +structure):\n%s", diff)
	}
	all := structureMessage(t, h, "/v1/sdmx/dataflow")
	if len(all.Dataflows) != 2 || len(all.DSDs) != 2 {
		t.Errorf("/v1/sdmx/dataflow: %d dataflows, %d structures; want 2 and 2", len(all.Dataflows), len(all.DSDs))
	}
	none := structureMessage(t, h, "/v1/sdmx/dataflow/DRI/DF_SCORES?references=none")
	if len(none.Dataflows) != 1 || len(none.DSDs)+len(none.Codelists) != 0 {
		t.Errorf("references=none: %d dataflows, %d structures, %d code lists; want the dataflow alone", len(none.Dataflows), len(none.DSDs), len(none.Codelists))
	}
	rec := get(t, h, "/v1/sdmx/dataflow/DRI/DF_SCORES?format=json")
	var body struct {
		Data struct {
			Structures struct {
				Dataflows struct {
					Dataflow []struct{ ID string } `json:"dataflow"`
				} `json:"dataflows"`
			} `json:"structures"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Data.Structures.Dataflows.Dataflow) != 1 {
		t.Errorf("format=json: %v %.300s", err, rec.Body)
	}
	for target, status := range map[string]int{
		"/v1/sdmx/dataflow/DRI/DF_NOPE":       404,
		"/v1/sdmx/dataflow/ECB/DF_SCORES":     404,
		"/v1/sdmx/dataflow/DRI/DF_SCORES/2.0": 404,
		"/v1/sdmx/datastructure/DRI/DSD_NOPE": 404,
		"/v1/sdmx/dataflow?references=sons":   400,
	} {
		if rec := get(t, h, target); rec.Code != status {
			t.Errorf("GET %s: %d, want %d", target, rec.Code, status)
		}
	}
}

// TestSDMXDataIsV1Data: the data path answers what /v1/data answers for
// the same filter, in every format, the key naming indicators by id or by
// a publisher's code.
func TestSDMXDataIsV1Data(t *testing.T) {
	h := testServer(t).Handler()
	for _, c := range []struct{ sdmx, v1 string }{
		{"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("KAZ+NGA", "itu.internet_use", "F") + "?startPeriod=2015&endPeriod=2022",
			"/v1/data?indicator=itu.internet_use&unit=KAZ,NGA&sex=F&date=2015:2022"},
		{"/v1/sdmx/data/DRI,DF_OBSERVATIONS,1.0/" + obsKey("KAZ+NGA", "IT.NET.USER.ZS", "F") + "/all?startPeriod=2015&endPeriod=2022",
			"/v1/data?indicator=itu.internet_use&unit=KAZ,NGA&sex=F&date=2015:2022"},
		{"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("KAZ+NGA", "itu_internet_use", "F") + "?startPeriod=2015&endPeriod=2022",
			"/v1/data?indicator=itu.internet_use&unit=KAZ,NGA&sex=F&date=2015:2022"},
		{"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("KEN", "itu.internet_use+egov.egdi") + "?lastNObservations=2",
			"/v1/data?indicator=itu.internet_use,egov.egdi&unit=KEN&mrnev=2"},
		{"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("", "findex.account", "", "R") + "?startPeriod=2021-Q1",
			"/v1/data?indicator=findex.account&area=R&date=2021:"},
		{"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("LDC+KEN", "findex.account", "_T", "_T", "_T") + "?endPeriod=2021",
			"/v1/data?indicator=findex.account&unit=LDC,KEN&sex=_T&area=_T&age=_T&date=:2021"},
	} {
		for _, format := range []string{"json", "csv", "sdmx-csv"} {
			sep := "?"
			if strings.Contains(c.sdmx, "?") {
				sep = "&"
			}
			got := get(t, h, c.sdmx+sep+"format="+format)
			want := get(t, h, c.v1+"&per_page=10000&format="+format)
			if got.Code != http.StatusOK || want.Code != http.StatusOK {
				t.Fatalf("%s: %d, %s: %d %s", c.sdmx, got.Code, c.v1, want.Code, got.Body)
			}
			if format == "json" {
				var g, w struct {
					Data []map[string]any `json:"data"`
				}
				_ = json.Unmarshal(got.Body.Bytes(), &g)
				_ = json.Unmarshal(want.Body.Bytes(), &w)
				if len(w.Data) == 0 {
					t.Fatalf("%s: no rows", c.v1)
				}
				if diff := cmp.Diff(w.Data, g.Data); diff != "" {
					t.Errorf("%s against %s (-v1 +sdmx):\n%.3000s", c.sdmx, c.v1, diff)
				}
				continue
			}
			if got.Body.String() != want.Body.String() {
				t.Errorf("%s format=%s differs from %s:\n%.500s\n---\n%.500s", c.sdmx, format, c.v1, got.Body, want.Body)
			}
		}
	}
	// With no format, SDMX-CSV (the SDMX data path's default), and a value
	// as published: Kazakhstan, women, 2019, 80.9902 (WDI IT.NET.USER.FE.ZS,
	// datasets/sources/itu-internet-by-sex-wdi/ddf--datapoints--it_net_user_fe_zs--by--geo--time.csv line 679).
	rec := get(t, h, "/v1/sdmx/data/DF_OBSERVATIONS/"+obsKey("KAZ", "itu.internet_use", "F")+"?startPeriod=2019&endPeriod=2019")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.sdmx.data+csv") {
		t.Errorf("default Content-Type %s, want SDMX-CSV", ct)
	}
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"KAZ",2019,"itu_internet_use","F"`+strings.Repeat(`,"_T"`, len(dims.Breakdowns)-1)+`,80.9902,"A"`) {
		t.Errorf("KAZ women 2019:\n%s", rec.Body)
	}
}

// TestSDMXPeriods: startPeriod, endPeriod and lastNObservations on a real
// series (Kenya, Internet use, total), against its years in /v1/data.
func TestSDMXPeriods(t *testing.T) {
	h := testServer(t).Handler()
	years := func(target string) []int {
		t.Helper()
		rec := get(t, h, target)
		var body struct {
			Data []struct {
				Year int `json:"year"`
			} `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		var ys []int
		for _, r := range body.Data {
			ys = append(ys, r.Year)
		}
		return ys
	}
	all := years("/v1/data?indicator=itu.internet_use&unit=KEN&sex=_T&area=_T&age=_T&per_page=1000")
	if len(all) < 10 {
		t.Fatalf("Kenya's Internet use has %d years; the test needs a long series", len(all))
	}
	mid := all[len(all)/2]
	series := "/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("KEN", "itu.internet_use", "_T", "_T", "_T") + "?format=json"
	for _, c := range []struct {
		query string
		want  []int
	}{
		{"", all},
		{"&startPeriod=" + strconv.Itoa(mid), all[len(all)/2:]},
		{"&endPeriod=" + strconv.Itoa(mid), all[:len(all)/2+1]},
		{"&startPeriod=" + strconv.Itoa(mid) + "-07&endPeriod=" + strconv.Itoa(mid) + "-Q4", all[len(all)/2 : len(all)/2+1]},
		{"&lastNObservations=3", all[len(all)-3:]},
		{"&startPeriod=" + strconv.Itoa(all[0]) + "&lastNObservations=1", all[len(all)-1:]},
	} {
		if got := years(series + c.query); !slices.Equal(got, c.want) {
			t.Errorf("%s: years %v, want %v", c.query, got, c.want)
		}
	}
	for target, param := range map[string]string{
		series + "&startPeriod=2015-13-01":                                        "startPeriod",
		series + "&startPeriod=2020&endPeriod=2019":                               "endPeriod",
		series + "&lastNObservations=0":                                           "lastNObservations",
		"/v1/sdmx/data/DF_OBSERVATIONS/KEN.itu.internet_use":                      "key",
		"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("KEN", "no.such"):               "key",
		"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("KEN", "itu.internet_use", "X"): "key",
		"/v1/sdmx/data/DF_SCORES/KEN.nope..":                                      "key",
	} {
		rec := get(t, h, target)
		var p struct {
			Errors []struct{ Param string } `json:"errors"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusBadRequest || len(p.Errors) == 0 || p.Errors[0].Param != param {
			t.Errorf("GET %s: %d %s; want 400 naming %s", target, rec.Code, rec.Body, param)
		}
	}
	if rec := get(t, h, "/v1/sdmx/data/DF_NOPE/all"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown dataflow: %d, want 404", rec.Code)
	}
}

// TestSDMXScores: DF_SCORES carries framework, node and the measures value,
// rank and coverage of /v1/scores, and the tier.
func TestSDMXScores(t *testing.T) {
	h := testServer(t).Handler()
	var want struct {
		Data []struct {
			Node     string   `json:"node"`
			Value    *float64 `json:"value"`
			Rank     *int     `json:"rank"`
			Tier     string   `json:"tier"`
			Coverage *float64 `json:"coverage"`
		} `json:"data"`
	}
	rec := get(t, h, "/v1/scores/egdi?unit=KEN&year=2024&node=EGDI")
	if err := json.Unmarshal(rec.Body.Bytes(), &want); err != nil || len(want.Data) != 1 {
		t.Fatalf("/v1/scores: %v %s", err, rec.Body)
	}
	w := want.Data[0]
	// UN E-Government Survey 2024: Kenya's EGDI rank 109, tier High (0.50-0.75).
	if *w.Rank != 109 || w.Tier != "High" {
		t.Fatalf("/v1/scores KEN 2024: rank %v tier %q, want 109 and High (published)", *w.Rank, w.Tier)
	}
	rec = get(t, h, "/v1/sdmx/data/DF_SCORES/KEN.egdi.EGDI.?startPeriod=2024&endPeriod=2024")
	got := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	wantCSV := []string{
		"STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,FRAMEWORK,NODE,SCORE_MEASURE,TIME_PERIOD,OBS_VALUE,TIER,COMMENT",
		`"dataflow","DRI:DF_SCORES(1.0)","I","KEN","egdi","EGDI","VALUE",2024,` + strconv.FormatFloat(*w.Value, 'g', -1, 64) + `,"High",`,
		`"dataflow","DRI:DF_SCORES(1.0)","I","KEN","egdi","EGDI","RANK",2024,109,,`,
		`"dataflow","DRI:DF_SCORES(1.0)","I","KEN","egdi","EGDI","COVERAGE",2024,` + strconv.FormatFloat(*w.Coverage, 'g', -1, 64) + `,,`,
	}
	if diff := cmp.Diff(wantCSV, got); diff != "" {
		t.Errorf("DF_SCORES KEN.egdi.EGDI 2024 (-want +got):\n%s", diff)
	}
	// /v1/scores' own SDMX-CSV is DF_SCORES too.
	rec = get(t, h, "/v1/scores/egdi?unit=KEN&year=2024&node=EGDI&format=sdmx-csv")
	if diff := cmp.Diff(wantCSV, strings.Split(strings.TrimSpace(rec.Body.String()), "\n")); diff != "" {
		t.Errorf("/v1/scores format=sdmx-csv (-want +got):\n%s", diff)
	}
	// A dotted node code (datasets/frameworks/compass.yaml PEOPLE.skills)
	// in either spelling; SDMX-CSV writes the SDMX one.
	dotted := get(t, h, "/v1/sdmx/data/DF_SCORES/KEN.compass.PEOPLE.skills.VALUE?lastNObservations=1").Body.String()
	spelled := get(t, h, "/v1/sdmx/data/DF_SCORES/KEN.compass.PEOPLE_skills.VALUE?lastNObservations=1").Body.String()
	if dotted != spelled || !strings.Contains(dotted, `"KEN","compass","PEOPLE_skills","VALUE",`) {
		t.Errorf("PEOPLE.skills and PEOPLE_skills differ, or the node is not in SDMX spelling:\n%s\n---\n%s", dotted, spelled)
	}
	// One measure, the latest year of every framework scoring Kenya.
	rec = get(t, h, "/v1/sdmx/data/DF_SCORES/KEN..EGDI+CONNECTIVITY.RANK?lastNObservations=1&format=json")
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Data) == 0 {
		t.Fatalf("%v %s", err, rec.Body)
	}
	for _, r := range body.Data {
		if r["measure"] != "RANK" || (r["node"] != "EGDI" && r["node"] != "CONNECTIVITY") || r["unit"] != "KEN" {
			t.Errorf("row %v outside the key", r)
		}
	}
}

// TestSDMXWithRsdmx reads the structures over HTTP with rsdmx, the R SDMX
// client (Debian r-cran-rsdmx): api/testdata/sdmx/rsdmx_check.R checks the
// dimensions, code lists and concepts it finds.
func TestSDMXWithRsdmx(t *testing.T) {
	rscript, err := exec.LookPath("Rscript")
	if err != nil || exec.Command(rscript, "-e", "library(rsdmx)").Run() != nil {
		t.Skip("rsdmx is not installed (apt-get install r-cran-rsdmx)")
	}
	srv := httptest.NewServer(testServer(t).Handler())
	defer srv.Close()
	cmd := exec.Command(rscript, "testdata/sdmx/rsdmx_check.R", srv.URL+"/v1/sdmx")
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rsdmx: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "rsdmx: ok") {
		t.Errorf("rsdmx did not finish:\n%s", out)
	}
	t.Logf("%s", out)
}

// sdmxJSONRows decodes an SDMX-JSON data message back into rows: each
// observation's dimension values (a code's id, or the value of a code that
// is no SDMX id), OBS_VALUE and its attributes' values, by component id.
func sdmxJSONRows(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	type value struct {
		ID, Value string
	}
	type component struct {
		ID          string
		KeyPosition int
		Values      []value
	}
	var m struct {
		Schema string `json:"$schema"`
		Meta   struct{ ID, Prepared string }
		Data   struct {
			Structures []struct {
				Dimensions struct{ Observation []component }
				Attributes struct{ Observation []component }
			}
			DataSets []struct {
				Action       string
				Observations map[string][]any
			}
		}
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Schema != "https://json.sdmx.org/2.1/sdmx-json-data-schema.json" || m.Meta.ID == "" || len(m.Data.Structures) != 1 || len(m.Data.DataSets) != 1 {
		t.Fatalf("not one SDMX-JSON 2.1 data set: %.500s", body)
	}
	code := func(v value) string {
		if v.ID != "" {
			return v.ID
		}
		return v.Value
	}
	st := m.Data.Structures[0]
	var rows []map[string]any
	for key, obs := range m.Data.DataSets[0].Observations {
		row := map[string]any{"OBS_VALUE": obs[0]}
		for i, idx := range strings.Split(key, ":") {
			d := st.Dimensions.Observation[i]
			if d.KeyPosition != i {
				t.Fatalf("dimension %s at key position %d, listed %d", d.ID, d.KeyPosition, i)
			}
			n, _ := strconv.Atoi(idx)
			row[d.ID] = code(d.Values[n])
		}
		for j, a := range st.Attributes.Observation {
			row[a.ID] = "" // absent, as /v1/data's empty string
			if obs[1+j] != nil {
				row[a.ID] = code(a.Values[int(obs[1+j].(float64))])
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// TestSDMXJSON: the SDMX-JSON data message carries the rows of /v1/data
// (decoded back from its value indices) and, when the standard's schema is
// at hand (DRI_SDMX_JSON_SCHEMA: sdmx-twg/sdmx-json's
// data-message/tools/schemas/sdmx-json-data-schema.json, version 2.1.0),
// validates against it.
func TestSDMXJSON(t *testing.T) {
	h := testServer(t).Handler()
	targets := map[string]string{
		"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("KAZ+NGA+LDC", "itu.internet_use", "F+M+_T") + "?startPeriod=2015": "/v1/data?indicator=itu.internet_use&unit=KAZ,NGA,LDC&sex=F,M,_T&date=2015:&per_page=10000",
		"/v1/sdmx/data/DF_OBSERVATIONS/" + obsKey("KEN", "findex.account"):                                           "/v1/data?indicator=findex.account&unit=KEN&per_page=10000",
	}
	for target, v1 := range targets {
		rec := get(t, h, target, "Accept", "application/vnd.sdmx.data+json;version=2.0.0")
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/vnd.sdmx.data+json") {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Header().Get("Content-Type"))
		}
		got := sdmxJSONRows(t, rec.Body.Bytes())
		var want struct {
			Data []map[string]any `json:"data"`
		}
		_ = json.Unmarshal(get(t, h, v1).Body.Bytes(), &want)
		key := func(r map[string]any, names ...string) string {
			var b strings.Builder
			for _, n := range names {
				fmt.Fprintf(&b, "%v|", r[n])
			}
			return b.String()
		}
		var g, w []string
		for _, r := range got {
			g = append(g, key(r, "REF_AREA", "TIME_PERIOD", "INDICATOR", "SEX", "URBANISATION", "AGE", "OBS_VALUE", "OBS_STATUS", "SOURCE"))
		}
		for _, r := range want.Data {
			r["year"] = strconv.Itoa(int(r["year"].(float64)))
			r["indicator"] = strings.ReplaceAll(r["indicator"].(string), ".", "_") // SDMX spelling
			w = append(w, key(r, "unit", "year", "indicator", "sex", "area", "age", "value", "status", "source"))
		}
		slices.Sort(g)
		slices.Sort(w)
		if len(w) == 0 || !slices.Equal(g, w) {
			t.Errorf("%s: %d observations, %s: %d rows (-want +got):\n%.3000s", target, len(g), v1, len(w), cmp.Diff(w, g))
		}
	}
	path := os.Getenv("DRI_SDMX_JSON_SCHEMA")
	if path == "" {
		t.Log("DRI_SDMX_JSON_SCHEMA not set: not validated against the SDMX-JSON schema")
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const id = "https://json.sdmx.org/2.1/sdmx-json-data-schema.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range append(slices.Collect(maps.Keys(targets)),
		"/v1/sdmx/data/DF_SCORES/KEN+UGA.egdi+compass..?lastNObservations=2",
		"/v1/sdmx/data/DF_OBSERVATIONS/"+obsKey("KEN", "itu.internet_use")+"?startPeriod=1990&endPeriod=1990") {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(get(t, h, target+sep(target)+"format=sdmx-json").Body.String()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: %v", target, err)
		}
	}
}

func sep(target string) string {
	if strings.Contains(target, "?") {
		return "&"
	}
	return "?"
}

// TestSDMXMLAgainstXSD validates the structure messages with xmllint
// against the standard's schemas when they are at hand
// (DRI_SDMX_ML_SCHEMAS: the schemas directory of sdmx-twg/sdmx-ml-v2_1,
// which holds SDMXMessage.xsd; Debian libxml2-utils for xmllint).
func TestSDMXMLAgainstXSD(t *testing.T) {
	dir := os.Getenv("DRI_SDMX_ML_SCHEMAS")
	xmllint, err := exec.LookPath("xmllint")
	if dir == "" || err != nil {
		t.Skip("DRI_SDMX_ML_SCHEMAS or xmllint missing: not validated against the SDMX-ML 2.1 schemas")
	}
	h := testServer(t).Handler()
	for _, target := range []string{"/v1/sdmx/dataflow", "/v1/sdmx/dataflow/DRI/DF_OBSERVATIONS/1.0?references=none",
		"/v1/sdmx/datastructure/DRI/DSD_SCORES"} {
		file := t.TempDir() + "/structure.xml"
		if err := os.WriteFile(file, get(t, h, target).Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--schema", dir+"/SDMXMessage.xsd", file).CombinedOutput()
		if err != nil {
			t.Errorf("%s does not validate against SDMXMessage.xsd: %v\n%.2000s", target, err, out)
		}
	}
}
