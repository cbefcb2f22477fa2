package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/dri-engine/dri/pipeline/tidy"
)

// TestWriteTableMissingStrings: every missing string of the tidy tables is
// a null in Arrow and Parquet and an empty field in CSV (written by
// pipeline/tidy), and no present
// string is "".
func TestWriteTableMissingStrings(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	units := unitsRecord([]*Unit{
		{Code: "NAM", ISO2: "NA", M49: "516", Name: "Namibia", Type: "country", UNMember: true},
		{Code: "ASC", Name: "Ascension", Type: "territory"}, // no ISO2, M49 or region in the shipped tables
	})
	defer units.Release()
	for _, format := range []string{"parquet", "arrow", "csv"} {
		var buf bytes.Buffer
		if err := tidy.WriteTable(&buf, units, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if format == "csv" {
			want := "code,iso2,m49,name,type,un_member,region_code,region,sub_region_code,sub_region,intermediate_region_code,intermediate_region,income_group,wb_region,ldc,lldc,sids,parent\n" +
				`"NAM","NA","516","Namibia","country",true,,,,,,,,,false,false,false,` + "\n" +
				`"ASC",,,"Ascension","territory",false,,,,,,,,,false,false,false,` + "\n"
			if buf.String() != want {
				t.Errorf("csv =\n%s\nwant\n%s", buf.String(), want)
			}
			continue
		}
		rec, err := readTable(buf.Bytes(), format, mem)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if err := checkNoEmptyStrings(rec); err != nil {
			t.Errorf("%s: %v", format, err)
		}
		iso2 := rec.Column(1).(*array.String)
		if iso2.Value(0) != "NA" || !iso2.IsNull(1) {
			t.Errorf("%s: iso2 = %q (null %t), %q (null %t); want NA, null", format, iso2.Value(0), iso2.IsNull(0), iso2.Value(1), iso2.IsNull(1))
		}
		rec.Release()
	}
}

// checkNoEmptyStrings fails on a present "" in any string column.
func checkNoEmptyStrings(rec arrow.RecordBatch) error {
	for j, col := range rec.Columns() {
		s, ok := col.(*array.String)
		if !ok {
			continue
		}
		for i := 0; i < s.Len(); i++ {
			if s.IsValid(i) && s.Value(i) == "" {
				return fmt.Errorf("column %s row %d: \"\" where a missing string is null", rec.Schema().Field(j).Name, i)
			}
		}
	}
	return nil
}

// readTable reads back one record written by WriteTable as Parquet or an
// Arrow IPC file. The caller releases it.
func readTable(data []byte, format string, mem memory.Allocator) (arrow.RecordBatch, error) {
	if format == "parquet" {
		return readParquet(data, mem)
	}
	r, err := ipc.NewFileReader(bytes.NewReader(data), ipc.WithAllocator(mem))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rec, err := r.RecordBatch(0)
	if err != nil {
		return nil, err
	}
	rec.Retain()
	return rec, nil
}

// readParquet reads back a Parquet file written by WriteTable as one
// record (the tables these tests write fit in one row group). The caller
// releases it.
func readParquet(data []byte, mem memory.Allocator) (arrow.RecordBatch, error) {
	tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(data), nil, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	if !tr.Next() || tr.RecordBatch().NumRows() != tbl.NumRows() {
		return nil, fmt.Errorf("the table of %d rows does not read back as one record", tbl.NumRows())
	}
	rec := tr.RecordBatch()
	rec.Retain()
	return rec, nil
}
