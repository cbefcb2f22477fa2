package pipeline

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// The one way DRI writes a string into a CSV cell, for every CSV it writes
// (dri export, the CLI's --format csv, the API's CSV and SDMX-CSV), and
// the one way it writes a missing string into Arrow and Parquet. See
// docs/EXPORTS.md.

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

// AppendStringOrNull appends s to a string column, the empty string as a
// null: in DRI's tables a missing string is a null, never "".
func AppendStringOrNull(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}
