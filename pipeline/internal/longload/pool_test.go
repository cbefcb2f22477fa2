package longload

import (
	"testing"
	"unsafe"
)

// The pool hands back freed buffers zeroed and 64-byte aligned, and keeps
// the capacity of their size class.
func TestPoolAllocator(t *testing.T) {
	p := new(PoolAllocator)
	for _, size := range []int{0, 1, 63, 64, 65, 1000, 1 << 16, 1<<16 + 1} {
		b := p.Allocate(size)
		if len(b) != size || cap(b) < size || cap(b)&(cap(b)-1) != 0 {
			t.Fatalf("Allocate(%d): len %d cap %d", size, len(b), cap(b))
		}
		if size > 0 && uintptr(unsafe.Pointer(&b[0]))%64 != 0 {
			t.Fatalf("Allocate(%d) not 64-byte aligned", size)
		}
		for i := range b {
			b[i] = 0xff
		}
		p.Free(b)
		c := p.Allocate(size) // may or may not be the same buffer (sync.Pool)
		for i, x := range c {
			if x != 0 {
				t.Fatalf("Allocate(%d) after Free: byte %d = %#x, want 0", size, i, x)
			}
		}
		c = p.Reallocate(size*2+1, c)
		for i, x := range c {
			if x != 0 {
				t.Fatalf("Reallocate(%d): byte %d = %#x, want 0", size*2+1, i, x)
			}
		}
		p.Free(c)
	}
	p.Free(make([]byte, 10)) // not from the pool: ignored
}
