package tidy

import (
	"math"
	"strconv"
)

// Digits is the significant digits DRI writes a number with in text (CSV,
// JSON, SDMX-CSV): the value rounded to Digits significant digits, then in
// the shortest form that reads back to that rounded value. Arithmetic
// leaves noise in the last of float64's ~16 digits (0.20826999999999998,
// 6.710000000000001); no input or method of DRI carries more than 12, so
// the text says 0.20827 and 6.71. Parquet and Arrow keep the raw float64.
const Digits = 12

// AppendNumber's one-pass form is the definition's only while Digits is
// at most 15 (DBL_DIG); this fails to compile beyond.
const _ = uint(15 - Digits)

// AppendNumber appends v as DRI writes numbers in text (see Digits): the
// text of strconv.FormatFloat(r, 'g', -1, 64), where r is v rounded to
// Digits significant digits (strconv.ParseFloat of its 'g' Digits form).
//
// It formats once instead of three times (format, parse, format again; 40 %
// of dri score --imeta in process, docs/BENCHMARKS.md round 7). For a
// normal float64 the two agree: a decimal of at most 15 significant digits
// (DBL_DIG) is the only one of that many digits that reads back to its
// float64, so the shortest form of r has exactly the rounded digits,
// trailing zeros dropped. Near the ends of the range (subnormal, or close
// to overflowing when rounded up) the three steps run as written.
// TestAppendNumberMatchesDefinition checks the two against each other.
func AppendNumber(b []byte, v float64) []byte {
	if a := math.Abs(v); a > 1e300 || (a < 1e-300 && a != 0) || math.IsNaN(a) {
		return appendNumberDefinition(b, v)
	}
	// "-d.ddddddddddde±dd[d]": Digits significant digits, correctly rounded.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], v, 'e', Digits-1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	// The digits, without the point, and the decimal exponent.
	var digits [Digits]byte
	digits[0] = e[0]
	n := 1 + copy(digits[1:], e[2:Digits+1])
	exp := 0
	for _, c := range e[Digits+3:] { // after "e" and its sign
		exp = exp*10 + int(c-'0')
	}
	if e[Digits+2] == '-' {
		exp = -exp
	}
	for n > 1 && digits[n-1] == '0' {
		n--
	}
	if neg {
		b = append(b, '-')
	}
	// As strconv's 'g' with the shortest precision: %e when the exponent
	// is below -4 or at least 6 ("if precision was the shortest possible,
	// use precision 6 for this decision"), else %f.
	if exp < -4 || exp >= 6 {
		b = append(b, digits[0])
		if n > 1 {
			b = append(b, '.')
			b = append(b, digits[1:n]...)
		}
		b = append(b, 'e')
		if exp < 0 {
			b = append(b, '-')
			exp = -exp
		} else {
			b = append(b, '+')
		}
		if exp < 10 {
			b = append(b, '0')
		}
		return strconv.AppendInt(b, int64(exp), 10)
	}
	if exp < 0 {
		b = append(b, '0', '.')
		for range -exp - 1 {
			b = append(b, '0')
		}
		return append(b, digits[:n]...)
	}
	// exp+1 digits before the point, padded with zeros; the rest after it.
	if n <= exp+1 {
		b = append(b, digits[:n]...)
		for range exp + 1 - n {
			b = append(b, '0')
		}
		return b
	}
	b = append(b, digits[:exp+1]...)
	b = append(b, '.')
	return append(b, digits[exp+1:n]...)
}

// appendNumberDefinition is AppendNumber as Digits defines it: v rounded
// to Digits significant digits through its text, then the shortest form
// of that value. NaN and infinities (the callers' to leave out) are
// written as strconv writes them.
func appendNumberDefinition(b []byte, v float64) []byte {
	var buf [32]byte
	r, err := strconv.ParseFloat(string(strconv.AppendFloat(buf[:0], v, 'g', Digits, 64)), 64)
	if err != nil {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return strconv.AppendFloat(b, r, 'g', -1, 64)
}
