package pipeline

import (
	"math/bits"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// poolAllocator is an Arrow allocator that keeps freed buffers for reuse,
// in power-of-two size classes. Decoding a large Parquet or Arrow file
// allocates the same few batch-sized buffers over and over; with the Go
// allocator each batch takes fresh memory until the next collection, and on
// a virtual machine every first touch of a page is a fault that costs
// microseconds (docs/BENCHMARKS.md). Buffers come back zeroed, as from
// the Go allocator. Safe for concurrent use.
type poolAllocator struct {
	classes [64]sync.Pool // class k holds *[]byte of capacity 1<<k, 64-byte aligned
}

var _ memory.Allocator = (*poolAllocator)(nil)

const poolAlign = 64

func sizeClass(size int) int {
	if size <= poolAlign {
		return 6
	}
	return bits.Len(uint(size - 1))
}

func (p *poolAllocator) Allocate(size int) []byte {
	if size < 0 {
		panic("pipeline: negative allocation")
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

func (p *poolAllocator) Reallocate(size int, b []byte) []byte {
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

func (p *poolAllocator) Free(b []byte) {
	c := cap(b)
	if c < poolAlign || c&(c-1) != 0 {
		return // not one of ours
	}
	b = b[:c]
	p.classes[bits.Len(uint(c))-1].Put(&b)
}
