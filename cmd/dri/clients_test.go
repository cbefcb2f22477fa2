package main

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestClientRecipes runs docs/CLIENTS.md's recipes against a real server:
// DuckDB (node, reading /v1/export/observations.parquet), R (readr) and
// pandas (reading /v1/data's CSV). Each prints Kenya's and Uganda's
// internet use, unit,year,value per line, which must be /v1/data's rows
// (issue 17 item 9). A recipe whose tool is not installed is skipped,
// unless DRI_REQUIRE_CLIENTS=1 (CI: .ci/run installs them).
func TestClientRecipes(t *testing.T) {
	srv := httptest.NewServer(groupAPI(t).Handler())
	defer srv.Close()
	_, rows := csvTable(t, "GET /v1/data", strings.NewReader(string(httpGet(t, srv,
		"/v1/data?indicator=itu.internet_use&unit=KEN,UGA&sex=_T&area=_T&age=_T&income=_T&education=_T&labour=_T&per_page=10000&format=csv"))))
	if len(rows) < 20 {
		t.Fatalf("/v1/data: %d rows of Kenya's and Uganda's internet use", len(rows))
	}
	type obs struct {
		unit, year string
		value      float64
	}
	var want []obs
	for _, r := range rows {
		v, _ := strconv.ParseFloat(r["value"], 64)
		want = append(want, obs{r["unit"], r["year"], v})
	}
	docs := filepath.Join("..", "..", "docs", "clients")
	require := os.Getenv("DRI_REQUIRE_CLIENTS") == "1"
	for _, rc := range []struct {
		name, tool string
		args       []string
		tolerance  float64 // R prints 15 significant digits
		ready      func() bool
	}{
		{"duckdb", "node", []string{"duckdb.mjs"}, 0, func() bool {
			_, err := os.Stat(filepath.Join(docs, "node_modules", "@duckdb", "node-api"))
			return err == nil
		}},
		{"r", "Rscript", []string{"r.R"}, 1e-13, func() bool { return exec.Command("Rscript", "-e", "library(readr)").Run() == nil }},
		{"pandas", "/usr/bin/python3", []string{"python.py"}, 0, func() bool {
			return exec.Command("/usr/bin/python3", "-c", "import pandas").Run() == nil
		}},
	} {
		t.Run(rc.name, func(t *testing.T) {
			if _, err := exec.LookPath(rc.tool); err != nil || !rc.ready() {
				if require {
					t.Fatalf("%s recipe: %s or its packages are not installed (DRI_REQUIRE_CLIENTS=1)", rc.name, rc.tool)
				}
				t.Skipf("%s or its packages are not installed", rc.tool)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, rc.tool, append(rc.args, srv.URL)...)
			cmd.Dir = docs
			out, err := cmd.Output()
			if err != nil {
				var stderr string
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = string(ee.Stderr)
				}
				t.Fatalf("%s %v: %v\n%s", rc.tool, rc.args, err, stderr)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != len(want) {
				t.Fatalf("%s: %d rows, /v1/data %d:\n%s", rc.name, len(lines), len(want), out)
			}
			for i, l := range lines {
				f := strings.Split(l, ",")
				v, err := strconv.ParseFloat(f[len(f)-1], 64)
				w := want[i]
				if len(f) != 3 || f[0] != w.unit || f[1] != w.year || err != nil || math.Abs(v-w.value) > rc.tolerance*math.Abs(w.value) {
					t.Errorf("%s row %d: %q, /v1/data %s", rc.name, i, l, fmt.Sprint(w))
				}
			}
		})
	}
}
