package api

import (
	"container/list"
	"sync"
)

// responseCache keeps rendered responses by strong ETag (which already
// names the snapshot, route, canonical query and format) and encoding.
// Responses are immutable for a snapshot, so an entry never goes stale: a
// new snapshot has new ETags, and old entries age out of the LRU.
type responseCache struct {
	mu       sync.Mutex
	maxBytes int
	size     int
	ll       *list.List
	items    map[string]*list.Element
}

type cachedResponse struct {
	key         string
	status      int
	contentType string
	encoding    string
	link        string
	total       string
	body        []byte
}

func newResponseCache(maxBytes int) *responseCache {
	return &responseCache{maxBytes: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *responseCache) get(key string) (*cachedResponse, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*cachedResponse), true
}

func (c *responseCache) put(r *cachedResponse) {
	if c == nil || len(r.body) > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[r.key]; ok {
		return
	}
	c.items[r.key] = c.ll.PushFront(r)
	c.size += len(r.body)
	for c.size > c.maxBytes {
		el := c.ll.Back()
		old := el.Value.(*cachedResponse)
		c.ll.Remove(el)
		delete(c.items, old.key)
		c.size -= len(old.body)
	}
}
