package pipeline_test

import (
	"context"
	"os"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
)

func TestProfBig(t *testing.T) {
	if os.Getenv("DRI_BIG") == "" {
		t.Skip()
	}
	res, err := pipeline.Load(context.Background(), pipeline.Options{Base: datasets.FS, Only: []string{},
		Extra: []pipeline.ExtraFile{{FS: os.DirFS("/tmp"), Path: "panel.csv", Name: "panel.csv"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res.Observations.NumRows(), res.Report.Errors())
}
