package pipeline

import (
	"testing"

	"github.com/dri-engine/dri/pipeline/dims"
)

// The canonical table's coded columns are those of the dimension table, in
// its order, and the validators accept its codes and name them.
func TestSchemaDimensions(t *testing.T) {
	for _, tc := range []struct {
		dim   *dims.Dimension
		col   string
		idx   int
		check func(string) error
		bad   string // the message for the code "X"
	}{
		{dims.Sex, ColSex, IdxSex, checkSex, `sex "X" is not one of _T, F, M`},
		{dims.Area, ColArea, IdxArea, checkArea, `area "X" is not one of _T, U, R`},
		{dims.Age, ColAge, IdxAge, checkAge, `age "X" is not _T or an SDMX age band (Y15T24, Y_GE15, Y_LT25)`},
		{dims.Status, ColStatus, IdxStatus, checkStatus, `status "X" is not one of A (observed), E (estimate)`},
	} {
		if tc.col != tc.dim.Column || Schema.Field(tc.idx).Name != tc.dim.Column {
			t.Errorf("column %d is %q (Col %q), want the dimension table's %q", tc.idx, Schema.Field(tc.idx).Name, tc.col, tc.dim.Column)
		}
		for _, c := range tc.dim.Codes() {
			if err := tc.check(c.ID); (err == nil) == c.Reserved {
				t.Errorf("check %s(%q) = %v, reserved %v", tc.dim.Column, c.ID, err, c.Reserved)
			}
		}
		if err := tc.check("X"); err == nil || err.Error() != tc.bad {
			t.Errorf("check %s(X) = %v, want %q", tc.dim.Column, err, tc.bad)
		}
	}
	if err := checkAge("Y15T24"); err != nil {
		t.Errorf("checkAge(Y15T24) = %v, want nil", err)
	}
	if err := checkStatus("I"); err == nil || err.Error() != `status "I" is reserved for values DRI imputes` {
		t.Errorf("checkStatus(I) = %v", err)
	}
	for i, d := range dims.Breakdowns {
		if Schema.Field(IdxSex+i).Name != d.Column {
			t.Errorf("breakdown %d is %q in the schema, %q in the dimension table", i, Schema.Field(IdxSex+i).Name, d.Column)
		}
	}
}
