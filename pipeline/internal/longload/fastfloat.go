package longload

import "strconv"

// pow10 are the powers of ten exactly representable in a float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// ParseFloat is strconv.ParseFloat(s, 64) with a fast path for the plain
// decimals data files are made of ("19.7079", "-3", "100.0"): when the
// digits fit in 2^53 and there are at most 22 decimals, m / 10^k of the two
// exact float64s is correctly rounded (Clinger's fast path, the one strconv
// itself takes first), so the result is bit for bit strconv's. Everything
// else (exponents, long mantissas, NaN, Inf, errors) goes to strconv.
func ParseFloat(s string) (float64, error) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		i = 1
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 19 {
				return strconv.ParseFloat(s, 64)
			}
			m = m*10 + uint64(c-'0')
			if m != 0 {
				digits++
			}
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return strconv.ParseFloat(s, 64)
		}
	}
	if len(s) == 0 || (i == 1 && len(s) == 1) || m >= 1<<53 || frac >= len(pow10) || !hasDigit(s) {
		return strconv.ParseFloat(s, 64)
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, nil
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}
