package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline/load"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

var (
	apiOnce   sync.Once
	apiServer *api.Server
	apiErr    error
)

// groupAPI serves the embedded data in-process, as dri serve does.
func groupAPI(t *testing.T) *api.Server {
	t.Helper()
	apiOnce.Do(func() {
		res, err := load.Load(context.Background(), load.Options{Base: datasets.FS})
		if err != nil {
			apiErr = err
			return
		}
		m, err := snapshot.ComputeManifest(res, nil)
		if err != nil {
			apiErr = err
			return
		}
		ds, err := service.NewDataset(res, m)
		if err != nil {
			apiErr = err
			return
		}
		var h api.Holder
		h.Set(ds)
		apiServer = api.New(api.Config{RatePerSecond: -1}, &h)
	})
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	return apiServer
}

// apiRows GETs a JSON list and returns its data rows.
func apiRows(t *testing.T, target string) []map[string]any {
	t.Helper()
	rec := httptest.NewRecorder()
	groupAPI(t).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
	}
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return body.Data
}

// cliRows runs dri with --format json and returns its rows.
func cliRows(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	code, stdout, stderr := dri(t, append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("dri %v: exit %d: %s", args, code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("dri %v: %v", args, err)
	}
	return rows
}

// figure is one group figure as a surface shows it: a value, or NaN and
// withheld.
type figure struct {
	value    float64
	withheld bool
}

func (f figure) String() string {
	if f.withheld {
		return "withheld"
	}
	return fmt.Sprint(f.value)
}

func same(a, b figure) bool {
	if a.withheld || b.withheld {
		return a.withheld == b.withheld
	}
	return math.Abs(a.value-b.value) <= 1e-9*math.Max(1, math.Abs(a.value))
}

func number(v any) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return math.NaN()
}

func withheld(note any) bool {
	s, _ := note.(string)
	return strings.HasPrefix(s, "withheld")
}

var crossGroups = []string{"LDC", "WLD", "M49-002", "LIC"}

// TestGroupFiguresAgreeAcrossSurfaces is the cross-surface test of the one
// group rule: for groups (LDC, the world, Africa, low income) x indicators
// (population-weighted internet use and account ownership by sex, the
// mean-of-states OSI) x sexes x years, /v1/data, /v1/gender, /v1/scores and
// the CLI's dri data --aggregate and dri gaps give the same number, or all
// withhold it. The subtest estimate does the same with estimated figures
// (estimate=true, --estimate; issue 14 item 2), and checks that the API
// and the CLI give the same status E. dri data --aggregate and /v1/data
// also agree on the figure's fields (members with data, members, population
// share, years, method, imputed share).
func TestGroupFiguresAgreeAcrossSurfaces(t *testing.T) {
	// In parallel: each runs the CLI ten times, loading the embedded data
	// each time (about 150 s of CI one after the other under -race).
	t.Run("observed", func(t *testing.T) { t.Parallel(); groupFiguresAgree(t, false) })
	t.Run("estimate", func(t *testing.T) { t.Parallel(); groupFiguresAgree(t, true) })
}

func groupFiguresAgree(t *testing.T, estimate bool) {
	years := []int{2014, 2017, 2019, 2021, 2022, 2024} // the years /v1/gender scores (dri frameworks gender --years)
	units := strings.Join(crossGroups, ",")
	// est is the estimate choice as a query parameter, flag is the CLI's.
	est, flag := "", []string{}
	if estimate {
		est, flag = "&estimate=true", []string{"--estimate"}
	}
	status := map[string]int{} // /v1/data group rows by status
	type key struct {
		group, indicator, sex string
		year                  int
	}
	data := map[key]figure{}
	for _, ind := range []string{"itu.internet_use", "findex.account"} {
		for _, sex := range []string{"F", "M"} {
			q := fmt.Sprintf("/v1/data?indicator=%s&unit=%s&sex=%s&area=_T&age=_T&per_page=10000%s", ind, units, sex, est)
			apiStatus := map[key]any{}
			apiRow := map[key]map[string]any{}
			for _, r := range apiRows(t, q) {
				k := key{r["unit"].(string), ind, sex, int(number(r["year"]))}
				data[k] = figure{number(r["value"]), withheld(r["note"])}
				apiStatus[k] = r["status"]
				apiRow[k] = r
				s, _ := r["status"].(string)
				status[s]++
			}
			cli := cliRows(t, append([]string{"data", "--indicator", ind, "--unit", units, "--sex", sex, "--area", "_T", "--age", "_T", "--aggregate"}, flag...)...)
			n := 0
			for _, r := range cli {
				k := key{r["unit"].(string), ind, sex, int(number(r["year"]))}
				got := figure{number(r["value"]), withheld(r["note"])}
				if want, ok := data[k]; !ok || !same(got, want) {
					t.Errorf("%v: dri data %v, /v1/data %v", k, got, want)
				}
				if fmt.Sprint(r["status"]) != fmt.Sprint(apiStatus[k]) {
					t.Errorf("%v: dri data status %v, /v1/data %v", k, r["status"], apiStatus[k])
				}
				// The figure's fields (issue 14: not only in the note).
				for _, f := range []string{"members_with_data", "members", "population_share", "years", "method", "imputed_share"} {
					if fmt.Sprint(r[f]) != fmt.Sprint(apiRow[k][f]) {
						t.Errorf("%v: dri data %s %v, /v1/data %v", k, f, r[f], apiRow[k][f])
					}
				}
				n++
			}
			if n == 0 {
				t.Errorf("dri data --aggregate %s %s: no group rows", ind, sex)
			}
		}
	}
	nodes := map[string]string{"itu.internet_use": "GAP.internet", "findex.account": "GAP.account"}
	for _, year := range years {
		gender := map[string]map[string]any{}
		for _, r := range apiRows(t, fmt.Sprintf("/v1/gender?unit=%s&year=%d&per_page=10000%s", units, year, est)) {
			gender[r["unit"].(string)+" "+r["indicator"].(string)] = r
		}
		cli := map[string]map[string]any{}
		for _, r := range cliRows(t, append([]string{"gaps", "--unit", units, "--year", fmt.Sprint(year)}, flag...)...) {
			cli[r["unit"].(string)+" "+r["indicator"].(string)] = r
		}
		scores := map[string]map[string]any{}
		for _, r := range apiRows(t, fmt.Sprintf("/v1/scores/gender?unit=%s&year=%d&per_page=10000%s", units, year, est)) {
			scores[r["unit"].(string)+" "+r["node"].(string)] = r
		}
		for _, g := range crossGroups {
			for ind, node := range nodes {
				api, ok1 := gender[g+" "+ind]
				gap, ok2 := cli[g+" "+ind]
				sc, ok3 := scores[g+" "+node]
				if !ok1 || !ok2 || !ok3 {
					t.Errorf("%s %s %d: missing from /v1/gender (%v), dri gaps (%v) or /v1/scores (%v)", g, ind, year, ok1, ok2, ok3)
					continue
				}
				for _, sex := range []string{"F", "M"} {
					col := map[string]string{"F": "female", "M": "male"}[sex]
					want, ok := data[key{g, ind, sex, year}]
					if !ok {
						// /v1/data starts a series at its first value: no row before it.
						want = figure{math.NaN(), true}
					}
					fromGender := figure{number(api[col]), math.IsNaN(number(api[col]))}
					fromCLI := figure{number(gap[col]), math.IsNaN(number(gap[col]))}
					if !same(fromGender, want) || !same(fromCLI, want) {
						t.Errorf("%s %s %s %d: /v1/data %v, /v1/gender %v, dri gaps %v", g, ind, sex, year, want, fromGender, fromCLI)
					}
				}
				gps := figure{number(api["parity_score"]), withheld(api["note"])}
				if !same(figure{number(gap["parity_score"]), withheld(gap["note"])}, gps) ||
					!same(figure{number(sc["value"]), withheld(sc["note"])}, gps) {
					t.Errorf("%s %s %d parity: /v1/gender %v, dri gaps %v, /v1/scores %v", g, ind, year, gps, gap["parity_score"], sc["value"])
				}
			}
		}
	}
	// A mean-of-states index: /v1/scores/egdi's OSI group row is /v1/data's
	// egov.osi group figure (the framework takes the published component).
	for _, year := range []int{2014, 2020, 2024} {
		osi := map[string]figure{}
		for _, r := range apiRows(t, fmt.Sprintf("/v1/data?indicator=egov.osi&unit=%s&date=%d&per_page=10000%s", units, year, est)) {
			osi[r["unit"].(string)] = figure{number(r["value"]), withheld(r["note"])}
		}
		for _, r := range apiRows(t, fmt.Sprintf("/v1/scores/egdi?unit=%s&year=%d&node=OSI&per_page=10000%s", units, year, est)) {
			got := figure{number(r["value"]), withheld(r["note"])}
			if want, ok := osi[r["unit"].(string)]; !ok || !same(got, want) {
				t.Errorf("%s OSI %d: /v1/scores %v, /v1/data %v", r["unit"], year, got, want)
			}
		}
	}
	// Estimated figures carry status E, observed ones none.
	if estimate && status["E"] == 0 || !estimate && status["E"] > 0 {
		t.Errorf("estimate %v: /v1/data group rows by status %v", estimate, status)
	}
}

// TestGapsEveryYear: dri gaps --unit LDC,WLD gives, for every year
// 2000-2024, every gender indicator of both groups with a value or
// "withheld: reason" (before, years before 2018 printed a header only, and
// a group rate could rest on one member).
func TestGapsEveryYear(t *testing.T) {
	for year := 2000; year <= 2024; year++ {
		rows := cliRows(t, "gaps", "--unit", "LDC,WLD", "--year", fmt.Sprint(year))
		// 9 gender indicators (datasets/frameworks/gender.yaml) x 2 groups.
		if len(rows) != 18 {
			t.Errorf("dri gaps %d: %d rows, want 18", year, len(rows))
		}
		for _, r := range rows {
			note, _ := r["note"].(string)
			hasValue := !math.IsNaN(number(r["parity_score"]))
			if hasValue == strings.HasPrefix(note, "withheld: ") || (!hasValue && len(note) <= len("withheld: ")) {
				t.Errorf("dri gaps %d %s %s: parity %v, note %q: want a value or \"withheld: reason\"", year, r["unit"], r["indicator"], r["parity_score"], note)
			}
			if hasValue {
				n, m := number(r["members_with_data"]), number(r["members"])
				if !(2*n >= m) {
					t.Errorf("dri gaps %d %s %s: a value from %v of %v members", year, r["unit"], r["indicator"], r["members_with_data"], r["members"])
				}
			}
		}
	}
}
