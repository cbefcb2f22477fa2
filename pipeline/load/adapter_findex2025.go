package load

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/dims"
)

// findexBreakdown is where one (group, group2) pair of the Global Findex
// Database 2025 lands among DRI's breakdowns; empty fields are totals.
type findexBreakdown struct {
	sex, area, age, income, education, labour string
}

// findex2025Groups maps the database's breakdown columns (group, group2), as
// the World Bank writes them, to DRI's breakdown codes (pipeline/dims). The
// database crosses no two breakdowns: each row is the economy's total or
// one group of one breakdown.
var findex2025Groups = map[[2]string]findexBreakdown{
	{"all", "all"}:                         {},
	{"gender", "women"}:                    {sex: dims.Female},
	{"gender", "men"}:                      {sex: dims.Male},
	{"age_cat", "ages 15-24"}:              {age: "Y15T24"},
	{"age_cat", "age 25+"}:                 {age: "Y_GE25"},
	{"education", "prim edu or less"}:      {education: dims.PrimaryOrLess},
	{"education", "secondary edu or more"}: {education: dims.SecondaryOrMore},
	{"laborforce", "in laborforce"}:        {labour: dims.InLabourForce},
	{"laborforce", "out of laborforce"}:    {labour: dims.OutOfLabourForce},
	{"income", "poorest 40%"}:              {income: dims.Bottom40},
	{"income", "richest 60%"}:              {income: dims.Top60},
	{"urbanicity", "urban"}:                {area: dims.Urban},
	{"urbanicity", "rural"}:                {area: dims.Rural},
}

// findex2025Pairs lists the known (group, group2) pairs for a message, in
// the database's order.
const findex2025Pairs = "all/all, gender/women|men, age_cat/ages 15-24|age 25+, education/prim edu or less|secondary edu or more, " +
	"laborforce/in laborforce|out of laborforce, income/poorest 40%|richest 60%, urbanicity/urban|rural"

type findex2025Options struct {
	// Shares maps the database's indicator columns (account_t_d, fin26a),
	// written as shares from 0 to 1, to registry ids; they are read as
	// percent.
	Shares map[string]string `yaml:"shares"`
	// Economy maps columns that describe the economy and year rather than a
	// group (pop_adult, the adult population) to registry ids: read as
	// published from the all/all row only, since every breakdown row of the
	// economy repeats them.
	Economy map[string]string `yaml:"economy"`
}

// Reasons for cells the findex-2025 adapter counts as not data.
const (
	findexRepeated = "economy columns repeated on breakdown rows"
	findexNA       = "'NA' cells"
)

// readFindex2025 reads the World Bank's Global Findex Database 2025 (one
// row per economy, wave and breakdown group, one column per indicator,
// shares 0-1, NA for missing). The World Bank's aggregates (WLD, regions
// excluding high income, income groups) are skipped and counted; a
// (group, group2) pair the adapter does not know quarantines the row.
func readFindex2025(s *source) error {
	var opt findex2025Options
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	if len(opt.Shares)+len(opt.Economy) == 0 {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "options: no column mapped (shares:, economy:)")
	}
	shares, economy := sortedKeys(opt.Shares), sortedKeys(opt.Economy)
	want := append([]string{"codewb", "year", "group", "group2"}, shares...)
	t, err := s.openTable(nil, ',', append(want, economy...)...)
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	s.Ignore("columns not used", len(t.hdr)-len(want)-len(economy))
	return s.eachRow(t, t.file, func(rec []string, line int) error {
		unit := field(rec, col["codewb"])
		if s.skipAggregate(unit, pipeline.ByCode, wbAggregates) {
			return nil
		}
		group, group2 := strings.TrimSpace(field(rec, col["group"])), strings.TrimSpace(field(rec, col["group2"]))
		b, ok := findex2025Groups[[2]string{group, group2}]
		if !ok {
			_, c := t.pos(col["group"])
			s.Quarantine(line, c, pipeline.Error, pipeline.RuleBadCode, "group %s, group2 %s is not a breakdown of the Findex 2025 database (%s); the row is not read",
				pipeline.Excerpt(group), pipeline.Excerpt(group2), findex2025Pairs)
			return nil
		}
		l, c := t.pos(col["year"])
		year, ok := s.ParseYear(field(rec, col["year"]), l, c)
		if !ok {
			return nil
		}
		_, unitCol := t.pos(col["codewb"])
		// An unknown unit quarantines the row's values with one problem,
		// not one per cell.
		if !s.CheckUnit(unit, pipeline.ByCode, line, unitCol, findexValues(rec, col, shares, economy, b)) {
			return nil
		}
		_, groupCol := t.pos(col["group2"])
		fields := pipeline.FieldColumns{Unit: unitCol, Year: c}
		switch {
		case b.sex != "":
			fields.Sex = groupCol
		case b.area != "":
			fields.Area = groupCol
		case b.age != "":
			fields.Age = groupCol
		case b.income != "":
			fields.Income = groupCol
		case b.education != "":
			fields.Education = groupCol
		case b.labour != "":
			fields.Labour = groupCol
		}
		add := func(name, indicator string, percent bool) {
			i := col[name]
			cell := strings.TrimSpace(field(rec, i))
			if isMissingCell(cell) {
				s.Ignore(findexNA, 1)
				return
			}
			l, c := t.pos(i)
			text := cell
			if percent {
				if text, ok = percentOfShare(cell); !ok {
					s.Quarantine(l, c, pipeline.Error, pipeline.RuleNotANumber, "%s %s is not a decimal share", indicator, pipeline.Excerpt(cell))
					return
				}
			}
			v, ok := s.ParseValue(text, l, c, indicator)
			if !ok {
				return
			}
			s.Add(pipeline.Obs{Line: l, Column: c, Fields: fields, Unit: unit, UnitKind: pipeline.ByCode, Year: year, Indicator: indicator,
				Sex: b.sex, Area: b.area, Age: b.age, Income: b.income, Education: b.education, Labour: b.labour, Value: v})
		}
		for _, name := range shares {
			add(name, opt.Shares[name], true)
		}
		if b != (findexBreakdown{}) {
			s.Ignore(findexRepeated, len(economy))
			return nil
		}
		for _, name := range economy {
			add(name, opt.Economy[name], false)
		}
		return nil
	})
}

// findexValues counts the cells of a row that hold data: its mapped
// shares, and on an all/all row its economy columns, less the missing.
func findexValues(rec []string, col map[string]int, shares, economy []string, b findexBreakdown) int {
	names := shares
	if b == (findexBreakdown{}) {
		names = append(slices.Clip(shares), economy...)
	}
	n := 0
	for _, name := range names {
		if !isMissingCell(field(rec, col[name])) {
			n++
		}
	}
	return n
}

// percentOfShare returns the decimal text of a share written from 0 to 1
// as a percentage, by moving the decimal point two places to the right in
// the text: "0.090050121" -> "9.0050121", "1" -> "100", "2.79E-04" ->
// "2.79E-2". Parsing the result gives the float64 nearest the published
// decimal times 100; parsing the share and multiplying by 100 rounds twice
// and misses it for 14 210 of the shipped file's 55 746 shares (0.887419602
// * 100 = 88.74196020000001, Kenya 2024 rural, line 4979). ok is false for
// text that is not a decimal, plain or with an exponent: a form a float
// parser would take but this shift would not scale ("0x1p-2", "Inf") must
// not load as an unscaled share.
func percentOfShare(s string) (string, bool) {
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	mantissa, exp, hasExp := strings.Cut(s, "e")
	if !hasExp {
		mantissa, exp, hasExp = strings.Cut(s, "E")
	}
	whole, frac, _ := strings.Cut(mantissa, ".")
	if whole == "" && frac == "" || strings.Trim(whole+frac, "0123456789") != "" {
		return "", false
	}
	if hasExp {
		e, err := strconv.Atoi(exp)
		if err != nil {
			return "", false
		}
		return sign + mantissa + "e" + strconv.Itoa(e+2), true
	}
	for len(frac) < 2 {
		frac += "0"
	}
	whole = strings.TrimLeft(whole+frac[:2], "0")
	if whole == "" {
		whole = "0"
	}
	if frac = frac[2:]; frac != "" {
		return sign + whole + "." + frac, true
	}
	return sign + whole, true
}
