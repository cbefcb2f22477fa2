package load

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dri-engine/dri/pipeline"
)

// Reference adapters build the units and groups tables. Their rows count as
// read and loaded like observations, so every file has the same accounting.

func readM49(s *source) error {
	t, err := s.openTable(nil, ';', "Global Code", "Region Code", "Region Name", "Sub-region Code", "Sub-region Name",
		"Intermediate Region Code", "Intermediate Region Name", "Country or Area", "M49 Code",
		"ISO-alpha2 Code", "ISO-alpha3 Code", "Least Developed Countries (LDC)",
		"Land Locked Developing Countries (LLDC)", "Small Island Developing States (SIDS)")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	pad := func(c string) string {
		c = strings.TrimSpace(c)
		if c == "" {
			return ""
		}
		return fmt.Sprintf("%03s", c)
	}
	return s.eachRow(t, t.file, func(rec []string, line int) error {
		for _, c := range []string{"Global Code", "Region Code", "Sub-region Code", "Intermediate Region Code"} {
			if code := pad(field(rec, col[c])); code != "" {
				s.ref.AddAggregate("M49:"+code, field(rec, col[c]))
			}
		}
		iso3 := strings.TrimSpace(field(rec, col["ISO-alpha3 Code"]))
		s.Report().Read++
		if len(iso3) != 3 {
			_, c := t.pos(col["ISO-alpha3 Code"])
			s.Report().Quarantined++
			s.Problem(line, c, pipeline.Error, pipeline.RuleBadCode, "ISO-alpha3 code %s is not three letters", pipeline.Excerpt(iso3))
			return nil
		}
		u := &pipeline.Unit{
			Code: iso3, ISO2: strings.TrimSpace(field(rec, col["ISO-alpha2 Code"])),
			M49: pad(field(rec, col["M49 Code"])), Name: strings.TrimSpace(field(rec, col["Country or Area"])),
			Type:       pipeline.UnitTerritory,
			RegionCode: pad(field(rec, col["Region Code"])), Region: strings.TrimSpace(field(rec, col["Region Name"])),
			SubRegionCode: pad(field(rec, col["Sub-region Code"])), SubRegion: strings.TrimSpace(field(rec, col["Sub-region Name"])),
			IntermediateRegionCode: pad(field(rec, col["Intermediate Region Code"])),
			IntermediateRegion:     strings.TrimSpace(field(rec, col["Intermediate Region Name"])),
			LDC:                    flag(field(rec, col["Least Developed Countries (LDC)"])),
			LLDC:                   flag(field(rec, col["Land Locked Developing Countries (LLDC)"])),
			SIDS:                   flag(field(rec, col["Small Island Developing States (SIDS)"])),
		}
		if _, err := s.ref.AddUnit(u); err != nil {
			s.Report().Quarantined++
			s.Problem(line, 0, pipeline.Error, pipeline.RuleDuplicateKey, "%v", err)
			return nil
		}
		s.Report().Loaded++
		return nil
	})
}

func flag(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "x", "1", "true", "yes", "y":
		return true
	}
	return false
}

// readRows reads a small DRI reference CSV with a header and calls fn for each
// record; fn returns an error to quarantine the row.
func readRows(s *source, want []string, fn func(rec []string, col map[string]int) error) error {
	t, err := s.openTable(nil, ',', want...)
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	return s.eachRow(t, t.file, func(rec []string, line int) error {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			return nil
		}
		s.Report().Read++
		if err := fn(rec, col); err != nil {
			s.Report().Quarantined++
			var re *pipeline.RuleError
			if e, ok := err.(*pipeline.RuleError); ok {
				re = e
			} else {
				re = pipeline.Reject(pipeline.RuleBadCode, "%s", err.Error())
			}
			s.Problem(line, 0, pipeline.Error, re.Rule(), "%s", re.Error())
			return nil
		}
		s.Report().Loaded++
		return nil
	})
}

func readUnitsExtra(s *source) error {
	return readRows(s, []string{"code", "iso2", "m49", "name", "note"}, func(rec []string, col map[string]int) error {
		u := &pipeline.Unit{Code: strings.TrimSpace(field(rec, col["code"])), ISO2: strings.TrimSpace(field(rec, col["iso2"])),
			M49: strings.TrimSpace(field(rec, col["m49"])), Name: strings.TrimSpace(field(rec, col["name"])), Type: pipeline.UnitTerritory}
		if len(u.Code) != 3 || strings.ToUpper(u.Code) != u.Code {
			return pipeline.Reject(pipeline.RuleBadCode, "code %s is not three upper-case letters", pipeline.Excerpt(u.Code))
		}
		_, err := s.ref.AddUnit(u)
		return err
	})
}

func readUNMembers(s *source) error {
	n := 0
	err := readRows(s, []string{"iso3", "name"}, func(rec []string, col map[string]int) error {
		code := strings.TrimSpace(field(rec, col["iso3"]))
		i, ok := s.ref.UnitIndex(code)
		if !ok {
			return pipeline.Reject(pipeline.RuleUnknownUnit, "UN member %s is not in the M49 table", pipeline.Excerpt(code))
		}
		u := s.ref.UnitAt(i)
		u.UNMember = true
		u.Type = pipeline.UnitCountry
		// The list's name is the UN's current one; the M49 copy shipped
		// predates some renames (Turkey -> Türkiye, June 2022).
		if name := strings.TrimSpace(field(rec, col["name"])); name != "" && name != u.Name {
			s.Problem(0, 0, pipeline.Notice, pipeline.RuleKnownDefect, "%s is named %q as the UN names it today; the M49 file says %q (that name still matches)", code, name, u.Name)
			s.ref.RenameUnit(i, name)
		}
		n++
		return nil
	})
	if err == nil && n != 193 {
		s.Problem(0, 0, pipeline.Notice, pipeline.RuleKnownDefect, "%d UN member states listed; the UN has 193", n)
	}
	return err
}

type wbClassOptions struct {
	// Unclassified lists economies whose income group in this copy is not
	// the World Bank's (code -> why); they are left without one.
	Unclassified map[string]string `yaml:"unclassified"`
}

func readWBClass(s *source) error {
	var opt wbClassOptions
	if err := pipeline.DecodeOptions(s.entry, &opt); err != nil {
		return pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
	}
	income := map[string]string{}
	for _, ig := range pipeline.IncomeGroups {
		income[strings.ToLower(ig.Name)] = ig.Code
	}
	region := map[string]string{}
	for _, r := range pipeline.WBRegions {
		region[strings.ToLower(r.Name)] = r.Code
	}
	t, err := s.openTable(nil, ',', "Economy", "Code", "Region", "Income group")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	return s.eachRow(t, t.file, func(rec []string, line int) error {
		code := strings.TrimSpace(field(rec, col["Code"]))
		if code == "" {
			s.Ignore("blank lines", 1)
			return nil
		}
		ig := strings.TrimSpace(field(rec, col["Income group"]))
		rg := strings.TrimSpace(field(rec, col["Region"]))
		i, ok := s.ref.UnitIndex(code)
		if !ok {
			if ig == "" && rg == "" {
				s.ref.AddAggregate(code, field(rec, col["Economy"]))
				s.Ignore("World Bank aggregates", 1)
				return nil
			}
			s.Quarantine(line, 0, pipeline.Error, pipeline.RuleUnknownUnit, "economy %s (%s) is not in the units table", pipeline.Excerpt(code), pipeline.Excerpt(field(rec, col["Economy"])))
			return nil
		}
		s.Report().Read++
		u := s.ref.UnitAt(i)
		if why, ok := opt.Unclassified[code]; ok {
			s.Problem(line, 0, pipeline.Notice, pipeline.RuleKnownDefect, "%s: income group %s left out: %s", code, pipeline.Excerpt(ig), why)
			ig = ""
		}
		if ig != "" {
			c, ok := income[strings.ToLower(ig)]
			if !ok {
				s.Report().Quarantined++
				_, cpos := t.pos(col["Income group"])
				s.Problem(line, cpos, pipeline.Error, pipeline.RuleBadCode, "income group %s is not one of the four World Bank groups", pipeline.Excerpt(ig))
				return nil
			}
			u.IncomeGroup = c
		}
		if rg != "" {
			c, ok := region[strings.ToLower(rg)]
			if !ok {
				s.Report().Quarantined++
				_, cpos := t.pos(col["Region"])
				s.Problem(line, cpos, pipeline.Error, pipeline.RuleBadCode, "region %s is not one of the seven World Bank regions", pipeline.Excerpt(rg))
				return nil
			}
			u.WBRegion = c
		}
		s.Report().Loaded++
		return nil
	})
}

func readWBClassGroups(s *source) error {
	return readRows(s, []string{"WB_Group_Code", "WB_Group_Name", "WB_Country_Code"}, func(rec []string, col map[string]int) error {
		g := strings.TrimSpace(field(rec, col["WB_Group_Code"]))
		if g == "" {
			return pipeline.Reject(pipeline.RuleBadCode, "empty group code")
		}
		s.ref.AddAggregate(g, field(rec, col["WB_Group_Name"]))
		return nil
	})
}

func readAliases(s *source) error {
	return readRows(s, []string{"alias", "code", "note"}, func(rec []string, col map[string]int) error {
		alias, code := field(rec, col["alias"]), strings.TrimSpace(field(rec, col["code"]))
		if _, ok := s.ref.UnitIndex(code); !ok {
			return pipeline.Reject(pipeline.RuleUnknownUnit, "alias %s points at unknown unit %s", pipeline.Excerpt(alias), pipeline.Excerpt(code))
		}
		n := pipeline.NormName(alias)
		if prev, dup := s.ref.Alias(n); dup && prev != code {
			return pipeline.Reject(pipeline.RuleDuplicateKey, "alias %s already points at %s", pipeline.Excerpt(alias), prev)
		}
		s.ref.SetAlias(n, code)
		return nil
	})
}

// readSubdivisionAliases reads national publishers' names and codes for
// regions (alias,code,note): code must be in a subdivision list, and the
// alias holds within the code's country only.
func readSubdivisionAliases(s *source) error {
	return readRows(s, []string{"alias", "code", "note"}, func(rec []string, col map[string]int) error {
		if e := s.ref.AddSubdivisionAlias(field(rec, col["alias"]), strings.TrimSpace(field(rec, col["code"]))); e != nil {
			return e
		}
		return nil
	})
}

// readLDCMembership reads the LDC list's history: per state the year it was
// added and the date it graduated (YYYY-MM-DD or YYYY-MM; empty while it is
// an LDC). A state counts as an LDC in a year when it was added by then and
// had not graduated by 1 July, the reference date of the midyear population
// that weighs the group: Vanuatu (graduated 4 Dec 2020) is an LDC in 2020,
// Maldives (1 Jan 2011) is not in 2011. The states still listed must be the
// M49 table's LDCs; a difference is reported against each row. A state
// listed twice is rejected (its second row), not merged.
func readLDCMembership(s *source) error {
	var periods []pipeline.MemberPeriod
	current := map[string]bool{}
	listed := map[string]bool{}
	err := readRows(s, []string{"iso3", "country", "added", "graduated", "source"}, func(rec []string, col map[string]int) error {
		code := strings.TrimSpace(field(rec, col["iso3"]))
		i, ok := s.ref.UnitIndex(code)
		if !ok {
			return pipeline.Reject(pipeline.RuleUnknownUnit, "LDC %q is not in the M49 table", code)
		}
		added, err := strconv.Atoi(strings.TrimSpace(field(rec, col["added"])))
		if err != nil || added < 1971 {
			return pipeline.Reject(pipeline.RuleNotANumber, "%s: added %q is not a year from 1971 (the first list)", code, field(rec, col["added"]))
		}
		if strings.TrimSpace(field(rec, col["source"])) == "" {
			return pipeline.Reject(pipeline.RuleBadEntry, "%s: no source cited", code)
		}
		p := pipeline.MemberPeriod{Unit: s.ref.UnitAt(i).Code, From: added}
		if g := strings.TrimSpace(field(rec, col["graduated"])); g != "" {
			y, m, ok := graduationMonth(g)
			if !ok || y < added {
				return pipeline.Reject(pipeline.RuleNotANumber, "%s: graduated %q is not a date YYYY-MM[-DD] after %d", code, g, added)
			}
			p.To = y - 1
			if m >= 7 {
				p.To = y
			}
		} else {
			current[p.Unit] = true
			if !s.ref.UnitAt(i).LDC {
				return pipeline.Reject(pipeline.RuleBadEntry, "%s is listed as an LDC without graduation, but the M49 table does not flag it", code)
			}
		}
		if listed[code] {
			return pipeline.Reject(pipeline.RuleDuplicateKey, "%s is listed twice: one row per state, with its first inclusion and its graduation", code)
		}
		listed[code] = true
		periods = append(periods, p)
		return nil
	})
	if err != nil {
		return err
	}
	for _, u := range s.ref.Units() {
		if u.LDC && !current[u.Code] {
			s.Problem(0, 0, pipeline.Error, pipeline.RuleBadEntry, "%s is an LDC in the M49 table but not a current LDC here", u.Code)
		}
	}
	sort.Slice(periods, func(a, b int) bool { return periods[a].Unit < periods[b].Unit })
	s.ref.SetLDCPeriods(periods)
	return nil
}

// graduationMonth parses YYYY-MM or YYYY-MM-DD into the year and month.
func graduationMonth(s string) (year, month int, ok bool) {
	for _, layout := range []string{"2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Year(), int(t.Month()), true
		}
	}
	return 0, 0, false
}

// readSubdivisions reads a list of ISO 3166-2 codes (the shipped
// iso-3166-2.csv, from Debian's iso-codes, or a user's own). Once one is
// read, a sub-national unit code must be in a list. Every country of the
// shipped list is in the units table (M49 and units-extra).
func readSubdivisions(s *source) error {
	s.ref.AddSubdivisionList(s.name)
	return readRows(s, []string{"code", "name"}, func(rec []string, col map[string]int) error {
		code := strings.TrimSpace(field(rec, col["code"]))
		by, e := s.ref.AddSubdivision(s.name, code, strings.TrimSpace(field(rec, col["name"])))
		if e != nil {
			return e
		}
		if by != "" {
			s.skipRow("codes already in " + by)
		}
		return nil
	})
}
