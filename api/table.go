package api

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/dri-engine/dri/pipeline/tidy"
)

// Kind is the type of a table column.
type Kind int

const (
	KindString Kind = iota
	KindInt
	KindFloat // nullable: NaN or an explicit null is missing
	KindBool
)

// Col is one column of a result table, stored column-wise.
type Col struct {
	Name string
	Kind Kind
	// SDMX names the column in SDMX-CSV (REF_AREA, TIME_PERIOD, OBS_VALUE,
	// ...); empty columns are left out of SDMX-CSV.
	SDMX string
	S    []string
	I    []int64
	F    []float64
	B    []bool
	null []bool // for KindInt and KindFloat
}

// Table is the flat form of a result: what CSV, Arrow and SDMX-CSV carry and
// what JSON lists render as an array of objects.
type Table struct {
	Cols []*Col
}

func (t *Table) col(name string, k Kind, sdmx string) *Col {
	c := &Col{Name: name, Kind: k, SDMX: sdmx}
	t.Cols = append(t.Cols, c)
	return c
}

// String, Int, Float and Bool add a column.
func (t *Table) String(name, sdmx string) *Col { return t.col(name, KindString, sdmx) }
func (t *Table) Int(name, sdmx string) *Col    { return t.col(name, KindInt, sdmx) }
func (t *Table) Float(name, sdmx string) *Col  { return t.col(name, KindFloat, sdmx) }
func (t *Table) Bool(name, sdmx string) *Col   { return t.col(name, KindBool, sdmx) }

// Len is the number of rows.
func (t *Table) Len() int {
	if len(t.Cols) == 0 {
		return 0
	}
	c := t.Cols[0]
	switch c.Kind {
	case KindString:
		return len(c.S)
	case KindInt:
		return len(c.I)
	case KindFloat:
		return len(c.F)
	}
	return len(c.B)
}

// AddS appends a string.
func (c *Col) AddS(v string) { c.S = append(c.S, v) }

// AddI appends an integer.
func (c *Col) AddI(v int) { c.I = append(c.I, int64(v)); c.null = append(c.null, false) }

// AddF appends a float; NaN and infinities are missing.
func (c *Col) AddF(v float64) {
	c.F = append(c.F, v)
	c.null = append(c.null, math.IsNaN(v) || math.IsInf(v, 0))
}

// AddNull appends a missing value to an int or float column.
func (c *Col) AddNull() {
	switch c.Kind {
	case KindInt:
		c.I = append(c.I, 0)
	default:
		c.F = append(c.F, 0)
	}
	c.null = append(c.null, true)
}

// AddB appends a boolean.
func (c *Col) AddB(v bool) { c.B = append(c.B, v) }

// IsNull reports a missing value in row i.
func (c *Col) IsNull(i int) bool { return c.null != nil && c.null[i] }

// appendCSV appends row i as a CSV field: strings through
// tidy.AppendCSVString (quoted, formula-like text neutralised, the
// empty string as missing), numbers in the shortest form that reads back
// to the same float64, missing as an empty field.
func (c *Col) appendCSV(b []byte, i int) []byte {
	switch c.Kind {
	case KindString:
		return tidy.AppendCSVString(b, c.S[i])
	case KindInt:
		if c.IsNull(i) {
			return b
		}
		return strconv.AppendInt(b, c.I[i], 10)
	case KindFloat:
		if c.IsNull(i) {
			return b
		}
		return tidy.AppendNumber(b, c.F[i])
	}
	return strconv.AppendBool(b, c.B[i])
}

// appendJSON appends row i's value as JSON: numbers as numbers, missing as
// null, strings escaped.
func (c *Col) appendJSON(b []byte, i int) []byte {
	switch c.Kind {
	case KindString:
		return appendJSONString(b, c.S[i])
	case KindInt:
		if c.IsNull(i) {
			return append(b, "null"...)
		}
		return strconv.AppendInt(b, c.I[i], 10)
	case KindFloat:
		if c.IsNull(i) {
			return append(b, "null"...)
		}
		return appendJSONFloat(b, c.F[i])
	}
	return strconv.AppendBool(b, c.B[i])
}

// appendJSONFloat writes a number as every text output does
// (tidy.AppendNumber; Go's 'g' format can produce "1e+21", which JSON
// accepts).
func appendJSONFloat(b []byte, v float64) []byte {
	return tidy.AppendNumber(b, v)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaping what RFC 8259
// requires plus U+2028/U+2029 and HTML-significant characters, and replacing
// invalid UTF-8 with U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// slice returns rows [lo, hi) of the table (sharing storage).
func (t *Table) slice(lo, hi int) *Table {
	out := &Table{Cols: make([]*Col, len(t.Cols))}
	for j, c := range t.Cols {
		n := *c
		switch c.Kind {
		case KindString:
			n.S = c.S[lo:hi]
		case KindInt:
			n.I = c.I[lo:hi]
		case KindFloat:
			n.F = c.F[lo:hi]
		case KindBool:
			n.B = c.B[lo:hi]
		}
		if c.null != nil {
			n.null = c.null[lo:hi]
		}
		out.Cols[j] = &n
	}
	return out
}

// rowWriter adds rows to a table cell by cell, by column name: a handler
// says which value goes in which named column, never at which position.
// A column not set in a row is missing (null; "" in a string column; false
// in a boolean one). Naming an unknown column, setting a column twice in a
// row or with the wrong kind panics: a programming error the route's tests
// meet at once.
type rowWriter struct {
	t     *Table
	index map[string]int
	set   []bool
}

func newRowWriter(t *Table) *rowWriter {
	w := &rowWriter{t: t, index: make(map[string]int, len(t.Cols)), set: make([]bool, len(t.Cols))}
	for i, c := range t.Cols {
		w.index[c.Name] = i
	}
	return w
}

// cell returns the named column, checking its kind and that the row has
// not set it yet.
func (w *rowWriter) cell(name string, k Kind) *Col {
	i, ok := w.index[name]
	if !ok {
		panic("api: table has no column " + name)
	}
	c := w.t.Cols[i]
	if c.Kind != k {
		panic("api: column " + name + " is of another kind")
	}
	if w.set[i] {
		panic("api: column " + name + " set twice in a row")
	}
	w.set[i] = true
	return c
}

// str, integer, float and boolean set a cell of the row being written.
func (w *rowWriter) str(name, v string)         { w.cell(name, KindString).AddS(v) }
func (w *rowWriter) integer(name string, v int) { w.cell(name, KindInt).AddI(v) }
func (w *rowWriter) float(name string, v float64) {
	w.cell(name, KindFloat).AddF(v) // NaN and infinities are missing
}
func (w *rowWriter) boolean(name string, v bool) { w.cell(name, KindBool).AddB(v) }

// floatPtr sets a float cell, nil as missing.
func (w *rowWriter) floatPtr(name string, v *float64) {
	if v == nil {
		w.cell(name, KindFloat).AddNull()
		return
	}
	w.float(name, *v)
}

// intPtr sets an integer cell, nil as missing.
func (w *rowWriter) intPtr(name string, v *int) {
	if v == nil {
		w.cell(name, KindInt).AddNull()
		return
	}
	w.integer(name, *v)
}

// end completes the row: every column not set is missing.
func (w *rowWriter) end() {
	for i, done := range w.set {
		if !done {
			switch c := w.t.Cols[i]; c.Kind {
			case KindString:
				c.AddS("")
			case KindBool:
				c.AddB(false)
			default:
				c.AddNull()
			}
		}
		w.set[i] = false
	}
}
