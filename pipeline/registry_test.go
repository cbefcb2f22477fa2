package pipeline_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
)

func embeddedRegistry(t *testing.T) *pipeline.Registry {
	t.Helper()
	data, err := fs.ReadFile(datasets.FS, pipeline.RegistryFile)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := pipeline.ParseRegistry(pipeline.RegistryFile, data)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestLookupAlias: a publisher's code names its indicator, in any case;
// an id is matched exactly.
func TestLookupAlias(t *testing.T) {
	reg := embeddedRegistry(t)
	for _, c := range []struct{ code, want string }{
		{"itu.internet_use", "itu.internet_use"},
		{"IT.NET.USER.ZS", "itu.internet_use"}, // WDI
		{"it.net.user.zs", "itu.internet_use"},
		{"i99H", "itu.internet_use"},        // ITU DataHub (catalog itu-internet-use)
		{"IT_USE_ii99", "itu.internet_use"}, // SDG 17.8.1
		{"IT_MOB_OWN", "itu.mobile_ownership"},
		{"IT.CEL.SETS.P2", "wb.mobile_subscriptions"},
		{"account_t_d", "findex.account"},
		{"g20.t", "findex.digital_payments"},
	} {
		ind, _, ok := reg.Lookup(c.code)
		if !ok || ind.ID != c.want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", c.code, ind, ok, c.want)
		}
	}
	if _, _, ok := reg.Lookup("ITU.INTERNET_USE"); ok {
		t.Error("Lookup(ITU.INTERNET_USE) found an indicator; ids are matched exactly")
	}
	if id, ok := reg.Canonical("no.such"); ok || id != "no.such" {
		t.Errorf(`Canonical("no.such") = %q, %v; want "no.such", false`, id, ok)
	}
}

// TestAliasesAreCited: every alias of the embedded registry is a code the
// repository's own files use (the catalogue's series mappings and titles,
// or the indicator's definition), except the codes listed here with the
// publication that defines them. No alias is invented.
func TestAliasesAreCited(t *testing.T) {
	cited := map[string]string{
		"IT.NET.USER.ZS": "WDI total of IT.NET.USER.FE.ZS/.MA.ZS, https://data.worldbank.org/indicator/IT.NET.USER.ZS",
		"IT_USE_ii99":    "UN SDG Global Database series of indicator 17.8.1",
	}
	catalog, err := fs.ReadFile(datasets.FS, pipeline.CatalogueFile)
	if err != nil {
		t.Fatal(err)
	}
	reg := embeddedRegistry(t)
	n := 0
	for _, ind := range reg.Indicators {
		for _, a := range ind.Aliases {
			n++
			if cited[a] == "" && !strings.Contains(string(catalog), a) && !strings.Contains(ind.Definition, a) {
				t.Errorf("%s: alias %q is in neither catalog.yaml nor the definition", ind.ID, a)
			}
		}
	}
	if n == 0 {
		t.Fatal("the embedded registry has no aliases")
	}
}

const aliasMeasures = "measures:\n  - {id: percent, name: per cent, labels: [\"%\"]}\n"

// TestAliasConflicts: two indicators claiming one alias, an alias that is
// an id, and an alias a list would split are load errors naming what
// clashes; a user's fragment is held to the same rules.
func TestAliasConflicts(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"two indicators", aliasMeasures + `indicators:
  - {id: a.one, name: A, unit: percent, polarity: 1, aliases: [X.1]}
  - {id: a.two, name: B, unit: percent, polarity: 1, aliases: [x.1]}
`, `alias "x.1" claimed by two indicators: "a.one" and "a.two"`},
		{"alias is an id", aliasMeasures + `indicators:
  - {id: a.one, name: A, unit: percent, polarity: 1}
  - {id: a.two, name: B, unit: percent, polarity: 1, aliases: [A.ONE]}
`, `indicator "a.two": alias "A.ONE" is the id of an indicator`},
		{"list separator", aliasMeasures + `indicators:
  - {id: a.one, name: A, unit: percent, polarity: 1, aliases: ["X;Y"]}
`, `indicator "a.one": alias "X;Y": want a code without spaces`},
		{"twice", aliasMeasures + `indicators:
  - {id: a.one, name: A, unit: percent, polarity: 1, aliases: [X, x]}
`, `indicator "a.one": alias "x" listed twice`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := pipeline.ParseRegistry("test.yaml", []byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ParseRegistry: %v; want an error containing %q", err, c.want)
			}
		})
	}
	reg := embeddedRegistry(t)
	err := reg.Extend("user/indicators.yaml", []byte(`indicators:
  - {id: my.internet, name: Mine, unit: percent, polarity: 1, aliases: [IT.NET.USER.ZS]}
`))
	if want := `alias "IT.NET.USER.ZS" claimed by two indicators: "itu.internet_use" and "my.internet"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Extend: %v; want an error containing %q", err, want)
	}
	if _, _, ok := reg.Lookup("my.internet"); ok {
		t.Error("a rejected indicator is in the registry")
	}
	if ind, _, _ := reg.Lookup("IT.NET.USER.ZS"); ind.ID != "itu.internet_use" {
		t.Errorf("after a rejected Extend, IT.NET.USER.ZS names %s", ind.ID)
	}
	err = reg.Extend("user/indicators.yaml", []byte(`indicators:
  - {id: g20.t, name: Mine, unit: percent, polarity: 1}
`))
	if want := `indicator "g20.t": the id is an alias of "findex.digital_payments"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Extend: %v; want an error containing %q", err, want)
	}
}
