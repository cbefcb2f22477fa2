package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"sort"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

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
