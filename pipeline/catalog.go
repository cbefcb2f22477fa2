package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

// Entry is one source of a catalogue: a file, the adapter that reads it, and
// what users must know to cite it.
type Entry struct {
	ID          string `yaml:"id" json:"id"`
	Adapter     string `yaml:"adapter" json:"adapter"`
	File        string `yaml:"file" json:"file"`
	Publisher   string `yaml:"publisher" json:"publisher"`
	Title       string `yaml:"title" json:"title"`
	Vintage     string `yaml:"vintage" json:"vintage"`
	Licence     string `yaml:"licence" json:"licence"`
	Attribution string `yaml:"attribution" json:"attribution,omitempty"`
	URL         string `yaml:"url" json:"url,omitempty"`
	// Carrier says where the copy shipped here was taken from, when it is
	// not the publisher's own site.
	Carrier string `yaml:"carrier" json:"carrier,omitempty"`
	// Precedence decides between sources that give the same key: the higher
	// wins and the loser is reported as superseded.
	Precedence int    `yaml:"precedence" json:"precedence"`
	Notes      string `yaml:"notes" json:"notes,omitempty"`
	// KnownDefects acknowledge values of the file that break a rule for a
	// known reason (a publisher's error): they are quarantined as notices
	// with the reason, not as errors.
	KnownDefects []KnownDefect `yaml:"known_defects" json:"known_defects,omitempty"`
	// Options are the adapter's own settings (column mappings and the like),
	// decoded strictly by the adapter.
	Options map[string]any `yaml:"options" json:"options,omitempty"`
}

// KnownDefect names one value (or, with fields left empty, a set of values)
// that breaks a rule for a documented reason.
type KnownDefect struct {
	Rule      Rule   `yaml:"rule" json:"rule"`
	Unit      string `yaml:"unit" json:"unit,omitempty"`
	Year      int    `yaml:"year" json:"year,omitempty"`
	Indicator string `yaml:"indicator" json:"indicator,omitempty"`
	Sex       string `yaml:"sex" json:"sex,omitempty"`
	Reason    string `yaml:"reason" json:"reason"`
}

func (d *KnownDefect) matches(rule Rule, unit string, o *Obs) bool {
	return d.Rule == rule && (d.Unit == "" || d.Unit == unit) && (d.Year == 0 || d.Year == o.Year) &&
		(d.Indicator == "" || d.Indicator == o.Indicator) && (d.Sex == "" || d.Sex == orTotal(o.Sex))
}

// Catalogue lists the sources of a data directory.
type Catalogue struct {
	Sources []*Entry `yaml:"sources"`
}

var sourceID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ParseCatalogue decodes and checks a catalogue (catalog.yaml). Unknown
// fields, duplicate ids and unknown adapters are errors.
func ParseCatalogue(name string, data []byte) (*Catalogue, error) {
	var c Catalogue
	if err := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict()).Decode(&c); err != nil {
		return nil, fmt.Errorf("pipeline: catalogue %s: %w", name, err)
	}
	seen := map[string]bool{}
	var errs []error
	for i, e := range c.Sources {
		if err := e.Check(); err != nil {
			errs = append(errs, fmt.Errorf("source %d: %w", i+1, err))
		}
		if seen[e.ID] {
			errs = append(errs, fmt.Errorf("source %q listed twice", e.ID))
		}
		seen[e.ID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("pipeline: catalogue %s: %w", name, err)
	}
	return &c, nil
}

// Check reports the first missing or malformed field of an entry.
func (e *Entry) Check() error {
	var errs []error
	if !sourceID.MatchString(e.ID) {
		errs = append(errs, fmt.Errorf("id %q: want lower-case letters, digits, '.', '_' or '-'", e.ID))
	}
	if _, ok := CatalogueAdapters[e.Adapter]; !ok {
		errs = append(errs, fmt.Errorf("%s: unknown adapter %q (known: %s)", e.ID, e.Adapter, adapterNames()))
	}
	for field, v := range map[string]string{"file": e.File, "publisher": e.Publisher, "vintage": e.Vintage, "licence": e.Licence} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s: field %s is required", e.ID, field))
		}
	}
	return errors.Join(errs...)
}

// Merge returns the catalogue with the user's entries added; an entry with the
// id of an existing one replaces it.
func (c *Catalogue) Merge(user *Catalogue) *Catalogue {
	out := &Catalogue{}
	index := map[string]int{}
	for _, e := range c.Sources {
		index[e.ID] = len(out.Sources)
		out.Sources = append(out.Sources, e)
	}
	for _, e := range user.Sources {
		if i, ok := index[e.ID]; ok {
			out.Sources[i] = e
			continue
		}
		index[e.ID] = len(out.Sources)
		out.Sources = append(out.Sources, e)
	}
	return out
}

// DecodeOptions decodes an entry's options into the adapter's settings,
// rejecting unknown keys.
func DecodeOptions(e *Entry, dst any) error {
	if len(e.Options) == 0 {
		return nil
	}
	raw, err := yaml.Marshal(e.Options)
	if err != nil {
		return fmt.Errorf("options: %w", err)
	}
	if err := yaml.NewDecoder(bytes.NewReader(raw), yaml.Strict()).Decode(dst); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	return nil
}

// CatalogueAdapters are the adapter names a catalogue entry may give, each
// with whether its sources hold observations (merged into the table) rather
// than build the reference tables or ship a document. Package load has an
// adapter for each name, in reading order (its TestAdapterList checks that
// the two lists agree).
var CatalogueAdapters = map[string]bool{
	"m49":                  false,
	"units-extra":          false,
	"un-members":           false,
	"wb-class":             false,
	"wb-class-groups":      false,
	"ldc-membership":       false,
	"subdivisions":         false,
	"subdivision-aliases":  false,
	"aliases":              false,
	"wide":                 true,
	"document":             false,
	"egov":                 true,
	"itu-datahub":          true,
	"itu-by-sex":           true,
	"wb-databank":          true,
	"findex-databank":      true,
	"findex-2025":          true,
	"wb-api-long":          true,
	"wdi-wide":             true,
	"ddf":                  true,
	"sdg":                  true,
	"country-year-value":   true,
	"ddc-scores":           true,
	"ddc-indicator-scores": true,
	"opensdg":              true,
	"long":                 true,
}

func adapterNames() string {
	names := make([]string, 0, len(CatalogueAdapters))
	for n := range CatalogueAdapters {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
