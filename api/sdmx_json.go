package api

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The SDMX-JSON data message, version 2.1.0 (sdmx-twg/sdmx-json,
// data-message/docs/1-sdmx-json-field-guide.md and its schema
// data-message/tools/schemas/sdmx-json-data-schema.json), flat: every
// dimension, TIME_PERIOD included, at the observation level (SDMX's
// dimensionAtObservation=AllDimensions), as in the standard's sample
// data-message/samples/exr/exr-flat.json. An observation's key is the
// index of each dimension's value, joined by ':'; its array holds
// OBS_VALUE, then the index of each attribute's value (null: none).

const sdmxJSONSchema = "https://json.sdmx.org/2.1/sdmx-json-data-schema.json"

// sdmxID is SDMX's IDType: a code outside it (none is, once indicator ids
// and node codes are in their SDMX spelling) would be written as a value.
var sdmxID = regexp.MustCompile(`^[A-Za-z0-9_@$-]+$`)

type sjMessage struct {
	Schema string `json:"$schema"`
	Meta   sjMeta `json:"meta"`
	Data   sjData `json:"data"`
}

type sjMeta struct {
	ID               string   `json:"id"`
	Test             bool     `json:"test"`
	Prepared         string   `json:"prepared"`
	ContentLanguages []string `json:"contentLanguages"`
	Sender           sjParty  `json:"sender"`
}

type sjParty struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type sjData struct {
	Structures []sjStructure `json:"structures"`
	DataSets   []sjDataSet   `json:"dataSets"`
}

type sjStructure struct {
	Name       string       `json:"name"`
	Links      []sjLink     `json:"links"`
	Dimensions sjComponents `json:"dimensions"`
	Measures   sjMeasures   `json:"measures"`
	Attributes sjAttributes `json:"attributes"`
	DataSets   []int        `json:"dataSets"`
}

type sjLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
	URN  string `json:"urn"`
}

type sjComponents struct {
	DataSet     []sjComponent `json:"dataSet"`
	Series      []sjComponent `json:"series"`
	Observation []sjComponent `json:"observation"`
}

type sjAttributes struct {
	DataSet     []sjComponent `json:"dataSet"`
	Series      []sjComponent `json:"series"`
	Observation []sjComponent `json:"observation"`
}

type sjMeasures struct {
	Observation []sjComponent `json:"observation"`
}

type sjComponent struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	KeyPosition  *int            `json:"keyPosition,omitempty"`
	Roles        []string        `json:"roles,omitempty"`
	Relationship *sjRelationship `json:"relationship,omitempty"`
	Values       []sjValue       `json:"values,omitempty"`
}

type sjRelationship struct {
	Observation struct{} `json:"observation"`
}

// sjValue is a component's value: a code with its name, or (for a code that
// is no SDMX id, and for free text) a value.
type sjValue struct {
	ID    string `json:"id,omitempty"`
	Value string `json:"value,omitempty"`
	Name  string `json:"name,omitempty"`
}

type sjDataSet struct {
	Structure    int              `json:"structure"`
	Action       string           `json:"action"`
	Observations map[string][]any `json:"observations"`
}

// sjCoder collects a component's distinct values in order of appearance.
type sjCoder struct {
	index  map[string]int
	values []sjValue
}

func (c *sjCoder) code(v string, names map[string]string, coded bool) int {
	if i, ok := c.index[v]; ok {
		return i
	}
	if c.index == nil {
		c.index = map[string]int{}
	}
	c.index[v] = len(c.values)
	val := sjValue{Value: v, Name: names[v]}
	if coded && sdmxID.MatchString(v) {
		val = sjValue{ID: v, Name: names[v]}
		if val.Name == "" {
			val.Name = v
		}
	}
	c.values = append(c.values, val)
	return c.index[v]
}

// sdmxJSON renders a flow's table (the columns named by their SDMX concept)
// as an SDMX-JSON data message.
func (r *request) sdmxJSON(f *sdmxFlow, t *Table) ([]byte, error) {
	bySDMX := map[string]*Col{}
	for _, c := range t.Cols {
		if c.SDMX != "" {
			bySDMX[c.SDMX] = c
		}
	}
	lists := r.codelists()
	names := func(codelist string) map[string]string {
		m := map[string]string{}
		for _, c := range lists[codelist].Codes {
			if c.Name != nil {
				m[c.ID] = c.Name.Text
			}
		}
		return m
	}
	dimensions := append(append([]sdmxComponent(nil), f.dims...), sdmxComponent{id: "TIME_PERIOD", name: "Time period (year)"})
	dimCoders := make([]sjCoder, len(dimensions))
	attrCoders := make([]sjCoder, len(f.attrs))
	dimNames := make([]map[string]string, len(dimensions))
	for i, d := range dimensions {
		dimNames[i] = names(d.codelist)
	}
	attrNames := make([]map[string]string, len(f.attrs))
	for i, a := range f.attrs {
		attrNames[i] = names(a.codelist)
	}
	cell := func(c *Col, i int) string {
		switch {
		case c == nil:
			return ""
		case c.Kind == KindInt:
			if c.IsNull(i) {
				return ""
			}
			return strconv.FormatInt(c.I[i], 10)
		case c.Kind == KindString:
			return c.S[i]
		}
		return ""
	}
	obs := map[string][]any{}
	value := bySDMX["OBS_VALUE"]
	key := make([]string, len(dimensions))
	for i := 0; i < t.Len(); i++ {
		for j, d := range dimensions {
			v := cell(bySDMX[d.id], i)
			if sdmxSpelled[d.id] {
				v = sdmxCode(v)
			}
			key[j] = strconv.Itoa(dimCoders[j].code(v, dimNames[j], true))
		}
		row := make([]any, 0, 1+len(f.attrs))
		if value == nil || value.IsNull(i) {
			row = append(row, nil)
		} else {
			row = append(row, value.F[i])
		}
		for j, a := range f.attrs {
			if v := cell(bySDMX[a.id], i); v != "" {
				row = append(row, attrCoders[j].code(v, attrNames[j], a.codelist != ""))
			} else {
				row = append(row, nil)
			}
		}
		obs[strings.Join(key, ":")] = row
	}
	st := sjStructure{Name: f.name, DataSets: []int{0},
		Links: []sjLink{{Href: "/v1/sdmx/dataflow/" + sdmxAgency + "/" + f.id + "/" + sdmxVersion, Rel: "dataflow",
			URN: "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=" + sdmxAgency + ":" + f.id + "(" + sdmxVersion + ")"}},
		Dimensions: sjComponents{DataSet: []sjComponent{}, Series: []sjComponent{}},
		Attributes: sjAttributes{DataSet: []sjComponent{}, Series: []sjComponent{}, Observation: []sjComponent{}},
		Measures:   sjMeasures{Observation: []sjComponent{{ID: "OBS_VALUE", Name: "Observation value"}}}}
	for i, d := range dimensions {
		pos := i
		c := sjComponent{ID: d.id, Name: d.name, KeyPosition: &pos, Values: dimCoders[i].values}
		if d.id == "TIME_PERIOD" {
			c.Roles = []string{"TIME_PERIOD"}
		}
		st.Dimensions.Observation = append(st.Dimensions.Observation, c)
	}
	for i, a := range f.attrs {
		st.Attributes.Observation = append(st.Attributes.Observation, sjComponent{ID: a.id, Name: a.name,
			Relationship: &sjRelationship{}, Values: attrCoders[i].values})
	}
	m := sjMessage{Schema: sdmxJSONSchema,
		Meta: sjMeta{ID: "DRI-" + r.ds.ID, Prepared: r.ds.Created.UTC().Format(time.RFC3339), ContentLanguages: []string{"en"},
			Sender: sjParty{ID: sdmxAgency, Name: "DRI (Digital Readiness Indicators)"}},
		Data: sjData{Structures: []sjStructure{st}, DataSets: []sjDataSet{{Structure: 0, Action: "Information", Observations: obs}}}}
	return json.Marshal(m)
}
