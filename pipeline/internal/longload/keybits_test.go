package longload

import (
	"testing"

	"github.com/dri-engine/dri/pipeline/dims"
)

// TestKeyBits: every closed breakdown's code list fits its field of the
// sub-key, and the sub-key fits its word (a code list that grows past its
// bits would make two keys equal: a silent duplicate).
func TestKeyBits(t *testing.T) {
	for _, f := range []struct {
		d    *dims.Dimension
		bits int
	}{{dims.Sex, sexBits}, {dims.Area, areaBits}, {dims.Income, incomeBits}, {dims.Education, educationBits}, {dims.Labour, labourBits}} {
		if n := len(f.d.Codes()); n > 1<<f.bits {
			t.Errorf("%s has %d codes, its key field %d bits", f.d.Column, n, f.bits)
		}
	}
	if maxAgeRank != 1<<ageBits {
		t.Errorf("maxAgeRank %d, the age field holds %d", maxAgeRank, 1<<ageBits)
	}
	if total := sexBits + areaBits + ageBits + incomeBits + educationBits + labourBits + yearBits + keyPrecBits; total > 64 {
		t.Errorf("the sub-key needs %d bits", total)
	}
}
