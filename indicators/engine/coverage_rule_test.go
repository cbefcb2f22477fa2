package engine

import (
	"io/fs"
	"math"
	"strings"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators"
)

// TestCompassCoverageRuleAsWritten: compass.yaml's methods.coverage 0.5 is
// the minimum share of a node's taking children with data, applied at every
// level including the overall (docs/DECISIONS.md, "Issue 14: the top-level
// coverage rule"). Angola in 2024 has People, Connectivity and Government
// but no Economy or DPI (no Findex data): 3 of 5 = 0.6 >= 0.5, so it is
// scored and marked 3/5. The same file with coverage 0.61 (3 of 5 no longer
// enough) leaves Angola's overall unscored: the top level reads the file's
// rule. Under the file's rule a unit is scored iff it has >= 3 pillars.
func TestCompassCoverageRuleAsWritten(t *testing.T) {
	e := testEngine(t)
	f := mustFramework(t, e, "compass")
	if f.Methods.Coverage != 0.5 {
		t.Fatalf("compass.yaml coverage %v, want 0.5 (the rule this test documents)", f.Methods.Coverage)
	}
	res, err := e.Score("compass", 2024, indicators.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := res.Root()
	ago, _ := e.UnitIndex("AGO")
	if !root.Valid[ago] || root.Parts[ago] != 3 || root.PartsOf != 5 {
		t.Fatalf("AGO 2024: overall valid %v on %d of %d pillars, want scored on 3 of 5", root.Valid[ago], root.Parts[ago], root.PartsOf)
	}
	need := int(math.Ceil(f.Methods.Coverage * float64(root.PartsOf))) // 3
	under := 0
	for u := range res.Units {
		if root.Valid[u] != (root.Parts[u] >= need) {
			t.Errorf("%s: overall valid %v on %d of 5 pillars; the rule says scored iff >= %d", res.Units[u], root.Valid[u], root.Parts[u], need)
		}
		if root.Parts[u] > 0 && root.Parts[u] < need {
			under++
		}
	}
	t.Logf("2024: %d units have 1-2 of 5 pillars and are not scored", under)

	data, err := fs.ReadFile(datasets.Frameworks, "compass.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(strings.Replace(string(data), "coverage: 0.5", "coverage: 0.61", 1), "id: compass", "id: compass-strict", 1)
	strict, err := indicators.ParseFramework("compass-strict.yaml", []byte(text), func(id string) bool { _, _, ok := e.reg.Lookup(id); return ok })
	if err != nil {
		t.Fatal(err)
	}
	sres, err := indicators.Score(strict, e.panel(strict), indicators.Options{Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	sroot := sres.Root()
	if sroot.Valid[ago] {
		t.Errorf("AGO 2024 with coverage 0.61: overall %v, want unscored (3 of 5 = 0.6 < 0.61)", sroot.Value(ago))
	}
}
