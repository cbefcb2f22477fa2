package snapshot_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// TestReadFormat1: a snapshot written before the income, education and
// labour columns (format 1: the observations without them) reads as the
// same table with the total in those columns, so a server's state survives
// the upgrade. The format 1 snapshot is made from a format 2 one by
// dropping the three columns and rewriting the manifest, as DRI 3f49e80
// wrote it.
func TestReadFormat1(t *testing.T) {
	// Sources of format 1's time: none with income, education or labour
	// rows, which format 1 could not hold.
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS, Only: []string{"egov-2024", "itu-internet-by-sex"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if res.Observations.NumRows() < 1000 {
		t.Fatalf("%d observations loaded, want EGDI 2024 and ITU's internet use by sex", res.Observations.NumRows())
	}
	dir := t.TempDir()
	m, err := snapshot.Write(dir, res, nil)
	if err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, m.ID)
	obs := res.Observations
	var fields []arrow.Field
	var cols []arrow.Array
	for i, f := range obs.Schema().Fields() {
		if i == pipeline.IdxIncome || i == pipeline.IdxEducation || i == pipeline.IdxLabour {
			continue
		}
		fields, cols = append(fields, f), append(cols, obs.Column(i))
	}
	old := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, obs.NumRows())
	defer old.Release()
	tbl := array.NewTableFromRecords(old.Schema(), []arrow.RecordBatch{old})
	defer tbl.Release()
	var buf bytes.Buffer
	if err := pqarrow.WriteTable(tbl, &buf, 128*1024, nil, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(snap, snapshot.ObservationsFile), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var manifest map[string]any
	data, _ := os.ReadFile(filepath.Join(snap, snapshot.ManifestFile))
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	manifest["format"] = 1
	manifest["files"].(map[string]any)[snapshot.ObservationsFile] = hex.EncodeToString(sum[:])
	data, _ = json.Marshal(manifest)
	if err := os.WriteFile(filepath.Join(snap, snapshot.ManifestFile), data, 0o644); err != nil {
		t.Fatal(err)
	}

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	back, _, err := snapshot.Read(snap, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Release()
	if !back.Observations.Schema().Equal(pipeline.Schema) || back.Observations.NumRows() != obs.NumRows() {
		t.Fatalf("format 1 read back: %d rows, schema %v", back.Observations.NumRows(), back.Observations.Schema())
	}
	a, err := pipeline.NewStore(obs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pipeline.NewStore(back.Observations)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Len() {
		if a.Row(i) != b.Row(i) {
			t.Fatalf("row %d: %+v, read back %+v", i, a.Row(i), b.Row(i))
		}
	}
}
