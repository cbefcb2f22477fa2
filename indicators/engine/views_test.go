package engine

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/dri-engine/dri/pipeline"
)

// TestProfileBangladesh: the profile carries, per indicator, the value
// used with the year, source and status of its observation, and the
// scores of the Result it rests on. Bangladesh's 2024 OSI 0.73744, TII
// 0.65010, HCI 0.58337 and rank 100 are published in the UN E-Government
// Survey 2024 (datasets/sources/egov, the 2024 file's Bangladesh row).
func TestProfileBangladesh(t *testing.T) {
	e := testEngine(t)
	p, err := e.Profile("BGD", "egdi", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if p.Unit.Code != "BGD" || p.Result.Year != 2024 || p.Scored != 193 {
		t.Fatalf("Profile(BGD, egdi, 2024) = %s %d, %d scored; want BGD 2024, the 193 UN member states", p.Unit.Code, p.Result.Year, p.Scored)
	}
	byCode := map[string]ProfileNode{}
	for _, n := range p.Nodes {
		byCode[n.NodeResult.Node.Code] = n
	}
	for code, want := range map[string]float64{"OSI": 0.73744, "TII": 0.65010, "HCI": 0.58337} {
		n := byCode[code]
		if !n.HasRaw || n.Raw != want || n.RawYear != 2024 || n.Source != "egov-2024" || n.Status != "A" || n.Imputed {
			t.Errorf("%s = raw %v (%v) of %d, source %q, status %q, imputed %v; want %v of 2024 from egov-2024, status A",
				code, n.Raw, n.HasRaw, n.RawYear, n.Source, n.Status, n.Imputed, want)
		}
	}
	root := byCode["EGDI"]
	// Hand-computed: (0.73744 + 0.65010 + 0.58337) / 3.
	if want := (0.73744 + 0.65010 + 0.58337) / 3; !root.Scored || math.Abs(root.Value-want) > 1e-12 || root.Rank != 100 || root.RestsOn != "3/3" || root.Partial {
		t.Errorf("EGDI = %v rank %d rests on %q (partial %v), want %v rank 100 on 3/3", root.Value, root.Rank, root.RestsOn, root.Partial, want)
	}
	if root.HasRaw || root.Source != "" {
		t.Errorf("EGDI is an aggregate: raw %v, source %q; want none", root.HasRaw, root.Source)
	}
	// The Survey is biennial: 2010 to 2024 within the 15 years before 2024.
	var years []int
	for _, tp := range p.Trend {
		years = append(years, tp.Year)
	}
	if len(years) != 8 || years[0] != 2010 || years[7] != 2024 || !p.Trend[7].Scored || p.Trend[7].Rank != 100 {
		t.Errorf("trend years %v (last %+v), want 2010, 2012, ..., 2024 ending at rank 100", years, p.Trend[len(p.Trend)-1])
	}
	// 4 nodes x the default groups LDC, Asia (M49-142), lower middle income, world.
	if len(p.Comparisons) != 16 {
		t.Errorf("%d comparisons, want 16", len(p.Comparisons))
	}
	if !strings.Contains(" "+strings.Join(p.Groups, " ")+" ", " LDC ") || !strings.Contains(" "+strings.Join(p.Groups, " ")+" ", " WLD ") {
		t.Errorf("groups %v, want LDC and WLD among them", p.Groups)
	}
}

// TestProfileErrors: an unknown unit or framework is an *UnknownError,
// a territory frameworks do not score a *NotScoredError.
func TestProfileErrors(t *testing.T) {
	e := testEngine(t)
	var ue *UnknownError
	if _, err := e.Profile("XYZ", "egdi", 0); !errors.As(err, &ue) {
		t.Errorf("Profile(XYZ) error %v, want an *UnknownError", err)
	}
	if _, err := e.Profile("KEN", "nope", 0); !errors.As(err, &ue) {
		t.Errorf("Profile(KEN, nope) error %v, want an *UnknownError", err)
	}
	var ns *NotScoredError
	if _, err := e.Profile("PRI", "egdi", 0); !errors.As(err, &ns) || ns.Unit.Code != "PRI" {
		t.Errorf("Profile(PRI) error %v, want a *NotScoredError for Puerto Rico", err)
	}
	if _, err := e.CompareUnit(CompareQuery{Unit: "PRI", Framework: "egdi"}); !errors.As(err, &ns) {
		t.Errorf("CompareUnit(PRI) error %v, want a *NotScoredError", err)
	}
	if _, err := e.CompareUnit(CompareQuery{Unit: "KEN", Framework: "egdi", Options: GroupOptions{Membership: "sometimes"}}); err == nil {
		t.Error("CompareUnit with membership \"sometimes\": no error")
	}
	if _, err := e.GenderTable(GapsQuery{Options: GroupOptions{Membership: "sometimes"}}); err == nil {
		t.Error("GenderTable with membership \"sometimes\": no error")
	}
}

// TestCompareUnitRows: rows per node then per group, the default groups
// when none are given, and the groups' figures those of Compare.
func TestCompareUnitRows(t *testing.T) {
	e := testEngine(t)
	c, err := e.CompareUnit(CompareQuery{Unit: "BGD", Framework: "egdi", Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, g := range c.Groups {
		codes = append(codes, g.Code)
	}
	if got := strings.Join(codes, ","); got != "LDC,M49-142,LMC,WLD" {
		t.Errorf("default groups %s, want LDC,M49-142,LMC,WLD (pipeline.Reference.ComparisonGroups)", got)
	}
	if len(c.Rows) != 16 || c.Rows[0].Code != "EGDI" || c.Rows[0].Group != "LDC" || c.Rows[1].Group != "M49-142" {
		t.Fatalf("%d rows starting %+v, want 16: EGDI x LDC, EGDI x M49-142, ...", len(c.Rows), c.Rows[0])
	}
	// The world's EGDI 2024 covers all 193 members; the Survey 2024
	// publishes the world mean 0.6382.
	for _, r := range c.Rows {
		if r.Code == "EGDI" && r.Group == "WLD" && (r.Agg.N != 193 || math.Abs(r.Agg.Value-0.6382) > 5e-5) {
			t.Errorf("EGDI WLD = %v from %d members, want 0.6382 from 193", r.Agg.Value, r.Agg.N)
		}
	}
	if len(c.Published) != 0 {
		t.Errorf("egdi has no published counterpart nodes, got %v", c.Published)
	}
}

// TestGenderTableRows: unit rows only for the units asked, group rows
// after them, and a group row in a year no unit is scored withheld with
// its reason (gender.yaml has 9 indicators).
func TestGenderTableRows(t *testing.T) {
	e := testEngine(t)
	ldc, _ := e.Reference().Group("LDC")
	gt, err := e.GenderTable(GapsQuery{Year: 2005, Groups: []*pipeline.Group{ldc}})
	if err != nil {
		t.Fatal(err)
	}
	if len(gt.Rows) != 9 {
		t.Fatalf("2005 LDC: %d rows, want 9", len(gt.Rows))
	}
	for _, r := range gt.Rows {
		if r.Group != ldc || !math.IsNaN(r.GPS) || !strings.HasPrefix(r.Note, "withheld: ") || r.Figure.Members == 0 {
			t.Errorf("2005 LDC %s: group %v, parity %v, note %q, %d members; want withheld with a reason", r.Indicator, r.Group, r.GPS, r.Note, r.Figure.Members)
		}
	}
	gt, err = e.GenderTable(GapsQuery{Year: 2022, Units: []string{"KEN"}, Groups: []*pipeline.Group{ldc}, Indicators: []string{"itu.internet_use", "composite"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range gt.Rows {
		got = append(got, r.Unit+" "+r.Indicator)
	}
	if want := "KEN itu.internet_use,KEN composite,LDC itu.internet_use"; strings.Join(got, ",") != want {
		t.Errorf("rows %s, want %s", strings.Join(got, ","), want)
	}
}
