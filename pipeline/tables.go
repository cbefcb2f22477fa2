package pipeline

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The tables DRI writes besides the observations: the reference tables and
// the registry as records (package pipeline/tidy writes them as Parquet,
// Arrow IPC files or CSV).

// ReferenceRecords returns the units table (UN member states and every unit
// with data) and the groups table (one row per group and member), as in a
// snapshot. The caller releases them.
func (r *Result) ReferenceRecords() (units, groups arrow.RecordBatch) {
	return unitsRecord(r.PublishedUnits()), groupsRecord(r.Reference.Groups())
}

var registrySchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.BinaryTypes.String}, {Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "unit", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "polarity", Type: arrow.PrimitiveTypes.Int32},
	{Name: "lower_bound", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "upper_bound", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "disaggregations", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "sources", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "definition", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// RegistryRecord returns the indicator registry as a table (bounds are the
// indicator's own, else its unit of measure's). The caller releases it.
func (r *Result) RegistryRecord() arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, registrySchema)
	defer b.Release()
	bound := func(i int, v *float64) {
		if v == nil {
			b.Field(i).AppendNull()
		} else {
			b.Field(i).(*array.Float64Builder).Append(*v)
		}
	}
	str := func(i int, s string) { AppendStringOrNull(b.Field(i).(*array.StringBuilder), s) }
	for _, ind := range r.Registry.Indicators {
		str(0, ind.ID)
		str(1, ind.Name)
		str(2, ind.Unit)
		b.Field(3).(*array.Int32Builder).Append(int32(ind.Polarity))
		bounds := ind.Bounds
		if bounds == nil && ind.measure != nil {
			bounds = ind.measure.Bounds
		}
		if bounds == nil {
			bounds = &Range{}
		}
		bound(4, bounds.Lo)
		bound(5, bounds.Hi)
		str(6, strings.Join(ind.Disaggregations, ","))
		str(7, strings.Join(ind.Sources, ","))
		str(8, ind.Definition)
		str(9, ind.Note)
	}
	return b.NewRecordBatch()
}
