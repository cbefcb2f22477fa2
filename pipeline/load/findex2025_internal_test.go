package load

import (
	"strconv"
	"testing"
)

// TestPercentOfShare: the decimal point moves two places in the text, so
// the parsed percentage is the float64 nearest the published decimal times
// 100.
func TestPercentOfShare(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0.090050121", "9.0050121"}, // AFG 2011 account_t_d, line 2
		{"0.887419602", "88.7419602"},
		{"1", "100"},
		{"0", "0"},
		{"0.5", "50"},
		{"0.05", "5"},
		{".5", "50"},
		{"1.0", "100"},
		{"0.0001", "0.01"},
		{"-0.25", "-25"},
		{"2.79E-04", "2.79E-2"}, // ETH 2014 mobileaccount_t_d, line 189
		{"1e3", "1e5"},
		{"NA", "NA"}, // not a number: returned as it is for the parser to report
		{"0.5x", "0.5x"},
		{"1.2.3", "1.2.3"},
		{"", ""},
		{"1E", "1E"},
	} {
		if got := percentOfShare(tc.in); got != tc.want {
			t.Errorf("percentOfShare(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestPercentOfShareIsExact: Kenya 2024 rural account_t_d 0.887419602
// (GlobalFindexDatabase2025-subset.csv line 4979) reads as the float64 of
// 88.7419602; multiplying the parsed share by 100 would not give it.
func TestPercentOfShareIsExact(t *testing.T) {
	share, want := 0.887419602, 88.7419602 // variables: Go's constant arithmetic is exact
	if share*100 == want {
		t.Fatalf("%v * 100 == %v: the case no longer shows the double rounding", share, want)
	}
	got, err := strconv.ParseFloat(percentOfShare("0.887419602"), 64)
	if err != nil || got != want {
		t.Errorf("ParseFloat(percentOfShare(0.887419602)) = %v, %v; want %v exactly", got, err, want)
	}
}
