package snapshot

import (
	"maps"
	"slices"

	"fmt"
	"sort"
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

// Changes is what a new result changes relative to the one it replaces:
// observations added, removed and changed per indicator, the units whose data
// changed, the units the new result no longer publishes, and per source the
// rows it loses. It is what an upload answers with, and what decides whether
// an upload would destroy data (Destructive).
type Changes struct {
	// Added, Removed and Changed count observation keys (unit, year,
	// indicator and breakdown) over all indicators. A changed key is in
	// both tables with another value, status or source.
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
	// Indicators lists the indicators with any change, by id.
	Indicators []IndicatorChange `json:"indicators"`
	// UnitsAffected counts the units with an added, removed or changed
	// observation; Units lists the first MaxListedUnits of them, sorted.
	UnitsAffected int      `json:"units_affected"`
	Units         []string `json:"units,omitempty"`
	// UnitsDropped are units the old result published (UN members and
	// units with data) that the new one does not.
	UnitsDropped []string `json:"units_dropped,omitempty"`
	// Sources lists every source that loses rows or whose row count
	// changes: observations kept in the table for observation sources,
	// rows loaded for reference tables.
	Sources []SourceChange `json:"sources,omitempty"`
}

// IndicatorChange counts the changed observation keys of one indicator.
type IndicatorChange struct {
	Indicator string `json:"indicator"`
	Added     int    `json:"added"`
	Removed   int    `json:"removed"`
	Changed   int    `json:"changed"`
}

// SourceChange is one source's rows before and after. For an observation
// source, Before is its rows in the old table and Removed those of them whose
// key is in no source of the new table; for a reference table (units,
// members, classifications, aliases), Before and After are the rows loaded and
// Removed is what was lost.
type SourceChange struct {
	Source    string `json:"source"`
	Reference bool   `json:"reference,omitempty"`
	Before    int    `json:"before"`
	After     int    `json:"after"`
	Removed   int    `json:"removed"`
}

// RemovedShare is Removed / Before (0 when the source had no rows).
func (c SourceChange) RemovedShare() float64 {
	if c.Before == 0 {
		return 0
	}
	return float64(c.Removed) / float64(c.Before)
}

// MaxListedUnits bounds Changes.Units; UnitsAffected is always complete.
const MaxListedUnits = 50

// obsKey is an observation key within one indicator; the strings are the
// tables' dictionary values (no allocation per row).
type obsKey struct {
	unit      string
	breakdown pipeline.Breakdown
	year      int16
}

// DiffResults compares the result being served (old) with a new one. Both
// must have canonical observation tables; neither is modified or released.
func DiffResults(old, new *pipeline.Result) (*Changes, error) {
	before, err := pipeline.NewStore(old.Observations)
	if err != nil {
		return nil, err
	}
	after, err := pipeline.NewStore(new.Observations)
	if err != nil {
		return nil, err
	}
	c := &Changes{}
	affected := map[string]bool{}
	srcBefore, srcAfter, srcRemoved := map[string]int{}, map[string]int{}, map[string]int{}
	for i := 0; i < before.Len(); i++ {
		srcBefore[before.Source(i)]++
	}
	for i := 0; i < after.Len(); i++ {
		srcAfter[after.Source(i)]++
	}
	ids := map[string]bool{}
	for _, id := range before.Indicators() {
		ids[id] = true
	}
	for _, id := range after.Indicators() {
		ids[id] = true
	}
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		ic := IndicatorChange{Indicator: id}
		old := map[obsKey]int{}
		if r, ok := before.IndicatorRows(id); ok {
			for i := r[0]; i < r[1]; i++ {
				old[key(before, i)] = i
			}
		}
		if r, ok := after.IndicatorRows(id); ok {
			for j := r[0]; j < r[1]; j++ {
				k := key(after, j)
				i, ok := old[k]
				switch {
				case !ok:
					ic.Added++
					affected[k.unit] = true
				case before.Value(i) != after.Value(j) || before.Status(i) != after.Status(j) || before.Source(i) != after.Source(j):
					ic.Changed++
					affected[k.unit] = true
				}
				delete(old, k)
			}
		}
		for k, i := range old {
			ic.Removed++
			affected[k.unit] = true
			srcRemoved[before.Source(i)]++
		}
		if ic.Added+ic.Removed+ic.Changed > 0 {
			c.Indicators = append(c.Indicators, ic)
			c.Added += ic.Added
			c.Removed += ic.Removed
			c.Changed += ic.Changed
		}
	}
	c.UnitsAffected = len(affected)
	c.Units = slices.Sorted(maps.Keys(affected))
	if len(c.Units) > MaxListedUnits {
		c.Units = c.Units[:MaxListedUnits]
	}
	published := map[string]bool{}
	for _, u := range new.PublishedUnits() {
		published[u.Code] = true
	}
	for _, u := range old.PublishedUnits() {
		if !published[u.Code] {
			c.UnitsDropped = append(c.UnitsDropped, u.Code)
		}
	}
	srcs := map[string]bool{}
	for s := range srcBefore {
		srcs[s] = true
	}
	for s := range srcAfter {
		srcs[s] = true
	}
	for _, s := range slices.Sorted(maps.Keys(srcs)) {
		sc := SourceChange{Source: s, Before: srcBefore[s], After: srcAfter[s], Removed: srcRemoved[s]}
		if sc.Before != sc.After || sc.Removed > 0 {
			c.Sources = append(c.Sources, sc)
		}
	}
	c.Sources = append(c.Sources, referenceChanges(old, new)...)
	return c, nil
}

// referenceChanges compares the rows loaded from each reference table
// source (the sources that build units and groups, not observations).
func referenceChanges(old, new *pipeline.Result) []SourceChange {
	loaded := func(r *pipeline.Result) map[string]int {
		out := map[string]int{}
		for _, f := range r.Report.Files {
			out[f.Source] = f.Loaded
		}
		return out
	}
	isReference := func(r *pipeline.Result) map[string]bool {
		out := map[string]bool{}
		for _, e := range r.Catalogue.Sources {
			if obs, ok := pipeline.CatalogueAdapters[e.Adapter]; ok && !obs {
				out[e.ID] = true
			}
		}
		return out
	}
	before, after := loaded(old), loaded(new)
	refs := isReference(old)
	var out []SourceChange
	for _, id := range slices.Sorted(maps.Keys(refs)) {
		b, a := before[id], after[id]
		if a != b {
			out = append(out, SourceChange{Source: id, Reference: true, Before: b, After: a, Removed: max(b-a, 0)})
		}
	}
	return out
}

// key is the observation key of row i within its indicator.
func key(s *pipeline.Store, i int) obsKey {
	return obsKey{unit: s.Unit(i), breakdown: s.Breakdown(i), year: int16(s.Year(i))}
}

// Destructive lists what the changes would destroy, as sentences for a
// problem response: a reference table emptied, units no longer published,
// and each source losing more than maxRemovedShare (0..1) of its rows. An
// empty list means the changes may be applied without asking.
func (c *Changes) Destructive(maxRemovedShare float64) []string {
	var out []string
	for _, s := range c.Sources {
		switch {
		case s.Reference && s.Before > 0 && s.After == 0:
			out = append(out, fmt.Sprintf("reference table %s would be emptied (%d rows now)", s.Source, s.Before))
		case s.Removed > 0 && s.RemovedShare() > maxRemovedShare:
			what := "observations"
			if s.Reference {
				what = "reference rows"
			}
			out = append(out, fmt.Sprintf("source %s would lose %d of its %d %s (%.1f%%, more than the %.1f%% allowed)",
				s.Source, s.Removed, s.Before, what, 100*s.RemovedShare(), 100*maxRemovedShare))
		}
	}
	if n := len(c.UnitsDropped); n > 0 {
		list := c.UnitsDropped
		more := ""
		if n > MaxListedUnits {
			list, more = list[:MaxListedUnits], fmt.Sprintf(" and %d more", n-MaxListedUnits)
		}
		out = append(out, fmt.Sprintf("units that would no longer be published (%d): %s%s", n, strings.Join(list, ", "), more))
	}
	sort.Strings(out)
	return out
}
