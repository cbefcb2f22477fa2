package indicators

import (
	"math"
	"testing"
)

func TestEGDIGroups(t *testing.T) {
	for _, c := range []struct {
		score float64
		group string
		class string
	}{
		// METHODS.md: Very High > 0.75; a boundary value is in the lower group
		{0.9999, "Very High", "VH"},
		{0.9375, "Very High", "V3"}, // 0.9375 = 0.75 + 3/16 ends V3 (lower band)
		{0.7501, "Very High", "V1"},
		{0.75, "High", "HV"},
		{0.6314, "High", "H3"}, // (0.625, 0.6875]
		{0.5625, "High", "H1"},
		{0.5, "Middle", "MH"},
		{0.3, "Middle", "M1"}, // (0.25, 0.3125]
		{0.25, "Low", "LM"},
		{0.0625, "Low", "L1"},
		{0, "Low", "L1"},
	} {
		g, ok := EGDIGroups{}.Classify(c.score)
		if !ok || g.Name != c.group {
			t.Errorf("EGDIGroups.Classify(%v) = %v, %v, want %s", c.score, g, ok, c.group)
		}
		k, ok := EGDIRatingClass(c.score)
		if !ok || k.Name != c.class {
			t.Errorf("EGDIRatingClass(%v) = %v, %v, want %s", c.score, k, ok, c.class)
		}
	}
	if _, ok := EGDIRatingClass(math.NaN()); ok {
		t.Error("EGDIRatingClass(NaN) ok")
	}
	// Index: 1 = L1 ... 16 = VH; 1 = Low ... 4 = Very High
	if k, _ := EGDIRatingClass(0.99); k.Index != 16 {
		t.Errorf("EGDIRatingClass(0.99).Index = %d, want 16", k.Index)
	}
	if g, _ := (EGDIGroups{}).Classify(0.1); g.Index != 1 {
		t.Errorf("EGDIGroups.Classify(0.1).Index = %d, want 1", g.Index)
	}
}

func TestCompassStages(t *testing.T) {
	for _, c := range []struct {
		score float64
		stage string
		index int
	}{
		// METHODS.md: stage = max(floor(score), 1)
		{0.4, "Basic", 1},
		{1.99, "Basic", 1},
		{2, "Opportunistic", 2},
		{3.5, "Systematic", 3},
		{4.999, "Differentiating", 4},
		{5, "Transformational", 5},
		{7, "Transformational", 5},
	} {
		got, ok := CompassStages{}.Classify(c.score)
		if !ok || got.Name != c.stage || got.Index != c.index {
			t.Errorf("CompassStages.Classify(%v) = %v, want %s (%d)", c.score, got, c.stage, c.index)
		}
	}
}

func TestIDESStages(t *testing.T) {
	for _, c := range []struct {
		score float64
		stage string
	}{
		// quartiles, a stage starting at its threshold (DRI's reading, METHODS.md)
		{0.1, "Inception"},
		{0.25, "Start-up"},
		{0.4999, "Start-up"},
		{0.5, "Expansion"},
		{0.75, "Consolidation"},
		{1, "Consolidation"},
	} {
		got, ok := IDESStages.Classify(c.score)
		if !ok || got.Name != c.stage {
			t.Errorf("IDESStages.Classify(%v) = %v, want %s", c.score, got, c.stage)
		}
	}
}

func TestThresholdsAndSchemes(t *testing.T) {
	th := Thresholds{Labels: []string{"top", "mid", "low"}, Bounds: []float64{10, 5}, Inclusive: true}
	for _, c := range []struct {
		s    float64
		want string
	}{{10, "top"}, {9.9, "mid"}, {5, "mid"}, {4, "low"}} {
		if got, _ := th.Classify(c.s); got.Name != c.want {
			t.Errorf("Thresholds.Classify(%v) = %v, want %s", c.s, got, c.want)
		}
	}
	if got := th.Names(); got[0] != "low" || got[2] != "top" {
		t.Errorf("Names() = %v, want lowest first", got)
	}
	for _, name := range []string{"egdi", "compass", "parity", "none", ""} {
		if _, err := NewTierScheme(name, nil, 0, 1); err != nil {
			t.Errorf("NewTierScheme(%q): %v", name, err)
		}
	}
	if _, err := NewTierScheme("quartiles", []string{"a"}, 0, 1); err == nil {
		t.Error("quartiles with one name: no error")
	}
	if _, err := NewTierScheme("deciles", nil, 0, 1); err == nil {
		t.Error("unknown scheme: no error")
	}
}
