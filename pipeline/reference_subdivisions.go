package pipeline

import (
	"fmt"
	"slices"
	"strings"
)

// Sub-national units: matching a national publisher's region codes and
// names to ISO 3166-2 subdivisions of one country, and the regions of a
// parent. A region is looked up within its country only: Nigeria's state
// "Niger" is NG-NI, never the country NER.

// subdivisionKey scopes a normalised name or code to a country's ISO 3166-1
// alpha-2 code.
func subdivisionKey(iso2, s string) string { return iso2 + "\x00" + NormName(s) }

// AddSubdivisionAlias points a publisher's name or code for a region at an
// ISO 3166-2 code already in a subdivision list; the alias holds within that
// code's country only.
func (r *Reference) AddSubdivisionAlias(alias, code string) *RuleError {
	m := subnationalCode.FindStringSubmatch(code)
	if m == nil {
		return Reject(RuleBadCode, "code %s is not of the ISO 3166-2 form XX-YYY", Excerpt(code))
	}
	if strings.TrimSpace(alias) == "" {
		return Reject(RuleBadCode, "empty alias for %s", code)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.subdivisions[code]; !ok {
		return Reject(RuleUnknownUnit, "alias %s points at %s, which no subdivision list gives", Excerpt(alias), code)
	}
	if r.subdivisionAlias == nil {
		r.subdivisionAlias = map[string]string{}
	}
	k := subdivisionKey(m[1], alias)
	if prev, dup := r.subdivisionAlias[k]; dup && prev != code {
		return Reject(RuleDuplicateKey, "alias %s already points at %s", Excerpt(alias), prev)
	}
	r.subdivisionAlias[k] = code
	return nil
}

// MatchSubdivision finds the ISO 3166-2 subdivision of country (an ISO3
// code) that a publisher's region code or name stands for, in this order:
// the code as an ISO 3166-2 code once the country's alpha-2 prefix is
// split off ("KZAKM" -> KZ-AKM, "NG-LA"), then without trailing digits
// ("NGAB01" -> NG-AB, the Nigerian GeoCode's state number), then the code
// and the name in the subdivision alias table, then the name against the
// subdivision lists' names (case and spacing folded). Either may be empty.
// An error says what was tried; the caller reports it against the row.
func (r *Reference) MatchSubdivision(country, code, name string) (string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	pi, ok := r.byCode[country]
	if !ok || r.units[pi].ISO2 == "" {
		return "", fmt.Errorf("country %s has no ISO 3166-1 alpha-2 code", Excerpt(country))
	}
	iso2 := r.units[pi].ISO2
	if r.subdivisions == nil {
		return "", fmt.Errorf("no ISO 3166-2 subdivision list is loaded")
	}
	if c := strings.ToUpper(strings.TrimSpace(code)); c != "" {
		rest := strings.TrimPrefix(strings.TrimPrefix(c, iso2), "-")
		for _, cand := range []string{rest, strings.TrimRight(rest, "0123456789")} {
			if _, ok := r.subdivisions[iso2+"-"+cand]; ok && cand != "" {
				return iso2 + "-" + cand, nil
			}
		}
		if to, ok := r.subdivisionAlias[subdivisionKey(iso2, c)]; ok {
			return to, nil
		}
	}
	if n := NormName(name); n != "" {
		if to, ok := r.subdivisionAlias[subdivisionKey(iso2, n)]; ok {
			return to, nil
		}
		if to, ok := r.subdivisionByName[subdivisionKey(iso2, n)]; ok {
			return to, nil
		}
	}
	var tried []string
	if code != "" {
		tried = append(tried, "code "+Excerpt(code))
	}
	if name != "" {
		tried = append(tried, "name "+Excerpt(name))
	}
	return "", fmt.Errorf("no ISO 3166-2 subdivision of %s matches %s (%s; add a row to a subdivision list or the subdivision alias table)",
		r.units[pi].Name, strings.Join(tried, " or "), strings.Join(r.subdivisionList, ", "))
}

// indexSubdivisionName records a list's code under its name within its
// country (the caller holds the write lock); of two codes with one name the
// first in code order is kept, whatever the order of the lists.
func (r *Reference) indexSubdivisionName(code, name string) {
	if r.subdivisionByName == nil {
		r.subdivisionByName = map[string]string{}
	}
	k := subdivisionKey(code[:2], name)
	if prev, dup := r.subdivisionByName[k]; dup && prev < code {
		return
	}
	r.subdivisionByName[k] = code
}

// Regions returns the sub-national units whose parent is country (an ISO3
// code), by code; nil for none.
func (r *Reference) Regions(country string) []*Unit {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []*Unit
	for _, u := range r.units {
		if u.Parent == country && u.Type == UnitSubnational {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b *Unit) int { return strings.Compare(a.Code, b.Code) })
	return out
}
