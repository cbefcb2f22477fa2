package engine

import (
	"github.com/dri-engine/dri/pipeline"
)

// PublishedNode names the indicator that holds a publisher's own score for
// one node of a framework DRI recomputes.
type PublishedNode struct {
	Code      string `json:"node"`
	Indicator string `json:"indicator"`
}

// publishedNodes, per framework id: the compass framework's overall score,
// pillars and filled sub-pillars and UNDP's published score for the same
// node (datasets/indicators.yaml, ddc.*; the overall and sub-pillar scores
// come from the Compass site data of December 2024, the pillar scores from
// the Compass scores file of February 2024: docs/DATA.md). The validation
// (validation_test.go, docs/VALIDATION.md) and the profile use this list.
var publishedNodes = map[string][]PublishedNode{
	"compass": {
		{"DRI", "ddc.overall"},
		{"PEOPLE", "ddc.people"},
		{"CONNECTIVITY", "ddc.connectivity"},
		{"GOVERNMENT", "ddc.government"},
		{"REGULATION", "ddc.regulation"},
		{"ECONOMY", "ddc.economy"},
		{"DPI", "ddc.digital_public_infrastructure"},
		{"PEOPLE.skills", "ddc.people_skills_and_literacy"},
		{"PEOPLE.usage", "ddc.people_usage_and_adoption"},
		{"CONNECTIVITY.infra", "ddc.connectivity_physical_infrastructure"},
		{"CONNECTIVITY.access", "ddc.connectivity_access_enablers"},
		{"GOVERNMENT.services", "ddc.government_digital_public_services_and_platforms"},
		{"GOVERNMENT.open", "ddc.government_open_government"},
		{"ECONOMY.finance", "ddc.economy_financial_services"},
		{"DPI.payments", "ddc.digital_public_infrastructure_payments"},
		{"DPI.id", "ddc.digital_public_infrastructure_identification"},
	},
}

// Published is a publisher's own score for a framework node and unit, as
// shipped: the observation of the node's published indicator.
type Published struct {
	PublishedNode
	Value  float64 `json:"value"`
	Year   int     `json:"year"`
	Source string  `json:"source"` // catalog source id, e.g. ddc-indicator-scores
	Note   string  `json:"note,omitempty"`
}

// PublishedNodes returns the nodes of framework id that have a published
// counterpart (nil when the framework has none).
func (e *Engine) PublishedNodes(id string) []PublishedNode {
	return publishedNodes[id]
}

// Published returns the publisher's own scores for unit on framework id's
// nodes: per node, the latest observation (total, no breakdown) in or
// before year (any year when year is 0). Nodes without one are left out.
func (e *Engine) Published(id, unit string, year int) []Published {
	var out []Published
	for _, p := range publishedNodes[id] {
		q := pipeline.QueryOf(pipeline.TotalBreakdown)
		q.Indicator, q.Units, q.To = p.Indicator, []string{unit}, year
		rows := e.store.Select(q)
		if len(rows) == 0 {
			continue
		}
		latest := e.store.Row(rows[0])
		for _, i := range rows[1:] {
			if r := e.store.Row(i); r.Year > latest.Year {
				latest = r
			}
		}
		out = append(out, Published{PublishedNode: p, Value: latest.Value, Year: latest.Year,
			Source: latest.Source, Note: latest.Note})
	}
	return out
}
