package pipeline_test

import (
	"strings"
	"testing"

	"github.com/dri-engine/dri/pipeline"
)

// TestRegistryGroupWeight: group_weight must name an indicator of the
// registry counted in persons, on a population-weighted indicator.
func TestRegistryGroupWeight(t *testing.T) {
	const measures = `measures:
  - {id: percent, name: per cent, bounds: {lo: 0, hi: 100}}
  - {id: persons, name: persons, bounds: {lo: 0}}
indicators:
  - {id: x.adults, name: Adults, unit: persons, polarity: 1, group_weighting: none}
  - {id: x.share, name: Share, unit: percent, polarity: 1, group_weighting: none}
`
	for _, tc := range []struct {
		name, entry, want string
	}{
		{"adults", `{id: x.a, name: A, unit: percent, polarity: 1, group_weighting: population, group_weight: x.adults}`, ""},
		{"unknown", `{id: x.a, name: A, unit: percent, polarity: 1, group_weighting: population, group_weight: x.nobody}`,
			`indicator "x.a": group_weight "x.nobody" is not an indicator of the registry`},
		{"not persons", `{id: x.a, name: A, unit: percent, polarity: 1, group_weighting: population, group_weight: x.share}`,
			`indicator "x.a": group_weight "x.share": want an indicator counted in persons without a group_weight of its own`},
		{"mean", `{id: x.a, name: A, unit: percent, polarity: 1, group_weighting: mean, group_weight: x.adults}`,
			`indicator "x.a": group_weight "x.adults" with group_weighting mean: a weight needs population weighting`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pipeline.ParseRegistry("r.yaml", []byte(measures+"  - "+tc.entry+"\n"))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("ParseRegistry: %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("ParseRegistry: %v, want an error with %q", err, tc.want)
			}
		})
	}
}
