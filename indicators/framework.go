package indicators

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/dri-engine/dri/pipeline/dims"
)

// Range is a closed interval [Lo, Hi] (Lo may exceed Hi for goalposts of
// indicators where lower is better).
type Range struct {
	Lo float64 `yaml:"lo" json:"lo"`
	Hi float64 `yaml:"hi" json:"hi"`
}

// Methods are a framework's method choices, by their CLI/API names.
type Methods struct {
	Impute    string `yaml:"impute" json:"impute"`
	Treat     string `yaml:"treat" json:"treat"`
	Normalise string `yaml:"normalise" json:"normalise"`
	Aggregate string `yaml:"aggregate" json:"aggregate"`
	// Weights: explicit (from the tree), equal, or pca.
	Weights string `yaml:"weights" json:"weights"`
	// Coverage is the minimum share of a node's children (those that have
	// indicators) with data for the node to be scored.
	Coverage float64 `yaml:"coverage" json:"coverage"`
}

// TierSpec names the tier scheme of a framework's aggregate scores.
type TierSpec struct {
	Scheme string   `yaml:"scheme" json:"scheme"`
	Names  []string `yaml:"names" json:"names,omitempty"`
}

// Node is one node of a framework tree: an aggregate (with children) or an
// indicator (a leaf naming a registry id, optionally one disaggregation).
type Node struct {
	Code      string   `yaml:"code" json:"code"`
	Name      string   `yaml:"name" json:"name,omitempty"`
	Weight    *float64 `yaml:"weight" json:"weight,omitempty"`
	Indicator string   `yaml:"indicator" json:"indicator,omitempty"`
	Sex       string   `yaml:"sex" json:"sex,omitempty"`
	Area      string   `yaml:"area" json:"area,omitempty"`
	Age       string   `yaml:"age" json:"age,omitempty"`
	Income    string   `yaml:"income" json:"income,omitempty"`
	Education string   `yaml:"education" json:"education,omitempty"`
	Labour    string   `yaml:"labour" json:"labour,omitempty"`
	// Direction overrides the registry's polarity (+1 or -1).
	Direction int `yaml:"direction" json:"direction,omitempty"`
	// Goalposts override the registry's (Lo scores 0, Hi scores the scale).
	Goalposts *Range   `yaml:"goalposts" json:"goalposts,omitempty"`
	Target    *float64 `yaml:"target" json:"target,omitempty"`
	// Aggregate overrides the framework's aggregation for this node.
	Aggregate string `yaml:"aggregate" json:"aggregate,omitempty"`
	// Children; an aggregate declared with an empty list is a documented
	// part of the original framework that DRI has no data for.
	Children []*Node `yaml:"children" json:"children,omitempty"`

	// Level: 1 for indicators, parents one more than their highest child.
	Level  int   `yaml:"-" json:"level"`
	Parent *Node `yaml:"-" json:"-"`
	index  int
	leaves int // indicators under the node
}

// IsIndicator reports whether the node is a leaf naming an indicator.
func (n *Node) IsIndicator() bool { return n.Indicator != "" }

// NoData reports an aggregate with no indicator under it: part of the
// original framework's structure that DRI ships no data for.
func (n *Node) NoData() bool { return !n.IsIndicator() && n.leaves == 0 }

// Key is the series a leaf reads: indicator and disaggregation.
func (n *Node) Key() SeriesKey {
	return KeyOf(n.Indicator, dims.Breakdown{Sex: n.Sex, Area: n.Area, Age: n.Age, Income: n.Income, Education: n.Education, Labour: n.Labour})
}

// EffectiveWeight is the node's weight as given, 1 when not given.
func (n *Node) EffectiveWeight() float64 {
	if n.Weight == nil {
		return 1
	}
	return *n.Weight
}

// Framework is a composite indicator definition: a tree with weights and
// the method choices to score it.
type Framework struct {
	ID          string   `yaml:"id" json:"id"`
	Kind        string   `yaml:"kind" json:"kind"` // "" (composite) or "gender"
	Name        string   `yaml:"name" json:"name"`
	Description string   `yaml:"description" json:"description"`
	Source      string   `yaml:"source" json:"source"`
	Departures  string   `yaml:"departures" json:"departures"`
	YearWindow  int      `yaml:"year_window" json:"year_window"`
	Scale       Range    `yaml:"scale" json:"scale"`
	ParityBand  *Range   `yaml:"parity_band" json:"parity_band,omitempty"`
	Methods     Methods  `yaml:"methods" json:"methods"`
	Tiers       TierSpec `yaml:"tiers" json:"tiers"`
	Extras      []string `yaml:"extras" json:"extras,omitempty"`
	Tree        []*Node  `yaml:"tree" json:"tree"`
	nodes       []*Node  // pre-order
	byCode      map[string]*Node
	tiers       TierScheme
	parsed      parsedMethods
	levels      int
}

type parsedMethods struct {
	impute    Imputation
	treat     Treatment
	normalise Normaliser
	aggregate Aggregation
}

// Kinds of framework.
const (
	KindComposite = ""
	KindGender    = "gender"
)

var nodeCode = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.\-]*$`)

// ParseFramework decodes and checks a framework file (YAML, unknown fields
// are errors). Indicator ids are checked against known when it is not nil.
func ParseFramework(name string, data []byte, known func(id string) bool) (*Framework, error) {
	var f Framework
	if err := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict()).Decode(&f); err != nil {
		return nil, fmt.Errorf("indicators: framework %s: %w", name, err)
	}
	if err := f.Init(known); err != nil {
		return nil, fmt.Errorf("indicators: framework %s: %w", name, err)
	}
	return &f, nil
}

// Init checks the framework and derives levels, indices and parsed methods.
// Frameworks built in code (e.g. from a COINr iMeta) call it themselves.
func (f *Framework) Init(known func(id string) bool) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if f.ID == "" || strings.ContainsAny(f.ID, " /\\") {
		bad("id %q: want a short name without spaces or slashes", f.ID)
	}
	if f.Kind != KindComposite && f.Kind != KindGender {
		bad("kind %q: want empty (composite) or gender", f.Kind)
	}
	if f.Scale.Hi == f.Scale.Lo {
		bad("scale: lo and hi must differ")
	}
	if f.YearWindow < 0 || f.YearWindow > 50 {
		bad("year_window %d: want 0..50 years", f.YearWindow)
	}
	if f.Methods.Coverage < 0 || f.Methods.Coverage > 1 || math.IsNaN(f.Methods.Coverage) {
		bad("methods.coverage %v: want a share in [0, 1]", f.Methods.Coverage)
	}
	var err error
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	if f.parsed.impute, err = ParseImputation(def(f.Methods.Impute, "none")); err != nil {
		errs = append(errs, err)
	}
	if f.parsed.treat, err = ParseTreatment(def(f.Methods.Treat, "none")); err != nil {
		errs = append(errs, err)
	}
	if f.parsed.normalise, err = ParseNormalisation(def(f.Methods.Normalise, "minmax:0,100")); err != nil {
		errs = append(errs, err)
	}
	if f.parsed.aggregate, err = ParseAggregation(def(f.Methods.Aggregate, "amean")); err != nil {
		errs = append(errs, err)
	}
	switch f.Methods.Weights {
	case "", "explicit", "equal", "pca":
	default:
		bad("methods.weights %q: want explicit, equal or pca", f.Methods.Weights)
	}
	if f.tiers, err = NewTierScheme(f.Tiers.Scheme, f.Tiers.Names, f.Scale.Lo, f.Scale.Hi); err != nil {
		errs = append(errs, err)
	}
	if len(f.Tree) != 1 {
		bad("tree: want exactly one top node (the index), got %d", len(f.Tree))
	}
	f.nodes = nil
	f.byCode = map[string]*Node{}
	var walk func(n, parent *Node) int
	walk = func(n, parent *Node) int {
		n.Parent = parent
		n.index = len(f.nodes)
		f.nodes = append(f.nodes, n)
		if !nodeCode.MatchString(n.Code) {
			bad("node code %q: want letters, digits, '_', '.', '-', starting with a letter", n.Code)
		}
		if _, dup := f.byCode[n.Code]; dup {
			bad("node code %q used twice", n.Code)
		}
		f.byCode[n.Code] = n
		if n.Weight != nil && (*n.Weight < 0 || math.IsNaN(*n.Weight) || math.IsInf(*n.Weight, 0)) {
			bad("node %s: weight %v: want a finite number >= 0", n.Code, *n.Weight)
		}
		if n.Direction != 0 && n.Direction != 1 && n.Direction != -1 {
			bad("node %s: direction %d: want 1 or -1", n.Code, n.Direction)
		}
		if n.Aggregate != "" {
			if _, err := ParseAggregation(n.Aggregate); err != nil {
				bad("node %s: %v", n.Code, err)
			}
		}
		if n.IsIndicator() {
			if len(n.Children) > 0 {
				bad("node %s: an indicator node has no children", n.Code)
			}
			if known != nil && !known(n.Indicator) {
				bad("node %s: unknown indicator %q", n.Code, n.Indicator)
			}
			b := n.Key().Breakdown()
			for _, d := range dims.Breakdowns {
				if code := b.Get(d); !d.Valid(code) {
					bad("node %s: %s %q is not %s", n.Code, d.Column, code, d.Want())
				}
			}
			n.Level, n.leaves = 1, 1
			return 1
		}
		if n.Name == "" {
			n.Name = n.Code
		}
		level := 1
		n.leaves = 0
		for _, c := range n.Children {
			level = max(level, walk(c, n)+1)
			n.leaves += c.leaves
		}
		if len(n.Children) == 0 {
			level = 2
		}
		n.Level = level
		return level
	}
	for _, n := range f.Tree {
		f.levels = max(f.levels, walk(n, nil))
	}
	for _, x := range f.Extras {
		if known != nil && !known(x) {
			bad("extras: unknown indicator %q", x)
		}
	}
	if f.Kind == KindGender {
		if f.ParityBand == nil {
			f.ParityBand = &Range{Lo: 0.98, Hi: 1.02}
		}
		for _, n := range f.nodes {
			if n.IsIndicator() && n.Parent != nil && n.Parent.Parent != nil {
				bad("gender framework: indicators must be children of the top node")
			}
		}
	}
	return errors.Join(errs...)
}

// Nodes returns the nodes in pre-order (the index first).
func (f *Framework) Nodes() []*Node { return f.nodes }

// Node returns the node with a code.
func (f *Framework) Node(code string) (*Node, bool) {
	n, ok := f.byCode[code]
	return n, ok
}

// Levels is the number of levels (1 = indicators).
func (f *Framework) Levels() int { return f.levels }

// Indicators lists the distinct indicator ids of the leaves.
func (f *Framework) Indicators() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range f.nodes {
		if n.IsIndicator() && !seen[n.Indicator] {
			seen[n.Indicator] = true
			out = append(out, n.Indicator)
		}
	}
	return out
}

// TierScheme returns the framework's tier scheme (nil for none).
func (f *Framework) TierScheme() TierScheme { return f.tiers }

// Methods in parsed form.
func (f *Framework) Normalisation() Normaliser { return f.parsed.normalise }
func (f *Framework) Aggregation() Aggregation  { return f.parsed.aggregate }
func (f *Framework) Imputation() Imputation    { return f.parsed.impute }
func (f *Framework) Treatment() Treatment      { return f.parsed.treat }
