package engine

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/dri-engine/dri/indicators"
	"github.com/dri-engine/dri/pipeline/dims"
	"github.com/dri-engine/dri/pipeline/load"
)

// A unit's iData rows in another order than their Times are laid out with
// the years ascending (the panel's series readers search them), and the
// iData panel's series are the file's values.
func TestCOINrRowsInAnyTimeOrder(t *testing.T) {
	const imetaPath = "../../pipeline/testdata/wide/imeta.csv"
	f, err := os.Open(imetaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	meta, err := load.ParseIMeta(imetaPath, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Kenya's rows from the latest Time to the earliest, France's in order.
	const idata = "uCode,uName,Time,Region,Access,Price,Skills\n" +
		"KEN,Kenya,2023,Africa,32,3.8,NA\n" +
		"KEN,Kenya,2021,Africa,25,4.5,50\n" +
		"FRA,France,2021,Europe,80,0.7,75\n" +
		"KEN,Kenya,2022,Africa,29,4.1,55\n" +
		"FRA,France,2023,Europe,85,0.6,78\n"
	data, err := load.ParseIData("idata.csv", strings.NewReader(idata), meta, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, p, years, err := COINr(meta, data, 0)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(years) != "[2021 2022 2023]" {
		t.Errorf("years %v, want [2021 2022 2023]", years)
	}
	for _, c := range []struct{ indicator, want string }{
		{"Access", "[KEN {[2021 2022 2023] [25 29 32]} FRA {[2021 2023] [80 85]}]"},
		{"Skills", "[KEN {[2021 2022] [50 55]} FRA {[2021 2023] [75 78]}]"},
	} {
		s := p.SeriesOf(indicators.KeyOf(c.indicator, dims.TotalBreakdown))
		if got := fmt.Sprint([]any{p.Units[0], s[0], p.Units[1], s[1]}); got != c.want {
			t.Errorf("%s: series %s, want %s", c.indicator, got, c.want)
		}
	}
}
