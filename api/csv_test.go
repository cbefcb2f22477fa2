package api_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// TestCSVKeepsCodes (issue 12 item 4): every string cell of the API's CSV
// is quoted, so Namibia's ISO2 code "NA" and Afghanistan's M49 code "004"
// (UNSD M49, shipped in datasets/) are told from a missing value and a
// number; a missing string is an empty field in CSV and a null in Arrow.
func TestCSVKeepsCodes(t *testing.T) {
	h := testServer(t).Handler()
	body := get(t, h, "/v1/units?per_page=300&format=csv").Body.String()
	for _, want := range []string{
		"\n\"NAM\",\"NA\",\"516\",\"Namibia\",\"country\",true,",
		"\n\"AFG\",\"AF\",\"004\",\"Afghanistan\",\"country\",true,",
		"\ncode,iso2,m49,name,", // the header is names, unquoted
	} {
		if !strings.Contains("\n"+body, want) {
			t.Errorf("units CSV lacks %q", want)
		}
	}
	// Kenya's EGDI 2024 (published 0.6314) has no note: an empty field in
	// CSV, null in Arrow; nor the group figure's fields a country's row
	// leaves empty.
	target := "/v1/data?indicator=egov.egdi&unit=KEN&date=2024"
	if got, want := get(t, h, target+"&format=csv").Body.String(),
		"unit,unit_name,type,year,indicator,sex,area,age,income,education,labour,value,status,source,note,members_with_data,members,population_share,years,method,imputed_share\n"+
			"\"KEN\",\"Kenya\",\"country\",2024,\"egov.egdi\",\"_T\",\"_T\",\"_T\",\"_T\",\"_T\",\"_T\",0.6314,\"A\",\"egov-2024\",,,,,,,\n"; got != want {
		t.Errorf("data CSV =\n%s\nwant\n%s", got, want)
	}
	r, err := ipc.NewReader(get(t, h, target+"&format=arrow").Body)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal("no record")
	}
	rec := r.RecordBatch()
	idx := rec.Schema().FieldIndices("note")
	if len(idx) != 1 {
		t.Fatalf("no note column in %v", rec.Schema())
	}
	if note := rec.Column(idx[0]).(*array.String); !note.IsNull(0) {
		t.Errorf("Arrow note of a row without one = %q, want null", note.Value(0))
	}
}

// TestCSVInjection (issue 12 item 17): the ITU's note on Türkiye's 4G
// coverage of 2018 begins "-117 dBm" (ITU DataHub export shipped in
// datasets/sources/itu-datahub). A spreadsheet would read it as a formula:
// CSV and SDMX-CSV neutralise it with a leading ', JSON and Arrow keep it
// verbatim, and numbers are never touched.
func TestCSVInjection(t *testing.T) {
	h := testServer(t).Handler()
	target := "/v1/data?indicator=itu.coverage_4g&unit=TUR&date=2018"
	var env struct {
		Data []struct {
			Value float64 `json:"value"`
			Note  string  `json:"note"`
		} `json:"data"`
	}
	if err := json.Unmarshal(get(t, h, target).Body.Bytes(), &env); err != nil || len(env.Data) != 1 {
		t.Fatalf("json: %v, %d rows", err, len(env.Data))
	}
	note := env.Data[0].Note
	if !strings.HasPrefix(note, "-117 dBm") {
		t.Fatalf("JSON note %q, want the publisher's text verbatim", note)
	}
	quoted := `"'` + strings.ReplaceAll(note, `"`, `""`) + `"`
	for _, format := range []string{"csv", "sdmx-csv"} {
		body := get(t, h, target+"&format="+format).Body.String()
		// The note is the last field but for a group figure's (CSV).
		if !strings.Contains(body, ","+quoted+"\n") && !strings.Contains(body, ","+quoted+",,,,,,\n") {
			t.Errorf("%s: note not neutralised as %s:\n%s", format, quoted, body)
		}
		if num := strconv.FormatFloat(env.Data[0].Value, 'g', -1, 64); !strings.Contains(body, ","+num+",") {
			t.Errorf("%s: value %s not written as the number:\n%s", format, num, body)
		}
	}
}
