// Package plot draws DRI's report charts as PNG images with gonum's plot
// library: a unit's pillar profile against comparison groups (Profile), an
// index ranking (Ranking) and gender parity scores (Gender).
//
// The functions take plain data, not the scoring engine: the caller builds
// a spec from whatever results it has (the command line's `dri plot` builds
// them from engine results) and the package only draws. Every chart:
//
//   - is a PNG with a white background, Options.Width x Options.Height
//     pixels (1600 x 1000 by default). The layout is computed on a canvas
//     ten inches wide whatever the pixel width, so text keeps its
//     proportion to the image at any size;
//   - uses the Okabe-Ito palette for categories (safe for the common forms
//     of colour blindness) and a cividis-like sequential ramp for ordered
//     classes such as tiers;
//   - treats NaN (and ±Inf) as missing: missing values are labelled
//     "no data", never drawn as zero;
//   - returns an error, never panics, on a spec it cannot draw: empty input
//     wraps ErrEmpty, inconsistent input wraps ErrInvalid.
package plot

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Error kinds, for errors.Is.
var (
	// ErrEmpty: the spec has nothing to draw (no categories, no series, or
	// no value at all).
	ErrEmpty = errors.New("nothing to draw")
	// ErrInvalid: the spec contradicts itself (lengths differ, a scale is
	// empty, a highlighted unit is not among the entries).
	ErrInvalid = errors.New("invalid spec")
)

// Default image size in pixels.
const (
	DefaultWidth  = 1600
	DefaultHeight = 1000
)

// Limits on the image size: smaller images cannot hold the text, larger
// ones only cost memory (4 bytes a pixel).
const (
	minSide = 400
	maxSide = 8000
)

// canvasInches is the canvas width in inches; the resolution follows from
// the pixel width, so that every size has the same layout.
const canvasInches = 10

// Options set the image size in pixels; zero means the default.
type Options struct {
	Width, Height int
}

func (o Options) size() (w, h int, err error) {
	w, h = o.Width, o.Height
	if w == 0 {
		w = DefaultWidth
	}
	if h == 0 {
		h = DefaultHeight
	}
	if w < minSide || h < minSide || w > maxSide || h > maxSide {
		return 0, 0, fmt.Errorf("plot: %w: image size %dx%d px outside %d-%d px", ErrInvalid, w, h, minSide, maxSide)
	}
	return w, h, nil
}

// Range is a closed interval [Lo, Hi] of values.
type Range struct{ Lo, Hi float64 }

func (r Range) valid() bool {
	return !missing(r.Lo) && !missing(r.Hi) && r.Lo < r.Hi
}

// Series is one named set of values, one per category (NaN: no data).
type Series struct {
	Name   string
	Values []float64
}

// ProfileSpec is a unit's pillar scores next to comparison groups'.
type ProfileSpec struct {
	Unit      string // the unit's name, for the title
	Framework string // the framework's name, for the title
	Year      int
	// Scale is the framework's score scale; the value axis spans it.
	Scale Range
	// Pillars name the categories, drawn top to bottom.
	Pillars []string
	// Series hold one value per pillar: the unit first (drawn first in
	// each pillar, in the strongest colour), then the comparison groups;
	// at most len(OkabeIto).
	Series []Series
	// Subtitle replaces the default line under the title when not empty.
	Subtitle string
	// ValueLabel replaces the default value-axis label when not empty.
	ValueLabel string
	// Note is a footnote (sources, method, caveats); optional.
	Note string
	Options
}

// RankingSpec is an index for many units as sorted bars.
type RankingSpec struct {
	Title    string // e.g. the framework's name
	Subtitle string // e.g. "Top 30 of 193 UN member states, 2024"
	// Scale is the index's scale; the value axis spans it.
	Scale Range
	// Entries are the units; they are drawn sorted by rank (then value,
	// descending). A jump in ranks (units left out) is drawn as a gap row.
	Entries []RankEntry
	// Highlight is the Code of the entry to highlight; optional.
	Highlight string
	// Tiers are the framework's classes, lowest first; optional. Bars are
	// coloured by their entry's Tier, and the tier boundaries are drawn.
	Tiers      []Tier
	ValueLabel string
	Note       string
	Options
}

// RankEntry is one unit in a ranking.
type RankEntry struct {
	Code, Name string
	Value      float64
	// Rank is the unit's rank, 1 = best; 0 means its position after
	// sorting by value.
	Rank int
	// Tier names the entry's class (one of RankingSpec.Tiers); optional.
	Tier string
}

// Tier is a class of scores and the values it covers.
type Tier struct {
	Name   string
	Lo, Hi float64
}

// GenderSpec is gender parity scores per indicator for units or groups.
type GenderSpec struct {
	Title    string
	Subtitle string
	// Indicators name the categories, drawn top to bottom.
	Indicators []string
	// Series hold one parity score per indicator; the first is the unit
	// the chart is about: its gaps are drawn and annotated. At most
	// len(OkabeIto).
	Series []GenderSeries
	// Band is the parity band (0.98-1.02 when zero).
	Band       Range
	ValueLabel string
	Note       string
	Options
}

// GenderSeries is one unit's or group's parity scores (female rate / male
// rate, NaN: no data) and, optionally, its percentage-point gaps (male rate
// - female rate), one per indicator.
type GenderSeries struct {
	Name     string
	Parity   []float64
	PointGap []float64
}

// DefaultParityBand is ITU's parity band for gender parity scores.
var DefaultParityBand = Range{Lo: 0.98, Hi: 1.02}

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

// render draws a chart on a fresh white image of the options' size and
// writes it to w as PNG. Nothing is written when drawing fails.
func render(w io.Writer, o Options, chart func(c draw.Canvas) error) error {
	wpx, hpx, err := o.size()
	if err != nil {
		return err
	}
	img := image.NewRGBA(image.Rect(0, 0, wpx, hpx))
	cv := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(wpx/canvasInches))
	if err := chart(draw.New(cv)); err != nil {
		return err
	}
	_, err = vgimg.PngCanvas{Canvas: cv}.WriteTo(w)
	return err
}

// legendItem is one legend entry: a bar swatch, or a marker when glyph is
// set.
type legendItem struct {
	label string
	fill  color.Color
	glyph *draw.GlyphStyle
}

// page is what surrounds a chart: title, subtitle and legend above it, a
// footnote below.
type page struct {
	title, subtitle string
	legend          []legendItem
	note            string
}

// draw draws the page and returns the area left for the chart.
func (pg page) draw(c draw.Canvas) draw.Canvas {
	left, right := c.Min.X+margin, c.Max.X-margin
	width := right - left
	y := c.Max.Y - margin

	title := aligned(textStyle(sansBold, titleSize, ink), draw.XLeft, draw.YTop)
	for _, line := range wrap(title, pg.title, width) {
		c.FillText(title, vg.Point{X: left, Y: y}, line)
		y -= lineHeight(title)
	}
	if pg.subtitle != "" {
		y -= 2
		sub := aligned(textStyle(sans, subtitleSize, softInk), draw.XLeft, draw.YTop)
		for _, line := range wrap(sub, pg.subtitle, width) {
			c.FillText(sub, vg.Point{X: left, Y: y}, line)
			y -= lineHeight(sub)
		}
	}
	if len(pg.legend) > 0 {
		y -= 8
		y = drawLegend(c, pg.legend, left, right, y)
	}
	y -= 10

	bottom := c.Min.Y + margin
	if pg.note != "" {
		ns := aligned(textStyle(sansItalic, noteSize, softInk), draw.XLeft, draw.YBottom)
		lines := wrap(ns, pg.note, width)
		for i := len(lines) - 1; i >= 0; i-- {
			c.FillText(ns, vg.Point{X: left, Y: bottom + ns.FontExtents().Descent}, lines[i])
			bottom += lineHeight(ns)
		}
		bottom += 8
	}
	return draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: left, Y: bottom}, Max: vg.Point{X: right, Y: y}}}
}

// drawLegend lays the items out in rows from the top-left corner (left,
// top), wrapping at right, and returns the y below the last row.
func drawLegend(c draw.Canvas, items []legendItem, left, right, top vg.Length) vg.Length {
	sty := aligned(textStyle(sans, legendSize, ink), draw.XLeft, draw.YCenter)
	rowH := lineHeight(sty) + 4
	sw := vg.Length(legendSize) * 1.4 // swatch width
	sh := vg.Length(legendSize) * 0.9 // swatch height
	gap := vg.Length(legendSize) * 1.6
	x, mid := left, top-rowH/2
	for _, it := range items {
		w := sw + 5 + sty.Width(it.label)
		if x > left && x+w > right {
			x, mid = left, mid-rowH
		}
		if it.glyph != nil {
			c.DrawGlyphNoClip(*it.glyph, vg.Point{X: x + sw/2, Y: mid})
		} else {
			r := vg.Rectangle{Min: vg.Point{X: x, Y: mid - sh/2}, Max: vg.Point{X: x + sw, Y: mid + sh/2}}
			fillRect(c, r, it.fill, true)
		}
		c.FillText(sty, vg.Point{X: x + sw + 5, Y: mid}, it.label)
		x += w + gap
	}
	return mid - rowH/2
}

// fillRect fills a rectangle, with a thin dark outline when asked (it
// keeps light colours visible on white).
func fillRect(c draw.Canvas, r vg.Rectangle, fill color.Color, outline bool) {
	pts := []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}}
	c.FillPolygon(fill, pts)
	if outline {
		c.StrokeLines(draw.LineStyle{Color: outlineColour, Width: 0.4}, append(pts, pts[0]))
	}
}

// rowLabel is a category's label, drawn left of the data area.
type rowLabel struct {
	text   string
	rank   string // drawn in a column of its own left of text; optional
	bold   bool
	colour color.Color // nil: ink
}

// rowsChart is the frame the three charts share: categories as rows, top
// to bottom, and a value axis along the bottom. Row labels are drawn here
// rather than as axis ticks so that they can be bold, coloured, wrapped or
// carry a rank. Row i (0 = top) is centred at y = n-1-i in data
// coordinates; with header set, a strip two lines high above the first row
// holds captions (see headerY).
type rowsChart struct {
	what   string // the chart, for errors
	labels []rowLabel
	header bool
	x      Range
	xLabel string
	ticks  []gplot.Tick
	layers []gplot.Plotter
	// right is the room kept right of the data area for value labels and
	// annotations.
	right vg.Length
}

func rowY(n, i int) float64 { return float64(n - 1 - i) }

// headerY is the centre of the header row above n rows.
func headerY(p *gplot.Plot, n int) float64 { return (p.Y.Max + float64(n) - 0.5) / 2 }

// minPitch is the least height of a row, in points, that keeps its label
// readable.
const minPitch = 7

func (rc *rowsChart) draw(c draw.Canvas) error {
	n := len(rc.labels)
	tick := textStyle(sans, tickSize, softInk)
	axisLabel := textStyle(sans, labelSize, ink)
	axisHeight := lineHeight(tick) + lineHeight(axisLabel) + 12
	plotHeight := c.Max.Y - c.Min.Y - axisHeight
	var headerHeight vg.Length
	if rc.header {
		headerHeight = 2 * lineHeight(textStyle(sans, labelSize, ink))
	}
	pitch := (plotHeight - headerHeight) / vg.Length(n)
	if pitch < minPitch {
		return fmt.Errorf("plot: %s: %w: %d rows do not fit the image height (at most %d; make the image taller or show fewer rows)",
			rc.what, ErrInvalid, n, max(0, int((plotHeight-headerHeight)/minPitch)))
	}
	// A line of text is about 1.15 times its size high: 0.8 of the pitch
	// keeps neighbouring labels apart.
	size := min(vg.Length(labelSize), max(6, pitch*0.8))
	plain := aligned(textStyle(sans, size, ink), draw.XRight, draw.YCenter)
	bold := aligned(textStyle(sansBold, size, ink), draw.XRight, draw.YCenter)
	maxWidth := (c.Max.X - c.Min.X) * 0.3
	twoLines := pitch >= 2.05*lineHeight(plain)

	texts := make([]string, n)
	var labelWidth, rankWidth vg.Length
	for i, l := range rc.labels {
		sty := plain
		if l.bold {
			sty = bold
		}
		lines := []string{truncate(sty, l.text, maxWidth)}
		if twoLines {
			if w := wrap(sty, l.text, maxWidth); len(w) == 2 {
				lines = w
			} else if len(w) > 2 {
				lines = []string{w[0], truncate(sty, strings.Join(w[1:], " "), maxWidth)}
			}
		}
		texts[i] = strings.Join(lines, "\n")
		labelWidth = max(labelWidth, sty.Width(texts[i]))
		rankWidth = max(rankWidth, plain.Width(l.rank))
	}
	const gap = 8
	left := labelWidth + gap
	if rankWidth > 0 {
		left += rankWidth + gap
	}

	p := gplot.New()
	p.BackgroundColor = nil
	p.HideY()
	p.Y.Padding = 0
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5+float64(headerHeight/pitch)
	p.X.Min, p.X.Max = rc.x.Lo, rc.x.Hi
	p.X.Padding = 0
	axisLine := draw.LineStyle{Color: softInk, Width: 0.6}
	p.X.LineStyle = axisLine
	p.X.Tick.LineStyle = axisLine
	p.X.Tick.Length = 4
	p.X.Tick.Label = aligned(tick, draw.XCenter, draw.YTop)
	p.X.Tick.Marker = gplot.ConstantTicks(rc.ticks)
	p.X.Label.Text = rc.xLabel
	p.X.Label.TextStyle = aligned(axisLabel, draw.XCenter, draw.YBottom)
	p.X.Label.Padding = 4

	p.Add(&frame{n: n, ticks: rc.ticks, left: left, right: rc.right})
	p.Add(rc.layers...)
	p.Add(&labelColumn{labels: rc.labels, texts: texts, plain: plain, bold: bold, gap: gap, left: left, rankWidth: rankWidth})
	p.Draw(draw.Crop(c, left, -rc.right, 0, 0))
	return nil
}

// frame draws alternate row shading (across the labels too, to guide the
// eye), vertical grid lines at the ticks and the baseline.
type frame struct {
	n           int
	ticks       []gplot.Tick
	left, right vg.Length
}

func (f *frame) Plot(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	for i := 0; i < f.n; i++ {
		if bg := rowBackground(i); bg != nil {
			y := rowY(f.n, i)
			r := vg.Rectangle{Min: vg.Point{X: c.Min.X - f.left, Y: ty(y - 0.5)}, Max: vg.Point{X: c.Max.X + f.right, Y: ty(y + 0.5)}}
			fillRect(c, r, bg, false)
		}
	}
	top := ty(rowY(f.n, 0) + 0.5)
	grid := draw.LineStyle{Color: gridColour, Width: 0.5}
	for _, t := range f.ticks {
		if t.Value > p.X.Min && t.Value <= p.X.Max {
			c.StrokeLine2(grid, tx(t.Value), c.Min.Y, tx(t.Value), top)
		}
	}
	c.StrokeLine2(draw.LineStyle{Color: softInk, Width: 0.6}, tx(p.X.Min), c.Min.Y, tx(p.X.Min), top)
}

// rowBackground is the shading of row i (0 = top): every other row, from
// the first; nil for none.
func rowBackground(i int) color.Color {
	if i%2 == 0 {
		return zebraColour
	}
	return nil
}

// labelColumn draws the row labels left of the data area: right-aligned
// against it, or, with ranks, as a table of right-aligned ranks and
// left-aligned names.
type labelColumn struct {
	labels      []rowLabel
	texts       []string
	plain, bold text.Style
	gap         vg.Length
	left        vg.Length // width of the label area
	rankWidth   vg.Length
}

func (l *labelColumn) Plot(c draw.Canvas, p *gplot.Plot) {
	_, ty := p.Transforms(&c)
	n := len(l.labels)
	rankX := c.Min.X - l.left + l.rankWidth
	for i, lab := range l.labels {
		sty := l.plain
		if lab.bold {
			sty = l.bold
		}
		if lab.colour != nil {
			sty.Color = lab.colour
		}
		y := ty(rowY(n, i))
		if l.rankWidth == 0 {
			c.FillText(sty, vg.Point{X: c.Min.X - l.gap, Y: y}, l.texts[i])
			continue
		}
		c.FillText(sty, vg.Point{X: rankX, Y: y}, lab.rank)
		sty.XAlign = draw.XLeft
		c.FillText(sty, vg.Point{X: rankX + l.gap, Y: y}, l.texts[i])
	}
}

// hbar is one horizontal bar: centred at y, thick in data units of the
// row axis, from x0 to x1 (x1 missing: "no data").
type hbar struct {
	y, thick float64
	x0, x1   float64
	fill     color.Color
	label    string
	bold     bool
	// halo, when set, is painted behind the value label so that lines
	// under it (tier boundaries) do not cross the text: the row's colour.
	halo color.Color
}

// caption is text at a data point: aligned by align, in style sty.
type caption struct {
	x, y float64
	dx   vg.Length // offset in points
	text string
	sty  text.Style
}

// bars draws horizontal bars with their value labels, and captions.
type bars struct {
	bars     []hbar
	captions []caption
}

func (b *bars) Plot(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, bar := range b.bars {
		y0, y1 := ty(bar.y-bar.thick/2), ty(bar.y+bar.thick/2)
		size := min(vg.Length(valueSize), max(5.5, 0.95*(y1-y0)))
		mid := (y0 + y1) / 2
		if missing(bar.x1) {
			sty := aligned(textStyle(sansItalic, size, faintInk), draw.XLeft, draw.YCenter)
			c.FillText(sty, vg.Point{X: tx(bar.x0) + 4, Y: mid}, "no data")
			continue
		}
		r := vg.Rectangle{Min: vg.Point{X: tx(bar.x0), Y: y0}, Max: vg.Point{X: tx(bar.x1), Y: y1}}
		fillRect(c, r, bar.fill, true)
		if bar.label != "" {
			f := sans
			if bar.bold {
				f = sansBold
			}
			sty := aligned(textStyle(f, size, ink), draw.XLeft, draw.YCenter)
			at := vg.Point{X: max(r.Min.X, r.Max.X) + 4, Y: mid}
			if bar.halo != nil {
				h := sty.Height(bar.label) / 2
				fillRect(c, vg.Rectangle{Min: vg.Point{X: at.X - 2, Y: mid - h}, Max: vg.Point{X: at.X + sty.Width(bar.label) + 2, Y: mid + h}}, bar.halo, false)
			}
			c.FillText(sty, at, bar.label)
		}
	}
	drawCaptions(c, p, b.captions)
}

func drawCaptions(c draw.Canvas, p *gplot.Plot, cs []caption) {
	tx, ty := p.Transforms(&c)
	for _, cp := range cs {
		c.FillText(cp.sty, vg.Point{X: tx(cp.x) + cp.dx, Y: ty(cp.y)}, cp.text)
	}
}

// widest returns the width of the widest text in a style.
func widest(sty text.Style, texts ...string) vg.Length {
	var w vg.Length
	for _, t := range texts {
		w = max(w, sty.Width(t))
	}
	return w
}

// Profile draws a unit's pillar scores as grouped horizontal bars, each
// pillar with the unit's bar first and then the comparison groups', on the
// framework's scale, with value labels and a legend. A missing value is
// labelled "no data"; a pillar no series has data for gets one "no data"
// caption.
func Profile(w io.Writer, spec ProfileSpec) error {
	if err := spec.check(); err != nil {
		return err
	}
	return render(w, spec.Options, spec.draw)
}

func (s *ProfileSpec) check() error {
	switch {
	case len(s.Pillars) == 0:
		return fmt.Errorf("plot: profile: %w: no pillars", ErrEmpty)
	case len(s.Series) == 0:
		return fmt.Errorf("plot: profile: %w: no series", ErrEmpty)
	case !s.Scale.valid():
		return fmt.Errorf("plot: profile: %w: scale %g-%g is empty", ErrInvalid, s.Scale.Lo, s.Scale.Hi)
	case len(s.Series) > len(OkabeIto):
		return fmt.Errorf("plot: profile: %w: %d series, but only %d colours tell series apart", ErrInvalid, len(s.Series), len(OkabeIto))
	}
	some := false
	for _, se := range s.Series {
		if len(se.Values) != len(s.Pillars) {
			return fmt.Errorf("plot: profile: %w: series %q has %d values for %d pillars", ErrInvalid, se.Name, len(se.Values), len(s.Pillars))
		}
		for _, v := range se.Values {
			some = some || !missing(v)
		}
	}
	if !some {
		return fmt.Errorf("plot: profile: %w: no series has a value", ErrEmpty)
	}
	return nil
}

func (s *ProfileSpec) draw(c draw.Canvas) error {
	x := s.Scale
	for _, se := range s.Series {
		for _, v := range se.Values {
			if !missing(v) {
				x.Lo, x.Hi = math.Min(x.Lo, v), math.Max(x.Hi, v)
			}
		}
	}
	span := x.Hi - x.Lo
	d := decimals([]float64{s.Scale.Lo, s.Scale.Hi})
	scale := strconv.FormatFloat(s.Scale.Lo, 'f', d, 64) + "–" + strconv.FormatFloat(s.Scale.Hi, 'f', d, 64)

	title := s.Unit
	if s.Framework != "" {
		title += ": " + s.Framework
	}
	if s.Year > 0 {
		title += fmt.Sprintf(", %d", s.Year)
	}
	subtitle := s.Subtitle
	if subtitle == "" {
		subtitle = fmt.Sprintf("Pillar scores on the framework's %s scale", scale)
		if len(s.Series) > 1 {
			subtitle += fmt.Sprintf(": %s against comparison groups", s.Series[0].Name)
		}
	}
	xLabel := s.ValueLabel
	if xLabel == "" {
		xLabel = fmt.Sprintf("Score (%s)", scale)
	}
	var legend []legendItem
	for j, se := range s.Series {
		legend = append(legend, legendItem{label: se.Name, fill: seriesColour(j)})
	}
	area := page{title: title, subtitle: subtitle, legend: legend, note: s.Note}.draw(c)

	n, k := len(s.Pillars), len(s.Series)
	thick := 0.84 / float64(k)
	layer := &bars{}
	var labels []string
	for i := range s.Pillars {
		y := rowY(n, i)
		hasData := false
		for _, se := range s.Series {
			hasData = hasData || !missing(se.Values[i])
		}
		if !hasData {
			layer.captions = append(layer.captions, caption{x: x.Lo, y: y, dx: 4, text: "no data",
				sty: aligned(textStyle(sansItalic, valueSize, faintInk), draw.XLeft, draw.YCenter)})
			continue
		}
		for j, se := range s.Series {
			v := se.Values[i]
			b := hbar{y: y + 0.42 - thick*(float64(j)+0.5), thick: thick * 0.88, x0: s.Scale.Lo, x1: v, fill: seriesColour(j), bold: j == 0}
			if !missing(v) {
				b.label = formatValue(v, span)
				labels = append(labels, b.label)
			}
			layer.bars = append(layer.bars, b)
		}
	}
	rc := &rowsChart{what: "profile", x: x, xLabel: xLabel, ticks: niceTicks(x.Lo, x.Hi, 5), layers: []gplot.Plotter{layer},
		right: widest(textStyle(sansBold, valueSize, ink), labels...) + 10}
	for _, name := range s.Pillars {
		rc.labels = append(rc.labels, rowLabel{text: name})
	}
	return rc.draw(area)
}

// Ranking draws an index for many units as horizontal bars sorted from the
// best rank down, with the rank and name of each unit, its value, the
// highlighted unit in vermillion, and, when the spec has tiers, bars
// coloured by tier and the tier boundaries as dashed lines.
func Ranking(w io.Writer, spec RankingSpec) error {
	if err := spec.check(); err != nil {
		return err
	}
	return render(w, spec.Options, spec.draw)
}

func (s *RankingSpec) check() error {
	switch {
	case len(s.Entries) == 0:
		return fmt.Errorf("plot: ranking: %w: no entries", ErrEmpty)
	case !s.Scale.valid():
		return fmt.Errorf("plot: ranking: %w: scale %g-%g is empty", ErrInvalid, s.Scale.Lo, s.Scale.Hi)
	}
	tiers := map[string]bool{}
	for _, t := range s.Tiers {
		if t.Name == "" || missing(t.Lo) || missing(t.Hi) || t.Lo > t.Hi {
			return fmt.Errorf("plot: ranking: %w: tier %q covers %g-%g", ErrInvalid, t.Name, t.Lo, t.Hi)
		}
		tiers[t.Name] = true
	}
	found := s.Highlight == ""
	for _, e := range s.Entries {
		if missing(e.Value) {
			return fmt.Errorf("plot: ranking: %w: entry %q has no value", ErrInvalid, e.Name)
		}
		if e.Tier != "" && !tiers[e.Tier] {
			return fmt.Errorf("plot: ranking: %w: entry %q is in tier %q, which the spec does not list", ErrInvalid, e.Name, e.Tier)
		}
		found = found || e.Code == s.Highlight
	}
	if !found {
		return fmt.Errorf("plot: ranking: %w: highlighted unit %q is not among the entries", ErrInvalid, s.Highlight)
	}
	return nil
}

// sorted returns the entries best first, with ranks filled in where the
// spec left them zero (1 + the number of entries with a higher value).
func (s *RankingSpec) sorted() []RankEntry {
	es := append([]RankEntry(nil), s.Entries...)
	for i := range es {
		if es[i].Rank == 0 {
			r := 1
			for _, o := range s.Entries {
				if o.Value > es[i].Value {
					r++
				}
			}
			es[i].Rank = r
		}
	}
	sort.SliceStable(es, func(a, b int) bool {
		if es[a].Rank != es[b].Rank {
			return es[a].Rank < es[b].Rank
		}
		if es[a].Value != es[b].Value {
			return es[a].Value > es[b].Value
		}
		return es[a].Name < es[b].Name
	})
	return es
}

func (s *RankingSpec) draw(c draw.Canvas) error {
	x := s.Scale
	for _, e := range s.Entries {
		x.Lo, x.Hi = math.Min(x.Lo, e.Value), math.Max(x.Hi, e.Value)
	}
	span := x.Hi - x.Lo
	colours := tierColours(len(s.Tiers))
	tierColour := map[string]color.Color{}
	for i, t := range s.Tiers {
		tierColour[t.Name] = colours[i]
	}

	var legend []legendItem
	var bounds []float64
	for _, t := range s.Tiers {
		bounds = append(bounds, t.Lo, t.Hi)
	}
	d := decimals(bounds)
	for i, t := range s.Tiers {
		r := strconv.FormatFloat(t.Lo, 'f', d, 64)
		if t.Hi > t.Lo {
			r += "–" + strconv.FormatFloat(t.Hi, 'f', d, 64)
		}
		legend = append(legend, legendItem{label: fmt.Sprintf("%s (%s)", t.Name, r), fill: colours[i]})
	}
	es := s.sorted()
	for _, e := range es {
		if e.Code == s.Highlight && s.Highlight != "" {
			legend = append(legend, legendItem{label: e.Name, fill: highlightColour})
		}
	}
	xLabel := s.ValueLabel
	if xLabel == "" {
		xLabel = "Score"
	}
	area := page{title: s.Title, subtitle: s.Subtitle, legend: legend, note: s.Note}.draw(c)

	// Rows: the entries, with a gap row ("…") where ranks jump past what
	// ties explain (units left out).
	type row struct {
		entry *RankEntry
	}
	var rows []row
	for i := range es {
		if i > 0 {
			prev := es[i-1].Rank
			ties := 0
			for _, o := range es[:i] {
				if o.Rank == prev {
					ties++
				}
			}
			if es[i].Rank > prev+ties {
				rows = append(rows, row{})
			}
		}
		rows = append(rows, row{entry: &es[i]})
	}
	n := len(rows)
	layer := &bars{}
	var labels []rowLabel
	var values []string
	for i, r := range rows {
		if r.entry == nil {
			labels = append(labels, rowLabel{text: "…", colour: faintInk})
			continue
		}
		e := r.entry
		lab := rowLabel{text: e.Name, rank: strconv.Itoa(e.Rank)}
		fill := color.Color(neutralBar)
		if c, ok := tierColour[e.Tier]; ok {
			fill = c
		}
		b := hbar{y: rowY(n, i), thick: 0.72, x0: s.Scale.Lo, x1: e.Value, fill: fill, label: formatValue(e.Value, span), halo: rowBackground(i)}
		if b.halo == nil {
			b.halo = color.White
		}
		if s.Highlight != "" && e.Code == s.Highlight {
			lab.bold, lab.colour = true, highlightColour
			b.fill, b.bold = highlightColour, true
			if e.Tier != "" {
				b.label += " · " + e.Tier
			}
		}
		values = append(values, b.label)
		labels = append(labels, lab)
		layer.bars = append(layer.bars, b)
	}
	layers := []gplot.Plotter{layer}
	if len(s.Tiers) > 0 {
		layers = append([]gplot.Plotter{&tierBounds{tiers: s.Tiers, n: n}}, layers...)
	}
	rc := &rowsChart{what: "ranking", labels: labels, header: len(s.Tiers) > 0, x: x, xLabel: xLabel,
		ticks: niceTicks(x.Lo, x.Hi, 5), layers: layers, right: widest(textStyle(sansBold, valueSize, ink), values...) + 10}
	return rc.draw(area)
}

// tierBounds draws dashed lines at the boundaries between tiers and the
// tier names in the header row, centred over their range where they fit.
type tierBounds struct {
	tiers []Tier
	n     int
}

func (t *tierBounds) Plot(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	top := ty(p.Y.Max)
	dash := draw.LineStyle{Color: softInk, Width: 0.7, Dashes: []vg.Length{3, 3}}
	sty := aligned(textStyle(sansItalic, labelSize-1, softInk), draw.XCenter, draw.YCenter)
	for _, tr := range t.tiers {
		lo, hi := math.Max(tr.Lo, p.X.Min), math.Min(tr.Hi, p.X.Max)
		if tr.Lo > p.X.Min && tr.Lo < p.X.Max {
			c.StrokeLine2(dash, tx(tr.Lo), c.Min.Y, tx(tr.Lo), top)
		}
		if hi > lo && sty.Width(tr.Name)+6 < tx(hi)-tx(lo) {
			c.FillText(sty, vg.Point{X: (tx(lo) + tx(hi)) / 2, Y: ty(headerY(p, t.n))}, tr.Name)
		}
	}
}

// Gender draws gender parity scores per indicator as dots around 1 (one
// marker shape and colour per series), the parity band shaded, the first
// series' gaps as lines from parity to its dots, and a column with its
// parity scores and percentage-point gaps.
func Gender(w io.Writer, spec GenderSpec) error {
	if err := spec.check(); err != nil {
		return err
	}
	return render(w, spec.Options, spec.draw)
}

func (s *GenderSpec) check() error {
	switch {
	case len(s.Indicators) == 0:
		return fmt.Errorf("plot: gender: %w: no indicators", ErrEmpty)
	case len(s.Series) == 0:
		return fmt.Errorf("plot: gender: %w: no series", ErrEmpty)
	case s.Band != Range{} && !s.Band.valid():
		return fmt.Errorf("plot: gender: %w: parity band %g-%g is empty", ErrInvalid, s.Band.Lo, s.Band.Hi)
	case len(s.Series) > len(OkabeIto):
		return fmt.Errorf("plot: gender: %w: %d series, but only %d colours tell series apart", ErrInvalid, len(s.Series), len(OkabeIto))
	}
	some := false
	for _, se := range s.Series {
		if len(se.Parity) != len(s.Indicators) {
			return fmt.Errorf("plot: gender: %w: series %q has %d parity scores for %d indicators", ErrInvalid, se.Name, len(se.Parity), len(s.Indicators))
		}
		if se.PointGap != nil && len(se.PointGap) != len(s.Indicators) {
			return fmt.Errorf("plot: gender: %w: series %q has %d gaps for %d indicators", ErrInvalid, se.Name, len(se.PointGap), len(s.Indicators))
		}
		for _, v := range se.Parity {
			some = some || !missing(v)
		}
	}
	if !some {
		return fmt.Errorf("plot: gender: %w: no series has a parity score", ErrEmpty)
	}
	return nil
}

// markerShapes tell the series apart without colour.
var markerShapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, diamondGlyph{}, draw.RingGlyph{}, draw.CrossGlyph{}}

// diamondGlyph is a filled diamond.
type diamondGlyph struct{}

func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.25
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	p.Close()
	c.Fill(p)
}

func marker(j int, radius vg.Length) draw.GlyphStyle {
	return draw.GlyphStyle{Color: seriesColour(j), Radius: radius, Shape: markerShapes[j%len(markerShapes)]}
}

func (s *GenderSpec) draw(c draw.Canvas) error {
	band := s.Band
	if band == (Range{}) {
		band = DefaultParityBand
	}
	x := Range{Lo: math.Min(band.Lo, 1), Hi: math.Max(band.Hi, 1)}
	for _, se := range s.Series {
		for _, v := range se.Parity {
			if !missing(v) {
				x.Lo, x.Hi = math.Min(x.Lo, v), math.Max(x.Hi, v)
			}
		}
	}
	// Pad the range, not below zero unless a value is (parity scores are
	// ratios of rates).
	pad := 0.06 * (x.Hi - x.Lo)
	lo := x.Lo - pad
	if x.Lo >= 0 {
		lo = math.Max(0, lo)
	}
	x.Lo, x.Hi = lo, x.Hi+pad

	legend := make([]legendItem, 0, len(s.Series)+1)
	for j, se := range s.Series {
		m := marker(j, 4.5)
		legend = append(legend, legendItem{label: se.Name, glyph: &m})
	}
	legend = append(legend, legendItem{label: fmt.Sprintf("parity band %.2f–%.2f", band.Lo, band.Hi), fill: bandColour})
	subtitle := s.Subtitle
	if subtitle == "" {
		subtitle = "Gender parity score per indicator: the female rate divided by the male rate; 1 is parity, below 1 women are behind"
	}
	xLabel := s.ValueLabel
	if xLabel == "" {
		xLabel = "Gender parity score (female rate ÷ male rate)"
	}
	area := page{title: s.Title, subtitle: subtitle, legend: legend, note: s.Note}.draw(c)

	main := s.Series[0]
	head := "F/M · gap M−F"
	notes := []string{head}
	annot := make([]string, len(s.Indicators))
	for i, v := range main.Parity {
		switch {
		case missing(v):
			annot[i] = "no data"
		case main.PointGap != nil && !missing(main.PointGap[i]):
			annot[i] = fmt.Sprintf("%.2f · %s pp", v, signed(main.PointGap[i]))
		default:
			annot[i] = fmt.Sprintf("%.2f", v)
		}
		notes = append(notes, annot[i])
	}
	layer := &parityDots{series: s.Series, band: band, annot: annot, head: head}
	rc := &rowsChart{what: "gender", header: true, x: x, xLabel: xLabel, ticks: niceTicks(x.Lo, x.Hi, 8),
		layers: []gplot.Plotter{layer}, right: widest(textStyle(sansBold, valueSize, ink), notes...) + 16}
	for _, name := range s.Indicators {
		rc.labels = append(rc.labels, rowLabel{text: name})
	}
	return rc.draw(area)
}

// signed prints a gap with one decimal and a true minus sign.
func signed(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), "-", "−", 1)
}

// parityDots draws the parity band, the parity line, the first series'
// gaps, every series' dots, direction captions in the header row and the
// first series' annotation column right of the data area.
type parityDots struct {
	series []GenderSeries
	band   Range
	annot  []string
	head   string
}

func (d *parityDots) Plot(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	n := len(d.annot)
	top := ty(float64(n) - 0.5)
	pitch := ty(1) - ty(0)
	fillRect(c, vg.Rectangle{Min: vg.Point{X: tx(d.band.Lo), Y: c.Min.Y}, Max: vg.Point{X: tx(d.band.Hi), Y: top}}, bandColour, false)
	c.StrokeLine2(draw.LineStyle{Color: softInk, Width: 0.9}, tx(1), c.Min.Y, tx(1), top)

	k := len(d.series)
	radius := min(6, max(2.5, pitch*0.6/vg.Length(2*k)+1))
	offset := func(j int) float64 {
		if k == 1 {
			return 0
		}
		return 0.3 - 0.6*(float64(j)+0.5)/float64(k)
	}
	gapLine := draw.LineStyle{Color: seriesColour(0), Width: 1.6}
	for i, v := range d.series[0].Parity {
		if !missing(v) {
			y := ty(rowY(n, i) + offset(0))
			c.StrokeLine2(gapLine, tx(1), y, tx(v), y)
		}
	}
	for j := k - 1; j >= 0; j-- {
		m := marker(j, radius)
		for i, v := range d.series[j].Parity {
			if !missing(v) {
				c.DrawGlyphNoClip(m, vg.Point{X: tx(v), Y: ty(rowY(n, i) + offset(j))})
			}
		}
	}

	head := ty(headerY(p, n))
	direction := aligned(textStyle(sansItalic, labelSize-1, softInk), draw.XRight, draw.YCenter)
	if w := direction.Width("← women behind"); tx(d.band.Lo)-6-w > c.Min.X {
		c.FillText(direction, vg.Point{X: tx(d.band.Lo) - 6, Y: head}, "← women behind")
	}
	direction.XAlign = draw.XLeft
	if w := direction.Width("men behind →"); tx(d.band.Hi)+6+w < c.Max.X {
		c.FillText(direction, vg.Point{X: tx(d.band.Hi) + 6, Y: head}, "men behind →")
	}

	size := min(vg.Length(valueSize), max(5.5, pitch*0.6))
	ann := aligned(textStyle(sans, size, ink), draw.XLeft, draw.YCenter)
	hs := aligned(textStyle(sansBold, size, seriesColour(0)), draw.XLeft, draw.YCenter)
	x := c.Max.X + 12
	c.FillText(hs, vg.Point{X: x, Y: head}, d.head)
	for i, a := range d.annot {
		sty := ann
		if a == "no data" {
			sty = aligned(textStyle(sansItalic, size, faintInk), draw.XLeft, draw.YCenter)
		}
		c.FillText(sty, vg.Point{X: x, Y: ty(rowY(n, i) + offset(0))}, a)
	}
}
