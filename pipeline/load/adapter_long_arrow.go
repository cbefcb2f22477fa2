package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"golang.org/x/sync/errgroup"

	"github.com/dri-engine/dri/pipeline/internal/longload"

	"github.com/dri-engine/dri/pipeline"
)

// The long format from Parquet and Arrow IPC files: read through Arrow's
// readers, with the record batches (IPC) or row groups (Parquet) validated
// in parallel into shard collectors.

// readLongArrow reads the long format from Parquet or an Arrow IPC file or
// stream. Positions are "line" = row number (1-based, no header) and column
// = the column's position.
func readLongArrow(s *source, isParquet bool) error {
	rc, display, err := s.open("")
	if err != nil {
		return err
	}
	defer rc.Close()
	if h, ok := rc.(*hashingReader); ok {
		if ra, size, ok := h.readerAt(); ok {
			// Parquet and Arrow IPC are read in place (ReadAt on the file,
			// from its footer), while another goroutine reads the file
			// through for its checksum: no copy of the file in memory.
			if size == 0 {
				return pipeline.Structural(display, 1, 0, pipeline.RuleEmptyFile, "the file is empty")
			}
			hashed := make(chan error, 1)
			go func() { hashed <- h.drain(1 << 20) }()
			var err error
			if isParquet {
				err = readLongParquet(s, ra, size, display)
			} else {
				err = readLongIPC(s, ra, size, display)
			}
			if herr := <-hashed; herr != nil && err == nil {
				err = pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "%v", herr)
			}
			return err
		}
	}
	var buf bytes.Buffer
	if st, ok := rc.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil {
			buf.Grow(int(fi.Size()) + bytes.MinRead) // one allocation
		}
	}
	if _, err := buf.ReadFrom(rc); err != nil {
		return pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "%v", err)
	}
	data := buf.Bytes()
	if len(data) == 0 {
		return pipeline.Structural(display, 1, 0, pipeline.RuleEmptyFile, "the file is empty")
	}
	pipeline.TracePhase("file read")
	if isParquet {
		return readLongParquet(s, bytes.NewReader(data), int64(len(data)), display)
	}
	return readLongIPC(s, bytes.NewReader(data), int64(len(data)), display)
}

// readLongIPC reads the long format from an Arrow IPC file or stream of
// size bytes.
func readLongIPC(s *source, data io.ReaderAt, size int64, display string) error {
	// A message's metadata and body must fit in the file and in the
	// limit; decompressed buffers, and the memory the reader holds at
	// once, must fit in the limit (longload.CappedAllocator): a file's bytes never
	// make the reader allocate more than the limit.
	limit := s.maxMessage
	if limit <= 0 {
		limit = pipeline.DefaultMaxMessageBytes
	}
	mem := longload.NewCappedAllocator(new(longload.PoolAllocator), limit)
	opts := []ipc.Option{ipc.WithAllocator(mem),
		ipc.WithMetadataSizeLimit(min(limit, size)), ipc.WithBodySizeLimit(min(limit, size))}
	if err := checkIPCSchema(data, size, min(limit, size)); err != nil {
		return pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "not an Arrow IPC file or stream: %v", err)
	}
	var rr array.RecordReader
	{
		r, err := newIPCFileReader(io.NewSectionReader(data, 0, size), opts...)
		if err == nil {
			defer r.Close()
			rr = &ipcFileRecords{r: r}
		} else {
			// Through NewMessageReader: ipc.NewReader (arrow-go v18.8.0)
			// does not pass the size limits on to its message reader.
			sr, err2 := ipc.NewReaderFromMessageReader(ipc.NewMessageReader(io.NewSectionReader(data, 0, size), opts...), opts...)
			if err2 != nil {
				if le := ipcTooLarge(display, 0, err2); le != nil {
					return le
				}
				return pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "not an Arrow IPC file or stream: %v", err)
			}
			rr = sr
		}
	}
	defer rr.Release()
	names := make([]string, rr.Schema().NumFields())
	for i, f := range rr.Schema().Fields() {
		names[i] = f.Name
	}
	idx, notice, err := checkLongHeader(display, 0, names, fieldPosition)
	if err != nil {
		return err
	}
	if notice != "" {
		s.Problem(0, fieldPosition(idx[indexColumn]), pipeline.Notice, pipeline.RuleWrongHeader, "%s", notice)
	}
	// Record batches are validated by a pool of workers, each batch into
	// its own shard collector; the shards join the source in batch order,
	// so rows keep their numbers and problems their order.
	type job struct {
		rec   arrow.RecordBatch
		start int
		c     *pipeline.Collector
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	var all []*job
	row := 0
	var batchErr error
	for rr.Next() {
		rec := rr.RecordBatch()
		if err := batchHoldsRows(rec, idx); err != nil {
			batchErr = pipeline.Structural(display, row+1, 0, pipeline.RuleUnreadable, "the record batch from row %d: %v", row+1, err)
			break
		}
		rec.Retain()
		j := &job{rec: rec, start: row, c: s.shard()}
		j.c.Columns().Reserve(int(rec.NumRows()))
		row += int(rec.NumRows())
		all = append(all, j)
		g.Go(func() error {
			batchRows(j.c, j.rec, j.start, idx)
			j.rec.Release()
			return nil
		})
	}
	_ = g.Wait() // problems go to the shards' reports
	for _, j := range all {
		s.pending = append(s.pending, j.c)
	}
	if err := s.absorbPending(); err != nil {
		return err
	}
	if batchErr != nil {
		return batchErr
	}
	if err := rr.Err(); err != nil && err != io.EOF {
		if le := ipcTooLarge(display, row+1, err); le != nil {
			return le
		}
		return pipeline.Structural(display, row+1, 0, pipeline.RuleUnreadable, "%v", err)
	}
	return nil
}

// newIPCFileReader is ipc.NewFileReader with its panics returned as errors:
// arrow-go v18.8.0 panics on some malformed footers (FuzzAdapters found
// one: a flatbuffer offset past the end of the footer).
func newIPCFileReader(r ipc.ReadAtSeeker, opts ...ipc.Option) (fr *ipc.FileReader, err error) {
	defer func() {
		if p := recover(); p != nil {
			fr = nil
			if e, ok := p.(error); ok {
				err = fmt.Errorf("arrow/ipc: malformed file: %w", e)
			} else {
				err = fmt.Errorf("arrow/ipc: malformed file: %v", p)
			}
		}
	}()
	return ipc.NewFileReader(r, opts...)
}

// ipcTooLarge returns err as a too-large problem at row when it is the IPC
// reader refusing a size over the limits readLongArrow sets, else nil.
// arrow-go says so in words ("... exceeds limit ...", "... exceeds file
// size ...") or passes on longload.CappedAllocator's panic.
func ipcTooLarge(file string, row int, err error) *pipeline.LoadError {
	var ae *longload.AllocLimitError
	switch {
	case errors.As(err, &ae):
		return pipeline.Structural(file, row, 0, pipeline.RuleTooLarge, "%v", ae)
	case strings.Contains(err.Error(), "exceeds limit"), strings.Contains(err.Error(), "exceeds file size"):
		return pipeline.Structural(file, row, 0, pipeline.RuleTooLarge, "%v", err)
	}
	return nil
}

// readLongParquet reads the long format from Parquet: the row groups are
// decoded and validated in parallel (each worker with its own reader over
// the file's bytes), text columns read as dictionaries (codes repeat: one
// string per distinct value, not per row). Rows are numbered from 1 in
// file order.
func readLongParquet(s *source, data io.ReaderAt, size int64, display string) error {
	mem := new(longload.PoolAllocator)
	open := func() (*file.Reader, *pqarrow.FileReader, error) {
		// Column chunks are read through a small buffer (not copied whole
		// out of the file's bytes), decoded into pooled buffers.
		rp := parquet.NewReaderProperties(mem)
		rp.BufferedStreamEnabled = true
		rp.BufferSize = 256 << 10
		pf, err := file.NewParquetReader(io.NewSectionReader(data, 0, size), file.WithReadProps(rp))
		if err != nil {
			return nil, nil, pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "not a Parquet file: %v", err)
		}
		props := pqarrow.ArrowReadProperties{BatchSize: 64 * 1024}
		sc := pf.MetaData().Schema
		for i := 0; i < sc.NumColumns(); i++ {
			switch sc.Column(i).Name() {
			case "unit", "indicator", "sex", "area", "age", "income", "education", "labour", "status", "note":
				props.SetReadDict(i, true)
			}
		}
		fr, err := pqarrow.NewFileReader(pf, props, mem)
		if err != nil {
			pf.Close()
			return nil, nil, pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "%v", err)
		}
		return pf, fr, nil
	}
	pf, fr, err := open()
	if err != nil {
		return err
	}
	defer pf.Close()
	schema, err := fr.Schema()
	if err != nil {
		return pipeline.Structural(display, 0, 0, pipeline.RuleUnreadable, "%v", err)
	}
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	idx, notice, err := checkLongHeader(display, 0, names, fieldPosition)
	if err != nil {
		return err
	}
	if notice != "" {
		s.Problem(0, fieldPosition(idx[indexColumn]), pipeline.Notice, pipeline.RuleWrongHeader, "%s", notice)
	}
	groups := pf.NumRowGroups()
	starts := make([]int, groups+1)
	for g := range groups {
		starts[g+1] = starts[g] + int(pf.MetaData().RowGroup(g).NumRows())
	}
	// A pool of workers rather than an errgroup task per row group: each
	// worker opens its own Parquet file reader once (a reader is not safe
	// for concurrent use) and takes row groups until none is left.
	shards := make([][]*pipeline.Collector, groups)
	errs := make([]error, groups)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(groups, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pf, fr, err := open()
			if err != nil {
				errs[0] = err
				return
			}
			defer pf.Close()
			for g := int(next.Add(1)) - 1; g < groups; g = int(next.Add(1)) - 1 {
				rr, err := fr.GetRecordReader(context.Background(), nil, []int{g})
				if err != nil {
					errs[g] = err
					continue
				}
				row := starts[g]
				for rr.Next() {
					rec := rr.RecordBatch()
					c := s.shard()
					c.Columns().Reserve(int(rec.NumRows()))
					batchRows(c, rec, row, idx)
					row += int(rec.NumRows())
					shards[g] = append(shards[g], c)
				}
				if err := rr.Err(); err != nil && err != io.EOF {
					errs[g] = err
				}
				rr.Release()
			}
		}()
	}
	wg.Wait()
	pipeline.TracePhase("row groups")
	for g := range groups {
		s.pending = append(s.pending, shards[g]...)
	}
	if err := s.absorbPending(); err != nil {
		return err
	}
	for g, err := range errs {
		if err != nil {
			if le, ok := err.(*pipeline.LoadError); ok {
				return le
			}
			return pipeline.Structural(display, starts[g]+1, 0, pipeline.RuleUnreadable, "row group %d: %v", g, err)
		}
	}
	return nil
}

// batchHoldsRows checks that an IPC record batch's value column has a
// buffer for the rows the batch claims (8 bytes a row for float64, 4 for
// the offsets of text), before anything is sized by that claim: a batch of
// a few bytes claimed billions of rows (FuzzLongArrowIPC), and the reader
// reserved room for them.
func batchHoldsRows(rec arrow.RecordBatch, idx map[string]int) error {
	rows := rec.NumRows()
	if rows < 0 {
		return fmt.Errorf("%d rows", rows)
	}
	va := rec.Column(idx["value"])
	var need int64
	switch va.DataType().ID() {
	case arrow.FLOAT64, arrow.INT64:
		need = 8 * rows
	case arrow.FLOAT32, arrow.INT32, arrow.STRING:
		need = 4 * rows // values, or the offsets of text
	default:
		return fmt.Errorf("value column of type %s: want a number", va.DataType())
	}
	if int64(va.Len()) != rows {
		return fmt.Errorf("the value column has %d values for %d rows", va.Len(), rows)
	}
	bufs := va.Data().Buffers()
	if rows > 0 && (len(bufs) < 2 || bufs[1] == nil || int64(bufs[1].Len()) < need) {
		return fmt.Errorf("%d rows but the value column's buffer holds fewer", rows)
	}
	return nil
}

// batchRows validates the rows of one record batch (longArrowRows) in a
// worker goroutine, where a panic would end the process: a batch whose
// buffers do not match its metadata (offsets past the data: FuzzAdapters
// found one that arrow-go v18.8.0 reads without complaint) panics when a
// value is read, and rejects the file instead.
func batchRows(c *pipeline.Collector, rec arrow.RecordBatch, start int, idx map[string]int) {
	defer func() {
		if p := recover(); p != nil {
			c.SetFatal(pipeline.Structural(c.File(), start+1, 0, pipeline.RuleUnreadable, "the record batch from row %d is malformed: %v", start+1, p))
		}
	}()
	longArrowRows(c, rec, start, idx)
}

// longArrowRows validates the rows of one record batch of the long format;
// start is the number of rows before it.
func longArrowRows(s *pipeline.Collector, rec arrow.RecordBatch, start int, idx map[string]int) {
	// The batch's columns by canonical position (nil = absent).
	var cols [12]arrow.Array // by LongColumns
	var colNo [12]int
	for k, name := range LongColumns {
		if i, ok := idx[name]; ok {
			cols[k], colNo[k] = rec.Column(i), i+1
		}
	}
	const (
		cUnit, cYear, cInd, cSex, cArea, cAge, cIncome, cEducation, cLabour, cValue, cStatus, cNote = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	)
	str := func(k, i int) (string, error) {
		a := cols[k]
		if a == nil || a.IsNull(i) {
			return "", nil
		}
		switch c := a.(type) { // the common cases without a call
		case *array.String:
			return c.Value(i), nil
		case *array.Dictionary:
			if d, ok := c.Dictionary().(*array.String); ok {
				return d.Value(c.GetValueIndex(i)), nil
			}
		}
		return cellString(a, i)
	}
	textual := [...]int{cUnit, cInd, cSex, cArea, cAge, cIncome, cEducation, cLabour, cStatus, cNote}
	va := cols[cValue]
	// The fast path: unit and indicator dictionary-encoded (as DRI reads
	// Parquet text columns), resolved once per distinct code; no sex,
	// area, age, status or note column; whole-number years; float64
	// values. A row it cannot take goes through Add like any other.
	fast := cols[cSex] == nil && cols[cArea] == nil && cols[cAge] == nil && cols[cIncome] == nil && cols[cEducation] == nil &&
		cols[cLabour] == nil && cols[cStatus] == nil && cols[cNote] == nil
	var units, inds *array.Dictionary
	var unitIdx []int32
	var indOf []*pipeline.Indicator
	var indIdx []int
	years, _ := cols[cYear].(*array.Int32)
	values, _ := va.(*array.Float64)
	if fast {
		units, _ = cols[cUnit].(*array.Dictionary)
		inds, _ = cols[cInd].(*array.Dictionary)
		fast = units != nil && inds != nil && years != nil && values != nil
	}
	if fast {
		ud, ok1 := units.Dictionary().(*array.String)
		id, ok2 := inds.Dictionary().(*array.String)
		fast = ok1 && ok2
		if fast {
			unitIdx = make([]int32, ud.Len())
			for k := range unitIdx {
				unitIdx[k] = -1
				if ud.IsValid(k) {
					if u, err := s.UnitIndex(ud.Value(k), pipeline.ByCode); err == nil {
						unitIdx[k] = u
					}
				}
			}
			indOf, indIdx = make([]*pipeline.Indicator, id.Len()), make([]int, id.Len())
			for k := range indOf {
				if id.IsValid(k) {
					indOf[k], indIdx[k], _ = s.Registry().Lookup(id.Value(k))
				}
			}
		}
	}
	// slow validates row i through Add, like any other reader's row.
	slow := func(i int) {
		row := start + i + 1
		if va.IsNull(i) {
			s.Quarantine(row, colNo[cValue], pipeline.Error, pipeline.RuleNotANumber, "value is null (leave the row out for a missing value)")
			return
		}
		v, err := cellFloat(va, i)
		if errors.Is(err, errNA) {
			s.Ignore(naReason, 1)
			return
		}
		if err != nil {
			s.Quarantine(row, colNo[cValue], pipeline.Error, pipeline.RuleNotANumber, "%v", err)
			return
		}
		var year int
		var ok bool
		switch y := cols[cYear].(type) {
		case *array.Int32:
			if ok = !y.IsNull(i); ok {
				year = int(y.Value(i))
			}
		case *array.Int16:
			if ok = !y.IsNull(i); ok {
				year = int(y.Value(i))
			}
		case *array.Int64:
			if ok = !y.IsNull(i) && y.Value(i) == int64(int(y.Value(i))); ok {
				year = int(y.Value(i))
			}
		}
		if !ok {
			ys, err := str(cYear, i)
			if err != nil {
				s.Quarantine(row, colNo[cYear], pipeline.Error, pipeline.RuleNotANumber, "%v", err)
				return
			}
			if year, ok = s.ParseYear(ys, row, colNo[cYear]); !ok {
				return
			}
		}
		var fields [12]string
		for _, k := range textual {
			v, err := str(k, i)
			if err != nil {
				s.Quarantine(row, colNo[k], pipeline.Error, pipeline.RuleBadCode, "%v", err)
				return
			}
			fields[k] = v
		}
		s.Add(pipeline.Obs{Line: row, Column: colNo[cValue], Unit: fields[cUnit], UnitKind: pipeline.ByCode, Year: year, Indicator: fields[cInd],
			Fields: pipeline.FieldColumns{Unit: colNo[cUnit], Year: colNo[cYear], Indicator: colNo[cInd], Sex: colNo[cSex], Area: colNo[cArea], Age: colNo[cAge],
				Income: colNo[cIncome], Education: colNo[cEducation], Labour: colNo[cLabour], Status: colNo[cStatus]},
			Sex: fields[cSex], Area: fields[cArea], Age: fields[cAge], Income: fields[cIncome], Education: fields[cEducation], Labour: fields[cLabour],
			Value: v, Status: fields[cStatus], Note: fields[cNote]})
	}
	n := int(rec.NumRows())
	if fast && units.NullN() == 0 && inds.NullN() == 0 && years.NullN() == 0 && values.NullN() == 0 {
		// No nulls: the codes, years and values read as plain slices.
		ui, ok1 := units.Indices().(*array.Int32)
		ii, ok2 := inds.Indices().(*array.Int32)
		if ok1 && ok2 {
			uv, iv, yv, vv := ui.Int32Values(), ii.Int32Values(), years.Int32Values(), values.Float64Values()
			for i := range n {
				u, k := unitIdx[uv[i]], iv[i]
				if u < 0 || indOf[k] == nil || !s.AddKnown(u, indOf[k], indIdx[k], int(yv[i]), vv[i], start+i+1, colNo[cValue]) {
					slow(i)
				}
			}
			return
		}
	}
	for i := range n {
		if fast && units.IsValid(i) && inds.IsValid(i) && years.IsValid(i) && values.IsValid(i) {
			u, k := unitIdx[units.GetValueIndex(i)], inds.GetValueIndex(i)
			if u >= 0 && indOf[k] != nil && s.AddKnown(u, indOf[k], indIdx[k], int(years.Value(i)), values.Value(i), start+i+1, colNo[cValue]) {
				continue
			}
		}
		slow(i)
	}
}

// cellString renders a string-like or integer cell as text.
func cellString(a arrow.Array, i int) (string, error) {
	switch c := a.(type) {
	case *array.String:
		return c.Value(i), nil
	case *array.LargeString:
		return c.Value(i), nil
	case *array.Dictionary:
		return cellString(c.Dictionary(), c.GetValueIndex(i))
	case *array.Int16:
		return strconv.Itoa(int(c.Value(i))), nil
	case *array.Int32:
		return strconv.Itoa(int(c.Value(i))), nil
	case *array.Int64:
		return strconv.FormatInt(c.Value(i), 10), nil
	}
	return "", fmt.Errorf("column of type %s: want text", a.DataType())
}

// errNA is a value cell holding the text NA: a missing value.
var errNA = errors.New("NA")

// cellFloat reads a numeric cell as float64. A decimal (DuckDB writes
// numeric literals as DECIMAL) is read from its exact decimal text, so it
// rounds once, as the same number in a CSV file does.
func cellFloat(a arrow.Array, i int) (float64, error) {
	switch c := a.(type) {
	case *array.Decimal128, *array.Decimal256, *array.Decimal32, *array.Decimal64:
		return strconv.ParseFloat(a.ValueStr(i), 64)
	case *array.Int8:
		return float64(c.Value(i)), nil
	case *array.Int16:
		return float64(c.Value(i)), nil
	case *array.Uint8:
		return float64(c.Value(i)), nil
	case *array.Uint16:
		return float64(c.Value(i)), nil
	case *array.Uint32:
		return float64(c.Value(i)), nil
	case *array.Uint64:
		return float64(c.Value(i)), nil
	case *array.Float64:
		return c.Value(i), nil
	case *array.Float32:
		return float64(c.Value(i)), nil
	case *array.Int64:
		return float64(c.Value(i)), nil
	case *array.Int32:
		return float64(c.Value(i)), nil
	case *array.String:
		if isRNA(c.Value(i)) {
			return 0, errNA
		}
		v, err := longload.ParseFloat(strings.TrimSpace(c.Value(i)))
		if err != nil {
			return 0, fmt.Errorf("value %s is not a number", pipeline.Excerpt(c.Value(i)))
		}
		return v, nil
	}
	return 0, fmt.Errorf("value column of type %s: want a number", a.DataType())
}

// ipcFileRecords walks an Arrow IPC file's record batches as a RecordReader.
type ipcFileRecords struct {
	r   *ipc.FileReader
	i   int
	cur arrow.RecordBatch
	err error
}

func (f *ipcFileRecords) Retain()                        {}
func (f *ipcFileRecords) Release()                       { f.releaseCur() }
func (f *ipcFileRecords) Schema() *arrow.Schema          { return f.r.Schema() }
func (f *ipcFileRecords) Record() arrow.RecordBatch      { return f.cur }
func (f *ipcFileRecords) RecordBatch() arrow.RecordBatch { return f.cur }
func (f *ipcFileRecords) Err() error                     { return f.err }
func (f *ipcFileRecords) releaseCur() {
	if f.cur != nil {
		f.cur.Release()
		f.cur = nil
	}
}
func (f *ipcFileRecords) Next() (ok bool) {
	f.releaseCur()
	if f.i >= f.r.NumRecords() {
		return false
	}
	// arrow-go v18.8.0 panics on some malformed blocks (a message offset
	// past the file: FuzzLongArrowIPC).
	defer func() {
		if p := recover(); p != nil {
			f.err, ok = fmt.Errorf("arrow/ipc: malformed record batch %d: %v", f.i, p), false
		}
	}()
	rec, err := f.r.RecordBatch(f.i)
	if err != nil {
		f.err = err
		return false
	}
	rec.Retain()
	f.cur = rec
	f.i++
	return true
}

// fieldPosition is the column of field i of a Parquet or Arrow schema.
func fieldPosition(i int) int { return i + 1 }
