//go:build !unix

package pipeline

func minorFaults() int64 { return 0 }
