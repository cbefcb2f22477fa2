package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dri-engine/dri/pipeline/tidy"
)

// table is rows of cells with a header, written as an aligned text table,
// CSV or JSON (an array of objects; numeric cells stay numbers, empty cells
// become null).
type table struct {
	header []string
	rows   [][]cell
}

type cell struct {
	s     string
	v     float64
	isNum bool
	isInt bool
	null  bool
}

// human is how a cell reads in an aligned table: numbers rounded to four
// decimals (CSV and JSON keep full precision).
func (c cell) human() string {
	switch {
	case c.null:
		return "—"
	case c.isNum && !c.isInt:
		s := strconv.FormatFloat(c.v, 'f', 4, 64)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		if s == "-0" {
			s = "0"
		}
		return s
	}
	return c.s
}

// appendHuman appends human() to b; a number without a string of its own.
func (c cell) appendHuman(b []byte) []byte {
	if c.isNum && !c.isInt && !c.null {
		start := len(b)
		b = strconv.AppendFloat(b, c.v, 'f', 4, 64)
		for len(b) > start && b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
		if len(b) > start && b[len(b)-1] == '.' {
			b = b[:len(b)-1]
		}
		if string(b[start:]) == "-0" {
			b = append(b[:start], '0')
		}
		return b
	}
	return append(b, c.human()...)
}

func str(s string) cell { return cell{s: s} }

// num is a float64 cell, written in the shortest form that reads back to the
// same value; NaN and infinities are missing.
func num(v float64) cell {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return cell{null: true, isNum: true}
	}
	return cell{v: v, isNum: true} // formatted when written: no string per cell
}

func integer(v int) cell { return cell{s: strconv.Itoa(v), v: float64(v), isNum: true, isInt: true} }

func (t *table) add(cells ...cell) {
	if len(cells) != len(t.header) {
		panic(fmt.Sprintf("dri: table row of %d cells for %d columns", len(cells), len(t.header)))
	}
	t.rows = append(t.rows, cells)
}

func (t *table) write(w io.Writer, format string) error {
	switch format {
	case "csv":
		// Strings through tidy.AppendCSVString (quoted, formula-like
		// text neutralised, as every CSV DRI writes); numbers as they are;
		// missing values as empty fields.
		cw := csv.NewWriter(w)
		if err := cw.Write(t.header); err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		bw := bufio.NewWriter(w)
		var line []byte
		for _, r := range t.rows {
			line = line[:0]
			for i, c := range r {
				if i > 0 {
					line = append(line, ',')
				}
				switch {
				case c.null:
				case c.isNum && !c.isInt:
					line = tidy.AppendNumber(line, c.v)
				case c.isNum:
					line = append(line, c.s...)
				default:
					line = tidy.AppendCSVString(line, c.s)
				}
			}
			line = append(line, '\n')
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
		return bw.Flush()
	case "json":
		out := make([]map[string]any, len(t.rows))
		for i, r := range t.rows {
			m := make(map[string]any, len(r))
			for j, c := range r {
				switch {
				case c.null:
					m[t.header[j]] = nil
				case c.isNum && !c.isInt:
					m[t.header[j]] = json.Number(tidy.AppendNumber(nil, c.v))
				case c.isNum:
					m[t.header[j]] = c.v
				default:
					m[t.header[j]] = c.s
				}
			}
			out[i] = m
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "table", "":
		// tabwriter writes each cell with its own Write: buffered, not a
		// system call per cell (issue 19 item 4: 60,000 cells of dri score
		// --imeta cost more system time than the scoring).
		bw := bufio.NewWriter(w)
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		var line []byte
		for _, h := range t.header {
			line = append(append(line, h...), '\t')
		}
		line = append(line, '\n')
		if _, err := tw.Write(line); err != nil {
			return err
		}
		for _, r := range t.rows {
			line = line[:0]
			for _, c := range r {
				line = append(c.appendHuman(line), '\t')
			}
			line = append(line, '\n')
			if _, err := tw.Write(line); err != nil {
				return err
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		return bw.Flush()
	}
	return usagef("--format %q: want table, csv or json", format)
}

func checkFormat(f string, allowed ...string) error {
	for _, a := range allowed {
		if f == a {
			return nil
		}
	}
	return usagef("--format %q: want %s", f, strings.Join(allowed, ", "))
}
