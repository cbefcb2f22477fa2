package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline/tidy"
)

func init() {
	register(&command{name: "export", summary: "write tidy tables (observations, units, groups, indicators, scores) as Parquet, Arrow, CSV or an Excel workbook", run: runExport})
}

func runExport(ctx context.Context, args []string, e *env) error {
	fs := newFlags("export", "export --format parquet|arrow|csv|xlsx --out DIR [--bom] [--framework ID,...] [--year Y] [--data DIR]\n\n"+
		"Writes the validated data and the scores as tidy tables for R, pandas or DuckDB:\n"+
		"  observations  the canonical table: unit, year, indicator, sex, area, age, value, status, source, note\n"+
		"  units         UN member states and every unit with data: codes, names, M49 regions, income group, LDC/LLDC/SIDS\n"+
		"  groups        one row per group and member (WLD, LDC, LLDC, SIDS, regions, income groups)\n"+
		"  indicators    the registry: id, name, unit, polarity, natural bounds, disaggregations, sources, definition\n"+
		"  scores        every framework (or --framework), every year with data (or --year), every unit and node:\n"+
		"                value selected, year used, imputed, normalised value or score, rank, tier, coverage\n"+
		"Each file is written under a temporary name and renamed into place. --format xlsx writes one\n"+
		"workbook, DIR/"+xlsxFile+", a sheet per table with typed cells (numbers as numbers, missing as empty);\n"+
		"--bom starts each CSV file with a UTF-8 byte order mark so that Excel shows \"Côte d'Ivoire\".", e)
	format := fs.String("format", "parquet", "parquet, arrow, csv or xlsx")
	bom := fs.Bool("bom", false, "csv: start each file with a UTF-8 byte order mark (for Excel)")
	out := fs.String("out", "", "output directory (created if needed)")
	frameworks := fs.String("framework", "", "score only these frameworks (a list of ids; default all); the other tables are whole")
	yearFlag := fs.String("year", "", "score only this year (default every year with data); the other tables are whole")
	var data dataFlag
	data.flags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ext, ok := tidy.TableFormats[*format]
	if !ok && *format != "xlsx" {
		return usagef("export: --format %q: want parquet, arrow, csv or xlsx", *format)
	}
	if *bom && *format != "csv" {
		return usagef("export: --bom applies to --format csv only")
	}
	if *out == "" {
		return usagef("export: --out is required")
	}
	year := 0
	if *yearFlag != "" {
		y, err := strconv.Atoi(*yearFlag)
		if err != nil || y < 1000 || y > 9999 {
			return usagef("--year %q: want a four-digit year", *yearFlag)
		}
		year = y
	}
	eng, res, err := e.engine(ctx, data)
	if err != nil {
		return err
	}
	defer res.Release()
	ids := splitList(*frameworks)
	for _, id := range ids {
		if _, ok := eng.Framework(id); !ok {
			return usagef("--framework: unknown framework %q (have %s)", id, strings.Join(eng.Frameworks(), ", "))
		}
	}
	if year != 0 {
		if err := checkExportYear(eng, ids, year); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	units, groups := res.ReferenceRecords()
	defer units.Release()
	defer groups.Release()
	registry := res.RegistryRecord()
	defer registry.Release()
	p, done := e.progress("scoring")
	if p != nil {
		p(0, 1, "every framework and year")
	}
	scores, err := eng.ScoresRecord(memory.DefaultAllocator, ids, year)
	done()
	if err != nil {
		return err
	}
	defer scores.Release()
	tables := []namedTable{{"observations", res.Observations}, {"units", units}, {"groups", groups}, {"indicators", registry}, {"scores", scores}}
	if *format == "xlsx" {
		path := filepath.Join(*out, xlsxFile)
		if err := writeFileAtomic(path, func(w io.Writer) error { return writeWorkbook(w, tables) }); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, t := range tables {
			fmt.Fprintf(e.stderr, "dri: %s: sheet %s: %d rows\n", path, t.name, t.rec.NumRows())
		}
		return nil
	}
	for _, t := range tables {
		path := filepath.Join(*out, t.name+ext)
		if err := writeTableFile(path, t.rec, *format, *bom); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "dri: %s: %d rows\n", path, t.rec.NumRows())
	}
	return nil
}

// xlsxFile is the workbook dri export --format xlsx writes.
const xlsxFile = "dri.xlsx"

// utf8BOM is the byte order mark Excel needs to read a CSV file as UTF-8
// (without it, it reads the system's code page: "CÃ´te d'Ivoire").
const utf8BOM = "\ufeff"

// writeTableFile writes a table to path through a temporary file, after a
// UTF-8 byte order mark when bom is set.
func writeTableFile(path string, rec arrow.RecordBatch, format string, bom bool) error {
	err := writeFileAtomic(path, func(w io.Writer) error {
		if bom {
			if _, err := io.WriteString(w, utf8BOM); err != nil {
				return err
			}
		}
		return tidy.WriteTable(w, rec, format)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// checkExportYear refuses a --year that none of the frameworks to export
// has data for (the scores table would be empty) and names the frameworks
// that lack it.
func checkExportYear(eng *engine.Engine, ids []string, year int) error {
	if len(ids) == 0 {
		ids = eng.Frameworks()
	}
	var lacking []string
	for _, id := range ids {
		f, _ := eng.Framework(id)
		if !slices.Contains(eng.Years(f), year) {
			lacking = append(lacking, id)
		}
	}
	if len(lacking) == len(ids) {
		return usagef("--year %d: no framework to export has data for it", year)
	}
	return nil
}
