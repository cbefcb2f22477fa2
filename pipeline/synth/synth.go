// Package synth writes seeded synthetic panels in DRI's long format for
// scale tests: sub-national units x indicators x years, with missing values
// and outliers, plus the registry entries of its indicators and a framework
// that scores them (the index = the mean of min-max normalised indicators,
// the same work as the peer benchmark's SQL).
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/dri-engine/dri/pipeline/dims"
)

// Spec sizes a synthetic panel.
type Spec struct {
	Units, Indicators, Years int
	FirstYear                int
	Sexes                    bool    // also F and M rows for every value
	Missing                  float64 // share of values left out
	Outliers                 float64 // share of values multiplied by 10
	Seed                     uint64
}

// Defaults fills zero fields: 5,000 units, 100 indicators, 20 years from
// 2005, 5 % missing, 0.1 % outliers, seed 1.
func (s *Spec) Defaults() {
	if s.Units == 0 {
		s.Units = 5000
	}
	if s.Indicators == 0 {
		s.Indicators = 100
	}
	if s.Years == 0 {
		s.Years = 20
	}
	if s.FirstYear == 0 {
		s.FirstYear = 2005
	}
	if s.Missing == 0 {
		s.Missing = 0.05
	}
	if s.Outliers == 0 {
		s.Outliers = 0.001
	}
	if s.Seed == 0 {
		s.Seed = 1
	}
}

// countries are the ISO 3166-1 alpha-2 prefixes of the synthetic
// subdivisions (ISO 3166-2 style codes XX-NNN).
var countries = []string{"KE", "UG", "TZ", "RW", "ET", "NG", "GH", "SN", "ML", "NE", "BF", "CI", "CM", "CD", "AO", "ZM",
	"ZW", "MZ", "MW", "MG", "BD", "NP", "PK", "IN", "LK", "MM", "KH", "LA", "VN", "PH", "ID", "PG", "BO", "PE", "CO",
	"EC", "GT", "HN", "NI", "HT", "EG", "MA", "TN", "DZ", "SD", "YE", "AF", "UZ", "TJ", "KG"}

// Unit returns the code of unit i: 999 subdivisions per country prefix.
func Unit(i int) string {
	return fmt.Sprintf("%s-%03d", countries[(i/999)%len(countries)], i%999+1)
}

// Indicator returns the id of indicator j.
func Indicator(j int) string { return fmt.Sprintf("synth.i%03d", j+1) }

// MaxUnits is the number of distinct unit codes Unit can make.
var MaxUnits = 999 * len(countries)

// Rows calls fn for every observation in file order (unit, indicator, sex,
// year): deterministic for a seed.
func (s *Spec) Rows(fn func(unit, indicator int, sex string, year int, value float64)) {
	r := rand.New(rand.NewPCG(s.Seed, 0x5eed))
	sexes := []string{dims.Total}
	if s.Sexes {
		sexes = []string{dims.Total, dims.Female, dims.Male}
	}
	// Each indicator has a scale and a spread; each unit a level; values
	// grow over the years.
	scale := make([]float64, s.Indicators)
	for j := range scale {
		scale[j] = 10 + 90*r.Float64()
	}
	for u := 0; u < s.Units; u++ {
		level := r.NormFloat64()
		for j := 0; j < s.Indicators; j++ {
			for _, sex := range sexes {
				shift := 0.0
				if sex == dims.Female {
					shift = -0.05
				}
				for y := 0; y < s.Years; y++ {
					if r.Float64() < s.Missing {
						continue
					}
					v := scale[j] * math.Exp(0.3*level+0.02*float64(y)+shift+0.2*r.NormFloat64())
					if r.Float64() < s.Outliers {
						v *= 10
					}
					fn(u, j, sex, s.FirstYear+y, v)
				}
			}
		}
	}
}

// WriteCSV writes the panel as long-format CSV.
func (s *Spec) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	header := "unit,year,indicator,value\n"
	if s.Sexes {
		header = "unit,year,indicator,sex,value\n"
	}
	bw.WriteString(header)
	units := make([]string, s.Units)
	for i := range units {
		units[i] = Unit(i)
	}
	inds := make([]string, s.Indicators)
	for j := range inds {
		inds[j] = Indicator(j)
	}
	var buf []byte
	s.Rows(func(u, j int, sex string, year int, v float64) {
		buf = buf[:0]
		buf = append(buf, units[u]...)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(year), 10)
		buf = append(buf, ',')
		buf = append(buf, inds[j]...)
		buf = append(buf, ',')
		if s.Sexes {
			buf = append(buf, sex...)
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, v, 'f', 4, 64)
		buf = append(buf, '\n')
		bw.Write(buf)
	})
	return bw.Flush()
}

// WriteParquet writes the panel as long-format Parquet (row groups of 1M),
// values rounded to 4 decimals as in the CSV.
func (s *Spec) WriteParquet(w io.Writer) error {
	fields := []arrow.Field{{Name: "unit", Type: arrow.BinaryTypes.String}, {Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "indicator", Type: arrow.BinaryTypes.String}}
	if s.Sexes {
		fields = append(fields, arrow.Field{Name: "sex", Type: arrow.BinaryTypes.String})
	}
	fields = append(fields, arrow.Field{Name: "value", Type: arrow.PrimitiveTypes.Float64})
	schema := arrow.NewSchema(fields, nil)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(true))
	// The writer closes its sink on Close; the caller owns w.
	fw, err := pqarrow.NewFileWriter(schema, struct{ io.Writer }{w}, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	units := make([]string, s.Units)
	for i := range units {
		units[i] = Unit(i)
	}
	var werr error
	flush := func() {
		if werr != nil || b.Field(0).Len() == 0 {
			return
		}
		rec := b.NewRecordBatch()
		werr = fw.Write(rec)
		rec.Release()
	}
	vi := len(fields) - 1
	s.Rows(func(u, j int, sex string, year int, v float64) {
		b.Field(0).(*array.StringBuilder).Append(units[u])
		b.Field(1).(*array.Int32Builder).Append(int32(year))
		b.Field(2).(*array.StringBuilder).Append(Indicator(j))
		if s.Sexes {
			b.Field(3).(*array.StringBuilder).Append(sex)
		}
		// The value the CSV holds (4 decimals), so both files are one panel.
		r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 4, 64), 64)
		b.Field(vi).(*array.Float64Builder).Append(r)
		if b.Field(0).Len() >= 1<<20 {
			flush()
		}
	})
	flush()
	if werr != nil {
		fw.Close()
		return werr
	}
	return fw.Close()
}

// Registry returns the registry fragment (YAML) for the panel's indicators.
func (s *Spec) Registry() []byte {
	var b []byte
	b = append(b, "# Synthetic indicators written by dri synth.\nindicators:\n"...)
	disagg := "[]"
	if s.Sexes {
		disagg = "[sex]"
	}
	for j := 0; j < s.Indicators; j++ {
		b = fmt.Appendf(b, "  - {id: %s, name: \"Synthetic indicator %d\", unit: value, polarity: 1, disaggregations: %s, sources: [], definition: synthetic}\n",
			Indicator(j), j+1, disagg)
	}
	return b
}

// Subdivisions returns the sidecar (CSV, code,name) that declares the
// panel's sub-national codes: they have the ISO 3166-2 form but are not in
// ISO 3166-2, which DRI checks codes against. The pipeline reads
// FILE.subdivisions.csv next to a long file.
func (s *Spec) Subdivisions() []byte {
	b := []byte("code,name\n")
	for i := 0; i < s.Units; i++ {
		b = fmt.Appendf(b, "%s,Synthetic unit %d\n", Unit(i), i+1)
	}
	return b
}

// Framework returns a framework (YAML) scoring the panel as the peer
// benchmark does: each indicator min-max normalised to 0-100 within the
// year, the index their mean over the values present.
func (s *Spec) Framework(id string) []byte {
	b := fmt.Appendf(nil, `id: %s
name: Synthetic panel index
description: Mean of the min-max normalised synthetic indicators, per year.
source: dri synth
departures: none
year_window: 0
scale: {lo: 0, hi: 100}
methods: {impute: none, treat: none, normalise: "minmax:0,100", aggregate: amean, weights: equal, coverage: 0}
tiers: {scheme: none}
tree:
  - code: INDEX
    name: Synthetic index
    children:
`, id)
	for j := 0; j < s.Indicators; j++ {
		b = fmt.Appendf(b, "      - {code: I%03d, indicator: %s}\n", j+1, Indicator(j))
	}
	return b
}
