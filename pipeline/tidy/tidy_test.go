package tidy

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestAppendCSVString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},                     // missing and empty are one: an empty field
		{"NA", `"NA"`},               // Namibia's ISO2 code, not R's or pandas' missing value
		{"004", `"004"`},             // Afghanistan's M49 code, not the number 4
		{"_T", `"_T"`},               // SDMX total
		{`say "hi"`, `"say ""hi"""`}, // RFC 4180 doubling
		{"a,b\nc", "\"a,b\nc\""},     // separators and newlines stay inside the quotes
		{"=1+2", `"'=1+2"`},          // formula
		{"+1 202 555 0100", `"'+1 202 555 0100"`},
		{"-117 dBm; source: ICTA", `"'-117 dBm; source: ICTA"`}, // ITU note on Türkiye's 4G coverage, 2018
		{"@SUM(A1)", `"'@SUM(A1)"`},
		{"\tcmd", "\"'\tcmd\""},
		{"\r=x", "\"'\r=x\""},
		{`=HYPERLINK("http://x")`, `"'=HYPERLINK(""http://x"")"`},
		{"-5", `"-5"`},         // a number in a text column is not a formula: untouched
		{"+0.5e3", `"+0.5e3"`}, // idem
		{"a=b", `"a=b"`},       // only the first character matters
		{"'=x", `"'=x"`},       // already neutral
	} {
		if got := string(AppendCSVString([]byte("x,"), tc.in)); got != "x,"+tc.want {
			t.Errorf("AppendCSVString(%q) = %s, want x,%s", tc.in, got, tc.want)
		}
		// encoding/csv reads the field back as the string (with the ' when
		// it was neutralised).
		if tc.in == "" {
			continue
		}
		recs, err := csv.NewReader(bytes.NewReader(AppendCSVString(nil, tc.in))).ReadAll()
		want := tc.in
		if formulaLike(tc.in) {
			want = "'" + tc.in
		}
		if err != nil || len(recs) != 1 || len(recs[0]) != 1 || recs[0][0] != want {
			t.Errorf("reading back %q: %v, %v", tc.in, recs, err)
		}
	}
}
