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
			`indicator "x.a": group_weight "x.adults" with group_weighting "mean": a weight needs population weighting`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pipeline.ParseRegistry("r.yaml", []byte(measures+"  - "+tc.entry+"\n"))
			checkRegistryError(t, "ParseRegistry", err, tc.want)
			// A user's registry fragment is checked the same way.
			base, err := pipeline.ParseRegistry("r.yaml", []byte(measures))
			if err != nil {
				t.Fatal(err)
			}
			checkRegistryError(t, "Extend", base.Extend("user.yaml", []byte("indicators:\n  - "+tc.entry+"\n")), tc.want)
		})
	}
}

func checkRegistryError(t *testing.T, what string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: %v, want no error", what, err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("%s: %v, want an error with %q", what, err, want)
	}
}
