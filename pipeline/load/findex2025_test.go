package load_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/load"
)

// findex2025Case is one published figure of the Global Findex Database 2025
// as shipped (datasets/sources/findex-2025-database/
// GlobalFindexDatabase2025-subset.csv): the key it lands on in DRI and the
// value, the published share times 100.
type findex2025Case struct {
	name      string
	unit      string
	year      int
	indicator string
	breakdown pipeline.Breakdown
	want      float64
}

// findex2025Cases cite the CSV line of each figure.
var findex2025Cases = []findex2025Case{
	// line 637: Kenya 2024 all/all, account_t_d 0.901199174
	{"Kenya total", "KEN", 2024, "findex.account", pipeline.TotalBreakdown, 90.1199174},
	// line 1950: Kenya 2024 gender/women, account_t_d 0.865155344
	{"Kenya women", "KEN", 2024, "findex.account", breakdown(dims.Sex, dims.Female), 86.5155344},
	// line 3314: Kenya 2024 income/poorest 40%, account_t_d 0.838761641
	{"Kenya poorest 40 %", "KEN", 2024, "findex.account", breakdown(dims.Income, dims.Bottom40), 83.8761641},
	// line 4979: Kenya 2024 urbanicity/rural, account_t_d 0.887419602
	{"Kenya rural", "KEN", 2024, "findex.account", breakdown(dims.Area, dims.Rural), 88.7419602},
	// line 4700: Kenya 2024 age_cat/ages 15-24, account_t_d 0.898479264
	{"Kenya ages 15-24", "KEN", 2024, "findex.account", breakdown(dims.Age, "Y15T24"), 89.8479264},
	// line 7733: Kenya 2024 education/prim edu or less, account_t_d 0.816639771
	{"Kenya primary or less", "KEN", 2024, "findex.account", breakdown(dims.Education, dims.PrimaryOrLess), 81.6639771},
	// line 6346: Kenya 2024 laborforce/out of laborforce, account_t_d 0.804034312
	{"Kenya outside the labour force", "KEN", 2024, "findex.account", breakdown(dims.Labour, dims.OutOfLabourForce), 80.4034312},
	// line 3374: Nigeria 2024 income/poorest 40%, fin26a 0.082575489
	{"Nigeria poorest 40 % paid bills", "NGA", 2024, "findex.paid_bills_digital", breakdown(dims.Income, dims.Bottom40), 8.2575489},
	// line 637: Kenya 2024 pop_adult 34616135 (persons, as published)
	{"Kenya adult population", "KEN", 2024, "findex.pop_adult", pipeline.TotalBreakdown, 34616135},
	// line 639: Kosovo (XKX) 2024 all/all, account_t_d 0.641617722
	{"Kosovo total", "XKX", 2024, "findex.account", pipeline.TotalBreakdown, 64.1617722},
	// line 189: Ethiopia 2014 all/all, mobileaccount_t_d 2.79E-04 (exponent form)
	{"Ethiopia mobile money 2014", "ETH", 2014, "findex.mobile_money_account", pipeline.TotalBreakdown, 0.0279},
}

func breakdown(d *dims.Dimension, code string) pipeline.Breakdown {
	return pipeline.TotalBreakdown.With(d, code)
}

// TestFindex2025 loads the shipped Global Findex Database 2025 alone and
// finds its published figures, as percent, in the loaded table (the Arrow
// record, read column by column) and through pipeline.Store; the file
// loads without a problem, its World Bank aggregates are skipped and
// counted, and its NA cells are counted as not data.
func TestFindex2025(t *testing.T) {
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{"findex-2025-database"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	var fr *pipeline.FileReport
	for _, f := range res.Report.Files {
		if f.Source == "findex-2025-database" {
			fr = f
		}
	}
	if fr == nil {
		t.Fatal("no report for findex-2025-database")
	}
	if fr.Rejected || fr.Quarantined != 0 || len(fr.Problems) != 0 {
		t.Fatalf("%s: rejected %v, quarantined %d, problems %v; want a clean load", fr.File, fr.Rejected, fr.Quarantined, problemStrings(fr))
	}
	// 684 lines of the 12 World Bank aggregates (WLD, LMY, HIC, UMC, LMC,
	// LIC, EAP, ECA, LAC, MNA, SAS, SSA): counted with a Python csv reader
	// over the file.
	if got := fr.Ignored["rows of World Bank aggregates"]; got != 684 {
		t.Errorf("rows of World Bank aggregates = %d, want 684", got)
	}
	if fr.Ignored["'NA' cells"] == 0 {
		t.Errorf("no NA cells counted: %v", fr.Ignored)
	}

	rec := res.Observations
	s, err := pipeline.NewStore(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range findex2025Cases {
		t.Run(tc.name, func(t *testing.T) {
			var inTable []float64
			for i := range int(rec.NumRows()) {
				if dictAt(rec, pipeline.IdxUnit, i) == tc.unit && dictAt(rec, pipeline.IdxIndicator, i) == tc.indicator &&
					int(rec.Column(pipeline.IdxYear).(*array.Int16).Value(i)) == tc.year && breakdownAt(rec, i) == tc.breakdown {
					inTable = append(inTable, rec.Column(pipeline.IdxValue).(*array.Float64).Value(i))
				}
			}
			if !slices.Equal(inTable, []float64{tc.want}) {
				t.Errorf("table rows of %s %d %s %v: values %v, want [%v]", tc.unit, tc.year, tc.indicator, tc.breakdown, inTable, tc.want)
			}
			q := pipeline.QueryOf(tc.breakdown)
			q.Indicator, q.Units, q.From, q.To = tc.indicator, []string{tc.unit}, tc.year, tc.year
			sel := s.Select(q)
			if len(sel) != 1 {
				t.Fatalf("Store.Select(%+v) = %d rows, want 1", q, len(sel))
			}
			if r := s.Row(sel[0]); r.Value != tc.want || r.Source != "findex-2025-database" || r.Status != dims.Observed {
				t.Errorf("Store row %+v, want value %v from findex-2025-database, status A", r, tc.want)
			}
		})
	}
	// pop_adult is read from the all/all rows only: no breakdown of it.
	q := pipeline.Query{Indicator: "findex.pop_adult", Units: []string{"KEN"}, From: 2024, To: 2024}
	if n := len(s.Select(q)); n != 1 {
		t.Errorf("findex.pop_adult KEN 2024: %d rows, want 1 (the all/all row's)", n)
	}
}

// dictAt returns the code of row i in dictionary column c of rec.
func dictAt(rec arrow.RecordBatch, c, i int) string {
	d := rec.Column(c).(*array.Dictionary)
	return d.Dictionary().(*array.String).Value(d.GetValueIndex(i))
}

// breakdownAt returns row i's breakdown codes.
func breakdownAt(rec arrow.RecordBatch, i int) pipeline.Breakdown {
	var b pipeline.Breakdown
	for _, d := range dims.Breakdowns {
		b = b.With(d, dictAt(rec, rec.Schema().FieldIndices(d.Column)[0], i))
	}
	return b
}

// TestFindex2025BadInput: a (group, group2) pair the adapter does not know
// quarantines its row with a problem at the group field; a cell that is
// not a number is quarantined at its field; an unknown unit quarantines
// its row's values with one problem at the unit; NA is not data; an
// aggregate's row is skipped; the rest loads.
func TestFindex2025BadInput(t *testing.T) {
	const data = "countrynewwb,codewb,year,pop_adult,group,group2,account_t_d\n" +
		"Kenya,KEN,2024,34616135,all,all,0.901199174\n" + // line 2: loads (and pop_adult)
		"world,WLD,2024,NA,all,all,0.79\n" + // line 3: an aggregate, skipped
		"Kenya,KEN,2024,34616135,gender,nonbinary,0.5\n" + // line 4: unknown group2
		"Kenya,KEN,2024,34616135,disability,yes,0.5\n" + // line 5: unknown group
		"Kenya,KEN,2024,34616135,gender,women,NA\n" + // line 6: NA
		"Kenya,KEN,2024,34616135,gender,men,0.9x\n" + // line 7: not a number
		"Kenya,KEN,2024,34616135,income,poorest 40%,0.838761641\n" + // line 8: loads
		"Nowhere,XYZ,2024,1000,all,all,0.5\n" // line 9: unknown unit, its two values quarantined
	const catalogue = `sources:
  - id: test-findex
    adapter: findex-2025
    file: findex.csv
    publisher: DRI tests
    vintage: test
    licence: CC0
    precedence: 100
    options:
      shares:
        account_t_d: findex.account
      economy:
        pop_adult: findex.pop_adult
`
	user := fstest.MapFS{
		pipeline.CatalogueFile: {Data: []byte(catalogue)},
		"findex.csv":           {Data: []byte(data)},
	}
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, User: user, UserName: "u", Only: []string{"test-findex"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	fr := res.Report.Files[len(res.Report.Files)-1]
	want := []string{
		`u/findex.csv:4:25: bad-code: group "gender", group2 "nonbinary" is not a breakdown of the Findex 2025 database (` +
			`all/all, gender/women|men, age_cat/ages 15-24|age 25+, education/prim edu or less|secondary edu or more, ` +
			`laborforce/in laborforce|out of laborforce, income/poorest 40%|richest 60%, urbanicity/urban|rural); the row is not read`,
		`u/findex.csv:5:25: bad-code: group "disability", group2 "yes" is not a breakdown of the Findex 2025 database (` +
			`all/all, gender/women|men, age_cat/ages 15-24|age 25+, education/prim edu or less|secondary edu or more, ` +
			`laborforce/in laborforce|out of laborforce, income/poorest 40%|richest 60%, urbanicity/urban|rural); the row is not read`,
		`u/findex.csv:7:36: not-a-number: findex.account "0.9x" is not a decimal share`,
		`u/findex.csv:9:9: unknown-unit: unknown unit code "XYZ" (2 values)`,
	}
	if got := problemStrings(fr); !slices.Equal(got, want) {
		t.Errorf("problems:\n%q\nwant\n%q", got, want)
	}
	if fr.Read != 8 || fr.Loaded != 3 || fr.Quarantined != 5 {
		t.Errorf("read %d = loaded %d + quarantined %d; want 8 = 3 + 5 (lines 2 (two values), 8; 4, 5, 7, 9 (two values))", fr.Read, fr.Loaded, fr.Quarantined)
	}
	if fr.Ignored["rows of World Bank aggregates"] != 1 || fr.Ignored["'NA' cells"] != 1 {
		t.Errorf("ignored %v, want one aggregate row and one NA cell", fr.Ignored)
	}
}

// TestFindex2025AgreesWithWDI: the WDI copy of Findex account ownership by
// sex (FX.OWN.TOTL.FE.ZS / .MA.ZS, five decimals), which the 2025 database
// supersedes, gives the database's figures rounded: all 1 354 of its
// values are there and differ by at most half a unit of the fifth decimal
// (largest: Italy 2011 women, 64.345355 in the database, 64.34536 in WDI).
// A swapped women/men mapping would show as differences of points.
func TestFindex2025AgreesWithWDI(t *testing.T) {
	only := func(ids ...string) *pipeline.Store {
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: ids})
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
	db, wdi := only("findex-2025-database"), only("findex-account-female", "findex-account-male")
	compared := 0
	for _, sex := range []string{dims.Female, dims.Male} {
		q := pipeline.QueryOf(breakdown(dims.Sex, sex))
		q.Indicator = "findex.account"
		in := map[string]float64{}
		for _, i := range db.Select(q) {
			in[db.Unit(i)+" "+strconv.Itoa(db.Row(i).Year)] = db.Value(i)
		}
		for _, i := range wdi.Select(q) {
			key := wdi.Unit(i) + " " + strconv.Itoa(wdi.Row(i).Year)
			v, ok := in[key]
			if !ok {
				t.Errorf("%s %s: in WDI (%v), not in the Findex 2025 database", key, sex, wdi.Value(i))
				continue
			}
			compared++
			if d := math.Abs(v - wdi.Value(i)); d > 5e-6+1e-9 {
				t.Errorf("%s %s: database %v, WDI %v (difference %g)", key, sex, v, wdi.Value(i), d)
			}
		}
	}
	if compared != 1354 {
		t.Errorf("compared %d values, want the 1 354 of the two WDI files (677 each)", compared)
	}
}

// BenchmarkLoadFindex2025 is the cost of the Findex 2025 database in a
// load: the reference tables alone, then with the database (8 566 lines,
// 31 144 values).
func BenchmarkLoadFindex2025(b *testing.B) {
	for _, bc := range []struct {
		name string
		only []string
	}{{"reference", []string{}}, {"findex-2025", []string{"findex-2025-database"}}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: bc.only})
				if err != nil {
					b.Fatal(err)
				}
				res.Release()
			}
		})
	}
}
