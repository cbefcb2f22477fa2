package plot

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

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
