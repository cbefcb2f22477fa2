package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExportExcel writes the export as CSV with --bom and as xlsx, reads the
// workbook back with excelize and compares the units and indicators sheets
// with the CSV files cell by cell: same text, same numbers (typed as
// numbers), same empty cells.
func TestExportExcel(t *testing.T) {
	csvDir, xlsxDir := t.TempDir(), t.TempDir()
	args := []string{"export", "--framework", "egdi", "--year", "2024"}
	if code, _, stderr := dri(t, append(args, "--format", "csv", "--bom", "--out", csvDir)...); code != exitOK {
		t.Fatalf("dri export --format csv --bom: exit %d: %s", code, stderr)
	}
	if code, _, stderr := dri(t, append(args, "--format", "xlsx", "--out", xlsxDir)...); code != exitOK {
		t.Fatalf("dri export --format xlsx: exit %d: %s", code, stderr)
	}
	if code, _, stderr := dri(t, "export", "--format", "parquet", "--bom", "--out", t.TempDir()); code != exitUsage || !strings.Contains(stderr, "--bom") {
		t.Errorf("dri export --format parquet --bom: exit %d, stderr %q (want 2)", code, stderr)
	}
	wb, err := excelize.OpenFile(filepath.Join(xlsxDir, xlsxFile))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got, want := strings.Join(wb.GetSheetList(), ","), "observations,units,groups,indicators,scores"; got != want {
		t.Errorf("sheets %s, want %s", got, want)
	}
	numbers := 0
	for _, table := range []string{"units", "indicators"} {
		data, err := os.ReadFile(filepath.Join(csvDir, table+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		body, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf"))
		if !ok {
			t.Fatalf("%s.csv does not start with the UTF-8 byte order mark", table)
		}
		want, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got, err := wb.GetRows(table, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("sheet %s: %d rows, %s.csv %d", table, len(got), table, len(want))
		}
		for i, rec := range want {
			for j, w := range rec {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				g := ""
				if j < len(got[i]) {
					g = got[i][j]
				}
				typ, err := wb.GetCellType(table, cell)
				if err != nil {
					t.Fatal(err)
				}
				if !sameCell(w, g, typ) {
					t.Errorf("%s!%s = %q (type %v), %s.csv has %q", table, cell, g, typ, table, w)
				}
				if typ == excelize.CellTypeNumber || (typ == excelize.CellTypeUnset && g != "") {
					numbers++
				}
			}
		}
	}
	if numbers == 0 {
		t.Error("the units and indicators sheets have no numeric cell")
	}
	found := false
	for _, row := range mustRows(t, wb, "units") {
		for _, c := range row {
			found = found || c == "Côte d’Ivoire" // UN M49's spelling, with U+2019
		}
	}
	if !found {
		t.Error(`sheet units lacks "Côte d’Ivoire"`)
	}
}

func mustRows(t *testing.T, wb *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := wb.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// sameCell compares a CSV cell with a workbook cell: text the same (the CSV
// export puts a ' before text a spreadsheet would run as a formula; a typed
// cell needs none), numbers equal as float64, booleans true/false as 1/0.
func sameCell(csvCell, xlsxCell string, typ excelize.CellType) bool {
	switch typ {
	case excelize.CellTypeBool:
		return (csvCell == "true" && xlsxCell == "1") || (csvCell == "false" && xlsxCell == "0")
	case excelize.CellTypeNumber, excelize.CellTypeUnset:
		if xlsxCell == "" {
			return csvCell == ""
		}
		a, err1 := strconv.ParseFloat(csvCell, 64)
		b, err2 := strconv.ParseFloat(xlsxCell, 64)
		return err1 == nil && err2 == nil && a == b
	}
	return csvCell == xlsxCell || csvCell == "'"+xlsxCell
}
