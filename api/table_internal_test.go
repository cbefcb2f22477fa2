package api

import (
	"math"
	"testing"
)

// TestRowWriter: cells go to the columns named, whatever the order they
// are set in; a column not set is missing; an unknown column, a kind
// mismatch or a column set twice in one row panics.
func TestRowWriter(t *testing.T) {
	tab := newTable([]colSpec{{"unit", KindString, ""}, {"year", KindInt, ""}, {"value", KindFloat, ""}, {"latest", KindBool, ""}})
	w := newRowWriter(tab)
	w.float("value", 1.5)
	w.str("unit", "KEN")
	w.integer("year", 2024)
	w.boolean("latest", true)
	w.end()
	w.str("unit", "LDC")
	w.float("value", math.NaN())
	w.end()
	if tab.Len() != 2 {
		t.Fatalf("Len() = %d, want 2", tab.Len())
	}
	unit, year, value, latest := tab.Cols[0], tab.Cols[1], tab.Cols[2], tab.Cols[3]
	if unit.S[0] != "KEN" || year.I[0] != 2024 || value.F[0] != 1.5 || !latest.B[0] {
		t.Errorf("row 0 = %s %d %v %v, want KEN 2024 1.5 true", unit.S[0], year.I[0], value.F[0], latest.B[0])
	}
	if unit.S[1] != "LDC" || !year.IsNull(1) || !value.IsNull(1) || latest.B[1] {
		t.Errorf("row 1 = %s, year null %v, value null %v, latest %v; want LDC, null, null, false", unit.S[1], year.IsNull(1), value.IsNull(1), latest.B[1])
	}
	for name, f := range map[string]func(){
		"unknown column": func() { w.str("nope", "x") },
		"wrong kind":     func() { w.integer("unit", 1) },
		"set twice":      func() { w.str("unit", "A"); w.str("unit", "B") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		})
	}
}
