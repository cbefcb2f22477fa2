package plot

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

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
