package plot

import (
	"fmt"
	"io"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

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
