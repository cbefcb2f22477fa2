package plot

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours.
var (
	// OkabeIto is the Okabe-Ito palette in the order the charts use it
	// (the first for the unit a chart is about). Yellow comes late: it is
	// faint on white.
	OkabeIto = []color.RGBA{
		{0x00, 0x72, 0xB2, 0xFF}, // blue
		{0xE6, 0x9F, 0x00, 0xFF}, // orange
		{0x00, 0x9E, 0x73, 0xFF}, // bluish green
		{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
		{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
		{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
		{0xF0, 0xE4, 0x42, 0xFF}, // yellow
		{0x00, 0x00, 0x00, 0xFF}, // black
	}
	// highlightColour marks the highlighted unit in a ranking (vermillion,
	// far from every colour of the cividis ramp).
	highlightColour = color.RGBA{0xD5, 0x5E, 0x00, 0xFF}
	ink             = color.RGBA{0x1A, 0x1A, 0x1A, 0xFF}
	softInk         = color.RGBA{0x4D, 0x4D, 0x4D, 0xFF}
	faintInk        = color.RGBA{0x80, 0x80, 0x80, 0xFF}
	gridColour      = color.RGBA{0xD9, 0xD9, 0xD9, 0xFF}
	zebraColour     = color.RGBA{0xF4, 0xF4, 0xF4, 0xFF}
	outlineColour   = color.RGBA{0x40, 0x40, 0x40, 0xFF}
	neutralBar      = color.RGBA{0x99, 0x99, 0x99, 0xFF}
	bandColour      = color.RGBA{0xCC, 0xEB, 0xE0, 0xFF} // bluish green, light
)

// cividisStops approximate matplotlib's cividis colour map (Nuñez, Anderton
// and Renslow 2018, "Optimizing colormaps with consideration for color
// vision deficiency"), sampled at 0, 0.25, 0.5, 0.75 and 1.
var cividisStops = []color.RGBA{
	{0x00, 0x20, 0x4D, 0xFF},
	{0x41, 0x4D, 0x6B, 0xFF},
	{0x7C, 0x7B, 0x78, 0xFF},
	{0xBC, 0xAF, 0x6F, 0xFF},
	{0xFF, 0xEA, 0x46, 0xFF},
}

// Cividis returns the colour at t in [0, 1] of a cividis-like ramp (dark
// blue to yellow), linearly interpolated between its stops in sRGB. t
// outside [0, 1] is clamped; NaN gives the middle.
func Cividis(t float64) color.RGBA {
	if math.IsNaN(t) {
		t = 0.5
	}
	t = math.Max(0, math.Min(1, t))
	f := t * float64(len(cividisStops)-1)
	i := min(int(f), len(cividisStops)-2)
	f -= float64(i)
	a, b := cividisStops[i], cividisStops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xFF}
}

// tierColours gives n ordered classes, lowest first, colours from the
// light end of the ramp to the dark one (darker is more), keeping off the
// extremes so the lightest still shows on white.
func tierColours(n int) []color.Color {
	out := make([]color.Color, n)
	for i := range out {
		t := 0.5
		if n > 1 {
			t = 0.9 - 0.8*float64(i)/float64(n-1)
		}
		out[i] = Cividis(t)
	}
	return out
}

func seriesColour(i int) color.Color { return OkabeIto[i%len(OkabeIto)] }

func missing(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// Fonts, in points on the ten-inch canvas.
var (
	sans       = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold   = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	sansItalic = font.Font{Typeface: "Liberation", Variant: "Sans", Style: xfont.StyleItalic}
)

const (
	titleSize    = 17
	subtitleSize = 11
	legendSize   = 11
	labelSize    = 11 // row labels and axis label
	tickSize     = 10
	valueSize    = 9.5
	noteSize     = 8.5
	margin       = 20 // page margin, points
)

func textStyle(f font.Font, size vg.Length, c color.Color) text.Style {
	f.Size = size
	return text.Style{Color: c, Font: f, Handler: gplot.DefaultTextHandler, XAlign: draw.XLeft, YAlign: draw.YBottom}
}

func aligned(s text.Style, x draw.XAlignment, y draw.YAlignment) text.Style {
	s.XAlign, s.YAlign = x, y
	return s
}

// lineHeight is the distance between two lines of text in a style.
func lineHeight(s text.Style) vg.Length { return s.FontExtents().Height }

// wrap breaks txt into lines no wider than width (a word longer than the
// width gets a line of its own).
func wrap(s text.Style, txt string, width vg.Length) []string {
	var lines []string
	for _, para := range strings.Split(txt, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		line := words[0]
		for _, w := range words[1:] {
			if s.Width(line+" "+w) <= width {
				line += " " + w
				continue
			}
			lines = append(lines, line)
			line = w
		}
		lines = append(lines, line)
	}
	return lines
}

// truncate shortens txt with an ellipsis until it fits width.
func truncate(s text.Style, txt string, width vg.Length) string {
	if s.Width(txt) <= width {
		return txt
	}
	r := []rune(txt)
	for len(r) > 1 {
		r = r[:len(r)-1]
		if t := strings.TrimSpace(string(r)) + "…"; s.Width(t) <= width {
			return t
		}
	}
	return "…"
}

// formatValue prints a value with as many decimals as the scale's span
// calls for: two on 0-1 and 0-5 scales, one on 0-100.
func formatValue(v float64, span float64) string {
	d := 2
	switch {
	case span > 100:
		d = 0
	case span > 10:
		d = 1
	}
	return strconv.FormatFloat(v, 'f', d, 64)
}

// decimals is the fewest decimals (at most 3) that print every value
// exactly: 0 for 0, 25, 50; 2 for 0.25, 0.5.
func decimals(values []float64) int {
	for d := 0; d < 3; d++ {
		exact := true
		for _, v := range values {
			f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', d, 64), 64)
			exact = exact && f == v
		}
		if exact {
			return d
		}
	}
	return 3
}

// niceTicks returns about target ticks on [lo, hi] at a step of 1, 2, 2.5
// or 5 times a power of ten, labelled with the decimals the step needs.
func niceTicks(lo, hi float64, target int) []gplot.Tick {
	raw := (hi - lo) / float64(target)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	exp := math.Floor(math.Log10(step) + 1e-9)
	decimals := max(0, int(-exp))
	if s := step / math.Pow(10, exp); math.Abs(s-2.5) < 1e-9 && exp <= 0 {
		decimals++ // 0.25, 2.5; not 25
	}
	var ticks []gplot.Tick
	first := math.Ceil(lo/step - 1e-9)
	for k := first; k*step <= hi+step*1e-9; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, gplot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
	}
	return ticks
}
