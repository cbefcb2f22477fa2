//go:build unix

package pipeline

import "syscall"

// minorFaults is the process's minor page faults so far: first touches of
// fresh memory, which cost real time on a virtual machine.
func minorFaults() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return int64(ru.Minflt)
}
