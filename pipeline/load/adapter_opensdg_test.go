package load_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
)

var (
	openSDGOnce  sync.Once
	openSDGRes   *pipeline.Result
	openSDGStore *pipeline.Store
	openSDGErr   error
)

// loadOpenSDG loads the embedded data once: the national platforms with
// the ITU and WDI sources they share keys with (precedence is part of what
// is tested).
func loadOpenSDG(t *testing.T) (*pipeline.Result, *pipeline.Store) {
	t.Helper()
	openSDGOnce.Do(func() {
		openSDGRes, openSDGErr = load.Load(context.Background(), load.Options{Base: datasets.FS})
		if openSDGErr == nil {
			openSDGStore, openSDGErr = pipeline.NewStore(openSDGRes.Observations)
		}
	})
	if openSDGErr != nil {
		t.Fatal(openSDGErr)
	}
	return openSDGRes, openSDGStore
}

func TestOpenSDGPublishedValues(t *testing.T) {
	_, s := loadOpenSDG(t)
	for _, tc := range []struct {
		name   string
		q      pipeline.Query
		want   float64
		source string
	}{
		// kz/data_indicator_17-8-1.csv line 276: "2023,PT,,,KZABY,89.4" (Abai
		// region, KZ-10 from reference/iso-3166-2-extra.csv). The file does not
		// cross region with sex (each breakdown alone).
		{"Kazakhstan Abai 2023 internet use", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"KZ-10"}, Sex: []string{"_T"}, Area: []string{"_T"}, From: 2023, To: 2023}, 89.4, "opensdg-kz-internet-use"},
		// line 273: "2023,PT,,,KZNS,97.4": KZNS is "Astana city"
		// (translations_en_REF_AREA.yml), KZ-AST by the subdivision alias table.
		{"Kazakhstan Astana 2023 internet use", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"KZ-AST"}, From: 2023, To: 2023}, 97.4, "opensdg-kz-internet-use"},
		// kz/data_indicator_5-b-1.csv line 1189: "2023,PT,R,F,KZABY,92.3":
		// rural women of Abai region owning a mobile phone.
		{"Kazakhstan Abai 2023 mobile ownership rural women", pipeline.Query{Indicator: "itu.mobile_ownership", Units: []string{"KZ-10"}, Sex: []string{"F"}, Area: []string{"R"}, From: 2023, To: 2023}, 92.3, "opensdg-kz-mobile-ownership"},
		// line 1050: "2023,PT,U,M,KZAKM,98.2": urban men of Akmola region.
		{"Kazakhstan Akmola 2023 mobile ownership urban men", pipeline.Query{Indicator: "itu.mobile_ownership", Units: []string{"KZ-AKM"}, Sex: []string{"M"}, Area: []string{"U"}, From: 2023, To: 2023}, 98.2, "opensdg-kz-mobile-ownership"},
		// ng/data_indicator_17-8-1.csv line 128: Lagos, Female, 64.9 (MICS
		// 2021, ages 15-49: age Y15T49, never _T). The states are split by sex
		// only; the area split is national (next case).
		{"Nigeria Lagos 2021 internet use women", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"NG-LA"}, Sex: []string{"F"}, Age: []string{"Y15T49"}, From: 2021, To: 2021}, 64.9, "opensdg-ng-internet-use"},
		// line 74: "Rural,Female,...,NG,10.6": rural women, national.
		{"Nigeria 2021 internet use rural women", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"NGA"}, Sex: []string{"F"}, Area: []string{"R"}, Age: []string{"Y15T49"}, From: 2021, To: 2021}, 10.6, "opensdg-ng-internet-use"},
		// line 130: the state Niger (NG-NI, matched within Nigeria, never the
		// country NER), Female, 15.7.
		{"Nigeria Niger state 2021 internet use women", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"NG-NI"}, Sex: []string{"F"}, From: 2021, To: 2021}, 15.7, "opensdg-ng-internet-use"},
		// line 113: Cross River's GeoCode NGXR09 is no ISO code (NG-CR): matched by name; 22.5.
		{"Nigeria Cross River 2021 internet use women", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"NG-CR"}, Sex: []string{"F"}, From: 2021, To: 2021}, 22.5, "opensdg-ng-internet-use"},
		// line 141: Federal Capital Territory, GeoCode NGFC37 -> NG-FC by code; 32.3.
		{"Nigeria FCT 2021 internet use women", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"NG-FC"}, Sex: []string{"F"}, From: 2021, To: 2021}, 32.3, "opensdg-ng-internet-use"},
		// ng/data_indicator_5-b-1.csv line 49: Lagos 2021 total, 97.2.
		{"Nigeria Lagos 2021 mobile ownership", pipeline.Query{Indicator: "itu.mobile_ownership", Units: []string{"NG-LA"}, Sex: []string{"_T"}, Area: []string{"_T"}, From: 2021, To: 2021}, 97.2, "opensdg-ng-mobile-ownership"},
		// ng/data_indicator_17-8-1.csv line 94: Female, Poorest, 2.1 -> the
		// income dimension's Q1 (line 98: Richest, 58.9 -> Q5).
		{"Nigeria 2021 internet use poorest women", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"NGA"}, Sex: []string{"F"}, Income: []string{"Q1"}, Age: []string{"Y15T49"}, From: 2021, To: 2021}, 2.1, "opensdg-ng-internet-use"},
		{"Nigeria 2021 internet use richest women", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"NGA"}, Sex: []string{"F"}, Income: []string{"Q5"}, Age: []string{"Y15T49"}, From: 2021, To: 2021}, 58.9, "opensdg-ng-internet-use"},
		// ng/data_indicator_5-b-1.csv line 21: Lowest, 61.3 -> Q1.
		{"Nigeria 2021 mobile ownership lowest quintile", pipeline.Query{Indicator: "itu.mobile_ownership", Units: []string{"NGA"}, Sex: []string{"_T"}, Income: []string{"Q1"}, From: 2021, To: 2021}, 61.3, "opensdg-ng-mobile-ownership"},
		// kz/data_indicator_17-8-1.csv line 255: "2023,PT,U,,,95.7": no
		// international source has Kazakhstan's urban series, so the
		// platform's stands for the country.
		{"Kazakhstan 2023 internet use urban", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"KAZ"}, Sex: []string{"_T"}, Area: []string{"U"}, Age: []string{"_T"}, From: 2023, To: 2023}, 95.7, "opensdg-kz-internet-use"},
		// am/data_indicator_17-8-1.csv line 70: "aged 15-24 years" -> Y15T24,
		// 90.6 (no international source has Armenia by age).
		{"Armenia 2024 internet use 15-24", pipeline.Query{Indicator: "itu.internet_use", Units: []string{"ARM"}, Age: []string{"Y15T24"}, From: 2024, To: 2024}, 90.6, "opensdg-am-internet-use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := s.Select(tc.q)
			if len(rows) != 1 {
				t.Fatalf("Select(%+v) = %d rows, want 1", tc.q, len(rows))
			}
			if got, row := s.Value(rows[0]), s.Row(rows[0]); got != tc.want || row.Source != tc.source {
				t.Errorf("got %v from %s, want %v from %s", got, row.Source, tc.want, tc.source)
			}
		})
	}
}

// TestOpenSDGNationalPrecedence: a country's series that ITU or the World
// Bank gives stays theirs in every year (catalogue precedence 30 and 20 >
// 5, applied to the whole series), so it never changes publisher from one
// year to the next.
func TestOpenSDGNationalPrecedence(t *testing.T) {
	res, s := loadOpenSDG(t)
	for _, tc := range []struct {
		name, unit, indicator, sex string
		year                       int
		want                       string // the source of the value, "" for none
	}{
		// kz/data_indicator_17-8-1.csv line 254 gives 2023 total 94.7; ITU's KAZ 2023 value stands.
		{"KAZ total: ITU's", "KAZ", "itu.internet_use", "_T", 2023, "itu-internet-use"},
		// line 258 gives women 94.3; WDI's (ITU's) female series stands.
		{"KAZ women: WDI's", "KAZ", "itu.internet_use", "F", 2023, "wdi-internet-use-female"},
		// am/data_indicator_17-8-1.csv line 65 gives 2024 total 83.4: ITU's
		// series ends in 2023 and is not extended by Armstat's.
		{"ARM total 2024: none", "ARM", "itu.internet_use", "_T", 2024, ""},
		// am/data_indicator_5-b-1.csv line 23 gives 2024 84.9 after ITU's
		// 2023 estimate 77.4648: left out, not a 7-point rise.
		{"ARM mobile ownership 2024: none", "ARM", "itu.mobile_ownership", "_T", 2024, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := s.Select(pipeline.Query{Indicator: tc.indicator, Units: []string{tc.unit}, Sex: []string{tc.sex}, Area: []string{"_T"}, Age: []string{"_T"}, From: tc.year, To: tc.year})
			got := ""
			if len(rows) == 1 {
				got = s.Row(rows[0]).Source
			}
			if len(rows) > 1 || got != tc.want {
				t.Errorf("%d rows, source %q; want the value of %q", len(rows), got, tc.want)
			}
		})
	}
	f := fileReport(t, res, "am/data_indicator_5-b-1.csv")
	// Superseded values count as read and loaded (merge's rule).
	if f.Read != 24 || f.Superseded != 24 {
		t.Errorf("%s: read %d superseded %d, want 24 read, all superseded (ITU gives the series)", f.File, f.Read, f.Superseded)
	}
	if rows := s.Select(pipeline.Query{Indicator: "itu.mobile_ownership", Units: []string{"ARM"}}); len(rows) == 0 {
		t.Error("ARM mobile ownership: no rows, want ITU's")
	} else {
		for _, i := range rows {
			if src := s.Row(i).Source; strings.HasPrefix(src, "opensdg-") {
				t.Errorf("ARM mobile ownership %d from %s, want every year from ITU or the SDG database", s.Row(i).Year, src)
			}
		}
	}
	// Nigeria's MICS values are ages 15-49, so none stands for the
	// all-ages national figure.
	for _, i := range s.Select(pipeline.Query{Indicator: "itu.internet_use", Units: []string{"NGA"}, Age: []string{"_T"}}) {
		if r := s.Row(i); strings.HasPrefix(r.Source, "opensdg-") {
			t.Errorf("NGA %d %s/%s age _T from %s: want every MICS value under Y15T49", r.Year, r.Sex, r.Area, r.Source)
		}
	}
}

// TestOpenSDGKazakhRegions: the 20 regions of 2023 are units with parent
// KAZ; South Kazakhstan (KZONT, 2011-2017) is reported, not dropped.
func TestOpenSDGKazakhRegions(t *testing.T) {
	res, s := loadOpenSDG(t)
	seen := map[string]bool{}
	for _, i := range s.Select(pipeline.Query{Indicator: "itu.internet_use", From: 2023, To: 2023}) {
		u, ok := res.Reference.Unit(s.Unit(i))
		if ok && u.Parent == "KAZ" {
			seen[u.Code] = true
		}
	}
	if len(seen) != 20 {
		t.Errorf("Kazakh regions with 2023 internet use: %d, want 20 (kz/data_indicator_17-8-1.csv lines 259-278)", len(seen))
	}
	if n := len(res.Reference.Regions("KAZ")); n != 20 {
		t.Errorf("Regions(KAZ) = %d units, want 20", n)
	}
	if n := len(res.Reference.Regions("NGA")); n != 37 {
		t.Errorf("Regions(NGA) = %d units, want 37 (36 states and the FCT)", n)
	}
	f := fileReport(t, res, "kz/data_indicator_17-8-1.csv")
	var found int
	for _, p := range f.Problems {
		if p.Rule == pipeline.RuleKnownDefect && strings.Contains(p.Message, `"KZONT"`) && strings.Contains(p.Message, "Ontustik Kazakhstan") {
			found++
			// "2011,PT,,,KZONT,...": REF_AREA starts at byte 11 (columns are
			// byte positions, as encoding/csv's FieldPos gives them).
			if p.Line == 0 || p.Column != 11 {
				t.Errorf("KZONT problem at line %d column %d, want a line and column 11 (REF_AREA)", p.Line, p.Column)
			}
		}
	}
	// KZONT has 7 rows (2011-2017), quarantined as a known defect (a
	// notice), not as unknown-unit errors.
	if f.Counts[pipeline.RuleKnownDefect] != 7 || f.Counts[pipeline.RuleUnknownUnit] != 0 || f.Quarantined != 7 || found == 0 {
		t.Errorf("KZONT: %d known-defect, %d unknown-unit problems (%d listed), %d quarantined; want 7 known-defect notices",
			f.Counts[pipeline.RuleKnownDefect], f.Counts[pipeline.RuleUnknownUnit], found, f.Quarantined)
	}
}

// TestOpenSDGUnmatchedRegion: a region no list matches is an error at its
// line and column, counted as quarantined; the rest of the file loads.
func TestOpenSDGUnmatchedRegion(t *testing.T) {
	user := fstest.MapFS{
		"catalog.yaml": {Data: []byte(`sources:
  - id: "ng-test"
    adapter: "opensdg"
    file: "ng.csv"
    publisher: "test"
    vintage: "test"
    licence: "test"
    options:
      indicator: "itu.internet_use"
      country: "NGA"
      age: "Y15T49"
      columns: {Gender: "sex", State: "region-name", GeoCode: "region"}
`)},
		"ng.csv": {Data: []byte("Year,Gender,State,GeoCode,Value\n2021,Female,Lagos,NGLA24,64.9\n2021,Female,Atlantis,NGZZ99,10\n2021,Male,,NG,41.6\n")},
	}
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, User: user, Only: []string{"ng-test"}})
	if err != nil {
		t.Fatal(err)
	}
	f := fileReport(t, res, "ng.csv")
	if f.Read != 3 || f.Loaded != 2 || f.Quarantined != 1 {
		t.Errorf("read %d loaded %d quarantined %d, want 3 = 2 + 1", f.Read, f.Loaded, f.Quarantined)
	}
	if len(f.Problems) != 1 || f.Problems[0].Line != 3 || f.Problems[0].Column != 22 || f.Problems[0].Severity != pipeline.Error ||
		!strings.Contains(f.Problems[0].Message, `"Atlantis"`) {
		t.Errorf("problems = %+v, want one error at line 3 column 22 (GeoCode) naming Atlantis", f.Problems)
	}
}

// TestOpenSDGUnmappedColumn: a column without a role rejects the file, so
// a breakdown DRI does not read is never loaded as a total.
func TestOpenSDGUnmappedColumn(t *testing.T) {
	user := fstest.MapFS{
		"catalog.yaml": {Data: []byte(`sources:
  - id: "am-test"
    adapter: "opensdg"
    file: "am.csv"
    publisher: "test"
    vintage: "test"
    licence: "test"
    options:
      indicator: "itu.internet_use"
      country: "ARM"
      columns: {Sex: "sex"}
`)},
		"am.csv": {Data: []byte("Year,Sex,Disability,Value\n2024,female,,85.0\n")},
	}
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, User: user, Only: []string{"am-test"}})
	if err != nil {
		t.Fatal(err)
	}
	f := fileReport(t, res, "am.csv")
	if !f.Rejected || f.Loaded != 0 || len(f.Problems) == 0 || !strings.Contains(f.Problems[0].Message, `"Disability"`) {
		t.Errorf("rejected %v loaded %d problems %+v, want the file rejected naming column Disability", f.Rejected, f.Loaded, f.Problems)
	}
}

func fileReport(t *testing.T, res *pipeline.Result, suffix string) *pipeline.FileReport {
	t.Helper()
	for _, f := range res.Report.Files {
		if strings.HasSuffix(f.File, suffix) {
			return f
		}
	}
	t.Fatalf("no report for %s", suffix)
	return nil
}

// TestOpenSDGUnitOrder: the regions join the units table in catalogue
// order, not in the order parallel readers happen to finish, so two loads
// build the same dictionaries (and a snapshot the same bytes).
func TestOpenSDGUnitOrder(t *testing.T) {
	codes := func() []string {
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		var out []string
		for _, u := range res.Reference.Units() {
			out = append(out, u.Code)
		}
		return out
	}
	first := codes()
	for range 3 {
		if again := codes(); !slices.Equal(first, again) {
			t.Fatal("two loads put the units in different orders")
		}
	}
}
