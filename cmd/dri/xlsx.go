package main

import (
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/xuri/excelize/v2"
)

// xlsxMaxRows is the most rows an Excel worksheet holds (the header is one).
const xlsxMaxRows = 1 << 20

// namedTable is one table of an export.
type namedTable struct {
	name string
	rec  arrow.RecordBatch
}

// writeWorkbook writes the tables to w as an Excel workbook, one sheet per
// table named after it: a header row, then one row per record with typed
// cells (numbers as numbers, booleans as booleans, text as text; a null, a
// NaN or an empty string is an empty cell, as in the CSV export). Text is
// never read as a formula in a typed cell, so it is written as it is,
// without the CSV export's leading ' on formula-like text.
func writeWorkbook(w io.Writer, tables []namedTable) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, t := range tables {
		if t.rec.NumRows()+1 > xlsxMaxRows {
			return fmt.Errorf("xlsx: table %s has %d rows, more than a worksheet holds (%d): use --format csv or parquet",
				t.name, t.rec.NumRows(), xlsxMaxRows-1)
		}
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), t.name); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(t.name); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		if err := writeSheet(f, t); err != nil {
			return fmt.Errorf("xlsx: sheet %s: %w", t.name, err)
		}
	}
	return f.Write(w)
}

func writeSheet(f *excelize.File, t namedTable) error {
	sw, err := f.NewStreamWriter(t.name)
	if err != nil {
		return err
	}
	fields := t.rec.Schema().Fields()
	row := make([]any, len(fields))
	for j, fd := range fields {
		row[j] = fd.Name
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	cells := make([]func(int) any, len(fields))
	for j := range fields {
		if cells[j], err = xlsxCell(t.rec.Column(j)); err != nil {
			return fmt.Errorf("column %s: %w", fields[j].Name, err)
		}
	}
	for i := range int(t.rec.NumRows()) {
		for j, cell := range cells {
			row[j] = nil
			if !t.rec.Column(j).IsNull(i) {
				row[j] = cell(i)
			}
		}
		ref, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// xlsxCell returns the typed value of a column's cells (nil: an empty
// cell). The column types are those tidy.WriteTable writes as CSV.
func xlsxCell(a arrow.Array) (func(int) any, error) {
	text := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	switch c := a.(type) {
	case *array.String:
		return func(i int) any { return text(c.Value(i)) }, nil
	case *array.Dictionary:
		d, ok := c.Dictionary().(*array.String)
		if !ok {
			return nil, fmt.Errorf("dictionary of %s", c.Dictionary().DataType())
		}
		return func(i int) any { return text(d.Value(c.GetValueIndex(i))) }, nil
	case *array.Int16:
		return func(i int) any { return int64(c.Value(i)) }, nil
	case *array.Int32:
		return func(i int) any { return int64(c.Value(i)) }, nil
	case *array.Int64:
		return func(i int) any { return c.Value(i) }, nil
	case *array.Float64:
		return func(i int) any {
			if v := c.Value(i); !math.IsNaN(v) && !math.IsInf(v, 0) {
				return v
			}
			return nil
		}, nil
	case *array.Boolean:
		return func(i int) any { return c.Value(i) }, nil
	}
	return nil, fmt.Errorf("type %s", a.DataType())
}
