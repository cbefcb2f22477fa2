// Package tidy writes DRI's tables as analysts read them: Parquet (zstd),
// Arrow IPC files or CSV, with the one rule for a string in a CSV cell
// (AppendCSVString: quoted, formula-like text neutralised) that every CSV
// DRI writes follows (dri export, the CLI's --format csv, the API's CSV and
// SDMX-CSV). See docs/EXPORTS.md.
package tidy

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

// TableFormats are the formats WriteTable writes, with their file
// extensions.
var TableFormats = map[string]string{"parquet": ".parquet", "arrow": ".arrow", "csv": ".csv"}

// WriteTable writes a record as Parquet (zstd), an Arrow IPC file or CSV
// (header row; empty cells for nulls; numbers in their shortest
// round-trip form; strings through AppendCSVString: quoted, formula-like
// text neutralised).
func WriteTable(w io.Writer, rec arrow.RecordBatch, format string) error {
	if format == "parquet" || format == "arrow" {
		p := Portable(rec)
		defer p.Release()
		rec = p
	}
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

// Portable returns rec with one type per kind of column, as every table DRI
// writes has it: 16-bit integers (the observations' year) as int32, coded
// columns (dictionaries of strings) as plain strings, so that R, pandas and
// DuckDB read the same types from every file (docs/EXPORTS.md). The caller
// releases the result.
func Portable(rec arrow.RecordBatch) arrow.RecordBatch {
	fields := make([]arrow.Field, rec.NumCols())
	cols := make([]arrow.Array, rec.NumCols())
	for i, f := range rec.Schema().Fields() {
		fields[i], cols[i] = f, rec.Column(i)
		switch c := rec.Column(i).(type) {
		case *array.Int16:
			b := array.NewInt32Builder(memory.DefaultAllocator)
			b.Reserve(c.Len())
			for j := range c.Len() {
				if c.IsNull(j) {
					b.AppendNull()
				} else {
					b.Append(int32(c.Value(j)))
				}
			}
			cols[i] = b.NewArray()
			b.Release()
			fields[i].Type = arrow.PrimitiveTypes.Int32
		case *array.Dictionary:
			dict, ok := c.Dictionary().(*array.String)
			if !ok {
				cols[i].Retain()
				continue
			}
			b := array.NewStringBuilder(memory.DefaultAllocator)
			b.Reserve(c.Len())
			for j := range c.Len() {
				if c.IsNull(j) {
					b.AppendNull()
				} else {
					b.Append(dict.Value(c.GetValueIndex(j)))
				}
			}
			cols[i] = b.NewArray()
			b.Release()
			fields[i].Type = arrow.BinaryTypes.String
		default:
			cols[i].Retain()
		}
	}
	md := rec.Schema().Metadata()
	out := array.NewRecordBatch(arrow.NewSchema(fields, &md), cols, rec.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return out
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
			return AppendNumber(b, v), nil
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

// AppendCSVString appends s to b as one CSV field of a string column:
//
//   - the empty string is an empty field, the same as a missing value;
//   - any other string is quoted (RFC 4180: "" inside), so that codes such
//     as Namibia's ISO2 "NA" or the M49 code "004" are told from a missing
//     value or a number by readers that look at quotes (readr, DuckDB);
//   - a string that a spreadsheet would read as a formula (its first
//     character is =, +, -, @, a tab or a carriage return) gets a leading
//     ' (OWASP's advice against CSV injection), unless the whole string is
//     a number such as "-1.5", which no spreadsheet evaluates as a formula.
//
// Numbers are not strings: numeric columns are written as numbers and never
// pass through this function.
func AppendCSVString(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, '"')
	if formulaLike(s) {
		b = append(b, '\'')
	}
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

// formulaLike reports whether a spreadsheet opening a CSV file would take
// the text s for a formula: it starts with =, +, -, @, a tab or a carriage
// return and is not a number.
func formulaLike(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
	default:
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err != nil
}
