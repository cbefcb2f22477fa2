package load

import (
	"errors"
	"math"
	"strconv"
	"testing"
)

// TestPercentOfShare: the decimal point moves two places in the text, so
// the parsed percentage is the float64 nearest the published decimal times
// 100.
func TestPercentOfShare(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"0.090050121", "9.0050121", true}, // AFG 2011 account_t_d, line 2
		{"0.887419602", "88.7419602", true},
		{"1", "100", true},
		{"0", "0", true},
		{"0.5", "50", true},
		{"0.05", "5", true},
		{".5", "50", true},
		{"1.0", "100", true},
		{"0.0001", "0.01", true},
		{"-0.25", "-25", true},
		{"2.79E-04", "2.79e-2", true}, // ETH 2014 mobileaccount_t_d, line 189
		{"1e3", "1e5", true},
		{"+.5e0", "+.5e2", true},
		// Not decimals: the caller quarantines them, never loads them unscaled.
		{"NA", "", false},
		{"0.5x", "", false},
		{"1.2.3", "", false},
		{"", "", false},
		{"1E", "", false},
		{"e5", "", false},
		{"0x1p-2", "", false},
		{"Inf", "", false},
		{"NaN", "", false},
		{"1_000", "", false},
	} {
		if got, ok := percentOfShare(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("percentOfShare(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzPercentOfShare: whenever percentOfShare takes a text, the text parses
// as a float64 f and the result as f x 100, up to the rounding of the two
// parses; it takes no text a float parser refuses.
func FuzzPercentOfShare(f *testing.F) {
	for _, s := range []string{"0.090050121", "1", "2.79E-04", ".5", "-0.25", "0x1p-2", "1e308"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := percentOfShare(s)
		if !ok {
			return
		}
		share, err1 := strconv.ParseFloat(s, 64)
		percent, err2 := strconv.ParseFloat(p, 64)
		for _, err := range []error{err1, err2} {
			if err != nil && !isRange(err) {
				t.Fatalf("percentOfShare(%q) = %q: %v", s, p, err)
			}
		}
		if err1 != nil || err2 != nil {
			return // out of float64's range (1e308 is a share, 1e310 no percentage)
		}
		want := share * 100
		// Subnormal shares (below 2.2e-308) carry too few bits to compare.
		if d := math.Abs(percent - want); d > 1e-13*math.Abs(want) && !math.IsInf(want, 0) && math.Abs(share) >= 0x1p-1022 {
			t.Fatalf("percentOfShare(%q) = %q = %v, want about %v", s, p, percent, want)
		}
	})
}

func isRange(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && ne.Err == strconv.ErrRange
}

// TestPercentOfShareIsExact: Kenya 2024 rural account_t_d 0.887419602
// (GlobalFindexDatabase2025-subset.csv line 4979) reads as the float64 of
// 88.7419602; multiplying the parsed share by 100 would not give it.
func TestPercentOfShareIsExact(t *testing.T) {
	share, want := 0.887419602, 88.7419602 // variables: Go's constant arithmetic is exact
	if share*100 == want {
		t.Fatalf("%v * 100 == %v: the case no longer shows the double rounding", share, want)
	}
	text, ok := percentOfShare("0.887419602")
	got, err := strconv.ParseFloat(text, 64)
	if !ok || err != nil || got != want {
		t.Errorf("ParseFloat(percentOfShare(0.887419602)) = %v, %v; want %v exactly", got, err, want)
	}
}
