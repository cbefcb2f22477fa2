package pipeline

import (
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The one way DRI writes a missing string into Arrow and Parquet (the CSV
// side is tidy.AppendCSVString). See docs/EXPORTS.md.

// AppendStringOrNull appends s to a string column, the empty string as a
// null: in DRI's tables a missing string is a null, never "".
func AppendStringOrNull(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}
