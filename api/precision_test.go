package api

import (
	"testing"

	"github.com/dri-engine/dri/pipeline/tidy"
)

// TestNumbersAtTheirPrecision: text outputs write a number rounded to
// tidy.Digits significant digits in its shortest form (issue 17 item 7:
// 0.20826999999999998 and 6.710000000000001 came out as such), in table
// cells and in JSON documents alike; strings and whole numbers are left
// as they are.
func TestNumbersAtTheirPrecision(t *testing.T) {
	for v, want := range map[float64]string{
		0.20826999999999998: "0.20827", 6.710000000000001: "6.71", 29.333333333333332: "29.3333333333",
		0.6314: "0.6314", 8.1e9: "8.1e+09" /* Go's shortest form, as before */, 1e-7: "1e-07", -2.5: "-2.5", 0: "0",
	} {
		if got := string(tidy.AppendNumber(nil, v)); got != want {
			t.Errorf("AppendNumber(%v) = %s, want %s", v, got, want)
		}
	}
	doc := `{"a":0.20826999999999998,"b":[6.710000000000001,-1e-7,2024],"s":"0.20826999999999998 \"6.710000000000001\"","n":null}`
	want := `{"a":0.20827,"b":[6.71,-1e-07,2024],"s":"0.20826999999999998 \"6.710000000000001\"","n":null}`
	if got := string(appendRoundedJSON(nil, []byte(doc))); got != want {
		t.Errorf("appendRoundedJSON:\n%s\nwant\n%s", got, want)
	}
}
