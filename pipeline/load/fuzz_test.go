package load

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path"
	"sort"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dri-engine/dri/datasets"

	"github.com/dri-engine/dri/pipeline"
)

var (
	fuzzOnce sync.Once
	fuzzBase *pipeline.Result
	fuzzCat  *pipeline.Catalogue
)

// fuzzSetup loads the embedded reference tables once (no observation
// sources) so adapters resolve units as they do in production.
func fuzzSetup(t testing.TB) {
	fuzzOnce.Do(func() {
		res, err := Load(context.Background(), Options{Base: datasets.FS, Only: []string{}})
		if err != nil {
			panic(err)
		}
		fuzzBase = res
		data, _ := fs.ReadFile(datasets.FS, pipeline.CatalogueFile)
		fuzzCat, err = pipeline.ParseCatalogue(pipeline.CatalogueFile, data)
		if err != nil {
			panic(err)
		}
	})
}

// fuzzEntries returns, per adapter, the first catalogue entry using it (so
// the fuzzed adapter runs with real options); long and wide get test entries.
func fuzzEntries() []*pipeline.Entry {
	by := map[string]*pipeline.Entry{}
	for _, e := range fuzzCat.Sources {
		if _, ok := by[e.Adapter]; !ok {
			by[e.Adapter] = e
		}
	}
	by["long"] = &pipeline.Entry{ID: "fuzz.long", Adapter: "long", File: "data.csv", Publisher: "fuzz", Vintage: "x", Licence: "x"}
	by["wide"] = &pipeline.Entry{ID: "fuzz.wide", Adapter: "wide", File: "data.csv", Publisher: "fuzz", Vintage: "x", Licence: "x",
		Options: map[string]any{"imeta": "imeta.csv", "year": 2020}}
	var out []*pipeline.Entry
	for _, e := range by {
		if e.Adapter != "document" {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Adapter < out[j].Adapter })
	return out
}

// runFuzzed runs one adapter on data without the panic guard of runAdapter,
// against a fresh copy of the reference, and checks the accounting.
func runFuzzed(t *testing.T, e *pipeline.Entry, data []byte, aux map[string][]byte) {
	ref := fuzzBase.Reference.CloneUnits()
	fsys := fstest.MapFS{e.File: &fstest.MapFile{Data: data}}
	for name, d := range aux {
		fsys[path.Join(path.Dir(e.File), name)] = &fstest.MapFile{Data: d}
	}
	fr := &pipeline.FileReport{Source: e.ID, File: e.File}
	s := &source{entry: e, fsys: fsys, name: e.File, ref: ref, checksums: map[string]string{}, mu: &sync.Mutex{}}
	s.Collector = pipeline.NewCollector(e.File, ref, fuzzBase.Registry.Clone(), pipeline.NewInterner(pipeline.Total), pipeline.NewInterner(""), fr, 2027)
	err := adapters[e.Adapter].read(s)
	if err != nil {
		if _, ok := err.(*pipeline.LoadError); !ok {
			t.Fatalf("%s: error %T %v, want a *LoadError", e.Adapter, err, err)
		}
	}
	if fr.Read != fr.Loaded+fr.Quarantined {
		t.Fatalf("%s: read %d != loaded %d + quarantined %d", e.Adapter, fr.Read, fr.Loaded, fr.Quarantined)
	}
	rows := 0
	for _, p := range s.allParts() {
		rows += p.Len()
	}
	if adapters[e.Adapter].producesObservations() && fr.Loaded != rows {
		t.Fatalf("%s: loaded %d but %d rows collected", e.Adapter, fr.Loaded, rows)
	}
}

// FuzzAdapters feeds arbitrary bytes to every adapter: no panic, only
// *LoadError failures, and read = loaded + quarantined always. The seed
// corpus is the head of every shipped file and the bad-input corpus.
func FuzzAdapters(f *testing.F) {
	fuzzSetup(f)
	entries := fuzzEntries()
	seed := func(data []byte) {
		for i := range entries {
			f.Add(uint8(i), data)
		}
	}
	for _, e := range fuzzCat.Sources {
		data, err := fs.ReadFile(datasets.FS, e.File)
		if err != nil {
			continue
		}
		seed(data[:min(len(data), 3000)])
	}
	bad, _ := os.ReadDir("../testdata/bad")
	for _, d := range bad {
		if data, err := os.ReadFile(path.Join("../testdata/bad", d.Name())); err == nil {
			seed(data)
		}
	}
	imeta, _ := os.ReadFile("../testdata/wide/imeta.csv")
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		e := entries[int(which)%len(entries)]
		runFuzzed(t, e, data, map[string][]byte{
			"imeta.csv": imeta,
			"ITU_IndividualsUsingInternetByGender_2021-07_sheet2_scope.csv": []byte("Country,In-scope population\nKenya,Population age 15+\n"),
		})
	})
}

// FuzzIMeta checks the iMeta parser on arbitrary input: no panic, and a
// parsed table is internally consistent (every parent exists).
func FuzzIMeta(f *testing.F) {
	if data, err := os.ReadFile("../testdata/wide/imeta.csv"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("iCode,Level,Parent,Weight,Direction,Type\nA,1,P,1,1,Indicator\nP,2,,1,,Aggregate\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseIMeta("imeta.csv", bytesReader(data), 0)
		if err != nil {
			return
		}
		for _, r := range m.Rows {
			if r.Parent != "" {
				if _, ok := m.Row(r.Parent); !ok {
					t.Fatalf("parsed iMeta has %s with missing parent %s", r.ICode, r.Parent)
				}
			}
		}
	})
}

// FuzzParseYears: no panic; a parsed range is ordered.
func FuzzParseYears(f *testing.F) {
	for _, s := range []string{"2024", "2015:2024", ":2020", "2015:", "", "20:10", "abcd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		from, to, err := pipeline.ParseYears(s)
		if err == nil && from != 0 && to != 0 && from > to {
			t.Fatalf("ParseYears(%q) = %d, %d", s, from, to)
		}
	})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// FuzzLongArrowIPC feeds mutated Arrow IPC files and streams (plain, zstd,
// LZ4) to the long reader: no panic, only *LoadError failures, and read =
// loaded + quarantined. testdata/fuzz/FuzzLongArrowIPC holds the inputs it
// found that crashed the reader: a footer arrow-go panics on, a batch whose
// string offsets run past its data (read in a worker goroutine, so the
// panic ended the process), a schema claiming billions of fields (arrow-go
// allocated them: out of memory) and a block past the end of the file.
func FuzzLongArrowIPC(f *testing.F) {
	fuzzSetup(f)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "unit", Type: arrow.BinaryTypes.String}, {Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "indicator", Type: arrow.BinaryTypes.String}, {Name: "value", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range 50 {
		b.Field(0).(*array.StringBuilder).Append("KEN")
		b.Field(1).(*array.Int32Builder).Append(int32(2000 + i%20))
		b.Field(2).(*array.StringBuilder).Append("itu.internet_use")
		b.Field(3).(*array.Float64Builder).Append(float64(i))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	for _, opts := range [][]ipc.Option{{ipc.WithSchema(schema)}, {ipc.WithSchema(schema), ipc.WithZstd()}, {ipc.WithSchema(schema), ipc.WithLZ4()}} {
		var stream, file bytes.Buffer
		w := ipc.NewWriter(&stream, opts...)
		fw, err := ipc.NewFileWriter(&file, opts...)
		if err != nil {
			f.Fatal(err)
		}
		for _, err := range []error{w.Write(rec), w.Close(), fw.Write(rec), fw.Close()} {
			if err != nil {
				f.Fatal(err)
			}
		}
		f.Add(stream.Bytes())
		f.Add(file.Bytes())
	}
	e := &pipeline.Entry{ID: "fuzz.long-arrow", Adapter: "long", File: "data.arrow", Publisher: "fuzz", Vintage: "x", Licence: "x"}
	f.Fuzz(func(t *testing.T, data []byte) {
		runFuzzed(t, e, data, nil)
	})
}
