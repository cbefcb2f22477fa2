package pipeline_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
)

// TestLongFormats loads the same observations as CSV, Parquet and Arrow IPC
// and expects the same table.
func TestLongFormats(t *testing.T) {
	csvData := "unit,year,indicator,sex,value,status,note\n" +
		"KEN,2020,itu.internet_use,F,25.5,E,survey\n" +
		"KEN,2020,itu.internet_use,M,31,A,\n" +
		"UGA,2021,egov.egdi,_T,0.5,A,\n"
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "unit", Type: arrow.BinaryTypes.String}, {Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "indicator", Type: arrow.BinaryTypes.String}, {Name: "sex", Type: arrow.BinaryTypes.String},
		{Name: "value", Type: arrow.PrimitiveTypes.Float64}, {Name: "status", Type: arrow.BinaryTypes.String},
		{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"KEN", "KEN", "UGA"}, nil)
	b.Field(1).(*array.Int32Builder).AppendValues([]int32{2020, 2020, 2021}, nil)
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"itu.internet_use", "itu.internet_use", "egov.egdi"}, nil)
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"F", "M", "_T"}, nil)
	b.Field(4).(*array.Float64Builder).AppendValues([]float64{25.5, 31, 0.5}, nil)
	b.Field(5).(*array.StringBuilder).AppendValues([]string{"E", "A", "A"}, nil)
	b.Field(6).(*array.StringBuilder).AppendValues([]string{"survey", "", ""}, []bool{true, false, false})
	rec := b.NewRecordBatch()
	defer rec.Release()

	var pq bytes.Buffer
	tbl := array.NewTableFromRecords(schema, []arrow.RecordBatch{rec})
	defer tbl.Release()
	if err := pqarrow.WriteTable(tbl, &pq, 1024, nil, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
	var ipcBuf bytes.Buffer
	w, err := ipc.NewFileWriter(&ipcBuf, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Close()

	dir := t.TempDir()
	files := map[string][]byte{"obs.csv": []byte(csvData), "obs.parquet": pq.Bytes(), "obs.arrow": ipcBuf.Bytes()}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"obs.csv", "obs.parquet", "obs.arrow"} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{}, Allocator: mem,
			Extra: []load.ExtraFile{{FS: os.DirFS(dir), Path: name, Name: name}}})
		if err != nil {
			t.Fatal(err)
		}
		if n := res.Report.Errors(); n != 0 {
			t.Fatalf("%s: %d errors: %v", name, n, res.Report.Problems())
		}
		s, err := pipeline.NewStore(res.Observations)
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != 3 {
			t.Fatalf("%s: %d observations, want 3", name, s.Len())
		}
		rows := s.Select(pipeline.Query{Indicator: "itu.internet_use", Sex: []string{"F"}})
		if r := s.Row(rows[0]); r.Value != 25.5 || r.Status != "E" || r.Note != "survey" || r.Unit != "KEN" {
			t.Errorf("%s: female row = %+v", name, r)
		}
		res.Release()
		mem.AssertSize(t, 0)
	}
}

func TestStoreQueries(t *testing.T) {
	_, s := loadEmbedded(t)
	all := s.Select(pipeline.Query{Indicator: "egov.egdi", Units: []string{"KEN"}})
	if len(all) != 8 {
		t.Fatalf("EGDI KEN editions = %d, want 8 (2010-2024)", len(all))
	}
	for i := 1; i < len(all); i++ {
		if s.Year(all[i]) <= s.Year(all[i-1]) {
			t.Fatalf("rows not ascending by year")
		}
	}
	if rows := s.Select(pipeline.Query{Indicator: "egov.egdi", Units: []string{"KEN"}, MRV: 2}); len(rows) != 2 || s.Year(rows[0]) != 2022 {
		t.Errorf("mrv 2 = %d rows from %d, want 2022 and 2024", len(rows), s.Year(rows[0]))
	}
	if rows := s.Select(pipeline.Query{Indicator: "egov.egdi", From: 2016, To: 2018}); len(rows) != 2*193 {
		t.Errorf("2016:2018 = %d rows, want 386", len(rows))
	}
	// mrnev keeps each series' latest: one per sex for Kenya's internet use.
	rows := s.Select(pipeline.Query{Indicator: "itu.internet_use", Units: []string{"KEN"}, Area: []string{"_T"}, MRNEV: 1})
	if len(rows) != 3 {
		t.Errorf("mrnev 1 for KEN internet use = %d rows, want 3 (_T, F, M)", len(rows))
	}
	for _, tc := range []struct {
		in       string
		from, to int
		ok       bool
	}{
		{"2024", 2024, 2024, true}, {"2015:2024", 2015, 2024, true}, {"2015:", 2015, 0, true}, {":2020", 0, 2020, true},
		{"", 0, 0, true}, {"2024:2015", 0, 0, false}, {"24", 0, 0, false}, {"x", 0, 0, false}, {":", 0, 0, true},
	} {
		from, to, err := pipeline.ParseYears(tc.in)
		if (err == nil) != tc.ok || from != tc.from || to != tc.to {
			t.Errorf("ParseYears(%q) = %d, %d, %v; want %d, %d, ok=%v", tc.in, from, to, err, tc.from, tc.to, tc.ok)
		}
	}
}

// TestLongLargeFile reads a long CSV larger than the reader's block, so
// the read buffer is reused: every unit code (sub-national units are
// created from the text) and every value must survive, and a duplicate in
// the second block is reported with both line numbers.
func TestLongLargeFile(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("unit,year,indicator,value\n")
	rows := 0
	// Sub-national codes are ISO 3166-2 like: KE- and 3 characters (base 36).
	code := func(u int) string { return fmt.Sprintf("KE-%03s", strings.ToUpper(strconv.FormatInt(int64(u), 36))) }
	u := 1
	for ; b.Len() < 12<<20; u++ {
		for y := 2000; y <= 2023; y++ {
			fmt.Fprintf(&b, "%s,%d,itu.internet_use,%d.%d\n", code(u), y, u%100, y%10)
			rows++
		}
	}
	b.WriteString("KE-001,2000,itu.internet_use,1.5\n") // line rows+2 repeats line 2
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.csv"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	writeSubdivisions(t, filepath.Join(dir, "big.subdivisions.csv"), code, u)
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{},
		Extra: []load.ExtraFile{{FS: os.DirFS(dir), Path: "big.csv", Name: "big.csv"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	var probs []pipeline.Problem
	for _, p := range res.Report.Problems() {
		if p.File == "big.csv" {
			probs = append(probs, p)
		}
	}
	if len(probs) != 1 || probs[0].Rule != pipeline.RuleDuplicateKey || probs[0].Line != rows+2 ||
		!strings.Contains(probs[0].Message, "KE-001 2000 itu.internet_use") || !strings.HasSuffix(probs[0].Message, "already given on line 2") {
		t.Fatalf("%d problems in big.csv (first: %v), want one duplicate-key on line %d", len(probs), probs[:min(len(probs), 1)], rows+2)
	}
	s, err := pipeline.NewStore(res.Observations)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != rows {
		t.Fatalf("%d observations, want %d", s.Len(), rows)
	}
	for i := 0; i < s.Len(); i++ {
		r := s.Row(i)
		u, err := strconv.ParseInt(strings.TrimPrefix(r.Unit, "KE-"), 36, 64)
		if err != nil || !strings.HasPrefix(r.Unit, "KE-") || r.Year < 2000 {
			t.Fatalf("row %d: unit %q year %d", i, r.Unit, r.Year)
		}
		y := r.Year
		if want, _ := strconv.ParseFloat(fmt.Sprintf("%d.%d", u%100, y%10), 64); r.Value != want {
			t.Fatalf("%s %d: value %v, want %v", r.Unit, y, r.Value, want)
		}
	}
}

// A Parquet file read by the dictionary fast path and the same rows as CSV
// read line by line give the same table and the same problems (rows are
// numbered from the header in CSV, from the first row in Parquet).
func TestLongParquetMatchesCSV(t *testing.T) {
	type row struct {
		unit, ind string
		year      int32
		value     float64
		null      bool
	}
	rows := []row{
		{"KEN", "itu.internet_use", 2020, 25.5, false},
		{"KE-30", "itu.internet_use", 2020, 40, false}, // sub-national (ISO 3166-2: Nairobi City), created from the code
		{"XXX", "itu.internet_use", 2020, 1, false},    // unknown unit
		{"UGA", "no.such.indicator", 2020, 1, false},   // unknown indicator
		{"UGA", "itu.internet_use", 1950, 1, false},    // year out of range
		{"UGA", "itu.internet_use", 2021, 120, false},  // above 100 %
		{"UGA", "itu.internet_use", 2022, 0, true},     // null value
		{"KEN", "itu.internet_use", 2020, 26, false},   // duplicate of the first row
		{"UGA", "egov.egdi", 2022, 0.5, false},
	}
	var csvData strings.Builder
	csvData.WriteString("unit,year,indicator,value\n")
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "unit", Type: arrow.BinaryTypes.String}, {Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "indicator", Type: arrow.BinaryTypes.String}, {Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		v := strconv.FormatFloat(r.value, 'f', -1, 64)
		if r.null {
			v = ""
		}
		fmt.Fprintf(&csvData, "%s,%d,%s,%s\n", r.unit, r.year, r.ind, v)
		b.Field(0).(*array.StringBuilder).Append(r.unit)
		b.Field(1).(*array.Int32Builder).Append(r.year)
		b.Field(2).(*array.StringBuilder).Append(r.ind)
		if r.null {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.Float64Builder).Append(r.value)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	tbl := array.NewTableFromRecords(schema, []arrow.RecordBatch{rec})
	defer tbl.Release()
	var pq bytes.Buffer
	if err := pqarrow.WriteTable(tbl, &pq, 4, nil, pqarrow.DefaultWriterProps()); err != nil { // row groups of 4
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"obs.csv": []byte(csvData.String()), "obs.parquet": pq.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	load := func(name string, lineOffset int) (problems []string, table []string) {
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{},
			Extra: []load.ExtraFile{{FS: os.DirFS(dir), Path: name, Name: name}}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		// The checksum is of the whole file (Parquet is read in place while
		// the file is read through for it).
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(raw); res.Checksums[name] != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: checksum %q, want %x", name, res.Checksums[name], sum)
		}
		for _, p := range res.Report.Problems() {
			if p.File == name {
				msg := strings.ReplaceAll(p.Message, fmt.Sprint("line ", 1+lineOffset), "line FIRST")
				msg = strings.Replace(msg, "value is null", "value is empty", 1) // the one wording by format
				problems = append(problems, fmt.Sprintf("%d %s %s", p.Line-lineOffset, p.Rule, msg))
			}
		}
		s, err := pipeline.NewStore(res.Observations)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < s.Len(); i++ {
			r := s.Row(i)
			table = append(table, fmt.Sprintf("%s %d %s %v", r.Unit, r.Year, r.Indicator, r.Value))
		}
		return problems, table
	}
	cp, ct := load("obs.csv", 1)
	pp, pt := load("obs.parquet", 0)
	if strings.Join(cp, "\n") != strings.Join(pp, "\n") {
		t.Errorf("problems differ:\nCSV:\n%s\nParquet:\n%s", strings.Join(cp, "\n"), strings.Join(pp, "\n"))
	}
	if strings.Join(ct, "\n") != strings.Join(pt, "\n") {
		t.Errorf("tables differ:\nCSV:\n%s\nParquet:\n%s", strings.Join(ct, "\n"), strings.Join(pt, "\n"))
	}
	if len(ct) != 3 || len(cp) != 6 {
		t.Errorf("%d rows and %d problems, want 3 and 6:\n%s", len(ct), len(cp), strings.Join(cp, "\n"))
	}
}

// A quote after the first block hands the rest of a large file to
// encoding/csv while the parallel parser has blocks in flight: every row
// is read once, and the quoted field keeps its comma.
func TestLongLargeFileQuoteLate(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("unit,year,indicator,value,note\n")
	rows := 0
	code := func(u int) string { return fmt.Sprintf("KE-%03s", strings.ToUpper(strconv.FormatInt(int64(u), 36))) }
	u := 1
	for ; b.Len() < 10<<20; u++ {
		for y := 2000; y <= 2023; y++ {
			fmt.Fprintf(&b, "%s,%d,itu.internet_use,%d,\n", code(u), y, u%100)
			rows++
		}
	}
	b.WriteString(`UGA,2020,itu.internet_use,12.5,"survey, household"` + "\n")
	rows++
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "late.csv"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	writeSubdivisions(t, filepath.Join(dir, "late.subdivisions.csv"), code, u)
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{},
		Extra: []load.ExtraFile{{FS: os.DirFS(dir), Path: "late.csv", Name: "late.csv"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	for _, p := range res.Report.Problems() {
		if p.File == "late.csv" {
			t.Fatalf("problem: %v", p)
		}
	}
	s, err := pipeline.NewStore(res.Observations)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != rows {
		t.Fatalf("%d observations, want %d", s.Len(), rows)
	}
	got := s.Select(pipeline.Query{Indicator: "itu.internet_use", Units: []string{"UGA"}})
	if len(got) != 1 || s.Row(got[0]).Note != "survey, household" || s.Row(got[0]).Value != 12.5 {
		t.Fatalf("UGA row: %+v", got)
	}
}

// writeSubdivisions writes the sidecar that declares the synthetic
// sub-national codes code(1) .. code(n-1), which are not ISO 3166-2.
func writeSubdivisions(t *testing.T, file string, code func(int) string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("code,name\n")
	for u := 1; u < n; u++ {
		fmt.Fprintf(&b, "%s,synthetic %d\n", code(u), u)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
