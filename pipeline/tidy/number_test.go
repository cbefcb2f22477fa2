package tidy

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// Examples, the expected text worked out by hand from Digits' rule (12
// significant digits, then strconv's shortest 'g': %e below 1e-4 and from
// 1e6, at least two exponent digits).
func TestAppendNumberExamples(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0.20826999999999998, "0.20827"}, // Digits' own examples
		{6.710000000000001, "6.71"},
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{1, "1"},
		{-2.5, "-2.5"},
		{100, "100"},
		{123456, "123456"},
		{999999.9999999, "1e+06"}, // rounds up to 1.00000000000e+06
		{1234567, "1.234567e+06"},
		{0.0001, "0.0001"},
		{0.00012345, "0.00012345"},
		{0.00001, "1e-05"},
		{1.0 / 3, "0.333333333333"},
		{2.0 / 3, "0.666666666667"},
		{123456789012345, "1.23456789012e+14"},
		{1e100, "1e+100"},
		{-1.5e-100, "-1.5e-100"},
		{5e-324, "5e-324"}, // subnormal: the definition's three steps
		{math.MaxFloat64, "1.79769313486e+308"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
	} {
		if got := string(AppendNumber(nil, c.v)); got != c.want {
			t.Errorf("AppendNumber(%v) = %q, want %q", c.v, got, c.want)
		}
		if def := string(appendNumberDefinition(nil, c.v)); def != c.want {
			t.Errorf("appendNumberDefinition(%v) = %q, want %q (the example is wrong)", c.v, def, c.want)
		}
	}
}

// AppendNumber writes what its definition (format to Digits, parse,
// format shortest) writes, for every kind of float64: any bit pattern,
// decimals of few digits at any scale (DRI's data), integers, and values a
// unit in the last place either side of a 12-digit rounding tie.
func TestAppendNumberMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 7))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	check := func(v float64) {
		t.Helper()
		got, want := AppendNumber([]byte("x"), v), appendNumberDefinition([]byte("x"), v)
		if string(got) != string(want) {
			t.Fatalf("AppendNumber(%v [%#x]) = %q, definition %q", v, math.Float64bits(v), got[1:], want[1:])
		}
	}
	for range n {
		check(math.Float64frombits(r.Uint64())) // NaN and Inf included
		digits := r.IntN(17) + 1
		m := r.Int64N(int64(math.Pow10(min(digits, 18))))
		v := float64(m) * math.Pow10(r.IntN(80)-40)
		if r.IntN(2) == 0 {
			v = -v
		}
		check(v)
		check(float64(r.Int64N(1 << 53)))
		check(r.Float64() * 100)
		// A 13-digit decimal ending in 5 (a tie at 12 digits) and its
		// neighbours.
		tie, _ := strconv.ParseFloat(strconv.FormatInt(r.Int64N(9e11)+1e11, 10)+"5e"+strconv.Itoa(r.IntN(60)-42), 64)
		check(tie)
		check(math.Nextafter(tie, math.Inf(1)))
		check(math.Nextafter(tie, math.Inf(-1)))
	}
}

func FuzzAppendNumber(f *testing.F) {
	for _, v := range []float64{0, 1, 0.1, 6.710000000000001, 999999.9999999, 1e-5, 5e-324, math.MaxFloat64} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if got, want := AppendNumber(nil, v), appendNumberDefinition(nil, v); string(got) != string(want) {
			t.Fatalf("AppendNumber(%v) = %q, definition %q", v, got, want)
		}
	})
}

// BenchmarkAppendNumber: AppendNumber and its definition on values as a
// composite's output has them (scores in [0, 100) with float64 noise).
func BenchmarkAppendNumber(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, 4096)
	for i := range vals {
		vals[i] = r.Float64() * 100
	}
	for _, c := range []struct {
		name string
		fn   func([]byte, float64) []byte
	}{{"AppendNumber", AppendNumber}, {"definition", appendNumberDefinition}} {
		b.Run(c.name, func(b *testing.B) {
			var buf []byte
			i := 0
			for b.Loop() {
				buf = c.fn(buf[:0], vals[i&4095])
				i++
			}
		})
	}
}
