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
	Classify(score float64) (Tier, bool)
	Names() []string
}

// EGDIGroups are the E-Government Survey's four groups: Very High (> 0.75),
// High (0.50-0.75), Middle (0.25-0.50), Low (< 0.25). A value on a boundary
// belongs to the lower group (0.75 is High), following the Survey's
// "greater than 0.75" wording.
type EGDIGroups struct{}

// Names lists the groups, lowest first.
func (EGDIGroups) Names() []string { return []string{"Low", "Middle", "High", "Very High"} }

// Classify returns the EGDI group of a score in [0, 1].
func (EGDIGroups) Classify(s float64) (Tier, bool) {
	if math.IsNaN(s) {
		return Tier{}, false
	}
	switch {
	case s > 0.75:
		return Tier{"Very High", 4}, true
	case s > 0.50:
		return Tier{"High", 3}, true
	case s > 0.25:
		return Tier{"Middle", 2}, true
	}
	return Tier{"Low", 1}, true
}

var egdiClasses = [][4]string{
	{"L1", "L2", "L3", "LM"}, {"M1", "M2", "M3", "MH"}, {"H1", "H2", "H3", "HV"}, {"V1", "V2", "V3", "VH"},
}

// EGDIRatingClass splits each EGDI group into four equal bands (the
// Survey's 16 rating classes, top to bottom VH V3 V2 V1 | HV H3 H2 H1 |
// MH M3 M2 M1 | LM L3 L2 L1). Band boundaries follow the group rule: a value
// on a boundary is in the lower band. Index 1 = L1 ... 16 = VH.
func EGDIRatingClass(s float64) (Tier, bool) {
	g, ok := EGDIGroups{}.Classify(s)
	if !ok {
		return Tier{}, false
	}
	lo := 0.25 * float64(g.Index-1)
	band := int(math.Ceil((s-lo)/0.0625)) - 1
	band = max(0, min(3, band))
	return Tier{egdiClasses[g.Index-1][band], (g.Index-1)*4 + band + 1}, true
}

// CompassStages are the Digital Development Compass stages of a 0-5 score:
// stage = max(floor(score), 1): 1 Basic, 2 Opportunistic, 3 Systematic,
// 4 Differentiating, 5 Transformational.
type CompassStages struct{}

// Names lists the stages, lowest first.
func (CompassStages) Names() []string {
	return []string{"Basic", "Opportunistic", "Systematic", "Differentiating", "Transformational"}
}

// Classify returns the stage of a 0-5 score.
func (c CompassStages) Classify(s float64) (Tier, bool) {
	if math.IsNaN(s) {
		return Tier{}, false
	}
	k := int(math.Floor(s))
	k = max(1, min(5, k))
	return Tier{c.Names()[k-1], k}, true
}

// Quartiles classify a score on [lo, hi] into four equal bands: below 25 %
// of the range is the first name, at or above 75 % the fourth (used for the
// IDES stages Inception, Start-up, Expansion, Consolidation, whose thresholds
// UNCDF has not published).
type Quartiles struct {
	Lo, Hi float64
	Labels [4]string
}

// Names lists the bands, lowest first.
func (q Quartiles) Names() []string { return q.Labels[:] }

// Classify returns the band of a score.
func (q Quartiles) Classify(s float64) (Tier, bool) {
	if math.IsNaN(s) || q.Hi == q.Lo {
		return Tier{}, false
	}
	f := (s - q.Lo) / (q.Hi - q.Lo)
	k := 1
	switch {
	case f >= 0.75:
		k = 4
	case f >= 0.5:
		k = 3
	case f >= 0.25:
		k = 2
	}
	return Tier{q.Labels[k-1], k}, true
}

// ParityBand classifies a gender parity score: below the band women are
// behind, inside it there is parity, above it men are behind.
type ParityBand struct{ Lo, Hi float64 }

// Names lists the classes, lowest first.
func (ParityBand) Names() []string { return []string{"Women behind", "Parity", "Men behind"} }

// Classify returns the class of a parity score.
func (p ParityBand) Classify(s float64) (Tier, bool) {
	if math.IsNaN(s) {
		return Tier{}, false
	}
	switch {
	case s < p.Lo:
		return Tier{"Women behind", 1}, true
	case s > p.Hi:
		return Tier{"Men behind", 3}, true
	}
	return Tier{"Parity", 2}, true
}

// NewTierScheme builds a named scheme: egdi, compass, quartiles (with four
// names over [lo, hi]) or parity.
func NewTierScheme(name string, names []string, lo, hi float64) (TierScheme, error) {
	switch name {
	case "egdi":
		return EGDIGroups{}, nil
	case "compass":
		return CompassStages{}, nil
	case "parity":
		return ParityBand{Lo: 0.98, Hi: 1.02}, nil
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
