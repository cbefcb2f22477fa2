package api

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/tidy"
)

// Format is a response representation.
type Format string

const (
	FormatJSON  Format = "json"
	FormatCSV   Format = "csv"
	FormatArrow Format = "arrow"
	FormatSDMX  Format = "sdmx-csv"
	// FormatSDMXML is an SDMX-ML 2.1 structure message: the format of the
	// SDMX structure routes only (api/sdmx.go).
	FormatSDMXML Format = "sdmx-ml"
	// FormatSDMXJSON is an SDMX-JSON 2.1 data message: the SDMX data
	// routes only.
	FormatSDMXJSON Format = "sdmx-json"
)

// Media types of the formats.
const (
	MediaJSON  = "application/json"
	MediaCSV   = "text/csv"
	MediaArrow = "application/vnd.apache.arrow.stream"
	MediaSDMX  = "application/vnd.sdmx.data+csv;version=2.0.0"
	// MediaSDMXStructure is SDMX-ML 2.1 structure (the SDMX REST
	// specification's media type for it).
	MediaSDMXStructure = "application/vnd.sdmx.structure+xml;version=2.1"
	// MediaSDMXJSON is SDMX-JSON data, version 2.1.0 of the message.
	MediaSDMXJSON = "application/vnd.sdmx.data+json;version=2.1.0"
)

var formatMedia = map[Format]string{FormatJSON: MediaJSON, FormatCSV: MediaCSV + "; charset=utf-8", FormatArrow: MediaArrow,
	FormatSDMX: MediaSDMX + "; charset=utf-8", FormatSDMXML: MediaSDMXStructure + "; charset=utf-8",
	FormatSDMXJSON: MediaSDMXJSON + "; charset=utf-8"}

// negotiate picks the format from the format parameter (which wins) or the
// Accept header; def is the route's format when neither names one (no
// Accept, or */*): JSON, except on the SDMX routes.
func negotiate(r *http.Request, f string, def Format) (Format, *Problem) {
	if f != "" {
		switch Format(f) {
		case FormatJSON, FormatCSV, FormatArrow, FormatSDMX, FormatSDMXML, FormatSDMXJSON:
			return Format(f), nil
		}
		return "", newProblem(http.StatusNotAcceptable, CodeNotAcceptable,
			fmt.Sprintf("format %q is not available; use json, csv, arrow, sdmx-csv, or on the SDMX routes sdmx-ml (structures) and sdmx-json (data)", f),
			ParamError{Param: "format", In: "query", Message: "want json, csv, arrow, sdmx-csv, sdmx-ml or sdmx-json"})
	}
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return def, nil
	}
	type choice struct {
		f Format
		q float64
		i int
	}
	var choices []choice
	for i, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		version := ""
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			switch strings.ToLower(k) {
			case "q":
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					q = x
				}
			case "version":
				version = strings.Trim(v, `"`)
			}
		}
		if q <= 0 {
			continue
		}
		var f Format
		switch mt {
		case "application/*", "*/*":
			f = def
		case "application/json", "application/problem+json":
			f = FormatJSON
		case "text/csv", "text/*":
			f = FormatCSV
		case MediaArrow:
			f = FormatArrow
		case "application/vnd.sdmx.data+csv":
			if version != "" && !strings.HasPrefix(version, "2") {
				continue
			}
			f = FormatSDMX
		case "application/vnd.sdmx.data+json":
			if version != "" && !strings.HasPrefix(version, "2") {
				continue
			}
			f = FormatSDMXJSON
		case "application/vnd.sdmx.structure+xml", "application/xml", "text/xml":
			if version != "" && !strings.HasPrefix(version, "2.1") {
				continue
			}
			f = FormatSDMXML
		default:
			continue
		}
		choices = append(choices, choice{f, q, i})
	}
	if len(choices) == 0 {
		return "", newProblem(http.StatusNotAcceptable, CodeNotAcceptable,
			fmt.Sprintf("none of the media types in Accept %q is available; use %s, %s, %s or %s", accept, MediaJSON, MediaCSV, MediaArrow, MediaSDMX))
	}
	sort.SliceStable(choices, func(a, b int) bool { return choices[a].q > choices[b].q })
	return choices[0].f, nil
}

// Result is what a handler returns; one writer renders it in every format.
type Result struct {
	// Meta is merged into the JSON envelope's meta (and Arrow schema metadata).
	Meta map[string]any
	// Table is the flat data: a JSON array of objects, CSV, Arrow, SDMX-CSV.
	Table *Table
	// Object, if set, is the JSON "data" instead of the table's rows (for
	// nested resources); CSV and Arrow still use Table.
	Object any
	// Paged lists are cut by page/per_page with meta.total and Link headers.
	Paged bool
	// SDMXID is the dataflow id for SDMX-CSV (e.g. "DRI:DF_OBS(1.0)"); empty
	// means the resource has no SDMX representation.
	SDMXID string
	// Status overrides 200 (e.g. 201).
	Status int
	// SDMXML is the SDMX-ML rendering (the structure routes' own format);
	// nil: the resource has none.
	SDMXML []byte
	// SDMXJSON is the SDMX-JSON data message (the SDMX data routes render
	// it when it is asked for); nil: the resource has none.
	SDMXJSON []byte
	// SDMXTable, if set, turns the (paged) Table into the rows SDMX-CSV
	// carries, where they differ from the table's (a score's row holds
	// three observations of DF_SCORES: value, rank and coverage).
	SDMXTable func(*Table) *Table
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encode renders a result into buf.
func encode(buf *bytes.Buffer, res *Result, f Format, meta map[string]any) *Problem {
	switch f {
	case FormatJSON:
		return encodeJSON(buf, res, meta)
	case FormatCSV:
		if res.Table == nil {
			return newProblem(http.StatusNotAcceptable, CodeNotAcceptable, "this resource is available as JSON only")
		}
		return encodeCSV(buf, res.Table)
	case FormatArrow:
		if res.Table == nil {
			return newProblem(http.StatusNotAcceptable, CodeNotAcceptable, "this resource is available as JSON only")
		}
		return encodeArrow(buf, res.Table, meta)
	case FormatSDMX:
		if res.Table == nil || res.SDMXID == "" {
			return newProblem(http.StatusNotAcceptable, CodeNotAcceptable, "this resource has no SDMX-CSV representation; use json, csv or arrow")
		}
		t := res.Table
		if res.SDMXTable != nil {
			t = res.SDMXTable(t)
		}
		return encodeSDMX(buf, t, res.SDMXID)
	case FormatSDMXJSON:
		if res.SDMXJSON == nil {
			return newProblem(http.StatusNotAcceptable, CodeNotAcceptable, "SDMX-JSON is served by the SDMX data routes (/v1/sdmx/data/...); use json, csv, arrow or sdmx-csv")
		}
		buf.Write(res.SDMXJSON)
		return nil
	case FormatSDMXML:
		if res.SDMXML == nil {
			return newProblem(http.StatusNotAcceptable, CodeNotAcceptable, "SDMX-ML is the format of the SDMX structure routes (/v1/sdmx/dataflow/...); use json, csv, arrow or sdmx-csv")
		}
		buf.Write(res.SDMXML)
		return nil
	}
	return newProblem(http.StatusNotAcceptable, CodeNotAcceptable, "unknown format")
}

// appendRoundedJSON appends a JSON document with its fractional numbers
// written as every text output writes them (tidy.AppendNumber: 12
// significant digits, shortest form), so that an object's
// 0.20826999999999998 reads 0.20827 as the tables' cells do. Strings and
// whole numbers are copied as they are.
func appendRoundedJSON(b, doc []byte) []byte {
	inString, escaped := false, false
	for i := 0; i < len(doc); i++ {
		ch := doc[i]
		switch {
		case inString:
			b = append(b, ch)
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
		case ch == '"':
			inString = true
			b = append(b, ch)
		case ch == '-' || (ch >= '0' && ch <= '9'):
			j, frac := i, false
			for j < len(doc) && strings.IndexByte("0123456789+-.eE", doc[j]) >= 0 {
				frac = frac || doc[j] == '.' || doc[j] == 'e' || doc[j] == 'E'
				j++
			}
			v, err := strconv.ParseFloat(string(doc[i:j]), 64)
			if frac && err == nil {
				b = tidy.AppendNumber(b, v)
			} else {
				b = append(b, doc[i:j]...)
			}
			i = j - 1
		default:
			b = append(b, ch)
		}
	}
	return b
}

func encodeJSON(buf *bytes.Buffer, res *Result, meta map[string]any) *Problem {
	b := buf.AvailableBuffer()
	b = append(b, `{"meta":`...)
	m, err := json.Marshal(meta)
	if err != nil {
		return newProblem(http.StatusInternalServerError, CodeInternal, "encoding meta: "+err.Error())
	}
	b = appendRoundedJSON(b, m)
	b = append(b, `,"data":`...)
	if res.Object != nil {
		o, err := json.Marshal(res.Object)
		if err != nil {
			return newProblem(http.StatusInternalServerError, CodeInternal, "encoding data: "+err.Error())
		}
		b = appendRoundedJSON(b, o)
	} else {
		b = appendTableJSON(b, res.Table)
	}
	b = append(b, "}\n"...)
	buf.Write(b)
	return nil
}

// appendTableJSON writes a table as an array of objects.
func appendTableJSON(b []byte, t *Table) []byte {
	if t == nil {
		return append(b, "[]"...)
	}
	keys := make([][]byte, len(t.Cols))
	for j, c := range t.Cols {
		keys[j] = append(appendJSONString(nil, c.Name), ':')
	}
	b = append(b, '[')
	n := t.Len()
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		for j, c := range t.Cols {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, keys[j]...)
			b = c.appendJSON(b, i)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func encodeCSV(buf *bytes.Buffer, t *Table) *Problem {
	b := buf.AvailableBuffer()
	for j, c := range t.Cols {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendCSVHeader(b, c.Name)
	}
	b = append(b, '\n')
	n := t.Len()
	for i := 0; i < n; i++ {
		for j, c := range t.Cols {
			if j > 0 {
				b = append(b, ',')
			}
			b = c.appendCSV(b, i)
		}
		b = append(b, '\n')
	}
	buf.Write(b)
	return nil
}

// encodeSDMX writes SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, then the
// table's columns that have an SDMX name, in table order.
func encodeSDMX(buf *bytes.Buffer, t *Table, id string) *Problem {
	var cols []*Col
	b := buf.AvailableBuffer()
	b = append(b, "STRUCTURE,STRUCTURE_ID,ACTION"...)
	for _, c := range t.Cols {
		if c.SDMX != "" {
			cols = append(cols, c)
			b = append(b, ',')
			b = appendCSVHeader(b, c.SDMX)
		}
	}
	b = append(b, '\n')
	lead := tidy.AppendCSVString(nil, "dataflow")
	lead = append(lead, ',')
	lead = tidy.AppendCSVString(lead, id)
	lead = append(lead, ',')
	lead = tidy.AppendCSVString(lead, "I")
	n := t.Len()
	for i := 0; i < n; i++ {
		b = append(b, lead...)
		for _, c := range cols {
			b = append(b, ',')
			if sdmxSpelled[c.SDMX] {
				b = tidy.AppendCSVString(b, sdmxCode(c.S[i]))
				continue
			}
			b = c.appendCSV(b, i)
		}
		b = append(b, '\n')
	}
	buf.Write(b)
	return nil
}

// appendCSVHeader appends a column name, quoted only where RFC 4180 needs it.
func appendCSVHeader(b []byte, name string) []byte {
	if !strings.ContainsAny(name, ",\"\r\n") {
		return append(b, name...)
	}
	return append(append(append(b, '"'), strings.ReplaceAll(name, `"`, `""`)...), '"')
}

// encodeArrow writes the table as one Arrow IPC stream record batch; the
// envelope's meta goes into the schema metadata (values as JSON).
func encodeArrow(buf *bytes.Buffer, t *Table, meta map[string]any) *Problem {
	mem := memory.DefaultAllocator
	fields := make([]arrow.Field, len(t.Cols))
	for j, c := range t.Cols {
		var dt arrow.DataType
		switch c.Kind {
		case KindString:
			dt = arrow.BinaryTypes.String
		case KindInt:
			// int32, as year, rank and the counts are in every table DRI
			// writes (one type per column across Parquet, Arrow and CSV)
			dt = arrow.PrimitiveTypes.Int32
		case KindFloat:
			dt = arrow.PrimitiveTypes.Float64
		case KindBool:
			dt = arrow.FixedWidthTypes.Boolean
		}
		fields[j] = arrow.Field{Name: c.Name, Type: dt, Nullable: c.Kind != KindBool}
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		v, _ := json.Marshal(meta[k])
		vals[i] = string(v)
	}
	md := arrow.NewMetadata(keys, vals)
	schema := arrow.NewSchema(fields, &md)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	n := t.Len()
	for j, c := range t.Cols {
		switch c.Kind {
		case KindString:
			sb := b.Field(j).(*array.StringBuilder)
			for _, v := range c.S {
				pipeline.AppendStringOrNull(sb, v) // a missing string is a null, not ""
			}
		case KindInt:
			fb := b.Field(j).(*array.Int32Builder)
			for i := 0; i < n; i++ {
				switch v := c.I[i]; {
				case c.IsNull(i):
					fb.AppendNull()
				case v != int64(int32(v)):
					return newProblem(http.StatusInternalServerError, CodeInternal, fmt.Sprintf("encoding arrow: %s %d does not fit an int32", c.Name, v))
				default:
					fb.Append(int32(v))
				}
			}
		case KindFloat:
			fb := b.Field(j).(*array.Float64Builder)
			for i := 0; i < n; i++ {
				if c.IsNull(i) {
					fb.AppendNull()
				} else {
					fb.Append(c.F[i])
				}
			}
		case KindBool:
			b.Field(j).(*array.BooleanBuilder).AppendValues(c.B, nil)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	w := ipc.NewWriter(buf, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err := w.Write(rec); err != nil {
		return newProblem(http.StatusInternalServerError, CodeInternal, err.Error())
	}
	if err := w.Close(); err != nil {
		return newProblem(http.StatusInternalServerError, CodeInternal, err.Error())
	}
	return nil
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }}

// acceptsGzip reports whether the client takes gzip (q > 0).
// (It walks the header with strings.Cut rather than Split: it runs on every
// request.)
func acceptsGzip(r *http.Request) bool {
	for rest := r.Header.Get("Accept-Encoding"); rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if k == "q" {
				if q, err := strconv.ParseFloat(v, 64); err == nil && q == 0 {
					return false
				}
			}
		}
		return true
	}
	return false
}

// writeGzip writes b gzip-compressed to w.
func writeGzip(w io.Writer, b []byte) {
	gz := gzipPool.Get().(*gzip.Writer)
	gz.Reset(w)
	_, _ = gz.Write(b)
	_ = gz.Close()
	gzipPool.Put(gz)
}
