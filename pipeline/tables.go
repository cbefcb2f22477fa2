package pipeline

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Tidy tables for analysts (dri export): the canonical observations, the
// reference tables and the registry, written as Parquet, Arrow IPC files or
// CSV.

// TableFormats are the formats WriteTable writes, with their file
// extensions.
var TableFormats = map[string]string{"parquet": ".parquet", "arrow": ".arrow", "csv": ".csv"}

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

// WriteTable writes a record as Parquet (zstd), an Arrow IPC file or CSV
// (header row; empty cells for nulls; numbers in their shortest
// round-trip form; strings through AppendCSVString: quoted, formula-like
// text neutralised).
func WriteTable(w io.Writer, rec arrow.RecordBatch, format string) error {
	var fw interface {
		Write(arrow.RecordBatch) error
		Close() error
	}
	var err error
	switch format {
	case "parquet":
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithDictionaryDefault(true))
		fw, err = pqarrow.NewFileWriter(rec.Schema(), nopCloser{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	case "arrow":
		fw, err = ipc.NewFileWriter(w, ipc.WithSchema(rec.Schema()))
	case "csv":
		return writeCSV(w, rec)
	default:
		return fmt.Errorf("pipeline: unknown table format %q (want parquet, arrow or csv)", format)
	}
	if err != nil {
		return err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func writeCSV(w io.Writer, rec arrow.RecordBatch) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var line []byte
	for i, f := range rec.Schema().Fields() {
		if i > 0 {
			line = append(line, ',')
		}
		line = appendCSVField(line, f.Name)
	}
	line = append(line, '\n')
	if _, err := bw.Write(line); err != nil {
		return err
	}
	cells := make([]func([]byte, int) ([]byte, error), rec.NumCols())
	for j := range cells {
		cell, err := csvCell(rec.Column(j))
		if err != nil {
			return fmt.Errorf("pipeline: csv: column %s: %w", rec.Schema().Field(j).Name, err)
		}
		cells[j] = cell
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		line = line[:0]
		for j, cell := range cells {
			if j > 0 {
				line = append(line, ',')
			}
			if rec.Column(j).IsNull(i) {
				continue
			}
			var err error
			if line, err = cell(line, i); err != nil {
				return err
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// csvCell returns the formatter of a column's cells.
func csvCell(a arrow.Array) (func([]byte, int) ([]byte, error), error) {
	switch c := a.(type) {
	case *array.String:
		return func(b []byte, i int) ([]byte, error) { return AppendCSVString(b, c.Value(i)), nil }, nil
	case *array.Dictionary:
		d, ok := c.Dictionary().(*array.String)
		if !ok {
			return nil, fmt.Errorf("dictionary of %s", c.Dictionary().DataType())
		}
		return func(b []byte, i int) ([]byte, error) { return AppendCSVString(b, d.Value(c.GetValueIndex(i))), nil }, nil
	case *array.Int16:
		return func(b []byte, i int) ([]byte, error) { return strconv.AppendInt(b, int64(c.Value(i)), 10), nil }, nil
	case *array.Int32:
		return func(b []byte, i int) ([]byte, error) { return strconv.AppendInt(b, int64(c.Value(i)), 10), nil }, nil
	case *array.Int64:
		return func(b []byte, i int) ([]byte, error) { return strconv.AppendInt(b, c.Value(i), 10), nil }, nil
	case *array.Float64:
		return func(b []byte, i int) ([]byte, error) {
			v := c.Value(i)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return b, nil // not a value: an empty cell, as a null
			}
			return strconv.AppendFloat(b, v, 'g', -1, 64), nil
		}, nil
	case *array.Boolean:
		return func(b []byte, i int) ([]byte, error) { return strconv.AppendBool(b, c.Value(i)), nil }, nil
	}
	return nil, fmt.Errorf("type %s", a.DataType())
}

// appendCSVField appends a header name, quoted only where RFC 4180 needs it.
func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && (s == "" || (s[0] != ' ' && s[len(s)-1] != ' ')) {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}
