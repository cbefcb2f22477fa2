package indicators

import (
	"fmt"
	"math"
)

// Tier is a named class of a score.
type Tier struct {
	Name  string `json:"name"`
	Index int    `json:"index"` // 1 = lowest class
}

// TierScheme classifies scores.
type TierScheme interface {
	// Classify returns the class of a score; ok is false for NaN.
	Classify(score float64) (t Tier, ok bool)
	// Names lists the classes, lowest first.
	Names() []string
}

// Thresholds classify a score by descending thresholds: the score belongs
// to Labels[i] for the first i with score > Bounds[i] (score >= Bounds[i]
// when Inclusive), and to the last label when it clears none. So
// len(Labels) == len(Bounds) + 1, both ordered from the top class down.
type Thresholds struct {
	Labels    []string
	Bounds    []float64
	Inclusive bool
}

// Names lists the classes, lowest first.
func (t Thresholds) Names() []string {
	out := make([]string, len(t.Labels))
	for i, l := range t.Labels {
		out[len(t.Labels)-1-i] = l
	}
	return out
}

// Classify returns the class of a score. Index 1 is the lowest class.
//
// Special cases are:
//
//	NaN                           ok = false
//	len(Labels) != len(Bounds)+1  panics
func (t Thresholds) Classify(s float64) (Tier, bool) {
	if len(t.Labels) != len(t.Bounds)+1 {
		panic(fmt.Sprintf("indicators: Thresholds: %d labels for %d bounds, want one more", len(t.Labels), len(t.Bounds)))
	}
	if math.IsNaN(s) {
		return Tier{}, false
	}
	i := 0
	for ; i < len(t.Bounds); i++ {
		if s > t.Bounds[i] || (t.Inclusive && s == t.Bounds[i]) {
			break
		}
	}
	return Tier{Name: t.Labels[i], Index: len(t.Labels) - i}, true
}

// egdiGroups: UN E-Government Survey, "Very High (> 0.75), High (0.50 to
// 0.75), Middle (0.25 to 0.50), Low (< 0.25)" (METHODS.md).
var egdiGroups = Thresholds{
	Labels: []string{"Very High", "High", "Middle", "Low"},
	Bounds: []float64{0.75, 0.50, 0.25},
}

// egdiClasses: each group split into four equal bands of 0.0625, top to
// bottom VH V3 V2 V1 | HV H3 H2 H1 | MH M3 M2 M1 | LM L3 L2 L1. The bounds
// are multiples of 1/16, exact in binary, so the comparisons are exact.
var egdiClasses = Thresholds{
	Labels: []string{"VH", "V3", "V2", "V1", "HV", "H3", "H2", "H1", "MH", "M3", "M2", "M1", "LM", "L3", "L2", "L1"},
	Bounds: []float64{0.9375, 0.875, 0.8125, 0.75, 0.6875, 0.625, 0.5625, 0.5, 0.4375, 0.375, 0.3125, 0.25, 0.1875, 0.125, 0.0625},
}

// EGDIGroups are the E-Government Survey's four EGDI groups: Very High
// (> 0.75), High (0.50-0.75), Middle (0.25-0.50), Low (< 0.25). A value on
// a boundary belongs to the lower group, following METHODS.md's "> 0.75":
// 0.75 is High, 0.50 Middle, 0.25 Low.
type EGDIGroups struct{}

// Names lists the groups, lowest first.
func (EGDIGroups) Names() []string { return egdiGroups.Names() }

// Classify returns the EGDI group of a score in [0, 1] (Index 1 = Low).
func (EGDIGroups) Classify(s float64) (Tier, bool) { return egdiGroups.Classify(s) }

// EGDIRatingClass is the Survey's rating class: each EGDI group split into
// four equal bands, top to bottom VH V3 V2 V1 | HV H3 H2 H1 | MH M3 M2 M1 |
// LM L3 L2 L1 (Index 1 = L1 ... 16 = VH). Boundaries follow the group rule:
// a value on a boundary is in the lower band (0.5625 is H1, 0.75 is HV).
// ok is false for NaN.
func EGDIRatingClass(s float64) (Tier, bool) { return egdiClasses.Classify(s) }

// CompassStages are the Digital Development Compass stages of a 0-5 score,
//
//	stage = max(floor(score), 1)
//
// 1 Basic, 2 Opportunistic, 3 Systematic, 4 Differentiating, 5
// Transformational; a score above 5 is stage 5.
type CompassStages struct{}

var compassNames = []string{"Basic", "Opportunistic", "Systematic", "Differentiating", "Transformational"}

// Names lists the stages, lowest first.
func (CompassStages) Names() []string { return append([]string(nil), compassNames...) }

// Classify returns the stage of a 0-5 score; ok is false for NaN.
func (CompassStages) Classify(s float64) (Tier, bool) {
	if math.IsNaN(s) {
		return Tier{}, false
	}
	k := int(max(1, min(5, math.Floor(s))))
	return Tier{compassNames[k-1], k}, true
}

// Quartiles classify a score on [Lo, Hi] into four equal bands: at or
// above 75 % of the range is the fourth label, at or above 50 % the third,
// at or above 25 % the second. DRI uses them for the IDES stages Inception,
// Start-up, Expansion, Consolidation: UNCDF has not published thresholds,
// and quartiles 0.25/0.50/0.75 are consistent with its published examples
// (METHODS.md); a stage starts at its threshold.
type Quartiles struct {
	Lo, Hi float64
	Labels [4]string
}

// IDESStages are the IDES stages on a 0-1 score.
var IDESStages = Quartiles{Lo: 0, Hi: 1, Labels: [4]string{"Inception", "Start-up", "Expansion", "Consolidation"}}

// Names lists the bands, lowest first.
func (q Quartiles) Names() []string { return q.Labels[:] }

// Classify returns the band of a score; ok is false for NaN or Hi == Lo.
func (q Quartiles) Classify(s float64) (Tier, bool) {
	if math.IsNaN(s) || q.Hi == q.Lo {
		return Tier{}, false
	}
	f := (s - q.Lo) / (q.Hi - q.Lo)
	t := Thresholds{Labels: []string{q.Labels[3], q.Labels[2], q.Labels[1], q.Labels[0]}, Bounds: []float64{0.75, 0.5, 0.25}, Inclusive: true}
	return t.Classify(f)
}

// ParityBand classifies a gender parity score: below Lo women are behind,
// within [Lo, Hi] there is parity (both ends included, ITU's 0.98 and
// 1.02), above Hi men are behind.
type ParityBand struct{ Lo, Hi float64 }

// Names lists the classes, lowest first.
func (ParityBand) Names() []string { return []string{"Women behind", "Parity", "Men behind"} }

// Classify returns the class of a parity score; ok is false for NaN.
func (p ParityBand) Classify(s float64) (Tier, bool) {
	switch {
	case math.IsNaN(s):
		return Tier{}, false
	case s < p.Lo:
		return Tier{"Women behind", 1}, true
	case s > p.Hi:
		return Tier{"Men behind", 3}, true
	}
	return Tier{"Parity", 2}, true
}

// NewTierScheme builds a named scheme: "egdi", "compass", "parity" (ITU's
// band 0.98-1.02), "quartiles" (four names over [lo, hi]), or none ("" or
// "none", a nil scheme).
func NewTierScheme(name string, names []string, lo, hi float64) (TierScheme, error) {
	switch name {
	case "egdi":
		return EGDIGroups{}, nil
	case "compass":
		return CompassStages{}, nil
	case "parity":
		return ParityBand{Lo: ParityLo, Hi: ParityHi}, nil
	case "quartiles":
		if len(names) != 4 {
			return nil, fmt.Errorf("indicators: quartile tiers need four names, got %d", len(names))
		}
		return Quartiles{Lo: lo, Hi: hi, Labels: [4]string{names[0], names[1], names[2], names[3]}}, nil
	case "", "none":
		return nil, nil
	}
	return nil, fmt.Errorf("indicators: unknown tier scheme %q (want egdi, compass, quartiles, parity or none)", name)
}
