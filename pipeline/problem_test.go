package pipeline

import (
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("x", 100)
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", `""`},
		{"short", "KE", `"KE"`},
		{"exactly 64 bytes", long[:64], `"` + long[:64] + `"`},
		{"65 bytes", long[:65], `"` + long[:64] + `"... (65 bytes)`},
		// 63 x then "é" (2 bytes: 0xC3 0xA9): byte 64 is inside the "é",
		// so the cut moves back to 63.
		{"cut at a character boundary", long[:63] + "é" + long, `"` + long[:63] + `"... (165 bytes)`},
		{"control bytes quoted", "\x00\x00", `"\x00\x00"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Excerpt(c.in); got != c.want {
				t.Errorf("excerpt(%d bytes) = %s, want %s", len(c.in), got, c.want)
			}
		})
	}
}
