package indicators

import (
	"errors"
	"math"
	"testing"
)

func TestGenderParityScore(t *testing.T) {
	for _, c := range []struct {
		name         string
		female, male float64
		gps          float64
		parity       bool
	}{
		// hand: 60 / 80 = 0.75, outside [0.98, 1.02]
		{"women behind", 60, 80, 0.75, false},
		// ITU's band ends are parity: 49 / 50 = 0.98, 51 / 50 = 1.02
		{"lower end", 49, 50, 0.98, true},
		{"upper end", 51, 50, 1.02, true},
		{"men behind", 90, 80, 1.125, false},
		{"no men", 10, 0, na, false},
		{"negative rate", -1, 50, na, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			gps, parity := GenderParityScore(c.female, c.male)
			if !close(gps, c.gps) || parity != c.parity {
				t.Errorf("GenderParityScore(%v, %v) = %v, %v, want %v, %v", c.female, c.male, gps, parity, c.gps, c.parity)
			}
		})
	}
}

func TestGenderGap(t *testing.T) {
	// hand: F 60 %, M 80 %, 10 M women, 9 M men: GPS 0.75, gap 20 points,
	// relative 20 / 80 = 0.25, people 0.8 * 9e6 - 0.6 * 10e6 = 1.2e6
	g := GenderGap(60, 80, ParityLo, ParityHi, 10e6, 9e6)
	if !close(g.GPS, 0.75) || g.Parity || !close(g.PointGap, 20) || !close(g.RelativeGap, 0.25) || !close(g.PeopleGap, 1.2e6) {
		t.Errorf("GenderGap(60, 80) = %+v", g)
	}
	// unknown populations: no gap in people
	if g := GenderGap(60, 80, ParityLo, ParityHi, math.NaN(), 0); !math.IsNaN(g.PeopleGap) {
		t.Errorf("GenderGap without populations: PeopleGap = %v, want NaN", g.PeopleGap)
	}
	// hand: parity score improves (0.6 -> 0.7) while women offline grow:
	// 2019 10 M women at 30 % (7 M offline), 2024 20 M women at 35 % (13 M offline)
	if a, b := PeopleGap(30, 50, 10e6, 10e6), PeopleGap(35, 50, 20e6, 20e6); !(b > a) {
		t.Errorf("PeopleGap = %v then %v, want it to grow", a, b)
	}
}

func TestTruncatedRatio(t *testing.T) {
	for _, c := range []struct{ f, m, want float64 }{
		{60, 80, 0.75}, // hand
		{90, 80, 1},    // WEF: parity is the ceiling
		{5, 0, 1},      // DRI: no gap against women can be measured
	} {
		if got := TruncatedRatio(c.f, c.m); !close(got, c.want) {
			t.Errorf("TruncatedRatio(%v, %v) = %v, want %v", c.f, c.m, got, c.want)
		}
	}
}

func TestParityWeights(t *testing.T) {
	r1 := []float64{0.9, 1, 0.8, 0.95}
	r2, v2 := vec(0.5, 0.7, na, 0.6)
	got, err := ParityWeights(nil, [][]float64{r1, r2, {0.5, 0.5}}, [][]bool{nil, v2, nil})
	if err != nil {
		t.Fatal(err)
	}
	// R 4.2.2: sd(r1) = 0.085391256382996633, sd(r2, na.rm = TRUE) = 0.1;
	// v = 0.01 / sd, w = v / sum(v) = 0.5393997643201236 0.4606002356798764;
	// the third indicator has no spread and weighs 0.
	want := []float64{0.5393997643201236, 0.4606002356798764, 0}
	for i := range want {
		if !close(got[i], want[i]) {
			t.Errorf("ParityWeights = %v, want %v", got, want)
			break
		}
	}
	if _, err := ParityWeights(nil, [][]float64{{1, 1}}, nil); !errors.Is(err, ErrZeroSpread) {
		t.Errorf("no spread anywhere: error = %v, want ErrZeroSpread", err)
	}
	// A unit with the second indicator missing: its score is its first ratio
	// (weights renormalised over the present indicators).
	score, ok, err := ParityComposite([]float64{0.9, 0}, []bool{true, false}, got[:2], 0)
	if err != nil || !ok || !close(score, 0.9) {
		t.Errorf("ParityComposite = %v, %v, %v, want 0.9", score, ok, err)
	}
	// hand: 0.5394 * 0.9 + 0.4606 * 0.5
	score, _, _ = ParityComposite([]float64{0.9, 0.5}, nil, got[:2], 0)
	if want := 0.5393997643201236*0.9 + 0.4606002356798764*0.5; !close(score, want) {
		t.Errorf("ParityComposite = %v, want %v", score, want)
	}
}
