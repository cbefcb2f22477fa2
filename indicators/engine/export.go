package engine

import (
	"fmt"
	"runtime"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/sync/errgroup"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline"
)

// ScoresSchema is the tidy scores table: one row per framework, year, unit
// and node, with every step's output for indicators (value selected, year
// used, imputed, normalised value) and for every node its score, rank,
// tier and coverage. Nodes with no data shipped (Node.NoData) are left out.
var ScoresSchema = arrow.NewSchema([]arrow.Field{
	{Name: "framework", Type: arrow.BinaryTypes.String}, {Name: "year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "unit", Type: arrow.BinaryTypes.String}, {Name: "node", Type: arrow.BinaryTypes.String},
	{Name: "parent", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "level", Type: arrow.PrimitiveTypes.Int32},
	{Name: "indicator", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "raw", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "year_used", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "imputed", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "rank", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "tier", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "coverage", Type: arrow.PrimitiveTypes.Float64},
	{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// ScoresRecord scores the frameworks (all when ids is empty) for every year
// they have data (or only the given year, when year > 0) and returns the
// tidy table, frameworks in the order given, then years, units and nodes.
// Results are not cached. The record's memory comes from mem; the caller
// releases the record.
func (e *Engine) ScoresRecord(mem memory.Allocator, ids []string, year int) (arrow.RecordBatch, error) {
	if len(ids) == 0 {
		ids = e.Frameworks()
	}
	type job struct {
		f    *indicators.Framework
		year int
		res  *indicators.Result
		err  error
	}
	var jobs []*job
	for _, id := range ids {
		f, ok := e.Framework(id)
		if !ok {
			return nil, &UnknownError{"framework", id}
		}
		years := e.Years(f)
		if year > 0 {
			years = []int{year}
		}
		for _, y := range years {
			jobs = append(jobs, &job{f: f, year: y})
		}
	}
	// Score in parallel, write in order (a job'''s error is reported in
	// that order too).
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, j := range jobs {
		g.Go(func() error {
			j.res, j.err = e.ScoreOnce(j.f.ID, j.year, indicators.Options{})
			return nil
		})
	}
	_ = g.Wait() // the jobs keep their errors
	b := array.NewRecordBuilder(mem, ScoresSchema)
	defer b.Release()
	str := func(i int, s string) { pipeline.AppendStringOrNull(b.Field(i).(*array.StringBuilder), s) } // "" is missing
	i32 := func(i int, v int) { b.Field(i).(*array.Int32Builder).Append(int32(v)) }
	f64 := func(i int, v float64) { b.Field(i).(*array.Float64Builder).Append(v) }
	for _, j := range jobs {
		if j.err != nil {
			return nil, fmt.Errorf("%s %d: %w", j.f.ID, j.year, j.err)
		}
		res := j.res
		parent := map[*indicators.Node]string{}
		for _, nr := range res.Nodes {
			for _, c := range nr.Node.Children {
				parent[c] = nr.Node.Code
			}
		}
		for u, unit := range res.Units {
			for _, nr := range res.Nodes {
				n := nr.Node
				if n.NoData() {
					continue
				}
				str(0, res.Framework.ID)
				i32(1, res.Year)
				str(2, unit)
				str(3, n.Code)
				str(4, parent[n])
				i32(5, n.Level)
				str(6, n.Indicator)
				if n.IsIndicator() && nr.RawValid != nil && nr.RawValid[u] {
					f64(7, nr.Raw[u])
					i32(8, nr.Year(u))
					b.Field(9).(*array.BooleanBuilder).Append(nr.IsImputed(u))
				} else {
					b.Field(7).AppendNull()
					b.Field(8).AppendNull()
					b.Field(9).AppendNull()
				}
				if nr.Valid[u] {
					f64(10, nr.Value(u))
				} else {
					b.Field(10).AppendNull()
				}
				if nr.Valid[u] && nr.Rank != nil && nr.Rank[u] > 0 {
					i32(11, nr.Rank[u])
				} else {
					b.Field(11).AppendNull()
				}
				tier := ""
				if nr.Tier != nil && (nr.Valid[u] || n.IsIndicator()) {
					tier = nr.Tier[u].Name
				}
				str(12, tier)
				f64(13, nr.Coverage(u))
				str(14, nr.Excluded)
			}
		}
	}
	return b.NewRecordBatch(), nil
}
