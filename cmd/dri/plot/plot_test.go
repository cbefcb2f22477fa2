package plot

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dri-engine/dri/internal/deptest"
)

var pngDir = flag.String("png", "", "write the test charts to this directory, to look at them")

var nan = math.NaN()

// The specs below are hand-made; the numbers are Kenya-like but invented.

func profileSpec() ProfileSpec {
	return ProfileSpec{
		Unit: "Kenya", Framework: "Digital readiness", Year: 2025,
		Scale:   Range{Lo: 0, Hi: 5},
		Pillars: []string{"People", "Connectivity", "Government", "Regulation", "Digital public infrastructure and its long-named friends"},
		Series: []Series{
			{Name: "Kenya", Values: []float64{2.45, 3.10, 3.52, nan, 4.01}},
			{Name: "Least developed countries", Values: []float64{1.94, 2.20, 2.05, nan, nan}},
			{Name: "World (UN member states)", Values: []float64{3.41, 3.60, 3.33, nan, 3.20}},
		},
		Note: "Group values are means of the members with data. Invented numbers for a test.",
	}
}

func rankingSpec() RankingSpec {
	s := RankingSpec{
		Title: "UN E-Government Development Index", Subtitle: "Top 8 of 193 UN member states, 2024",
		Scale:     Range{Lo: 0, Hi: 1},
		Highlight: "KEN",
		Tiers: []Tier{
			{Name: "Low", Lo: 0, Hi: 0.25}, {Name: "Middle", Lo: 0.25, Hi: 0.5},
			{Name: "High", Lo: 0.5, Hi: 0.75}, {Name: "Very High", Lo: 0.75, Hi: 1},
		},
		ValueLabel: "EGDI (0–1)",
	}
	for i, name := range []string{"Denmark", "Estonia", "Singapore", "Korea", "Iceland", "Saudi Arabia", "United Kingdom", "Australia"} {
		s.Entries = append(s.Entries, RankEntry{Code: fmt.Sprint("C", i), Name: name, Value: 0.98 - 0.01*float64(i), Rank: i + 1, Tier: "Very High"})
	}
	s.Entries = append(s.Entries, RankEntry{Code: "KEN", Name: "Kenya", Value: 0.6, Rank: 112, Tier: "High"})
	return s
}

func genderSpec() GenderSpec {
	return GenderSpec{
		Title:      "Digital gender gaps: Kenya, 2023",
		Indicators: []string{"Individuals using the Internet", "Account ownership", "Mobile phone ownership", "ID card"},
		Series: []GenderSeries{
			{Name: "Kenya", Parity: []float64{0.80, 0.91, nan, 0.99}, PointGap: []float64{4.9, 7.9, nan, 0.4}},
			{Name: "Least developed countries", Parity: []float64{0.72, 0.75, 0.61, 0.85}},
			{Name: "World", Parity: []float64{0.92, 0.95, 0.90, 1.05}},
		},
	}
}

// decode decodes a PNG, writing it to -png DIR when asked.
func decode(t *testing.T, name string, data []byte) image.Image {
	t.Helper()
	if *pngDir != "" {
		if err := os.WriteFile(filepath.Join(*pngDir, name+".png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	return img
}

// census counts each colour's pixels.
func census(img image.Image) map[color.RGBA]int {
	n := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			n[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	return n
}

// checkImage checks the size, that the chart is not blank, and that each
// of the colours covers at least minPixels pixels (a bar, a band, a
// marker, drawn in exactly that colour).
func checkImage(t *testing.T, img image.Image, w, h int, colours map[string]color.RGBA, minPixels int) {
	t.Helper()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("image is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	n := census(img)
	white := n[color.RGBA{255, 255, 255, 255}]
	total := w * h
	// A chart with its text, bars and axes covers well over 5% of the image
	// (the test charts cover 10-25%); a blank or nearly blank one does not.
	if ink := total - white; ink < total/20 {
		t.Errorf("%d of %d pixels are not white, want at least 5%%", ink, total)
	}
	if len(n) < 50 {
		t.Errorf("%d distinct colours, want at least 50 (text is anti-aliased)", len(n))
	}
	for name, c := range colours {
		if n[c] < minPixels {
			t.Errorf("%s %v covers %d pixels, want at least %d", name, c, n[c], minPixels)
		}
	}
}

func TestProfile(t *testing.T) {
	var buf bytes.Buffer
	if err := Profile(&buf, profileSpec()); err != nil {
		t.Fatalf("Profile: %v", err)
	}
	img := decode(t, "profile", buf.Bytes())
	checkImage(t, img, DefaultWidth, DefaultHeight, map[string]color.RGBA{
		"unit bar (Okabe-Ito blue)":          OkabeIto[0],
		"first group bar (Okabe-Ito orange)": OkabeIto[1],
		"second group bar (bluish green)":    OkabeIto[2],
	}, 2000)
}

func TestRanking(t *testing.T) {
	var buf bytes.Buffer
	if err := Ranking(&buf, rankingSpec()); err != nil {
		t.Fatalf("Ranking: %v", err)
	}
	img := decode(t, "ranking", buf.Bytes())
	tiers := tierColours(4)
	checkImage(t, img, DefaultWidth, DefaultHeight, map[string]color.RGBA{
		"highlighted bar (vermillion)": highlightColour,
		"Very High tier bars":          tiers[3].(color.RGBA),
		"High tier legend swatch":      tiers[2].(color.RGBA),
	}, 300)
}

func TestGender(t *testing.T) {
	var buf bytes.Buffer
	if err := Gender(&buf, genderSpec()); err != nil {
		t.Fatalf("Gender: %v", err)
	}
	img := decode(t, "gender", buf.Bytes())
	checkImage(t, img, DefaultWidth, DefaultHeight, map[string]color.RGBA{
		"parity band":           bandColour,
		"unit markers and gaps": OkabeIto[0],
		"group markers":         OkabeIto[1],
	}, 300)
}

func TestOptionsSetSize(t *testing.T) {
	s := profileSpec()
	s.Options = Options{Width: 1200, Height: 900}
	var buf bytes.Buffer
	if err := Profile(&buf, s); err != nil {
		t.Fatalf("Profile: %v", err)
	}
	checkImage(t, decode(t, "profile-1200x900", buf.Bytes()), 1200, 900, map[string]color.RGBA{"unit bar": OkabeIto[0]}, 1000)
}

func TestRankingGapRowAndUnrankedEntries(t *testing.T) {
	s := rankingSpec()
	s.Tiers = nil
	for i := range s.Entries {
		s.Entries[i].Rank, s.Entries[i].Tier = 0, ""
	}
	got := s.sorted()
	if got[0].Name != "Denmark" || got[0].Rank != 1 || got[len(got)-1].Name != "Kenya" || got[len(got)-1].Rank != 9 {
		t.Errorf("sorted() = %v, want Denmark rank 1 first and Kenya rank 9 last", got)
	}
	var buf bytes.Buffer
	if err := Ranking(&buf, s); err != nil {
		t.Fatalf("Ranking without tiers or ranks: %v", err)
	}
	checkImage(t, decode(t, "ranking-plain", buf.Bytes()), DefaultWidth, DefaultHeight,
		map[string]color.RGBA{"untiered bars": neutralBar, "highlight": highlightColour}, 300)
}

func TestErrors(t *testing.T) {
	profile := func(f func(*ProfileSpec)) func(*bytes.Buffer) error {
		return func(b *bytes.Buffer) error { s := profileSpec(); f(&s); return Profile(b, s) }
	}
	ranking := func(f func(*RankingSpec)) func(*bytes.Buffer) error {
		return func(b *bytes.Buffer) error { s := rankingSpec(); f(&s); return Ranking(b, s) }
	}
	gender := func(f func(*GenderSpec)) func(*bytes.Buffer) error {
		return func(b *bytes.Buffer) error { s := genderSpec(); f(&s); return Gender(b, s) }
	}
	many := make([]RankEntry, 300)
	for i := range many {
		many[i] = RankEntry{Code: fmt.Sprint(i), Name: fmt.Sprint("Unit ", i), Value: float64(i) / 300}
	}
	for _, tc := range []struct {
		name string
		draw func(*bytes.Buffer) error
		want error
		msg  string
	}{
		{"profile zero value", func(b *bytes.Buffer) error { return Profile(b, ProfileSpec{}) }, ErrEmpty, "plot: profile: nothing to draw: no pillars"},
		{"profile no series", profile(func(s *ProfileSpec) { s.Series = nil }), ErrEmpty, "no series"},
		{"profile all missing", profile(func(s *ProfileSpec) {
			for i := range s.Series {
				for j := range s.Series[i].Values {
					s.Series[i].Values[j] = nan
				}
			}
		}), ErrEmpty, "no series has a value"},
		{"profile short series", profile(func(s *ProfileSpec) { s.Series[1].Values = s.Series[1].Values[:2] }), ErrInvalid,
			`series "Least developed countries" has 2 values for 5 pillars`},
		{"profile empty scale", profile(func(s *ProfileSpec) { s.Scale = Range{} }), ErrInvalid, "scale 0-0 is empty"},
		{"profile tiny image", profile(func(s *ProfileSpec) { s.Options = Options{Width: 10, Height: 10} }), ErrInvalid, "image size 10x10 px"},
		{"ranking zero value", func(b *bytes.Buffer) error { return Ranking(b, RankingSpec{}) }, ErrEmpty, "plot: ranking: nothing to draw: no entries"},
		{"ranking missing value", ranking(func(s *RankingSpec) { s.Entries[2].Value = nan }), ErrInvalid, `entry "Singapore" has no value`},
		{"ranking unknown highlight", ranking(func(s *RankingSpec) { s.Highlight = "XYZ" }), ErrInvalid, `highlighted unit "XYZ"`},
		{"ranking unknown tier", ranking(func(s *RankingSpec) { s.Entries[0].Tier = "Stellar" }), ErrInvalid, `tier "Stellar"`},
		{"ranking too many rows", ranking(func(s *RankingSpec) { s.Entries, s.Highlight = many, "" }), ErrInvalid, "300 rows do not fit"},
		{"gender zero value", func(b *bytes.Buffer) error { return Gender(b, GenderSpec{}) }, ErrEmpty, "plot: gender: nothing to draw: no indicators"},
		{"gender no series", gender(func(s *GenderSpec) { s.Series = nil }), ErrEmpty, "no series"},
		{"gender short gaps", gender(func(s *GenderSpec) { s.Series[0].PointGap = []float64{1} }), ErrInvalid, "1 gaps for 4 indicators"},
		{"gender inverted band", gender(func(s *GenderSpec) { s.Band = Range{Lo: 1.02, Hi: 0.98} }), ErrInvalid, "parity band"},
		{"profile nine series", profile(func(s *ProfileSpec) {
			for len(s.Series) < 9 {
				s.Series = append(s.Series, s.Series[0])
			}
		}), ErrInvalid, "9 series, but only 8 colours"},
		{"gender all missing", gender(func(s *GenderSpec) {
			for i := range s.Series {
				s.Series[i].Parity = []float64{nan, nan, nan, nan}
			}
		}), ErrEmpty, "no series has a parity score"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := tc.draw(&buf)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tc.msg)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written on error, want none", buf.Len())
			}
		})
	}
}

// Odd but drawable specs draw without panicking: extreme and negative
// values, one row, many series, infinities, empty and very long names.
func TestOddSpecsDraw(t *testing.T) {
	inf := math.Inf(1)
	long := strings.Repeat("Very long name of an indicator that goes on ", 4)
	many := make([]Series, len(OkabeIto))
	for i := range many {
		many[i] = Series{Name: fmt.Sprint("Group ", i), Values: []float64{float64(i) / 3}}
	}
	for _, tc := range []struct {
		name string
		draw func(*bytes.Buffer) error
	}{
		{"profile one pillar, eight series", func(b *bytes.Buffer) error {
			return Profile(b, ProfileSpec{Unit: "X", Scale: Range{Lo: 0, Hi: 5}, Pillars: []string{"P"}, Series: many})
		}},
		{"profile values outside the scale", func(b *bytes.Buffer) error {
			return Profile(b, ProfileSpec{Scale: Range{Lo: 0, Hi: 1}, Pillars: []string{"", long},
				Series: []Series{{Values: []float64{-3, 1e6}}, {Values: []float64{inf, nan}}}})
		}},
		{"ranking one entry, a one-point tier", func(b *bytes.Buffer) error {
			return Ranking(b, RankingSpec{Scale: Range{Lo: 0, Hi: 5}, Entries: []RankEntry{{Name: long, Value: 5, Tier: "Top"}},
				Tiers: []Tier{{Name: "Low", Lo: 0, Hi: 5}, {Name: "Top", Lo: 5, Hi: 5}}})
		}},
		{"ranking ties", func(b *bytes.Buffer) error {
			return Ranking(b, RankingSpec{Scale: Range{Lo: 0, Hi: 1},
				Entries: []RankEntry{{Name: "A", Value: 0.5}, {Name: "B", Value: 0.5}, {Name: "C", Value: 0.1}}})
		}},
		{"gender extreme ratios", func(b *bytes.Buffer) error {
			return Gender(b, GenderSpec{Indicators: []string{long, "b"},
				Series: []GenderSeries{{Name: "X", Parity: []float64{0.01, 40}}, {Name: "Y", Parity: []float64{-inf, 1}}}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.draw(&buf); err != nil {
				t.Fatalf("err = %v, want a chart", err)
			}
			decode(t, strings.ReplaceAll(tc.name, " ", "-"), buf.Bytes())
		})
	}
}

// Charts can be drawn at the same time (the API may serve them).
func TestConcurrentDrawing(t *testing.T) {
	errs := make(chan error, 6)
	for range 2 {
		go func() { errs <- Profile(io.Discard, profileSpec()) }()
		go func() { errs <- Ranking(io.Discard, rankingSpec()) }()
		go func() { errs <- Gender(io.Discard, genderSpec()) }()
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		target int
		want   string
	}{
		{0, 5, 5, "0 1 2 3 4 5"},
		{0, 1, 5, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{0, 100, 5, "0 20 40 60 80 100"},
		{0.5, 1.12, 8, "0.5 0.6 0.7 0.8 0.9 1.0 1.1"},
		{0, 1, 4, "0.00 0.25 0.50 0.75 1.00"},
		{0, 1e6, 4, "0 250000 500000 750000 1000000"},
		{0, 10, 4, "0.0 2.5 5.0 7.5 10.0"},
	} {
		var got []string
		for _, tk := range niceTicks(tc.lo, tc.hi, tc.target) {
			got = append(got, tk.Label)
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("niceTicks(%g, %g, %d) = %s, want %s", tc.lo, tc.hi, tc.target, s, tc.want)
		}
	}
}

func TestCividis(t *testing.T) {
	// Ends: matplotlib 3.8's cividis(0.0) = (0, 0.1262, 0.3015) and
	// cividis(1.0) = (1.0, 0.9169, 0.2731), as 8-bit sRGB.
	for _, tc := range []struct {
		t    float64
		want color.RGBA
	}{
		{0, color.RGBA{0x00, 0x20, 0x4D, 0xFF}},
		{1, color.RGBA{0xFF, 0xEA, 0x46, 0xFF}},
		{-3, color.RGBA{0x00, 0x20, 0x4D, 0xFF}},
		{0.5, color.RGBA{0x7C, 0x7B, 0x78, 0xFF}},
	} {
		if got := Cividis(tc.t); got != tc.want {
			t.Errorf("Cividis(%g) = %v, want %v", tc.t, got, tc.want)
		}
	}
	// The ramp gets lighter all the way (it is sequential).
	luma := func(c color.RGBA) float64 { return 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B) }
	for i := 1; i <= 20; i++ {
		if a, b := Cividis(float64(i-1)/20), Cividis(float64(i)/20); luma(b) <= luma(a) {
			t.Errorf("Cividis(%g) is not lighter than Cividis(%g)", float64(i)/20, float64(i-1)/20)
		}
	}
}

// The package draws plain data: it imports neither the engine nor the
// pipeline, nor Arrow (STYLE rule 2).
func TestDependencies(t *testing.T) {
	deptest.Forbid(t, ".", deptest.Module+"/indicators", deptest.Module+"/pipeline", "github.com/apache/arrow-go")
}

func ExampleProfile() {
	var buf bytes.Buffer
	err := Profile(&buf, ProfileSpec{
		Unit: "Kenya", Framework: "UN E-Government Development Index", Year: 2024,
		Scale:   Range{Lo: 0, Hi: 1},
		Pillars: []string{"Online services", "Telecommunication infrastructure", "Human capital"},
		Series: []Series{
			{Name: "Kenya", Values: []float64{0.80, 0.45, 0.58}},
			{Name: "World", Values: []float64{0.57, 0.67, 0.72}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, _ := png.DecodeConfig(&buf)
	fmt.Println(cfg.Width, "x", cfg.Height)
	// Output: 1600 x 1000
}
