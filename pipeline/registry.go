package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/goccy/go-yaml"
)

// Measure is a unit of measure of the registry (percent, per100, index, ...).
type Measure struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	// Labels are the ways publishers' files write this unit; a file that
	// labels a value with the label of another measure breaks unit-mismatch.
	Labels []string `yaml:"labels" json:"-"`
	// Bounds are the natural bounds of the measure; nil means unbounded.
	Bounds *Range `yaml:"bounds" json:"bounds,omitempty"`
	// Tolerance is how far past Bounds a value may be (publishers' rounding).
	Tolerance float64 `yaml:"tolerance" json:"tolerance,omitempty"`
}

// Range is a closed interval; a nil end is open.
type Range struct {
	Lo *float64 `yaml:"lo" json:"lo"`
	Hi *float64 `yaml:"hi" json:"hi"`
}

// Indicator is one entry of the indicator registry.
type Indicator struct {
	ID              string   `yaml:"id" json:"id"`
	Name            string   `yaml:"name" json:"name"`
	Unit            string   `yaml:"unit" json:"unit"`
	Polarity        int      `yaml:"polarity" json:"polarity"`
	Bounds          *Range   `yaml:"bounds" json:"bounds,omitempty"`
	Goalposts       *Range   `yaml:"goalposts" json:"goalposts,omitempty"`
	Disaggregations []string `yaml:"disaggregations" json:"disaggregations"`
	Sources         []string `yaml:"sources" json:"sources"`
	Definition      string   `yaml:"definition" json:"definition"`
	Note            string   `yaml:"note" json:"note,omitempty"`
	// Aliases are publishers' codes for the indicator (WDI IT.NET.USER.ZS,
	// ITU i99H, SDG IT_USE_ii99, Findex account_t_d). [Registry.Lookup]
	// takes them, without regard to case, wherever an id is taken; one
	// alias belongs to one indicator and is no indicator's id.
	Aliases []string `yaml:"aliases" json:"aliases,omitempty"`
	// GroupWeighting is how group figures are made from members' values:
	// GroupPopulation, GroupMean or GroupNone.
	GroupWeighting string `yaml:"group_weighting" json:"group_weighting"`
	// GroupWindow is how many years before a group figure's year a
	// member's latest value may come from (nil: DefaultGroupWindow).
	GroupWindow *int `yaml:"group_window" json:"group_window,omitempty"`
	// GroupWeight names the indicator (unit persons) whose values weigh the
	// members of a population-weighted group figure, in the year of each
	// member's value; "" means total population (wb.population). Findex
	// shares name findex.pop_adult, the adult population the World Bank
	// weights its own Findex aggregates by.
	GroupWeight string `yaml:"group_weight" json:"group_weight,omitempty"`

	measure *Measure
}

// Group weightings (indicators.yaml group_weighting).
const (
	GroupPopulation = "population" // weighted by members' total population
	GroupMean       = "mean"       // simple mean of the member states
	GroupNone       = "none"       // no group figure
)

// DefaultGroupWindow is the group window of an indicator that sets none.
const DefaultGroupWindow = 3

// Window returns the indicator's group window in years.
func (ind *Indicator) Window() int {
	if ind.GroupWindow == nil {
		return DefaultGroupWindow
	}
	return *ind.GroupWindow
}

// Measure returns the indicator's unit of measure.
func (ind *Indicator) Measure() *Measure { return ind.measure }

// Registry is the indicator registry: units of measure and indicators.
type Registry struct {
	Measures   []*Measure   `yaml:"measures"`
	Indicators []*Indicator `yaml:"indicators"`

	byID     map[string]int
	byAlias  map[string]int    // lower-case alias -> index of its indicator
	labels   map[string]string // normalised label -> measure id
	measures map[string]*Measure
}

var indicatorID = regexp.MustCompile(`^[a-z][a-z0-9]*\.[a-z0-9_]+$`)

// ParseRegistry decodes and checks an indicator registry (indicators.yaml).
// Unknown fields are errors.
func ParseRegistry(name string, data []byte) (*Registry, error) {
	var r Registry
	if err := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict()).Decode(&r); err != nil {
		return nil, fmt.Errorf("pipeline: registry %s: %w", name, err)
	}
	if err := r.init(); err != nil {
		return nil, fmt.Errorf("pipeline: registry %s: %w", name, err)
	}
	return &r, nil
}

func (r *Registry) init() error {
	r.byID = map[string]int{}
	r.byAlias = map[string]int{}
	r.labels = map[string]string{}
	r.measures = map[string]*Measure{}
	var errs []error
	for _, m := range r.Measures {
		if _, dup := r.measures[m.ID]; dup {
			errs = append(errs, fmt.Errorf("measure %q defined twice", m.ID))
		}
		r.measures[m.ID] = m
		for _, l := range m.Labels {
			r.labels[normLabel(l)] = m.ID
		}
	}
	for i, ind := range r.Indicators {
		if !indicatorID.MatchString(ind.ID) {
			errs = append(errs, fmt.Errorf("indicator id %q: want lower case source.name", ind.ID))
		}
		if _, dup := r.byID[ind.ID]; dup {
			errs = append(errs, fmt.Errorf("indicator %q defined twice", ind.ID))
		}
		r.byID[ind.ID] = i
		m, ok := r.measures[ind.Unit]
		if !ok {
			errs = append(errs, fmt.Errorf("indicator %q: unknown unit of measure %q", ind.ID, ind.Unit))
		}
		ind.measure = m
		if ind.Polarity != 1 && ind.Polarity != -1 {
			errs = append(errs, fmt.Errorf("indicator %q: polarity %d: want 1 or -1", ind.ID, ind.Polarity))
		}
		switch ind.GroupWeighting {
		case GroupPopulation, GroupMean, GroupNone:
		case "":
			// A user's indicator without one: shares of people and per-100
			// rates by population, anything else by the mean of states.
			ind.GroupWeighting = GroupMean
			if ind.Unit == "percent" || ind.Unit == "per100" {
				ind.GroupWeighting = GroupPopulation
			}
		default:
			errs = append(errs, fmt.Errorf("indicator %q: group_weighting %q: want population, mean or none", ind.ID, ind.GroupWeighting))
		}
		if ind.GroupWindow != nil && (*ind.GroupWindow < 0 || *ind.GroupWindow > 20) {
			errs = append(errs, fmt.Errorf("indicator %q: group_window %d: want 0 to 20 years", ind.ID, *ind.GroupWindow))
		}
		for _, d := range ind.Disaggregations {
			if b, ok := dims.ByColumn(d); !ok || b.Total == "" {
				errs = append(errs, fmt.Errorf("indicator %q: disaggregation %q: want one of %s", ind.ID, d, BreakdownNames()))
			}
		}
	}
	for i, ind := range r.Indicators {
		errs = append(errs, r.addAliases(ind, i)...)
	}
	errs = append(errs, r.checkGroupWeights()...)
	return errors.Join(errs...)
}

// checkGroupWeights checks that every group_weight is on a
// population-weighted indicator and names an indicator of the registry
// counted in persons, which has no group weight of its own.
func (r *Registry) checkGroupWeights() []error {
	var errs []error
	for _, ind := range r.Indicators {
		if ind.GroupWeight == "" {
			continue
		}
		i, ok := r.byID[ind.GroupWeight]
		switch {
		case ind.GroupWeighting != GroupPopulation:
			errs = append(errs, fmt.Errorf("indicator %q: group_weight %q with group_weighting %q: a weight needs population weighting", ind.ID, ind.GroupWeight, ind.GroupWeighting))
		case !ok:
			errs = append(errs, fmt.Errorf("indicator %q: group_weight %q is not an indicator of the registry", ind.ID, ind.GroupWeight))
		case r.Indicators[i].Unit != "persons" || r.Indicators[i].GroupWeight != "":
			errs = append(errs, fmt.Errorf("indicator %q: group_weight %q: want an indicator counted in persons without a group_weight of its own", ind.ID, ind.GroupWeight))
		}
	}
	return errs
}

// addAliases indexes an indicator's aliases (the indicator is at index i),
// after every id is indexed: an alias may not be an id, nor another
// indicator's alias, nor a code a list parameter would split.
func (r *Registry) addAliases(ind *Indicator, i int) []error {
	var errs []error
	for _, a := range ind.Aliases {
		key := strings.ToLower(a)
		if a == "" || strings.ContainsAny(a, ",; \t") {
			errs = append(errs, fmt.Errorf("indicator %q: alias %q: want a code without spaces, ',' or ';'", ind.ID, a))
			continue
		}
		if _, isID := r.byID[key]; isID {
			errs = append(errs, fmt.Errorf("indicator %q: alias %q is the id of an indicator", ind.ID, a))
			continue
		}
		if j, dup := r.byAlias[key]; dup {
			if j == i {
				errs = append(errs, fmt.Errorf("indicator %q: alias %q listed twice", ind.ID, a))
			} else {
				errs = append(errs, fmt.Errorf("alias %q claimed by two indicators: %q and %q", a, r.Indicators[j].ID, ind.ID))
			}
			continue
		}
		r.byAlias[key] = i
	}
	return errs
}

// Lookup returns the indicator with the given id or alias and its index in
// the registry. It is the one place an alias is resolved: a caller that
// keeps the indicator's id uses the returned indicator's ID, not its
// argument. Ids are matched exactly, aliases without regard to case.
func (r *Registry) Lookup(id string) (*Indicator, int, bool) {
	i, ok := r.byID[id]
	if !ok {
		if i, ok = r.byAlias[strings.ToLower(id)]; !ok {
			return nil, -1, false
		}
	}
	return r.Indicators[i], i, true
}

// Canonical returns the id of the indicator an id or alias names, and
// false (with id unchanged) for a code the registry does not know.
func (r *Registry) Canonical(id string) (string, bool) {
	ind, _, ok := r.Lookup(id)
	if !ok {
		return id, false
	}
	return ind.ID, true
}

// IDs returns the indicator ids in registry order.
func (r *Registry) IDs() []string {
	ids := make([]string, len(r.Indicators))
	for i, ind := range r.Indicators {
		ids[i] = ind.ID
	}
	return ids
}

// MeasureOfLabel maps a publisher's unit label ("%", "per 100 people") to a
// measure id; ok is false for labels the registry does not know.
func (r *Registry) MeasureOfLabel(label string) (string, bool) {
	id, ok := r.labels[normLabel(label)]
	return id, ok
}

// Extend adds a registry fragment (a user's indicators.yaml: measures and
// indicators of their own). Ids already in the registry are errors: a user
// file adds indicators, it does not redefine DRI's.
func (r *Registry) Extend(name string, data []byte) error {
	var frag Registry
	if err := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict()).Decode(&frag); err != nil {
		return fmt.Errorf("pipeline: registry %s: %w", name, err)
	}
	var errs []error
	for _, m := range frag.Measures {
		if _, dup := r.measures[m.ID]; dup {
			errs = append(errs, fmt.Errorf("measure %q is already defined", m.ID))
			continue
		}
		r.Measures = append(r.Measures, m)
		r.measures[m.ID] = m
		for _, l := range m.Labels {
			r.labels[normLabel(l)] = m.ID
		}
	}
	for _, ind := range frag.Indicators {
		if !indicatorID.MatchString(ind.ID) {
			errs = append(errs, fmt.Errorf("indicator id %q: want lower case source.name", ind.ID))
			continue
		}
		if ind.Polarity != 1 && ind.Polarity != -1 {
			errs = append(errs, fmt.Errorf("indicator %q: polarity %d: want 1 or -1", ind.ID, ind.Polarity))
			continue
		}
		if err := r.add(ind); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, r.checkGroupWeights()...)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pipeline: registry %s: %w", name, err)
	}
	return nil
}

// add appends an indicator defined by an input file (a COINr iMeta), checked
// like registry entries. It is used on a copy of the registry.
func (r *Registry) add(ind *Indicator) error {
	if _, dup := r.byID[ind.ID]; dup {
		return fmt.Errorf("indicator %q already in the registry", ind.ID)
	}
	if j, isAlias := r.byAlias[strings.ToLower(ind.ID)]; isAlias {
		return fmt.Errorf("indicator %q: the id is an alias of %q", ind.ID, r.Indicators[j].ID)
	}
	m, ok := r.measures[ind.Unit]
	if !ok {
		return fmt.Errorf("indicator %q: unknown unit of measure %q", ind.ID, ind.Unit)
	}
	ind.measure = m
	i := len(r.Indicators)
	r.byID[ind.ID] = i
	r.Indicators = append(r.Indicators, ind)
	if errs := r.addAliases(ind, i); len(errs) > 0 {
		// Undo: a rejected indicator leaves the registry as it was.
		r.Indicators = r.Indicators[:i]
		delete(r.byID, ind.ID)
		for k, j := range r.byAlias {
			if j == i {
				delete(r.byAlias, k)
			}
		}
		return errors.Join(errs...)
	}
	return nil
}

// clone returns a copy whose indicator list can grow independently.
func (r *Registry) clone() *Registry {
	c := *r
	c.Indicators = append([]*Indicator(nil), r.Indicators...)
	c.Measures = append([]*Measure(nil), r.Measures...)
	c.byID = make(map[string]int, len(r.byID))
	for k, v := range r.byID {
		c.byID[k] = v
	}
	c.byAlias = make(map[string]int, len(r.byAlias))
	for k, v := range r.byAlias {
		c.byAlias[k] = v
	}
	c.measures = make(map[string]*Measure, len(r.measures))
	for k, v := range r.measures {
		c.measures[k] = v
	}
	c.labels = make(map[string]string, len(r.labels))
	for k, v := range r.labels {
		c.labels[k] = v
	}
	return &c
}

// checkValue applies the natural bounds of the indicator (its own, else its
// measure's) with the measure's tolerance.
func (ind *Indicator) checkValue(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("value %v is not a finite number", v)
	}
	b := ind.Bounds
	if b == nil && ind.measure != nil {
		b = ind.measure.Bounds
	}
	if b == nil {
		return nil
	}
	tol := 0.0
	if ind.measure != nil {
		tol = ind.measure.Tolerance
	}
	if b.Lo != nil && v < *b.Lo-tol {
		return fmt.Errorf("value %v of %s is below its natural lower bound %v (%s)", v, ind.ID, *b.Lo, ind.Unit)
	}
	if b.Hi != nil && v > *b.Hi+tol {
		return fmt.Errorf("value %v of %s is above its natural upper bound %v (%s)", v, ind.ID, *b.Hi, ind.Unit)
	}
	return nil
}

func normLabel(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
