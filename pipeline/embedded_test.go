package pipeline_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
)

var (
	embeddedOnce sync.Once
	embedded     *pipeline.Result
	embeddedErr  error
)

// loadEmbedded loads the embedded data once for the tests that only read it.
func loadEmbedded(t testing.TB) (*pipeline.Result, *pipeline.Store) {
	t.Helper()
	embeddedOnce.Do(func() {
		embedded, embeddedErr = load.Load(context.Background(), load.Options{Base: datasets.FS})
	})
	if embeddedErr != nil {
		t.Fatal(embeddedErr)
	}
	store, err := pipeline.NewStore(embedded.Observations)
	if err != nil {
		t.Fatal(err)
	}
	return embedded, store
}

func value(t *testing.T, s *pipeline.Store, q pipeline.Query) (float64, pipeline.Row) {
	t.Helper()
	rows := s.Select(q)
	if len(rows) != 1 {
		t.Fatalf("Select(%+v) = %d rows, want 1", q, len(rows))
	}
	return s.Value(rows[0]), s.Row(rows[0])
}

func TestEmbeddedValidatesClean(t *testing.T) {
	res, _ := loadEmbedded(t)
	if n := res.Report.Errors(); n != 0 {
		var b strings.Builder
		res.Report.WriteText(&b, false)
		t.Fatalf("embedded data: %d validation errors, want 0\n%s", n, b.String())
	}
	for _, f := range res.Report.Files {
		if f.Read != f.Loaded+f.Quarantined {
			t.Errorf("%s: read %d != loaded %d + quarantined %d", f.File, f.Read, f.Loaded, f.Quarantined)
		}
		if f.Rejected {
			t.Errorf("%s: rejected", f.File)
		}
	}
}

func TestEGDIEditionsHave193Members(t *testing.T) {
	res, s := loadEmbedded(t)
	for _, year := range []int{2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024} {
		// Every member appears in every edition with at least one index
		// (EGDI itself is withheld for the states not assessed in 2010/2012,
		// and South Sudan, a member from 2011, has an empty 2010 row).
		seen := map[string]bool{}
		for _, ind := range []string{"egov.egdi", "egov.osi", "egov.tii", "egov.hci", "egov.epi"} {
			for _, i := range s.Select(pipeline.Query{Indicator: ind, From: year, To: year}) {
				seen[s.Unit(i)] = true
			}
		}
		want := 193
		if year == 2010 {
			want = 192 // South Sudan's 2010 row is empty in the published file
		}
		members := 0
		for u := range seen {
			if unit, ok := res.Reference.Unit(u); ok && unit.UNMember {
				members++
			}
		}
		if members != want || len(seen) != want {
			t.Errorf("EGDI %d: %d units (%d members), want %d members and nothing else", year, len(seen), members, want)
		}
	}
	// Published in the UN E-Government Survey 2024: 193 EGDI values.
	if n := len(s.Select(pipeline.Query{Indicator: "egov.egdi", From: 2024, To: 2024})); n != 193 {
		t.Errorf("EGDI 2024 values = %d, want 193", n)
	}
}

func TestPublishedValues(t *testing.T) {
	_, s := loadEmbedded(t)
	for _, tc := range []struct {
		name   string
		q      pipeline.Query
		want   float64
		status string
		source string
	}{
		// Published in the UN E-Government Survey 2024 (EGDI of Kenya).
		{"EGDI Kenya 2024", pipeline.Query{Indicator: "egov.egdi", Units: []string{"KEN"}, From: 2024, To: 2024}, 0.6314, "A", "egov-2024"},
		// UNU-EGOV copy of the 2010 survey: Iraq EGDI 0.29957 (first data row).
		{"EGDI Iraq 2010", pipeline.Query{Indicator: "egov.egdi", Units: []string{"IRQ"}, From: 2010, To: 2010}, 0.29957, "A", "egov-2010"},
		// EGOV_DATA_2020.csv: Ireland rank 27.
		{"EGDI rank Ireland 2020", pipeline.Query{Indicator: "egov.rank", Units: []string{"IRL"}, From: 2020, To: 2020}, 27, "A", "egov-2020"},
		// ITU DataHub i99H, Aruba 2000: "15.4428", source SETAR (observed).
		{"ITU internet use Aruba 2000", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"ABW"}, Sex: []string{"_T"}, From: 2000, To: 2000}, 15.4428, "A", "itu-internet-use"},
		// ITU DataHub i99H, Aruba 2001: "17.1", "ITU estimate." -> status E.
		{"ITU internet use Aruba 2001 (estimate)", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"ABW"}, Sex: []string{"_T"}, From: 2001, To: 2001}, 17.1, "E", "itu-internet-use"},
		// WDI IT.NET.USER.FE.ZS (ITU), Albania 2020: 71.2457.
		{"internet use female Albania 2020", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"ALB"}, Sex: []string{"F"}, From: 2020, To: 2020}, 71.2457, "A", "wdi-internet-use-female"},
		// ITU by-gender sheet (July 2021), Algeria 2018 rural female: 25.9.
		{"internet use rural female Algeria 2018", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"DZA"}, Sex: []string{"F"}, Area: []string{"R"}, From: 2018, To: 2018}, 25.9, "A", "itu-internet-by-sex"},
		// Global Findex Database 2025, GlobalFindexDatabase2025-subset.csv
		// line 1252 (AFG 2017 gender/women, account_t_d 0.071606841): it
		// supersedes WDI FX.OWN.TOTL.FE.ZS's 7.16068 (precedence 40 > 30).
		{"account female Afghanistan 2017", pipeline.Query{Indicator: "findex.account", Units: []string{"AFG"}, Sex: []string{"F"}, Age: []string{"_T"}, Area: []string{"_T"}, Income: []string{"_T"}, From: 2017, To: 2017}, 7.1606841, "A", "findex-2025-database"},
		// G20 Financial Inclusion Indicators, Kenya 2017 fin48_a_1 (ID card, female): 88.81145.
		{"ID card female Kenya 2017", pipeline.Query{Indicator: "findex.id_card", Units: []string{"KEN"}, Sex: []string{"F"}, Age: []string{"_T"}, From: 2017, To: 2017}, 88.81145, "A", "findex-g20"},
		// G20 file, Kenya 2017 gwp2_n_5 (internet access, ages 15-34): 62.93787.
		{"internet access 15-34 Kenya 2017", pipeline.Query{Indicator: "findex.internet_access", Units: []string{"KEN"}, Sex: []string{"_T"}, Age: []string{"Y15T34"}, From: 2017, To: 2017}, 62.93787, "A", "findex-g20"},
		// SDG 5.b.1 release 2020.Q4, Algeria 2018 female: 83.0695.
		{"mobile ownership female Algeria 2018", pipeline.Query{Indicator: "itu.mobile_ownership", Units: []string{"DZA"}, Sex: []string{"F"}, From: 2018, To: 2018}, 83.0695, "A", "sdg-5b1-mobile-ownership"},
		// WDI IT.CEL.SETS.P2, Aruba 2010: 129.63636900000000196 (the file's text).
		{"mobile subscriptions Aruba 2010", pipeline.Query{Indicator: "wb.mobile_subscriptions", Units: []string{"ABW"}, From: 2010, To: 2010}, 129.63636900000000196, "A", "wdi-mobile-cellular"},
		// Digital Development Compass site data, Kenya overall 3.3.
		{"DDC overall Kenya", pipeline.Query{Indicator: "ddc.overall", Units: []string{"KEN"}}, 3.3, "A", "ddc-scores"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, row := value(t, s, tc.q)
			if got != tc.want || row.Status != tc.status || row.Source != tc.source {
				t.Errorf("got %v status %s source %s, want %v %s %s", got, row.Status, row.Source, tc.want, tc.status, tc.source)
			}
		})
	}
}

// TestEGDIMatchesDerivedLongFile compares every EGDI value loaded from the
// eight per-edition files with the independently built long file
// (data-src egov/egdi_2010-2024_long_iso3.csv, values copied verbatim).
func TestEGDIMatchesDerivedLongFile(t *testing.T) {
	_, s := loadEmbedded(t)
	f, err := os.Open("testdata/reference/egdi_2010-2024_long_iso3.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]string{"egdi": "egov.egdi", "osi": "egov.osi", "hci": "egov.hci", "tii": "egov.tii", "epi": "egov.epi", "rank": "egov.rank"}
	compared, placeholders := 0, 0
	for _, r := range recs[1:] {
		iso3, year := r[0], r[2]
		y, _ := strconv.Atoi(year)
		for i, name := range recs[0] {
			id, ok := cols[name]
			if !ok || r[i] == "" {
				continue
			}
			want, _ := strconv.ParseFloat(r[i], 64)
			rows := s.Select(pipeline.Query{Indicator: id, Units: []string{iso3}, From: y, To: y})
			if len(rows) == 0 {
				// Only the EGDI 0 placeholders (and their ranks) are withheld.
				if (id == "egov.egdi" && want == 0) || (id == "egov.rank" && (y == 2010 || y == 2012)) {
					placeholders++
					continue
				}
				t.Errorf("%s %d %s: missing, want %v", iso3, y, id, want)
				continue
			}
			if got := s.Value(rows[0]); got != want {
				t.Errorf("%s %d %s = %v, want %v", iso3, y, id, got, want)
			}
			compared++
		}
	}
	// 9 states in 2010 and 3 in 2012, EGDI and rank each.
	if placeholders != 24 {
		t.Errorf("withheld placeholders = %d, want 24 (12 EGDI + 12 ranks)", placeholders)
	}
	if compared < 9000 {
		t.Errorf("compared %d values, want all of the file's", compared)
	}
}

func TestGroups(t *testing.T) {
	res, _ := loadEmbedded(t)
	for _, tc := range []struct {
		code string
		n    int
		has  []string
		not  []string
	}{
		{"WLD", 193, []string{"KEN", "USA"}, []string{"HKG", "XKX"}},
		// UN list (UNSD M49, 2025): 44 LDCs; Bhutan and Sao Tome and Principe graduated.
		{"LDC", 44, []string{"AFG", "UGA", "TUV"}, []string{"BTN", "STP", "VUT", "KEN"}},
		{"LLDC", 32, []string{"UGA", "BOL"}, []string{"KEN"}},
		// 37 of the 53 SIDS in M49 are UN members.
		{"SIDS", 37, []string{"FJI"}, []string{"ABW"}},
		// World Bank FY2025: LIC 26 / LMIC 52 / UMIC 54 / HIC 86 economies; among
		// UN members, Venezuela is left unclassified (see the catalogue).
		{"LIC", 26, []string{"AFG"}, nil},
		{"M49-002", 54, []string{"KEN"}, nil},
	} {
		g, ok := res.Reference.Group(tc.code)
		if !ok {
			t.Errorf("group %s missing", tc.code)
			continue
		}
		if len(g.Members) != tc.n {
			t.Errorf("group %s: %d members, want %d", tc.code, len(g.Members), tc.n)
		}
		in := map[string]bool{}
		for _, m := range g.Members {
			in[m] = true
		}
		for _, c := range tc.has {
			if !in[c] {
				t.Errorf("group %s lacks %s", tc.code, c)
			}
		}
		for _, c := range tc.not {
			if in[c] {
				t.Errorf("group %s has %s", tc.code, c)
			}
		}
	}
	ven, _ := res.Reference.Unit("VEN")
	if ven.IncomeGroup != "" {
		t.Errorf("VEN income group = %q, want none (the World Bank left it unclassified)", ven.IncomeGroup)
	}
}

func TestUnitsTable(t *testing.T) {
	res, _ := loadEmbedded(t)
	units := res.PublishedUnits()
	members, territories, subnational := 0, 0, 0
	for _, u := range units {
		switch u.Type {
		case pipeline.UnitCountry:
			members++
		case pipeline.UnitTerritory:
			territories++
		case pipeline.UnitSubnational:
			if u.Parent == "" {
				t.Errorf("sub-national unit %s has no parent", u.Code)
			}
			subnational++
		default:
			t.Errorf("unit %s has type %q", u.Code, u.Type)
		}
	}
	if members != 193 {
		t.Errorf("units table: %d UN members, want 193", members)
	}
	if territories == 0 || members+territories+subnational != len(units) {
		t.Errorf("units table: %d territories and %d sub-national units of %d units", territories, subnational, len(units))
	}
	for _, code := range []string{"HKG", "XKX", "TWN", "PSE"} {
		u, ok := res.Reference.Unit(code)
		if !ok || u.UNMember {
			t.Errorf("%s: want a territory with data, got %+v", code, u)
		}
	}
}

func TestNoNaNAndSortedKeys(t *testing.T) {
	_, s := loadEmbedded(t)
	for i := 0; i < s.Len(); i++ {
		if v := s.Value(i); math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("row %d: value %v", i, v)
		}
	}
}

// TestSexSourcesAgree checks the two Findex extracts against each other
// where both give a value: the 2018 extract codes male as g20.t.1 and
// female as g20.t.2, the 2019 one the other way round; a swapped mapping
// would show here as large differences.
func TestSexSourcesAgree(t *testing.T) {
	ctx := context.Background()
	only := func(id string) *pipeline.Store {
		res, err := load.Load(ctx, load.Options{Base: datasets.FS, Only: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(res.Release)
		s, err := pipeline.NewStore(res.Observations)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := only("findex-g20"), only("findex-digital-payments")
	compared := 0
	for _, sex := range []string{"F", "M"} {
		q := pipeline.Query{Indicator: "findex.digital_payments", Sex: []string{sex}, Age: []string{"_T"}, From: 2017, To: 2017}
		va := map[string]float64{}
		for _, i := range a.Select(q) {
			va[a.Unit(i)] = a.Value(i)
		}
		for _, i := range b.Select(q) {
			if x, ok := va[b.Unit(i)]; ok {
				compared++
				if math.Abs(x-b.Value(i)) > 1e-4 {
					t.Errorf("%s %s 2017: g20 %v vs extract %v", b.Unit(i), sex, x, b.Value(i))
				}
			}
		}
	}
	if compared < 200 {
		t.Errorf("compared %d values, want the ~280 present in both", compared)
	}
}

func TestNoLeaks(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	if res.Observations.NumRows() == 0 {
		t.Fatal("no observations")
	}
	res.Release()
}

// TestRegistryListsEverySource: every observation of the embedded data
// comes from a source its indicator's registry entry lists (sources:), so
// a job that reads only the sources of its indicators (Options.Indicators)
// sees all of their values.
func TestRegistryListsEverySource(t *testing.T) {
	res, s := loadEmbedded(t)
	missing := map[string]int{}
	for i := 0; i < s.Len(); i++ {
		r := s.Row(i)
		ind, _, ok := res.Registry.Lookup(r.Indicator)
		if !ok {
			t.Fatalf("row %d: indicator %s not in the registry", i, r.Indicator)
		}
		if !slices.Contains(ind.Sources, r.Source) {
			missing[r.Indicator+" from "+r.Source]++
		}
	}
	for k, n := range missing {
		t.Errorf("%s (%d values): the source is not in the indicator's sources: list in indicators.yaml", k, n)
	}
}

// TestLoadForIndicators: reading only the sources of some indicators gives
// exactly their rows of the full load (and none of the others').
func TestLoadForIndicators(t *testing.T) {
	fullRes, full := loadEmbedded(t)
	want := []string{"itu.internet_use", "wb.population", "egov.egdi"}
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Indicators: want})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	part, err := pipeline.NewStore(res.Observations)
	if err != nil {
		t.Fatal(err)
	}
	var got, all []pipeline.Row
	for i := 0; i < part.Len(); i++ {
		if r := part.Row(i); slices.Contains(want, r.Indicator) { // their sources give others too
			got = append(got, r)
		}
	}
	for i := 0; i < full.Len(); i++ {
		if r := full.Row(i); slices.Contains(want, r.Indicator) {
			all = append(all, r)
		}
	}
	if len(got) == 0 || !slices.Equal(got, all) {
		t.Fatalf("the restricted load has %d rows, the full load %d rows of %v (or they differ)", len(got), len(all), want)
	}
	if len(res.Report.Files) >= len(fullRes.Report.Files) {
		t.Fatalf("%d files read of %d: the restriction read everything", len(res.Report.Files), len(fullRes.Report.Files))
	}
}

// TestLDCMembershipByDate: a year's LDCs are the states on the UN list at
// mid-year. One case per graduation in datasets/reference/ldc-membership.csv
// (effective dates from the General Assembly resolutions cited there): the
// state is an LDC in its last year and not in the next. Counts: 49 in 2008
// (the 50 of the UNCTAD LDC Report 2008, less Cabo Verde "until December
// 2007"), 48 in 2014 (after Samoa, 1 January 2014), 45 in 2024 (the 44 of
// today and Sao Tome and Principe, graduated 13 December 2024).
func TestLDCMembershipByDate(t *testing.T) {
	res, _ := loadEmbedded(t)
	g, ok := res.Reference.Group("LDC")
	if !ok || !g.Dated() {
		t.Fatalf("LDC group %v without dated membership", g)
	}
	for _, tc := range []struct {
		unit           string
		last, notFirst int
	}{
		{"BWA", 1994, 1995}, // December 1994
		{"CPV", 2007, 2008}, // 20 December 2007
		{"MDV", 2010, 2011}, // 1 January 2011
		{"WSM", 2013, 2014}, // 1 January 2014
		{"GNQ", 2016, 2017}, // 4 June 2017
		{"VUT", 2020, 2021}, // 4 December 2020
		{"BTN", 2023, 2024}, // 13 December 2023
		{"STP", 2024, 2025}, // 13 December 2024
	} {
		if !slices.Contains(g.MembersIn(tc.last), tc.unit) {
			t.Errorf("%s not an LDC in %d, its last year on the list", tc.unit, tc.last)
		}
		if slices.Contains(g.MembersIn(tc.notFirst), tc.unit) {
			t.Errorf("%s still an LDC in %d, after its graduation", tc.unit, tc.notFirst)
		}
		if slices.Contains(g.Members, tc.unit) {
			t.Errorf("%s among the current LDCs", tc.unit)
		}
	}
	for _, tc := range []struct {
		unit  string
		added int
	}{{"SEN", 2000}, {"TLS", 2003}, {"SSD", 2012}, {"ERI", 1994}} {
		if slices.Contains(g.MembersIn(tc.added-1), tc.unit) || !slices.Contains(g.MembersIn(tc.added), tc.unit) {
			t.Errorf("%s: want an LDC from %d on", tc.unit, tc.added)
		}
	}
	for year, want := range map[int]int{2008: 49, 2014: 48, 2024: 45, 2025: 44} {
		if got := len(g.MembersIn(year)); got != want {
			t.Errorf("len(LDC.MembersIn(%d)) = %d, want %d", year, got, want)
		}
	}
	if got := g.MembersIn(0); !slices.Equal(got, g.Members) {
		t.Errorf("MembersIn(0) = %v, want the current members", got)
	}
}

// TestUNNamesToday: the shipped M49 copy (kept as published) still writes
// "Turkey"; DRI's UN members list gives the name the UN uses since June 2022,
// "Türkiye", and both names find the unit. The M49 file's bytes are the
// data-src copy's (its SHA-256 is in api/testdata/golden/snapshot.json).
func TestUNNamesToday(t *testing.T) {
	res, _ := loadEmbedded(t)
	for _, name := range []string{"Türkiye", "Turkey", "TUR", "TR"} {
		u, ok := res.Reference.LookupUnit(name)
		if !ok || u.Code != "TUR" || u.Name != "Türkiye" {
			t.Errorf("LookupUnit(%q) = %+v, %v; want TUR named Türkiye", name, u, ok)
		}
	}
	raw, err := datasets.FS.ReadFile("sources/m49/unsd_m49_methodology_2025.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), ";Turkey;792;") {
		t.Error("the M49 copy was edited: publishers' files are shipped as published")
	}
}
