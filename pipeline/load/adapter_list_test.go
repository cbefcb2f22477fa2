package load

import (
	"testing"

	"github.com/dri-engine/dri/pipeline"
)

// TestAdapterList checks the one list of adapters: names unique, every one
// with a reader and a description, and in reading order (the sequential
// phases ascending, the parallel observation sources after them).
func TestAdapterList(t *testing.T) {
	seen := map[string]bool{}
	last := phaseUnits
	for i, a := range adapterList {
		if a.name == "" || a.read == nil || a.doc == "" {
			t.Errorf("adapterList[%d] = %q: want a name, a reader and a doc", i, a.name)
		}
		if seen[a.name] {
			t.Errorf("adapter %q is listed twice", a.name)
		}
		seen[a.name] = true
		switch {
		case a.phase == phaseObservations:
			last = phaseObservations
		case last == phaseObservations:
			t.Errorf("adapter %q (phase %d) comes after the observation sources", a.name, a.phase)
		case a.phase < last:
			t.Errorf("adapter %q (phase %d) comes after phase %d", a.name, a.phase, last)
		default:
			last = a.phase
		}
	}
	if len(adapters) != len(adapterList) {
		t.Errorf("adapters has %d names, adapterList %d", len(adapters), len(adapterList))
	}
	// The catalogue's vocabulary (package pipeline checks entries against
	// it) names the same adapters, with the same kind of source.
	for _, a := range adapterList {
		obs, ok := pipeline.CatalogueAdapters[a.name]
		if !ok || obs != a.producesObservations() {
			t.Errorf("pipeline.CatalogueAdapters[%q] = %v, %v; want %v, true", a.name, obs, ok, a.producesObservations())
		}
	}
	if len(pipeline.CatalogueAdapters) != len(adapterList) {
		t.Errorf("pipeline.CatalogueAdapters has %d names, adapterList %d", len(pipeline.CatalogueAdapters), len(adapterList))
	}
}
