package indicators

// LatestPair returns the values of two series (a breakdown's two groups:
// women and men, rural and urban) in their latest common year in
// [year-window, year], and that year; ok is false when they have none.
// It is the rule the gender framework reads its pairs by, shared by every
// inclusion gap.
func LatestPair(a, b Series, year, window int) (va, vb float64, y int, ok bool) {
	return latestPair(a, b, year, window)
}
