package api

import (
	"container/list"
	"net/http"
	"strconv"
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
	key    string
	status int
	// header is what the response always carries: Content-Type,
	// Content-Encoding, X-Total-Count and Content-Length, set once (a hit
	// copies the value slices, which nothing modifies).
	header http.Header
	// link is the Link header with relative URLs.
	link string
	body []byte
}

// newCachedResponse keeps a copy of body with the headers that go with it
// (encoding and total may be empty: not sent).
func newCachedResponse(key string, status int, contentType, encoding, link, total string, body []byte) *cachedResponse {
	h := http.Header{}
	h.Set("Content-Type", contentType)
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
	}
	if total != "" {
		h.Set("X-Total-Count", total)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &cachedResponse{key: key, status: status, header: h, link: link, body: append([]byte(nil), body...)}
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
