package longload

// SetMaxCountBuckets sets how many buckets beyond the number of rows the
// counting-sort merge takes (a negative number forces the sorting merge)
// and returns a function restoring the value.
func SetMaxCountBuckets(n int) (restore func()) {
	saved := maxCountBuckets
	maxCountBuckets = n
	return func() { maxCountBuckets = saved }
}
