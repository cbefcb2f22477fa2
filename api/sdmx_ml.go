package api

import (
	"encoding/xml"
)

// The SDMX-ML 2.1 structure message, as much of it as DRI's structures
// use: dataflows, code lists, one concept scheme and data structure
// definitions (SDMXStructure.xsd of the SDMX 2.1 schemas; the element
// order of Structures and of a DataStructure's components is the schema's).
// References are <Ref> elements with the referenced object's id, agency,
// version, package and class, as the standard's samples write them
// (samples/exr/ecb_exr_ng in sdmx-twg/sdmx-ml-v2_1), and as rsdmx reads
// them.

const (
	sdmxNSMessage   = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
	sdmxNSStructure = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
	sdmxNSCommon    = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
)

type smlStructure struct {
	XMLName    xml.Name      `xml:"mes:Structure" json:"-"`
	NSMes      string        `xml:"xmlns:mes,attr" json:"-"`
	NSStr      string        `xml:"xmlns:str,attr" json:"-"`
	NSCom      string        `xml:"xmlns:com,attr" json:"-"`
	Header     smlHeader     `xml:"mes:Header" json:"header"`
	Structures smlStructures `xml:"mes:Structures" json:"structures"`
}

type smlHeader struct {
	ID       string    `xml:"mes:ID" json:"id"`
	Test     bool      `xml:"mes:Test" json:"test"`
	Prepared string    `xml:"mes:Prepared" json:"prepared"`
	Sender   smlSender `xml:"mes:Sender" json:"sender"`
}

type smlSender struct {
	ID string `xml:"id,attr" json:"id"`
}

type smlStructures struct {
	Dataflows      *smlDataflows      `xml:"str:Dataflows,omitempty" json:"dataflows,omitempty"`
	Codelists      *smlCodelists      `xml:"str:Codelists,omitempty" json:"codelists,omitempty"`
	Concepts       *smlConcepts       `xml:"str:Concepts,omitempty" json:"concepts,omitempty"`
	DataStructures *smlDataStructures `xml:"str:DataStructures,omitempty" json:"dataStructures,omitempty"`
}

type smlDataflows struct {
	Items []smlDataflow `xml:"str:Dataflow" json:"dataflow"`
}

type smlCodelists struct {
	Items []smlCodelist `xml:"str:Codelist" json:"codelist"`
}

type smlConcepts struct {
	Items []smlConceptScheme `xml:"str:ConceptScheme" json:"conceptScheme"`
}

type smlDataStructures struct {
	Items []smlDataStructure `xml:"str:DataStructure" json:"dataStructure"`
}

// smlText is a localised text (com:Name, com:Description), in English.
type smlText struct {
	Lang string `xml:"xml:lang,attr" json:"-"`
	Text string `xml:",chardata" json:"text"`
}

func english(s string) *smlText {
	if s == "" {
		return nil
	}
	return &smlText{Lang: "en", Text: s}
}

type smlDataflow struct {
	ID          string   `xml:"id,attr" json:"id"`
	AgencyID    string   `xml:"agencyID,attr" json:"agencyID"`
	Version     string   `xml:"version,attr" json:"version"`
	Name        *smlText `xml:"com:Name" json:"name"`
	Description *smlText `xml:"com:Description,omitempty" json:"description,omitempty"`
	Structure   smlRefTo `xml:"str:Structure" json:"structure"`
}

type smlCodelist struct {
	ID          string    `xml:"id,attr" json:"id"`
	AgencyID    string    `xml:"agencyID,attr" json:"agencyID"`
	Version     string    `xml:"version,attr" json:"version"`
	Name        *smlText  `xml:"com:Name" json:"name"`
	Description *smlText  `xml:"com:Description,omitempty" json:"description,omitempty"`
	Codes       []smlItem `xml:"str:Code" json:"codes"`
}

// smlItem is a code of a code list.
type smlItem struct {
	ID          string   `xml:"id,attr" json:"id"`
	Name        *smlText `xml:"com:Name" json:"name"`
	Description *smlText `xml:"com:Description,omitempty" json:"description,omitempty"`
}

type smlConceptScheme struct {
	ID       string       `xml:"id,attr" json:"id"`
	AgencyID string       `xml:"agencyID,attr" json:"agencyID"`
	Version  string       `xml:"version,attr" json:"version"`
	Name     *smlText     `xml:"com:Name" json:"name"`
	Concepts []smlConcept `xml:"str:Concept" json:"concepts"`
}

type smlConcept struct {
	ID   string   `xml:"id,attr" json:"id"`
	Name *smlText `xml:"com:Name" json:"name"`
}

type smlDataStructure struct {
	ID         string        `xml:"id,attr" json:"id"`
	AgencyID   string        `xml:"agencyID,attr" json:"agencyID"`
	Version    string        `xml:"version,attr" json:"version"`
	Name       *smlText      `xml:"com:Name" json:"name"`
	Components smlComponents `xml:"str:DataStructureComponents" json:"dataStructureComponents"`
}

type smlComponents struct {
	Dimensions smlDimensionList `xml:"str:DimensionList" json:"dimensionList"`
	Attributes smlAttributeList `xml:"str:AttributeList" json:"attributeList"`
	Measures   smlMeasureList   `xml:"str:MeasureList" json:"measureList"`
}

type smlDimensionList struct {
	ID         string         `xml:"id,attr" json:"id"`
	Dimensions []smlComponent `xml:"str:Dimension" json:"dimensions"`
	Time       smlComponent   `xml:"str:TimeDimension" json:"timeDimension"`
}

type smlAttributeList struct {
	ID         string         `xml:"id,attr" json:"id"`
	Attributes []smlComponent `xml:"str:Attribute" json:"attributes"`
}

type smlMeasureList struct {
	ID      string       `xml:"id,attr" json:"id"`
	Primary smlComponent `xml:"str:PrimaryMeasure" json:"primaryMeasure"`
}

// smlComponent is a dimension, the time dimension, an attribute or the
// primary measure.
type smlComponent struct {
	ID               string             `xml:"id,attr" json:"id"`
	Position         int                `xml:"position,attr,omitempty" json:"position,omitempty"`
	AssignmentStatus string             `xml:"assignmentStatus,attr,omitempty" json:"assignmentStatus,omitempty"`
	Concept          smlRefTo           `xml:"str:ConceptIdentity" json:"conceptIdentity"`
	Representation   *smlRepresentation `xml:"str:LocalRepresentation,omitempty" json:"localRepresentation,omitempty"`
	Relationship     *smlRelationship   `xml:"str:AttributeRelationship,omitempty" json:"attributeRelationship,omitempty"`
}

type smlRepresentation struct {
	Enumeration *smlRefTo      `xml:"str:Enumeration,omitempty" json:"enumeration,omitempty"`
	TextFormat  *smlTextFormat `xml:"str:TextFormat,omitempty" json:"textFormat,omitempty"`
}

type smlTextFormat struct {
	TextType string `xml:"textType,attr" json:"textType"`
}

// smlRelationship attaches an attribute to the observation (the primary
// measure) or to the series (the key's dimensions).
type smlRelationship struct {
	Dimensions     []smlRefTo `xml:"str:Dimension,omitempty" json:"dimensions,omitempty"`
	PrimaryMeasure *smlRefTo  `xml:"str:PrimaryMeasure,omitempty" json:"primaryMeasure,omitempty"`
}

// smlRefTo wraps a reference (<str:Structure><Ref .../></str:Structure>).
type smlRefTo struct {
	Ref smlRef `xml:"Ref" json:"ref"`
}

type smlRef struct {
	ID                        string `xml:"id,attr" json:"id"`
	AgencyID                  string `xml:"agencyID,attr,omitempty" json:"agencyID,omitempty"`
	Version                   string `xml:"version,attr,omitempty" json:"version,omitempty"`
	MaintainableParentID      string `xml:"maintainableParentID,attr,omitempty" json:"maintainableParentID,omitempty"`
	MaintainableParentVersion string `xml:"maintainableParentVersion,attr,omitempty" json:"maintainableParentVersion,omitempty"`
	Package                   string `xml:"package,attr,omitempty" json:"package,omitempty"`
	Class                     string `xml:"class,attr,omitempty" json:"class,omitempty"`
}

// marshalSDMXML writes a structure message with its XML declaration.
func marshalSDMXML(m *smlStructure) ([]byte, error) {
	m.NSMes, m.NSStr, m.NSCom = sdmxNSMessage, sdmxNSStructure, sdmxNSCommon
	body, err := xml.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	return append(append([]byte(xml.Header), body...), '\n'), nil
}
