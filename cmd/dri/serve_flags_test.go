package main

import (
	"strings"
	"testing"
)

// dri serve refuses a bad --trusted-proxies, --workers, --queue or --public-url before it
// loads anything (exit 2, naming the flag and the value).
func TestServeFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--trusted-proxies", "10.0.0.0/8,proxy.example"}, `"proxy.example"`},
		{[]string{"--trusted-proxies", "::/0"}, "every address"},
		{[]string{"--workers", "-1"}, "--workers"},
		{[]string{"--queue", "-2"}, "--queue"},
		{[]string{"--public-url", "dri.example.org"}, "--public-url"},
		{[]string{"--public-url", "https://dri.example.org/?x=1"}, "optional path only"},
	} {
		code, _, stderr := dri(t, append([]string{"serve"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("dri serve %v: exit %d, stderr %q; want %d naming %s", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}
