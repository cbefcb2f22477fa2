package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// dri export writes the five tables in each format; the CSV holds the
// published numbers and the three formats hold the same rows.
func TestExport(t *testing.T) {
	rows := map[string]map[string]int64{} // format -> table -> rows
	for _, format := range []string{"csv", "parquet", "arrow"} {
		dir := t.TempDir()
		code, _, stderr := dri(t, "export", "--format", format, "--out", dir, "--framework", "egdi,gender")
		if code != exitOK {
			t.Fatalf("dri export --format %s: exit %d\n%s", format, code, stderr)
		}
		rows[format] = map[string]int64{}
		for _, table := range []string{"observations", "units", "groups", "indicators", "scores"} {
			data, err := os.ReadFile(filepath.Join(dir, table+"."+format))
			if err != nil {
				t.Fatal(err)
			}
			switch format {
			case "csv":
				recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
				if err != nil {
					t.Fatalf("%s.csv: %v", table, err)
				}
				rows[format][table] = int64(len(recs) - 1)
				if table == "scores" {
					checkExportedScores(t, recs)
				}
			case "parquet":
				pf, err := file.NewParquetReader(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("%s.parquet: %v", table, err)
				}
				fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
				if err != nil {
					t.Fatal(err)
				}
				tbl, err := fr.ReadTable(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				rows[format][table] = tbl.NumRows()
				tbl.Release()
			case "arrow":
				r, err := ipc.NewFileReader(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("%s.arrow: %v", table, err)
				}
				n := int64(0)
				for i := range r.NumRecords() {
					rec, err := r.RecordBatch(i)
					if err != nil {
						t.Fatal(err)
					}
					n += rec.NumRows()
				}
				rows[format][table] = n
				r.Close()
			}
		}
	}
	// 73,559 observations in the embedded table: the 67,049 of
	// docs/BENCHMARKS.md, less the 1,085 population rows of 2018-2022 from
	// wdi-population, plus the 7,595 of wdi-population-1960-2024 (217
	// economies x 1990-2024); 102,318 with the Global Findex Database 2025:
	// its 31,144 values, less the 2,385 keys of the older Findex extracts
	// that it supersedes (a key given by several of them counted once);
	// 103,981 with the 1,663 loaded from the national SDG platforms (dri
	// validate: Kazakhstan 270 + 1,206, Nigeria 108 + 94 with the wealth
	// quintiles, Armenia 70 + 24, less the 109 superseded: country series
	// ITU gives).
	if rows["csv"]["observations"] != 103981 {
		t.Errorf("observations: %d rows, want 103981", rows["csv"]["observations"])
	}
	for _, format := range []string{"parquet", "arrow"} {
		for table, n := range rows["csv"] {
			if rows[format][table] != n {
				t.Errorf("%s.%s: %d rows, the CSV has %d", table, format, rows[format][table], n)
			}
		}
	}
	// --year keeps one year.
	dir := t.TempDir()
	if code, _, stderr := dri(t, "export", "--format", "csv", "--out", dir, "--framework", "egdi", "--year", "2022"); code != exitOK {
		t.Fatalf("export --year 2022: exit %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "scores.csv"))
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("scores.csv: %v, %d lines", err, len(recs))
	}
	for _, r := range recs[1:] {
		if r[0] != "egdi" || r[1] != "2022" {
			t.Fatalf("export --framework egdi --year 2022 wrote %v", r)
		}
	}
	if code, _, _ := dri(t, "export", "--format", "xls", "--out", t.TempDir()); code != exitUsage {
		t.Errorf("export --format xls: exit %d, want usage", code)
	}
}

// checkExportedScores: Kenya's EGDI 2024 as published in the Survey
// (0.6314, rank 109; DRI keeps the unrounded mean of the three components),
// its components' raw values, and the Women's Inclusion Score of 2021.
func checkExportedScores(t *testing.T, recs [][]string) {
	t.Helper()
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	found := map[string]bool{}
	for _, r := range recs[1:] {
		if r[col["unit"]] != "KEN" {
			continue
		}
		key := r[col["framework"]] + "/" + r[col["node"]] + "/" + r[col["year"]]
		switch key {
		case "egdi/EGDI/2024":
			if r[col["value"]] != "0.6314333333333333" || r[col["rank"]] != "109" || r[col["tier"]] != "High" {
				t.Errorf("KEN EGDI 2024 row %v", r)
			}
		case "egdi/OSI/2024":
			if r[col["raw"]] != "0.77704" || r[col["year_used"]] != "2024" || r[col["parent"]] != "EGDI" {
				t.Errorf("KEN OSI 2024 row %v", r)
			}
		case "gender/WIS/2021":
			if r[col["value"]] == "" || r[col["rank"]] == "" {
				t.Errorf("KEN WIS 2021 has no value: %v", r)
			}
		}
		found[key] = true
	}
	for _, k := range []string{"egdi/EGDI/2024", "egdi/OSI/2024", "gender/WIS/2021"} {
		if !found[k] {
			t.Errorf("no %s row for Kenya", k)
		}
	}
}
