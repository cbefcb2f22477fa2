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
		{[]string{"--state", "s3:///prefix"}, "no bucket"},
		{[]string{"--state", "s3://b/p?endpoint=127.0.0.1:8333"}, "is not an http(s) URL"},
		{[]string{"--state", "s3://b/p?endpont=http://h"}, `unknown parameter "endpont"`},
		{[]string{"--state", "s3://b/p", "--poll", "0s"}, "--poll must be positive"},
	} {
		code, _, stderr := dri(t, append([]string{"serve"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("dri serve %v: exit %d, stderr %q; want %d naming %s", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}
