package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// TestExportRoute: GET /v1/export/observations.parquet is the whole table,
// one type per column (year int32, codes as strings), with a strong ETag
// (304 on If-None-Match) and byte ranges (206), as DuckDB's httpfs and
// pandas read files over HTTP (issue 17 item 5); an unknown table is a 404.
func TestExportRoute(t *testing.T) {
	h := testServer(t).Handler()
	rec := get(t, h, "/v1/export/observations.parquet")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/vnd.apache.parquet" {
		t.Fatalf("GET: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.Bytes()
	pf, err := file.NewParquetReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	// The count /v1/data's total of every indicator would give: the
	// snapshot's observations (GET /v1/snapshot counts them).
	var snap struct {
		Data struct {
			Counts struct{ Observations int64 } `json:"counts"`
		} `json:"data"`
	}
	if err := json.Unmarshal(get(t, h, "/v1/snapshot").Body.Bytes(), &snap); err != nil {
		t.Fatal(err)
	}
	if n := snap.Data.Counts.Observations; n < 1000 || tbl.NumRows() != n {
		t.Errorf("%d rows, /v1/snapshot counts %d", tbl.NumRows(), n)
	}
	sc := tbl.Schema()
	for name, want := range map[string]arrow.DataType{"year": arrow.PrimitiveTypes.Int32, "unit": arrow.BinaryTypes.String,
		"income": arrow.BinaryTypes.String, "value": arrow.PrimitiveTypes.Float64} {
		if i := sc.FieldIndices(name); len(i) != 1 || !arrow.TypeEqual(sc.Field(i[0]).Type, want) {
			t.Errorf("column %s: %v, want %v", name, sc.FieldIndices(name), want)
		}
	}
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r := get(t, h, "/v1/export/observations.parquet", "If-None-Match", etag); r.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", r.Code)
	}
	r := get(t, h, "/v1/export/observations.parquet", "Range", "bytes=0-3")
	if r.Code != http.StatusPartialContent || r.Body.String() != "PAR1" {
		t.Errorf("Range 0-3: %d %q, want 206 \"PAR1\" (Parquet's magic)", r.Code, r.Body.String())
	}
	r = get(t, h, "/v1/export/observations.parquet", "Range", "bytes=-8")
	if r.Code != http.StatusPartialContent || !bytes.Equal(r.Body.Bytes(), body[len(body)-8:]) {
		t.Errorf("Range -8 (the footer a reader asks first): %d", r.Code)
	}
	for _, bad := range []string{"/v1/export/secrets.parquet", "/v1/export/units.xlsx", "/v1/export/units"} {
		if r := get(t, h, bad); r.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, r.Code)
		}
	}
	for _, ok := range []string{"/v1/export/units.csv", "/v1/export/groups.arrow", "/v1/export/indicators.parquet"} {
		if r := get(t, h, ok); r.Code != http.StatusOK || r.Body.Len() == 0 {
			t.Errorf("GET %s: %d", ok, r.Code)
		}
	}
}
