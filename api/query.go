package api

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/dri-engine/dri/pipeline/dims"
)

// The query string is parsed here, once, by DRI itself rather than by
// net/url: url.ParseQuery drops every pair that contains ';' (so
// unit=KEN;UGA lost its filter and served every unit with 200) and keeps the
// first of repeated values while the cache keyed on all of them (so
// year=&year=2022 computed the default year and cached it under year=2022).
// Every handler reads its parameters through the parsed query, and the
// cache key is built from the same parsed values, so a response is never
// stored under a key that names other values than the ones it was computed
// from.

// paramKind says how a query parameter's value is read.
type paramKind uint8

const (
	// scalarParam: one value; given twice is a 400.
	scalarParam paramKind = iota
	// listParam: items separated by ',' or ';' (the World Bank API's
	// separator); the parameter may be repeated and its items add up; an
	// item given twice counts once (every list is a set of codes, and
	// indicator=egov.egdi,egov.egdi served each row twice).
	listParam
)

// query is a request's parsed query string: the values the handler uses,
// trimmed, list items split, empty and repeated items dropped. Parameters
// given empty (year=, unit=,,) are absent, as the handlers treat them.
type query struct {
	kinds  map[string]paramKind
	values map[string][]string
}

// isCacheBuster reports whether a parameter is ignored: `_` (jQuery's
// cache-buster) and `utm_*` (campaign tags added by link shorteners and
// newsletters). They change nothing in the response, so they are not part
// of the cache key either (docs/DECISIONS.md, "Query strings").
func isCacheBuster(name string) bool {
	return name == "_" || strings.HasPrefix(name, "utm_")
}

// parseQuery parses a raw query string against the parameters a route takes
// (kinds). It splits pairs on '&' only, decodes each key and value
// (application/x-www-form-urlencoded: '+' is a space), and reports every
// unknown parameter, bad escape and repeated scalar as a parameter error.
func parseQuery(raw string, kinds map[string]paramKind) (*query, paramErrors) {
	q := &query{kinds: kinds, values: make(map[string][]string, 8)}
	var errs paramErrors
	var seen []string // scalars given so far (a handful: a slice beats a map)
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			errs.add(rawKey, "the parameter name is not valid percent-encoding")
			continue
		}
		if isCacheBuster(key) {
			continue
		}
		kind, ok := kinds[key]
		if !ok {
			errs.add(key, "unknown parameter (this route takes: %s)", strings.Join(kindNames(kinds), ", "))
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			errs.add(key, "the value is not valid percent-encoding")
			continue
		}
		if kind == scalarParam {
			if slices.Contains(seen, key) {
				errs.add(key, "given more than once; it takes one value")
				continue
			}
			seen = append(seen, key)
			if value = strings.TrimSpace(value); value != "" {
				q.values[key] = []string{value}
			}
			continue
		}
		// Items are few (the query is at most MaxQueryBytes), so the
		// duplicate check is a scan.
		for value != "" {
			item := value
			if i := strings.IndexAny(value, ",;"); i >= 0 {
				item, value = value[:i], value[i+1:]
			} else {
				value = ""
			}
			if item = strings.TrimSpace(item); item != "" && !slices.Contains(q.values[key], item) {
				q.values[key] = append(q.values[key], item)
			}
		}
	}
	return q, errs
}

// scalar returns a scalar parameter's value ("" when absent). Reading a list
// parameter as a scalar is a bug in the route table, not a client error.
func (q *query) scalar(name string) string {
	if k, ok := q.kinds[name]; ok && k != scalarParam {
		panic("api: list parameter " + name + " read as a scalar")
	}
	if v := q.values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// list returns a list parameter's items in the order given (nil when
// absent).
func (q *query) list(name string) []string {
	if k, ok := q.kinds[name]; ok && k != listParam {
		panic("api: scalar parameter " + name + " read as a list")
	}
	return q.values[name]
}

// canonical is the query in one spelling: parameters sorted by name, list
// items joined by ',' in the order first given (handlers may keep that
// order in their output: /v1/data lists indicators as asked), every key and
// item percent-encoded. Two queries with the same canonical form give the
// handler the same values, so the canonical form is the cache key, and it
// parses back to itself.
func (q *query) canonical() string {
	names := make([]string, 0, len(q.values))
	for k := range q.values {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		for j, v := range q.values[k] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// with returns the canonical query with one scalar parameter set (for the
// Link header's pages).
func (q *query) with(name, value string) string {
	c := &query{kinds: q.kinds, values: make(map[string][]string, len(q.values)+1)}
	for k, v := range q.values {
		c.values[k] = v
	}
	c.values[name] = []string{value}
	return c.canonical()
}

// dimensionParam is the query parameter of a coded dimension (sex, area,
// age): a list of its codes, named and described from the dimension table
// (pipeline/dims), so the API takes and documents what the table holds.
// The codes are in the description, not in an OpenAPI enum: the value is a
// list ("F,M"), which an enum on a string would reject.
func dimensionParam(d *dims.Dimension) paramSpec {
	desc := d.Column + " codes " + d.Glossed()
	if d.Enum() == nil { // open: the age bands are a pattern
		desc = d.Column + " codes: " + d.Total + " or SDMX bands such as Y15T34"
	}
	return paramSpec{name: d.Column, typ: "string", list: true, desc: desc}
}

// checkCodes adds a parameter error for each item that is not a code the
// dimension accepts, and returns the items.
func checkCodes(r *request, d *dims.Dimension, items []string) []string {
	for _, v := range items {
		if !d.Valid(v) {
			r.errs.add(d.Column, "%q: want %s", v, d.Want())
		}
	}
	return items
}

// dimensionColumn is a dimension's column in a response table, with its
// SDMX concept as the SDMX-CSV column.
func dimensionColumn(d *dims.Dimension) colSpec {
	return colSpec{d.Column, KindString, d.Concept}
}

func kindNames(kinds map[string]paramKind) []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// secretParam reports whether a parameter name looks like it carries a
// credential; its value is never written to the log.
func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "secret", "password", "passwd", "pwd", "key", "auth", "sig", "credential", "session", "cookie"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// hasSecret reports whether redactQuery would redact anything in raw.
func hasSecret(raw string) bool {
	for raw != "" {
		seg := raw
		if i := strings.IndexAny(raw, "&;,"); i >= 0 {
			seg, raw = raw[:i], raw[i+1:]
		} else {
			raw = ""
		}
		rawKey, _, hasValue := strings.Cut(seg, "=")
		if !hasValue {
			continue
		}
		if secretParam(rawKey) {
			return true
		}
		if key, err := url.QueryUnescape(rawKey); err == nil && secretParam(key) {
			return true
		}
	}
	return false
}

// redactQuery returns a raw query string for the request log with the value
// of every secret-looking parameter (token=, api_key=, ...) replaced by
// REDACTED; everything else is kept as sent. Pairs are taken between '&',
// ';' and ',' so that a secret hidden in another parameter's list
// (unit=KEN;token=...) is found too.
func redactQuery(raw string) string {
	if !hasSecret(raw) {
		return raw // the usual case: nothing to copy (every request logs its query)
	}
	var b strings.Builder
	for raw != "" {
		seg, sep := raw, ""
		if i := strings.IndexAny(raw, "&;,"); i >= 0 {
			seg, sep, raw = raw[:i], raw[i:i+1], raw[i+1:]
		} else {
			raw = ""
		}
		rawKey, _, hasValue := strings.Cut(seg, "=")
		if hasValue && secretParam(rawKey) {
			seg = rawKey + "=REDACTED"
		} else if key, err := url.QueryUnescape(rawKey); hasValue && err == nil && secretParam(key) {
			seg = rawKey + "=REDACTED"
		}
		b.WriteString(seg)
		b.WriteString(sep)
	}
	return b.String()
}
