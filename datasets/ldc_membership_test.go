package datasets

import (
	"encoding/csv"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// desaTimeline is UN DESA's "Timeline of LDC membership changes" (Economic
// Analysis and Policy Division, "Creation of the LDC category and timeline of
// changes to LDC membership and criteria",
// https://policy.desa.un.org/themes/least-developed-countries-category/creation-of-the-ldc-category-and-timeline-of-changes-to,
// read through a stored copy on 2026-12-06): the year of each inclusion and
// each graduation that has taken effect. Scheduled graduations (marked * on
// that page: Bangladesh, Lao PDR and Nepal 2026; Solomon Islands 2027;
// Cambodia and Senegal 2029) are not changes yet and are not in the shipped
// list, whose vintage is December 2024.
var desaTimeline = map[int]struct{ added, graduated []string }{
	1971: {added: []string{"AFG", "BEN", "BTN", "BWA", "BFA", "BDI", "TCD", "ETH", "GIN", "HTI", "LAO", "LSO", "MWI", "MDV", "MLI", "NPL", "NER", "RWA", "WSM", "SOM", "SDN", "UGA", "TZA", "YEM"}},
	1975: {added: []string{"BGD", "CAF", "GMB"}},
	1977: {added: []string{"CPV", "COM"}},
	1981: {added: []string{"GNB"}},
	1982: {added: []string{"DJI", "GNQ", "STP", "SLE", "TGO"}},
	1985: {added: []string{"VUT"}},
	1986: {added: []string{"KIR", "MRT", "TUV"}},
	1987: {added: []string{"MMR"}},
	1988: {added: []string{"MOZ"}},
	1990: {added: []string{"LBR"}},
	1991: {added: []string{"KHM", "COD", "MDG", "SLB", "ZMB"}},
	1994: {added: []string{"AGO", "ERI"}, graduated: []string{"BWA"}},
	2000: {added: []string{"SEN"}},
	2003: {added: []string{"TLS"}},
	2007: {graduated: []string{"CPV"}},
	2011: {graduated: []string{"MDV"}},
	2012: {added: []string{"SSD"}},
	2014: {graduated: []string{"WSM"}},
	2017: {graduated: []string{"GNQ"}},
	2020: {graduated: []string{"VUT"}},
	2023: {graduated: []string{"BTN"}},
	2024: {graduated: []string{"STP"}},
}

// TestLDCMembershipMatchesDESATimeline checks every row of the shipped LDC
// list (reference/ldc-membership.csv) against UN DESA's published timeline:
// the same countries, each added and graduated in the year DESA gives, and
// 44 LDCs at the end of 2024 ("As of December 2024, 44 countries", DESA and
// UN-OHRLLS). The file's day-level graduation dates come from the General
// Assembly resolutions named in its source column; the year is what this
// test can check against the timeline.
func TestLDCMembershipMatchesDESATimeline(t *testing.T) {
	raw, err := FS.ReadFile("reference/ldc-membership.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type years struct{ added, graduated string }
	got := map[string]years{}
	for i, r := range rows[1:] {
		if _, dup := got[r[0]]; dup {
			t.Errorf("line %d: %s listed twice", i+2, r[0])
		}
		g := r[3]
		if len(g) >= 4 {
			g = g[:4]
		}
		got[r[0]] = years{added: r[2], graduated: g}
	}
	want := map[string]years{}
	for y, ch := range desaTimeline {
		for _, c := range ch.added {
			w := want[c]
			w.added = strconv.Itoa(y)
			want[c] = w
		}
		for _, c := range ch.graduated {
			w := want[c]
			w.graduated = strconv.Itoa(y)
			want[c] = w
		}
	}
	var codes []string
	for c := range want {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if got[c] != want[c] {
			t.Errorf("%s: file says added %q graduated %q; DESA timeline says %q, %q", c, got[c].added, got[c].graduated, want[c].added, want[c].graduated)
		}
	}
	for c := range got {
		if _, ok := want[c]; !ok {
			t.Errorf("%s is in the file but not in DESA's timeline", c)
		}
	}
	current := 0
	for _, y := range got {
		if y.graduated == "" {
			current++
		}
	}
	if current != 44 {
		t.Errorf("%d LDCs without a graduation; DESA: 44 as of December 2024", current)
	}
}
