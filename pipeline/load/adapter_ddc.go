package load

import (
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

type ddcOptions struct {
	// Year is the reference year given to the scores (the files have none).
	Year int `yaml:"year"`
	// Names maps pillar and sub-pillar names as this file spells them to the
	// current Compass names (older vintages abbreviate and misspell some).
	Names map[string]string `yaml:"names"`
}

// rename applies the entry's name map, reporting each renaming once.
func (o *ddcOptions) rename(s *source, seen map[string]bool, line int, name string) string {
	name = strings.TrimSpace(name)
	to, ok := o.Names[name]
	if !ok {
		return name
	}
	if !seen[name] {
		seen[name] = true
		s.Problem(line, 0, pipeline.Notice, pipeline.RuleKnownDefect, "name %s read as %q (older Compass vintage)", pipeline.Excerpt(name), to)
	}
	return to
}

// DDCIndicatorID is the registry id DRI gives a Compass score:
// ddc.overall, ddc.<pillar>, ddc.<pillar>_<sub-pillar>, and for the Digital
// Rights framework ddc.rights_<pillar>; names are lower-cased and runs of
// other characters become one underscore.
func DDCIndicatorID(framework, pillar, subpillar string) string {
	if strings.EqualFold(strings.TrimSpace(pillar), "overall") || strings.TrimSpace(pillar) == "" {
		return "ddc.overall"
	}
	id := "ddc." + slug(pillar)
	if framework == "DigitalRights" {
		id = "ddc.rights_" + slug(pillar)
	}
	if sp := strings.TrimSpace(subpillar); sp != "" {
		id += "_" + slug(sp)
	}
	return id
}

func slug(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
			continue
		}
		under = true
	}
	return b.String()
}

func readDDCScores(s *source) error {
	var opt ddcOptions
	t, err := s.openTable(&opt, ',', "iso3", "framework", "pillar", "subpillar", "score", "stage_name", "confidence")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	return s.eachRow(t, t.file, func(rec []string, _ int) error {
		cell := field(rec, col["score"])
		if isMissingCell(cell) {
			s.Ignore("rows without a score (pillar rows carry only a rank)", 1)
			return nil
		}
		id := DDCIndicatorID(field(rec, col["framework"]), field(rec, col["pillar"]), field(rec, col["subpillar"]))
		l, c := t.pos(col["score"])
		v, ok := s.ParseValue(cell, l, c, id)
		if !ok {
			return nil
		}
		var note []string
		if st := strings.TrimSpace(field(rec, col["stage_name"])); st != "" {
			note = append(note, "stage: "+st)
		}
		if cf := strings.TrimSpace(field(rec, col["confidence"])); cf != "" {
			note = append(note, "confidence: "+cf+"%")
		}
		s.Add(pipeline.Obs{Line: l, Column: c, Unit: field(rec, col["iso3"]), UnitKind: pipeline.ByCode, Year: opt.Year, Indicator: id,
			Value: v, Note: strings.Join(note, "; ")})
		return nil
	})
}

func readDDCIndicatorScores(s *source) error {
	var opt ddcOptions
	t, err := s.openTable(&opt, ',', "Country Name", "Pillar", "Sub-Pillar", "Indicator", "new_rank_score")
	if err != nil {
		return err
	}
	defer t.Close()
	col := t.col
	seen := map[string]bool{}
	return s.eachRow(t, t.file, func(rec []string, _ int) error {
		if strings.TrimSpace(field(rec, col["Indicator"])) != "" {
			s.Ignore("indicator-level rows (third-party raw values)", 1)
			return nil
		}
		cell := field(rec, col["new_rank_score"])
		if s.emptyCell(cell) {
			return nil
		}
		line, _ := t.pos(0)
		id := DDCIndicatorID("DDC", opt.rename(s, seen, line, field(rec, col["Pillar"])), opt.rename(s, seen, line, field(rec, col["Sub-Pillar"])))
		l, c := t.pos(col["new_rank_score"])
		v, ok := s.ParseValue(cell, l, c, id)
		if !ok {
			return nil
		}
		s.Add(pipeline.Obs{Line: l, Column: c, Unit: field(rec, col["Country Name"]), UnitKind: pipeline.ByName, Year: opt.Year, Indicator: id, Value: v})
		return nil
	})
}
