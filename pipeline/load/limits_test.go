package load_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
)

// loadFile loads one long-format file with the given limits and returns its
// report.
func loadFile(t *testing.T, name string, data []byte, opt load.Options) *pipeline.FileReport {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	opt.Base, opt.Only = datasets.FS, []string{}
	opt.Extra = []load.ExtraFile{{FS: os.DirFS(dir), Path: name, Name: name}}
	res, err := load.Load(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	return res.Report.Files[len(res.Report.Files)-1]
}

// problemStrings renders a report's problems as file:line:col: rule: message.
func problemStrings(fr *pipeline.FileReport) []string {
	var out []string
	for _, p := range fr.Problems {
		out = append(out, p.String())
	}
	return out
}

// TestLineLimit: a line longer than Options.MaxLineBytes rejects the file
// with a too-large problem at that line, in every reader that holds lines:
// the parallel long reader (fast and quoted paths), the publishers' CSV
// adapters and the DataBank line reader.
func TestLineLimit(t *testing.T) {
	// The limit is above the longest line of the reference tables every
	// load reads (300 bytes, in the M49 file), so only the file under test
	// meets it.
	const limit = 512
	long := strings.Repeat("x", 600) // 600 > limit
	header := "unit,year,indicator,value,note\n"
	good := "KEN,2020,itu.internet_use,25.5,\n"
	good2 := "KEN,2022,itu.internet_use,27.5,\n"
	cases := []struct {
		name, file, data string
		want             string // the one problem
	}{
		{"long line mid-file", "mid.csv", header + good + "KEN,2021,itu.internet_use,26," + long + "\n" + good2,
			"mid.csv:3: too-large: line is longer than 512 bytes, the line limit (--max-line-bytes)"},
		{"no line end", "flat.csv", strings.Repeat("\x00", 1000),
			"flat.csv:1: too-large: line is longer than 512 bytes, the line limit (--max-line-bytes)"},
		{"last line without end", "tail.csv", header + good + long,
			"tail.csv:3: too-large: line is longer than 512 bytes, the line limit (--max-line-bytes)"},
		{"quoted (encoding/csv)", "quoted.csv", header + `"KEN",2020,itu.internet_use,25.5,` + "\n" + good + `KEN,2019,itu.internet_use,20,"` + long + `"` + "\n",
			"quoted.csv:4: too-large: line is longer than 512 bytes, the line limit (--max-line-bytes)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fr := loadFile(t, c.file, []byte(c.data), load.Options{MaxLineBytes: limit})
			got := problemStrings(fr)
			if !fr.Rejected || len(got) != 1 || got[0] != c.want {
				t.Errorf("rejected %v, problems %q; want rejected with %q", fr.Rejected, got, c.want)
			}
		})
	}
	t.Run("no checksum read for a line over the limit", func(t *testing.T) {
		// The 1 GB sparse file of the issue took 6 s to read through
		// SHA-256 after the reader had stopped at its first 8 MB block; a
		// 9 MB file is read no further than its first block either.
		dir := t.TempDir()
		for name, data := range map[string]string{"flat.csv": strings.Repeat("x", 9<<20), "ok.csv": header + good} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{}, MaxLineBytes: limit,
			Extra: []load.ExtraFile{{FS: os.DirFS(dir), Path: "flat.csv", Name: "flat.csv"}, {FS: os.DirFS(dir), Path: "ok.csv", Name: "ok.csv"}}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		if _, ok := res.Checksums["flat.csv"]; ok {
			t.Errorf("flat.csv (rejected, too-large) has a checksum")
		}
		if _, ok := res.Checksums["ok.csv"]; !ok {
			t.Errorf("ok.csv has no checksum")
		}
	})
	t.Run("COINr iData (the wide adapter)", func(t *testing.T) {
		// pipeline/testdata/wide with a fifth unit whose line is 600 bytes
		// longer than the limit: the adapter read its files with the
		// default limit, whatever the options said.
		dir := t.TempDir()
		for _, name := range []string{"catalog.yaml", "imeta.csv", "idata.csv"} {
			data, err := os.ReadFile(filepath.Join("..", "testdata", "wide", name))
			if err != nil {
				t.Fatal(err)
			}
			if name == "idata.csv" {
				data = append(data, "UGA,Uganda,2022,Africa,9,9.9,"+long+"\n"...)
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{"coinr-example"}, User: os.DirFS(dir), UserName: "wide", MaxLineBytes: limit})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		for _, fr := range res.Report.Files {
			if fr.Source != "coinr-example" {
				continue
			}
			want := "wide/idata.csv:6: too-large: line is longer than 512 bytes, the line limit (--max-line-bytes)"
			if got := problemStrings(fr); !fr.Rejected || len(got) != 1 || got[0] != want {
				t.Errorf("rejected %v, problems %q; want rejected with %q", fr.Rejected, got, want)
			}
			return
		}
		t.Fatal("no report for coinr-example")
	})
	t.Run("default limit passes the shipped files", func(t *testing.T) {
		fr := loadFile(t, "mid.csv", []byte(cases[0].data), load.Options{})
		if fr.Rejected || fr.Loaded != 3 {
			t.Errorf("with the default limit: rejected %v, loaded %d, want 3 (%q)", fr.Rejected, fr.Loaded, problemStrings(fr))
		}
	})
	// Shipped publishers' files under a limit below their longest line
	// (lengths measured with LC_ALL=C awk length): line 3484 of the ITU
	// DataHub households file is its first over 1000 bytes (1171); line 1
	// of the Findex digital payments DataBank extract is 883 bytes.
	for _, c := range []struct {
		id    string
		limit int
		want  string
	}{
		{"itu-households-internet", 1000, "sources/itu-datahub/households_internet_access.csv:3484: too-large: line is longer than 1000 bytes, the line limit (--max-line-bytes)"},
		{"findex-digital-payments", 800, "sources/findex/findex_made_or_received_digital_payments_by_sex_2011-2017.csv:1: too-large: line is longer than 800 bytes, the line limit (--max-line-bytes)"},
	} {
		t.Run(c.id, func(t *testing.T) {
			res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{c.id}, MaxLineBytes: c.limit})
			if err != nil {
				t.Fatal(err)
			}
			defer res.Release()
			for _, fr := range res.Report.Files {
				if fr.Source != c.id {
					continue
				}
				if got := problemStrings(fr); !fr.Rejected || len(got) != 1 || got[0] != c.want {
					t.Errorf("rejected %v, problems %q; want rejected with %q", fr.Rejected, got, c.want)
				}
				return
			}
			t.Fatalf("no report for %s", c.id)
		})
	}
}

// allocated returns the bytes f allocates on the Go heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestArrowIPCLimits: an Arrow IPC file's bytes cannot make the reader
// allocate more than the file holds or the message limit allows.
func TestArrowIPCLimits(t *testing.T) {
	t.Run("random bytes claiming a 1.8 GB message", func(t *testing.T) {
		// 4 KB of random bytes whose first 8 read as the continuation
		// marker and a metadata length of 1.8e9 bytes: the reader once
		// allocated that before reading (issue 12 item 9).
		data := make([]byte, 4096)
		rng := rand.New(rand.NewPCG(12, 9))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		binary.LittleEndian.PutUint32(data[0:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(data[4:], 1_800_000_000)
		var fr *pipeline.FileReport
		n := allocated(func() { fr = loadFile(t, "random.arrow", data, load.Options{}) })
		want := "random.arrow: too-large: arrow/ipc: could not read message schema: arrow/ipc: message metadata length 1800000000 exceeds limit 4096"
		if got := problemStrings(fr); !fr.Rejected || len(got) != 1 || got[0] != want {
			t.Errorf("problems %q, want %q", got, want)
		}
		// The load (the reference tables, then this file) allocates a few
		// MB; 1.8 GB would show.
		t.Logf("allocated %d KB", n>>10)
		if n > 200<<20 {
			t.Errorf("the load allocated %d MB, want under 200 MB", n>>20)
		}
	})
	t.Run("decompressed buffer over the limit", func(t *testing.T) {
		// 100,000 equal rows: the zstd stream (1.2 MB) is smaller than the
		// limit, its buffers decompress to about 4.5 MB (100,000 x (8
		// value + 4 year + 3 x 4 offsets + 3 + 16 + 2 bytes of codes)).
		const n, limit = 100_000, 2 << 20
		data := compressedLong(t, n)
		if len(data) >= limit {
			t.Fatalf("the compressed file has %d bytes, want under the limit %d", len(data), limit)
		}
		fr := loadFile(t, "zstd.arrow", data, load.Options{MaxMessageBytes: limit})
		got := problemStrings(fr)
		if !fr.Rejected || len(got) != 1 || !strings.HasPrefix(got[0], "zstd.arrow:1: too-large: ") ||
			!strings.Contains(got[0], "exceed the limit of 2097152 bytes (--max-message-bytes)") {
			t.Errorf("problems %q, want one too-large at row 1 naming the limit", got)
		}
		fr = loadFile(t, "zstd.arrow", data, load.Options{})
		// The rows repeat one key: one loads, the rest are duplicates.
		if fr.Rejected || fr.Read != n || fr.Loaded != 1 {
			t.Errorf("default limits: rejected %v, read %d, loaded %d, want %d read, 1 loaded", fr.Rejected, fr.Read, fr.Loaded, n)
		}
	})
}

// compressedLong writes n equal rows of the long format (KEN, 2020,
// itu.internet_use, _T, 50) as a zstd-compressed Arrow IPC stream.
func compressedLong(t *testing.T, n int) []byte {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "unit", Type: arrow.BinaryTypes.String}, {Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "indicator", Type: arrow.BinaryTypes.String}, {Name: "sex", Type: arrow.BinaryTypes.String},
		{Name: "value", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for range n {
		b.Field(0).(*array.StringBuilder).Append("KEN")
		b.Field(1).(*array.Int32Builder).Append(2020)
		b.Field(2).(*array.StringBuilder).Append("itu.internet_use")
		b.Field(3).(*array.StringBuilder).Append("_T")
		b.Field(4).(*array.Float64Builder).Append(50)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema), ipc.WithZstd())
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestProblemColumns: a row problem points at the offending field, in the
// three readers of the long format (issue 12 item 14: unknown-unit and
// year-range pointed at the value column).
func TestProblemColumns(t *testing.T) {
	rows := [][]string{
		{"KE", "2020", "itu.internet_use", "_T", "5"},   // unknown unit, column 1
		{"KEN", "2099", "itu.internet_use", "_T", "5"},  // year out of range, column 2
		{"KEN", "2020", "itu.internet_nope", "_T", "5"}, // unknown indicator, column 3
		{"KEN", "2020", "itu.internet_use", "Q", "5"},   // bad sex code, column 4
		{"KEN", "2020", "egov.egdi", "F", "0.5"},        // no sex breakdown, column 4
	}
	header := "unit,year,indicator,sex,value\n"
	var plain, quoted strings.Builder
	plain.WriteString(header)
	quoted.WriteString(header)
	for _, r := range rows {
		plain.WriteString(strings.Join(r, ",") + "\n")
		quoted.WriteString(`"` + strings.Join(r, `","`) + `"` + "\n")
	}
	// Columns counted by hand in the lines above (1-based bytes).
	wantCSV := []string{
		`f.csv:2:1: unknown-unit: unknown unit code "KE"`,
		"f.csv:3:5: year-range: year 2099 is outside 1990..2027",
		`f.csv:4:10: unknown-indicator: unknown indicator "itu.internet_nope" (not in the registry)`,
		`f.csv:5:27: bad-code: sex "Q" is not one of _T, F, M`,
		"f.csv:6:20: bad-code: egov.egdi has no sex disaggregation in the registry (got sex=F)",
	}
	// Quoted: each field starts 2 bytes later per field before it.
	wantQuoted := []string{
		`f.csv:2:1: unknown-unit: unknown unit code "KE"`,
		"f.csv:3:7: year-range: year 2099 is outside 1990..2027",
		`f.csv:4:14: unknown-indicator: unknown indicator "itu.internet_nope" (not in the registry)`,
		`f.csv:5:33: bad-code: sex "Q" is not one of _T, F, M`,
		"f.csv:6:26: bad-code: egov.egdi has no sex disaggregation in the registry (got sex=F)",
	}
	// Arrow: line = row number (no header), column = field position.
	wantArrow := []string{
		`f.arrow:1:1: unknown-unit: unknown unit code "KE"`,
		"f.arrow:2:2: year-range: year 2099 is outside 1990..2027",
		`f.arrow:3:3: unknown-indicator: unknown indicator "itu.internet_nope" (not in the registry)`,
		`f.arrow:4:4: bad-code: sex "Q" is not one of _T, F, M`,
		"f.arrow:5:4: bad-code: egov.egdi has no sex disaggregation in the registry (got sex=F)",
	}
	for _, c := range []struct {
		name, file string
		data       []byte
		want       []string
	}{
		{"csv", "f.csv", []byte(plain.String()), wantCSV},
		{"quoted csv", "f.csv", []byte(quoted.String()), wantQuoted},
		{"arrow", "f.arrow", longArrow(t, rows), wantArrow},
	} {
		t.Run(c.name, func(t *testing.T) {
			fr := loadFile(t, c.file, c.data, load.Options{MaxYear: 2027})
			if diff := cmp.Diff(c.want, problemStrings(fr)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// longArrow writes rows of unit, year, indicator, sex, value as an Arrow
// IPC file.
func longArrow(t *testing.T, rows [][]string) []byte {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "unit", Type: arrow.BinaryTypes.String}, {Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "indicator", Type: arrow.BinaryTypes.String}, {Name: "sex", Type: arrow.BinaryTypes.String},
		{Name: "value", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		y, err1 := strconv.Atoi(r[1])
		v, err2 := strconv.ParseFloat(r[4], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("row %q: %v %v", r, err1, err2)
		}
		b.Field(0).(*array.StringBuilder).Append(r[0])
		b.Field(1).(*array.Int32Builder).Append(int32(y))
		b.Field(2).(*array.StringBuilder).Append(r[2])
		b.Field(3).(*array.StringBuilder).Append(r[3])
		b.Field(4).(*array.Float64Builder).Append(v)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSubdivisionCodes: a sub-national code must be in ISO 3166-2
// (datasets/reference/iso-3166-2.csv, from iso-codes 4.15.0, where Kenya's
// 47 counties are KE-01..KE-47 and KE-30 is Nairobi City) or in the file's
// FILE.subdivisions.csv sidecar (issue 12 item 14: KE-99 was accepted).
func TestSubdivisionCodes(t *testing.T) {
	data := "unit,year,indicator,value\nKE-99,2020,itu.internet_use,25\nKE-30,2020,itu.internet_use,40\nKE-X1,2020,itu.internet_use,41\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sub.csv"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	load := func() *pipeline.Result {
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{},
			Extra: []load.ExtraFile{{FS: os.DirFS(dir), Path: "sub.csv", Name: "sub.csv"}}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	fileProblems := func(res *pipeline.Result) []string {
		var out []string
		for _, p := range res.Report.Problems() {
			if p.File == "sub.csv" || p.File == "sub.subdivisions.csv" {
				out = append(out, p.String())
			}
		}
		return out
	}
	res := load()
	want := []string{
		`sub.csv:2:1: unknown-unit: unit "KE-99" is not an ISO 3166-2 subdivision code of Kenya (reference/iso-3166-2.csv, reference/iso-3166-2-extra.csv)`,
		`sub.csv:4:1: unknown-unit: unit "KE-X1" is not an ISO 3166-2 subdivision code of Kenya (reference/iso-3166-2.csv, reference/iso-3166-2-extra.csv)`,
	}
	if diff := cmp.Diff(want, fileProblems(res)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if u, ok := res.Reference.LookupUnit("KE-30"); !ok || u.Name != "Nairobi City" || u.Parent != "KEN" {
		t.Errorf("KE-30 = %+v, %v; want Nairobi City in KEN", u, ok)
	}
	res.Release()

	// A sidecar declares codes beyond ISO 3166-2.
	if err := os.WriteFile(filepath.Join(dir, "sub.subdivisions.csv"), []byte("code,name\nKE-X1,Survey cluster 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res = load()
	defer res.Release()
	want = []string{
		`sub.csv:2:1: unknown-unit: unit "KE-99" is not an ISO 3166-2 subdivision code of Kenya (reference/iso-3166-2.csv, reference/iso-3166-2-extra.csv, sub.subdivisions.csv)`,
	}
	if diff := cmp.Diff(want, fileProblems(res)); diff != "" {
		t.Errorf("with the sidecar, problems (-want +got):\n%s", diff)
	}
	if u, ok := res.Reference.LookupUnit("KE-X1"); !ok || u.Name != "Survey cluster 1" {
		t.Errorf("KE-X1 = %+v, %v; want the sidecar's name", u, ok)
	}
}

// TestProblemExcerpts: a problem quotes at most 64 bytes of a bad cell or
// header, with its full length (issue 12 item 8: a 60 MB cell was quoted
// whole, and a 422 reply reached 300 MB).
func TestProblemExcerpts(t *testing.T) {
	huge := strings.Repeat("\x00", 100_000) // under the 1 MiB line limit
	quoted := `"` + strings.Repeat(`\x00`, 64) + `"... (100000 bytes)`
	for _, c := range []struct {
		name, data, want string
	}{
		{"unit cell", "unit,year,indicator,value\n" + huge + ",2020,itu.internet_use,1\n",
			"f.csv:2:1: unknown-unit: unknown unit code " + quoted},
		{"value cell", "unit,year,indicator,value\nKEN,2020,itu.internet_use," + huge + "\n",
			"f.csv:2:27: not-a-number: value " + quoted + " is not a number"},
		{"header cell", "unit,year,indicator,value," + huge + "\n",
			"f.csv:1:27: wrong-header: column " + quoted + " is not a column of the long format (unit,year,indicator,sex,area,age,income,education,labour,value,status,note)"},
		// Quoted (encoding/csv): the column of the opening quote, counted
		// by hand: "unit", "year", "indicator", "value", take 7+7+12+8 bytes.
		{"quoted header cell", `"unit","year","indicator","value","bogus"` + "\n",
			`f.csv:1:35: wrong-header: column "bogus" is not a column of the long format (unit,year,indicator,sex,area,age,income,education,labour,value,status,note)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			fr := loadFile(t, "f.csv", []byte(c.data), load.Options{})
			if got := problemStrings(fr); len(got) != 1 || got[0] != c.want {
				t.Errorf("problems %.300q, want [%.300q]", got, c.want)
			}
		})
	}
}

// TestProblemsBounded: a file of many bad rows keeps complete counts but
// only the first 200 problems of each rule (issue 12: 310,880 problems made
// a 45 MB reply; 2 million bad rows made a report of 2 million messages).
func TestProblemsBounded(t *testing.T) {
	const rows = 300_000 // 8.4 MB: two 8 MB blocks, 9 shards of 1 MB
	var b strings.Builder
	b.WriteString("unit,year,indicator,value\n")
	for i := range rows {
		if i%2 == 0 {
			b.WriteString("XXX,2020,itu.internet_use,1\n") // unknown unit
		} else {
			b.WriteString("KEN,1900,itu.internet_use,1\n") // year out of range
		}
	}
	fr := loadFile(t, "bad.csv", []byte(b.String()), load.Options{})
	if fr.Read != rows || fr.Quarantined != rows || fr.Errors != rows {
		t.Errorf("read %d, quarantined %d, errors %d; want %d each", fr.Read, fr.Quarantined, fr.Errors, rows)
	}
	want := map[pipeline.Rule]int{pipeline.RuleUnknownUnit: rows / 2, pipeline.RuleYearRange: rows / 2}
	if diff := cmp.Diff(want, fr.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	kept := map[pipeline.Rule]int{}
	for i, p := range fr.Problems {
		kept[p.Rule]++
		// The first ones in file order: line 2, 3, 4, ...
		if p.Line != i+2 {
			t.Fatalf("problem %d is on line %d, want %d (the first in file order)", i, p.Line, i+2)
		}
	}
	if want := map[pipeline.Rule]int{pipeline.RuleUnknownUnit: 200, pipeline.RuleYearRange: 200}; !cmp.Equal(want, kept) {
		t.Errorf("kept %v, want %v", kept, want)
	}
	var out strings.Builder
	if err := (&pipeline.Report{Files: []*pipeline.FileReport{fr}}).WriteText(&out, false); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"  ... 149980 more unknown-unit problems (use --verbose to list the first 200)",
		"  ... 149980 more year-range problems (use --verbose to list the first 200)",
	} {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("text report lacks %q", line)
		}
	}
}
