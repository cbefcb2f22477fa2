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
