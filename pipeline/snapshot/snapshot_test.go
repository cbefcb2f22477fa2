package snapshot_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// loadEmbedded loads the embedded data (the caller releases it).
func loadEmbedded(t testing.TB) *pipeline.Result {
	t.Helper()
	res, err := load.Load(context.Background(), load.Options{Base: datasets.FS})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(res.Release)
	return res
}

func TestSnapshotRoundTrip(t *testing.T) {
	res := loadEmbedded(t)
	dir := t.TempDir()
	m, err := snapshot.Write(dir, res, map[string][]byte{"extra.txt": []byte("scores go here")})
	if err != nil {
		t.Fatal(err)
	}
	// Same content, same id; the first copy stays.
	m2, err := snapshot.Write(dir, res, map[string][]byte{"extra.txt": []byte("scores go here")})
	if err != nil {
		t.Fatal(err)
	}
	if m2.ID != m.ID {
		t.Errorf("second write: id %s, want %s (content-addressed)", m2.ID, m.ID)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != m.ID {
		t.Errorf("snapshot dir holds %v, want only %s (no temporary leftovers)", entries, m.ID)
	}
	if m.Counts.Observations != int(res.Observations.NumRows()) || m.Counts.Units != len(res.PublishedUnits()) {
		t.Errorf("manifest counts %+v", m.Counts)
	}
	for _, s := range m.Sources {
		if s.ID == "egov-2024" && (s.SHA256 == "" || s.Loaded != 1158) {
			t.Errorf("manifest source egov-2024 = %+v, want checksum and 1158 loaded", s)
		}
	}

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	back, bm, err := snapshot.Read(filepath.Join(dir, m.ID), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Release()
	if bm.ID != m.ID {
		t.Errorf("read manifest id %s, want %s", bm.ID, m.ID)
	}
	a, err := pipeline.NewStore(res.Observations)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pipeline.NewStore(back.Observations)
	if err != nil {
		t.Fatal(err)
	}
	if a.Len() != b.Len() {
		t.Fatalf("read back %d observations, wrote %d", b.Len(), a.Len())
	}
	for i := 0; i < a.Len(); i++ {
		if a.Row(i) != b.Row(i) {
			t.Fatalf("row %d: read back %+v, wrote %+v", i, b.Row(i), a.Row(i))
		}
	}
	if g, ok := back.Reference.Group("LDC"); !ok || len(g.Members) != 44 {
		t.Errorf("LDC from snapshot: %v", g)
	} else if orig, _ := res.Reference.Group("LDC"); !slices.Equal(g.Periods, orig.Periods) || len(g.Periods) != 52 {
		t.Errorf("LDC periods from snapshot = %v, want the 52 written", g.Periods)
	}
	if u, ok := back.Reference.Unit("KEN"); !ok || !u.UNMember || u.IncomeGroup != "LMC" || u.SubRegion != "Sub-Saharan Africa" {
		t.Errorf("KEN from snapshot = %+v", u)
	}
	if back.Report.Errors() != 0 || len(back.Report.Files) != len(res.Report.Files) {
		t.Errorf("report from snapshot differs")
	}
}

func TestSnapshotDetectsCorruption(t *testing.T) {
	res := loadEmbedded(t)
	dir := t.TempDir()
	m, err := snapshot.Write(dir, res, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, m.ID, snapshot.ObservationsFile)
	data, _ := os.ReadFile(path)
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := snapshot.Read(filepath.Join(dir, m.ID), nil); err == nil {
		t.Fatal("ReadSnapshot of a modified file: no error")
	}
}
