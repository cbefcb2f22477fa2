package pipeline_test

import (
	"context"
	"os"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
)

func TestSmoke(t *testing.T) {
	res, err := pipeline.Load(context.Background(), pipeline.Options{Base: datasets.FS})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	res.Report.WriteText(os.Stdout, false)
	t.Log(res.Observations.NumRows())
}
