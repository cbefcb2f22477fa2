package api

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseTrustedProxies parses a comma-separated list of proxy addresses and
// CIDR prefixes (as for --trusted-proxies); an empty string trusts none.
func ParseTrustedProxies(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if strings.Contains(p, "/") {
			pre, err := netip.ParsePrefix(p)
			if err != nil {
				return nil, fmt.Errorf("api: trusted proxy %q: not an address or CIDR prefix", p)
			}
			if pre.Bits() == 0 {
				return nil, fmt.Errorf("api: trusted proxy %q: would trust every address; name the proxies", p)
			}
		} else if _, err := netip.ParseAddr(p); err != nil {
			return nil, fmt.Errorf("api: trusted proxy %q: not an address or CIDR prefix", p)
		}
		out = append(out, p)
	}
	return out, nil
}
