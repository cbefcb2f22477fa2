package longload

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// ParseFloat agrees with strconv.ParseFloat bit for bit, errors included.
func TestParseFloat(t *testing.T) {
	cases := []string{"", "-", "+", ".", "-.", "0", "-0", "+0", "0.0", "-0.0", "19.7079", "100", "100.",
		".5", "-.5", "1e3", "1E-3", "NaN", "Inf", "-Inf", "1,5", "1.2.3", " 1", "1 ", "0x10", "1_000",
		"9007199254740993", "9007199254740992", "123456789012345678901234567890", "0.1", "0.3",
		"0.00000000000000000000001", "0.0000000000000000000001", "12345678901234567890", "1234567890123456789"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		intDigits, fracDigits := r.IntN(12), r.IntN(12)
		s := ""
		if r.IntN(4) == 0 {
			s = "-"
		}
		for range intDigits {
			s += strconv.Itoa(r.IntN(10))
		}
		if fracDigits > 0 || r.IntN(2) == 0 {
			s += "."
			for range fracDigits {
				s += strconv.Itoa(r.IntN(10))
			}
		}
		cases = append(cases, s, strconv.FormatFloat(r.NormFloat64()*math.Pow(10, float64(r.IntN(30)-15)), 'f', -1, 64))
	}
	for _, s := range cases {
		want, werr := strconv.ParseFloat(s, 64)
		got, gerr := ParseFloat(s)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("ParseFloat(%q) = %v, %v; strconv: %v, %v", s, got, gerr, want, werr)
		}
	}
}

func BenchmarkParseFloat(b *testing.B) {
	for b.Loop() {
		_, _ = ParseFloat("19.7079")
	}
}
