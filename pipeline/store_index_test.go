package pipeline_test

import (
	"fmt"
	"testing"
)

// TestStoreUnitIndices: SeriesIndexed hands out the same series as Series,
// each unit as the dictionary index whose UnitCodes entry is its code, and
// UnitIndex agrees with Unit row by row, over every indicator of the
// embedded data.
func TestStoreUnitIndices(t *testing.T) {
	_, s := loadEmbedded(t)
	codes := s.UnitCodes()
	for i := range s.Len() {
		if got, want := codes[s.UnitIndex(i)], s.Unit(i); got != want {
			t.Fatalf("row %d: UnitCodes()[UnitIndex] = %q, want Unit = %q", i, got, want)
		}
	}
	n := 0
	for _, ind := range s.Indicators() {
		var byCode, byIndex []string
		s.Series(ind, func(unit, sex, area, age string, years []int16, values []float64) {
			byCode = append(byCode, fmt.Sprint(unit, sex, area, age, years, values))
		})
		s.SeriesIndexed(ind, func(unit int, sex, area, age string, years []int16, values []float64) {
			byIndex = append(byIndex, fmt.Sprint(codes[unit], sex, area, age, years, values))
		})
		if fmt.Sprint(byCode) != fmt.Sprint(byIndex) {
			t.Fatalf("%s: SeriesIndexed differs from Series", ind)
		}
		n += len(byCode)
	}
	if n == 0 {
		t.Fatal("no series compared")
	}
}
