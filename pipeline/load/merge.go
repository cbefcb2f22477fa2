package load

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dri-engine/dri/pipeline/internal/longload"

	"github.com/dri-engine/dri/pipeline"
)

// merge resolves keys given by several sources (the higher precedence wins,
// then the later catalogue entry), detects keys given twice by one source
// (duplicate-key errors: the later line is quarantined), orders the winners
// by indicator, unit, the breakdowns and year, and builds the Arrow record
// (longload.Merge). It reports the losses against their sources.
func merge(sources []*source, ref *pipeline.Reference, reg *pipeline.Registry, ages, notes []string, mem memory.Allocator) (arrow.RecordBatch, error) {
	units := ref.Units()
	if err := longload.CheckLimits(len(reg.Indicators), len(units), len(ages), len(sources)); err != nil {
		return nil, fmt.Errorf("pipeline: merge: %w", err)
	}
	keys := longload.Keys{
		UnitRank:      rankStrings(len(units), func(i int) string { return units[i].Code }),
		IndicatorRank: rankStrings(len(reg.Indicators), func(i int) string { return reg.Indicators[i].ID }),
		AgeRank:       rankStrings(len(ages), func(i int) string { return ages[i] }),
	}
	// Precedence order: higher precedence first, then the later entry.
	byPrec := make([]int, len(sources))
	for i := range byPrec {
		byPrec[i] = i
	}
	slices.SortStableFunc(byPrec, func(a, b int) int {
		if pa, pb := sources[a].entry.Precedence, sources[b].entry.Precedence; pa != pb {
			return pb - pa
		}
		return sources[b].index - sources[a].index
	})
	keys.PrecedenceRank = make([]uint64, len(sources))
	for r, si := range byPrec {
		keys.PrecedenceRank[si] = uint64(r)
	}
	deferCountrySeries(sources, units, reg)
	// Every source's rows come in parts (column chunks), in file order.
	var parts []longload.Part
	for si, s := range sources {
		for _, c := range s.allParts() {
			parts = append(parts, longload.Part{Src: si, Cols: c})
		}
	}
	merged, losses, err := longload.Merge(mem, parts, keys)
	if err != nil {
		return nil, fmt.Errorf("pipeline: merge: %w", err)
	}
	pipeline.TracePhase("order")

	type pair struct{ loser, winner int }
	superseded := map[pair]int{}
	example := map[pair]uint64{}
	for _, l := range losses {
		lp, lr := parts[longload.PartOf(l.Loser)], longload.RowOf(l.Loser)
		wp, wr := parts[longload.PartOf(l.Winner)], longload.RowOf(l.Winner)
		if lp.Src == wp.Src {
			s := sources[lp.Src]
			c := lp.Cols
			s.Report().Loaded--
			s.Report().Quarantined++
			s.Problem(int(c.LineAt(lr)), 0, pipeline.Error, pipeline.RuleDuplicateKey, "%s %d %s %s already given on line %d",
				units[c.UnitAt(lr)].Code, c.YearAt(lr), reg.Indicators[c.IndicatorAt(lr)].ID, breakdownText(c.CodesAt(lr), ages),
				wp.Cols.LineAt(wr))
			continue
		}
		p := pair{lp.Src, wp.Src}
		if superseded[p] == 0 {
			example[p] = l.Loser
		}
		superseded[p]++
	}
	pairs := make([]pair, 0, len(superseded))
	for p := range superseded {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.loser != b.loser {
			return a.loser - b.loser
		}
		return a.winner - b.winner
	})
	for _, p := range pairs {
		count := superseded[p]
		loser, winner := sources[p.loser], sources[p.winner]
		loser.Report().Superseded += count
		ex := example[p]
		row := longload.RowOf(ex)
		c := parts[longload.PartOf(ex)].Cols
		loser.Problem(int(c.LineAt(row)), 0, pipeline.Notice, pipeline.RuleSuperseded,
			"%d values also given by %s (precedence %d >= %d) were superseded by it, e.g. %s %d %s sex=%s",
			count, winner.entry.ID, winner.entry.Precedence, loser.entry.Precedence,
			units[c.UnitAt(row)].Code, c.YearAt(row), reg.Indicators[c.IndicatorAt(row)].ID, pipeline.SexCodes[c.SexAt(row)])
	}
	// Duplicate-key problems were appended out of line order.
	for _, s := range sources {
		slices.SortStableFunc(s.Report().Problems, func(a, b pipeline.Problem) int { return a.Line - b.Line })
	}
	pipeline.TracePhase("dedupe")
	defer pipeline.TracePhase("build")
	unitCodes := make([]string, len(units))
	for i, u := range units {
		unitCodes[i] = u.Code
	}
	srcIDs := make([]string, len(sources))
	for i, s := range sources {
		srcIDs[i] = s.entry.ID
	}
	return merged.Record(mem, pipeline.Schema, longload.Dictionaries{Units: unitCodes, Indicators: reg.IDs(),
		Sex: pipeline.SexCodes, Area: pipeline.AreaCodes, Ages: ages, Income: pipeline.IncomeCodes,
		Education: pipeline.EducationCodes, Labour: pipeline.LabourCodes, Status: pipeline.StatusCodes,
		Sources: srcIDs, Notes: notes})
}

// breakdownText names a row's breakdown: sex, area and age always, the
// later breakdowns where they are not totals ("sex=F area=R age=_T
// income=B40").
func breakdownText(k longload.Codes, ages []string) string {
	s := fmt.Sprintf("sex=%s area=%s age=%s", pipeline.SexCodes[k.Sex], pipeline.AreaCodes[k.Area], ages[k.Age])
	for _, b := range []struct {
		name  string
		id    uint8
		codes []string
	}{{"income", k.Income, pipeline.IncomeCodes}, {"education", k.Education, pipeline.EducationCodes}, {"labour", k.Labour, pipeline.LabourCodes}} {
		if b.id != 0 {
			s += " " + b.name + "=" + b.codes[b.id]
		}
	}
	return s
}

// rankStrings returns, for each index, the rank of its string in sorted order.
func rankStrings(n int, at func(int) string) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		sa, sb := at(a), at(b)
		switch {
		case sa < sb:
			return -1
		case sa > sb:
			return 1
		}
		return 0
	})
	rank := make([]int, n)
	for r, i := range idx {
		rank[i] = r
	}
	return rank
}
