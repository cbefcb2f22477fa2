package longload

import (
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// PoolAllocator is an Arrow allocator that keeps freed buffers for reuse,
// in power-of-two size classes. Decoding a large Parquet or Arrow file
// allocates the same few batch-sized buffers over and over; with the Go
// allocator each batch takes fresh memory until the next collection, and on
// a virtual machine every first touch of a page is a fault that costs
// microseconds (docs/BENCHMARKS.md). Buffers come back zeroed, as from
// the Go allocator. Safe for concurrent use.
type PoolAllocator struct {
	classes [64]sync.Pool // class k holds *[]byte of capacity 1<<k, 64-byte aligned
}

var _ memory.Allocator = (*PoolAllocator)(nil)

const poolAlign = 64

func sizeClass(size int) int {
	if size <= poolAlign {
		return 6
	}
	return bits.Len(uint(size - 1))
}

func (p *PoolAllocator) Allocate(size int) []byte {
	if size < 0 {
		panic("longload: negative allocation")
	}
	k := sizeClass(size)
	if v := p.classes[k].Get(); v != nil {
		b := *v.(*[]byte)
		clear(b[:size])
		return b[:size]
	}
	n := 1 << k
	buf := make([]byte, n+poolAlign)
	shift := int(-uintptr(unsafe.Pointer(unsafe.SliceData(buf))) & (poolAlign - 1))
	return buf[shift : shift+size : shift+n]
}

func (p *PoolAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *PoolAllocator) Free(b []byte) {
	c := cap(b)
	if c < poolAlign || c&(c-1) != 0 {
		return // not one of ours
	}
	b = b[:c]
	p.classes[bits.Len(uint(c))-1].Put(&b)
}

// CappedAllocator is an allocator that refuses, by panicking with an
// *AllocLimitError, an allocation that would take the memory it has
// handed out and not got back over limit bytes. The Arrow IPC reader
// allocates what a file's bytes claim (a message body, a buffer's
// decompressed length) before it can check them; under this allocator a
// claim too large is a panic the reader turns into an error (arrow-go
// wraps a recovered error with %w), not an allocation.
type CappedAllocator struct {
	mem   memory.Allocator
	limit int64
	live  atomic.Int64 // capacity handed out and not freed
}

// NewCappedAllocator returns an allocator taking its memory from mem and
// refusing an allocation that would take the memory it has handed out and
// not had back above limit bytes.
func NewCappedAllocator(mem memory.Allocator, limit int64) *CappedAllocator {
	return &CappedAllocator{mem: mem, limit: limit}
}

// AllocLimitError is what CappedAllocator panics with.
type AllocLimitError struct {
	size, limit int64
}

func (e *AllocLimitError) Error() string {
	return fmt.Sprintf("an allocation of %d bytes would exceed the limit of %d bytes (--max-message-bytes)", e.size, e.limit)
}

func (c *CappedAllocator) Allocate(size int) []byte {
	if c.live.Load()+int64(size) > c.limit {
		panic(&AllocLimitError{size: int64(size), limit: c.limit})
	}
	b := c.mem.Allocate(size)
	c.live.Add(int64(cap(b)))
	return b
}

func (c *CappedAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		return c.mem.Reallocate(size, b)
	}
	nb := c.Allocate(size)
	copy(nb, b)
	c.Free(b)
	return nb
}

func (c *CappedAllocator) Free(b []byte) {
	c.live.Add(-int64(cap(b)))
	c.mem.Free(b)
}
