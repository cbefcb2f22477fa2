package load_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestBadInputCorpus loads each file of testdata/bad on its own and compares
// every problem reported for it, and its accounting line, with
// testdata/bad/<file>.want. The .want files were generated with -update and
// then checked line by line against the inputs (each message names the
// right line, column, rule and value); rerun -update only after a deliberate
// change of messages, and read the diff.
func TestBadInputCorpus(t *testing.T) {
	dir := "../testdata/bad"
	data, err := os.ReadFile(filepath.Join(dir, pipeline.CatalogueFile))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := pipeline.ParseCatalogue("bad", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cat.Sources {
		t.Run(e.File, func(t *testing.T) {
			res, err := load.Load(context.Background(), load.Options{
				Base: datasets.FS, User: os.DirFS(dir), UserName: "testdata/bad", Only: []string{e.ID}, // as the files are named in the .want files
				MaxYear: 2027}) // fixed, so the messages do not change with the clock
			if err != nil {
				t.Fatal(err)
			}
			defer res.Release()
			var fr *pipeline.FileReport
			for _, f := range res.Report.Files {
				if f.Source == e.ID {
					fr = f
				}
			}
			if fr == nil {
				t.Fatalf("no report for %s", e.ID)
			}
			if fr.Read != fr.Loaded+fr.Quarantined {
				t.Errorf("read %d != loaded %d + quarantined %d", fr.Read, fr.Loaded, fr.Quarantined)
			}
			var got []string
			got = append(got, accounting(fr))
			for _, p := range fr.Problems {
				got = append(got, p.Severity.String()+": "+p.String())
			}
			// A rejected file contributes nothing to the table.
			if fr.Rejected && res.Observations.NumRows() != 0 {
				t.Errorf("rejected file left %d observations", res.Observations.NumRows())
			}
			wantFile := filepath.Join(dir, e.File+".want")
			if *update {
				if err := os.WriteFile(wantFile, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(strings.Split(strings.TrimRight(string(want), "\n"), "\n"), got); diff != "" {
				t.Errorf("problems of %s (-want +got):\n%s", e.File, diff)
			}
		})
	}
}

func accounting(f *pipeline.FileReport) string {
	state := "ok"
	if f.Rejected {
		state = "rejected"
	}
	return fmt.Sprintf("%s: read %d = loaded %d + quarantined %d", state, f.Read, f.Loaded, f.Quarantined)
}
