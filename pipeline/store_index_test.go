package pipeline_test

import (
	"fmt"
	"testing"

	"github.com/dri-engine/dri/pipeline"
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
		s.Series(ind, func(unit string, b pipeline.Breakdown, years []int16, values []float64) {
			byCode = append(byCode, fmt.Sprint(unit, b, years, values))
		})
		s.SeriesIndexed(ind, func(unit int, b pipeline.Breakdown, years []int16, values []float64) {
			byIndex = append(byIndex, fmt.Sprint(codes[unit], b, years, values))
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
