package engine

import (
	"strings"
	"sync"
	"sync/atomic"
)

// onceCache memoises results by key: each is computed once, even when asked
// for concurrently, and kept until the cache holds more than max entries,
// when it starts over.
type onceCache[T any] struct {
	mu  sync.Mutex
	max int
	m   map[string]*onceEntry[T]
}

type onceEntry[T any] struct {
	once sync.Once
	done atomic.Bool // v and err are set
	v    T
	err  error
}

// get returns key's result, computing it with f the first time. A result
// that failed because a context ended is not kept: the next get computes it
// again.
func (c *onceCache[T]) get(key string, f func() (T, error)) (T, error) {
	c.mu.Lock()
	ent, ok := c.m[key]
	if !ok {
		if c.m == nil || len(c.m) > c.max {
			c.m = map[string]*onceEntry[T]{}
		}
		ent = &onceEntry[T]{}
		c.m[key] = ent
	}
	c.mu.Unlock()
	ent.once.Do(func() {
		ent.v, ent.err = f()
		ent.done.Store(true)
	})
	if ent.err != nil && cancelled(ent.err) {
		c.mu.Lock()
		if c.m[key] == ent {
			delete(c.m, key)
		}
		c.mu.Unlock()
	}
	return ent.v, ent.err
}

// peek returns key's result if it has been computed without error, and
// never computes it.
func (c *onceCache[T]) peek(key string) (T, bool) {
	c.mu.Lock()
	ent, ok := c.m[key]
	c.mu.Unlock()
	if !ok || !ent.done.Load() || ent.err != nil {
		var zero T
		return zero, false
	}
	return ent.v, true
}

// drop forgets the results whose keys start with prefix.
func (c *onceCache[T]) drop(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if strings.HasPrefix(k, prefix) {
			delete(c.m, k)
		}
	}
}
