package api

import (
	"net/url"
	"reflect"
	"testing"
)

// dataKinds are /v1/data's parameters.
var dataKinds = routeKinds(&route{params: dataParams, paged: true})

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		raw       string
		canonical string
		errParams []string
	}{
		{"unit=KEN;UGA&indicator=egov.egdi", "indicator=egov.egdi&unit=KEN,UGA", nil},
		{"unit=KEN&unit=UGA;LDC&unit=", "unit=KEN,UGA,LDC", nil},
		{"unit=KEN,UGA,KEN&unit=UGA;LDC", "unit=KEN,UGA,LDC", nil},
		{"unit=+KEN+%2C+UGA&date=+2024+", "date=2024&unit=KEN,UGA", nil},
		{"date=&date=2024", "", []string{"date"}},
		{"date=2015%3A2024", "date=2015%3A2024", nil},
		{"_=17&utm_source=x&utm_=y&page=2", "page=2", nil},
		{"unit=%zz&colour=red&%zz=1", "", []string{"unit", "colour", "%zz"}},
		{"&&unit&&", "", nil},
		{"unit;x=KEN", "", []string{"unit;x"}},
		{"date=2015;2024", "date=2015%3B2024", nil},
	} {
		q, errs := parseQuery(tc.raw, dataKinds)
		var got []string
		for _, e := range errs.errs {
			got = append(got, e.Param)
		}
		if !reflect.DeepEqual(got, tc.errParams) {
			t.Errorf("parseQuery(%q) errors on %v, want %v", tc.raw, got, tc.errParams)
			continue
		}
		if tc.errParams == nil && q.canonical() != tc.canonical {
			t.Errorf("parseQuery(%q).canonical() = %q, want %q", tc.raw, q.canonical(), tc.canonical)
		}
	}
}

// FuzzQueryParse: the parser never panics, and a query's canonical form
// parses back to the same values and the same canonical form.
func FuzzQueryParse(f *testing.F) {
	for _, seed := range []string{"unit=KEN;UGA&indicator=egov.egdi", "date=&date=2024", "unit=%zz", "_=1&utm_x=2", "=&&=;",
		"unit=%3B%2C%26%3D", "sex=F;M;;,_T&page=2&per_page=1", "unit=a+b&age=%E2%80%83Y15T24"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, errs := parseQuery(raw, dataKinds)
		if errs.problem() != nil {
			return
		}
		c := q.canonical()
		back, errs := parseQuery(c, dataKinds)
		if p := errs.problem(); p != nil {
			t.Fatalf("canonical form %q of %q is refused: %v", c, raw, p)
		}
		if !reflect.DeepEqual(back.values, q.values) {
			t.Fatalf("parseQuery(%q) = %v, its canonical form %q parses to %v", raw, q.values, c, back.values)
		}
		if back.canonical() != c {
			t.Fatalf("canonical form not stable: %q -> %q", c, back.canonical())
		}
		redactQuery(raw)
	})
}

// BenchmarkParseQuery: a dashboard's /v1/data query parsed and turned into
// its cache key, next to net/url's parser (which drops the `;` pair) for
// scale.
func BenchmarkParseQuery(b *testing.B) {
	const raw = "indicator=itu.internet_use&unit=KEN;UGA;TZA;LDC&sex=F,M&date=2015:2024&per_page=500&format=csv&_=1733500000000"
	b.Run("parseQuery+canonical", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q, errs := parseQuery(raw, dataKinds)
			if errs.problem() != nil {
				b.Fatal(errs.problem())
			}
			_ = q.canonical()
		}
	})
	b.Run("url.ParseQuery", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = url.ParseQuery(raw)
		}
	})
}

func TestRedactQuery(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"", ""},
		{"unit=KEN&token=abc", "unit=KEN&token=REDACTED"},
		{"Access_Token=abc&page=2", "Access_Token=REDACTED&page=2"},
		{"%74oken=abc", "%74oken=REDACTED"},
		{"%zz_token=abc", "%zz_token=REDACTED"},
		{"unit=KEN;token=abc;UGA", "unit=KEN;token=REDACTED;UGA"},
		{"indicator=egov.egdi,apikey=abc", "indicator=egov.egdi,apikey=REDACTED"},
		{"token", "token"},
		{"unit=KEN,UGA&date=2015:2024", "unit=KEN,UGA&date=2015:2024"},
	} {
		if got := redactQuery(tc.raw); got != tc.want {
			t.Errorf("redactQuery(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
	// Every request logs its query: one with nothing to redact (the
	// dashboard's score table) is not copied.
	if n := testing.AllocsPerRun(100, func() { redactQuery("year=2025&node=DRI&per_page=1000&unit=KEN,UGA") }); n != 0 {
		t.Errorf("redactQuery of a query with no secret: %v allocations, want 0", n)
	}
}
