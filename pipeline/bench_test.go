package pipeline_test

import (
	"context"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// BenchmarkLoadEmbedded is the pipeline part of `dri run`: read, validate
// and merge every embedded file into the canonical table.
func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS})
		if err != nil {
			b.Fatal(err)
		}
		if res.Report.Errors() != 0 {
			b.Fatal("validation errors")
		}
		res.Release()
	}
}

// BenchmarkWriteSnapshot is the rest of `dri run`: Parquet files, manifest,
// fsync and rename.
func BenchmarkWriteSnapshot(b *testing.B) {
	res, _ := loadEmbedded(b)
	for b.Loop() {
		if _, err := snapshot.Write(b.TempDir(), res, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelect is one `dri data`-style query on the embedded table.
func BenchmarkSelect(b *testing.B) {
	_, s := loadEmbedded(b)
	q := pipeline.Query{Indicator: "itu.internet_use", Units: []string{"KEN", "UGA", "TZA"}, From: 2015, To: 2024}
	for b.Loop() {
		if len(s.Select(q)) == 0 {
			b.Fatal("no rows")
		}
	}
}
