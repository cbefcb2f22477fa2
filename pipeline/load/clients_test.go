package load_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dri-engine/dri/pipeline/load"
)

// TestClientFiles: files as R, pandas and DuckDB write them load where
// their meaning is plain (a row index skipped with a notice naming the
// option that leaves it out, R's NA a missing value, a DECIMAL column
// read exactly), and a ';'-separated file is refused with a hint
// (issue 17 item 6). Fixtures: testdata/clients/README.md.
func TestClientFiles(t *testing.T) {
	for _, tc := range []struct {
		file     string
		loaded   int
		problems []string
		na       int
	}{
		{"r_write_csv.csv", 2, []string{`notice r_write_csv.csv:1:1: wrong-header: column 1 has no name (""): read as a row index and ignored; write.csv(..., row.names = FALSE) in R or to_csv(..., index=False) in pandas leaves it out`}, 1},
		{"pandas_to_csv.csv", 2, []string{`notice pandas_to_csv.csv:1:1: wrong-header: column 1 has no name (""): read as a row index and ignored; write.csv(..., row.names = FALSE) in R or to_csv(..., index=False) in pandas leaves it out`}, 0},
		{"duckdb_decimal.parquet", 2, nil, 0},
		{"r_write_csv2.csv", 0, []string{`error r_write_csv2.csv:1:1: wrong-header: the header has no comma but ';': DRI reads comma-separated files (R: write.csv, not write.csv2; pandas: sep=',')`}, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "clients", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			fr := loadFile(t, tc.file, data, load.Options{})
			var got []string
			for _, p := range fr.Problems {
				got = append(got, strings.ToLower(p.Severity.String())+" "+p.String())
			}
			if !slices.Equal(got, tc.problems) {
				t.Errorf("problems\n%q\nwant\n%q", got, tc.problems)
			}
			if fr.Loaded != tc.loaded || fr.Ignored["NA values (missing)"] != tc.na {
				t.Errorf("loaded %d, NA ignored %d; want %d and %d", fr.Loaded, fr.Ignored["NA values (missing)"], tc.loaded, tc.na)
			}
		})
	}
}
