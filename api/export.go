package api

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/gin-gonic/gin"

	"github.com/dri-engine/dri/pipeline/tidy"
)

// The unpaged downloads: GET /v1/export/{table}.{parquet|arrow|csv}, the
// tables dri export writes (one code path: the Result's records and
// tidy.WriteTable), whole, with a strong ETag (snapshot, table, format) and
// HTTP range requests (http.ServeContent), so that DuckDB's httpfs, pandas
// and arrow read them straight from the server.

// exportTables are the tables, in dri export's order.
var exportTables = []string{"observations", "units", "groups", "indicators", "scores"}

// scoresRecorder is the engine's whole scores table (dri export's scores).
type scoresRecorder interface {
	ScoresRecord(mem memory.Allocator, frameworks []string, year int) (arrow.RecordBatch, error)
}

// exportCache holds a snapshot's rendered files: one dataset's at a time
// (a new snapshot drops the old files).
type exportCache struct {
	mu    sync.Mutex
	ds    *Dataset
	files map[string]*exportFile
}

type exportFile struct {
	once sync.Once
	data []byte
	err  error
}

func (c *exportCache) file(ds *Dataset, name string) *exportFile {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ds != ds {
		c.ds, c.files = ds, map[string]*exportFile{}
	}
	f := c.files[name]
	if f == nil {
		f = &exportFile{}
		c.files[name] = f
	}
	return f
}

// render writes one table of a dataset in a format.
func render(ds *Dataset, table, format string) ([]byte, error) {
	var rec arrow.RecordBatch
	switch table {
	case "observations":
		rec = ds.Result.Observations
		rec.Retain()
	case "units", "groups":
		units, groups := ds.Result.ReferenceRecords()
		if table == "units" {
			groups.Release()
			rec = units
		} else {
			units.Release()
			rec = groups
		}
	case "indicators":
		rec = ds.Result.RegistryRecord()
	case "scores":
		sr, ok := ds.Scores.(scoresRecorder)
		if !ok {
			return nil, newProblem(http.StatusServiceUnavailable, CodeUnavailable, "the scores table needs the scoring engine, which is not loaded")
		}
		var err error
		if rec, err = sr.ScoresRecord(memory.DefaultAllocator, nil, 0); err != nil {
			return nil, err
		}
	}
	defer rec.Release()
	var buf bytes.Buffer
	if err := tidy.WriteTable(&buf, rec, format); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var exportTypes = map[string]string{"parquet": "application/vnd.apache.parquet", "arrow": "application/vnd.apache.arrow.file",
	"csv": "text/csv; charset=utf-8"}

// exportOperation documents GET /v1/export/{file} in the OpenAPI document.
func exportOperation() map[string]any {
	var files []string
	for _, t := range exportTables {
		for _, f := range []string{"parquet", "arrow", "csv"} {
			files = append(files, t+"."+f)
		}
	}
	content := map[string]any{}
	for _, f := range []string{"parquet", "arrow", "csv"} {
		content[strings.Split(exportTypes[f], ";")[0]] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
	}
	return map[string]any{
		"summary":     "A whole table as dri export writes it (observations, units, groups, indicators, scores), unpaged, with ETag and HTTP range requests (DuckDB's read_parquet over HTTP, pandas, arrow)",
		"operationId": "get_export_by_file",
		"parameters": []any{map[string]any{"name": "file", "in": "path", "required": true,
			"schema": map[string]any{"type": "string", "enum": files}}},
		"responses": map[string]any{
			"200": map[string]any{"description": "the table", "content": content,
				"headers": map[string]any{HeaderSnapshot: snapshotHeader}},
			"206": map[string]any{"description": "the byte range asked for (Range)"},
			"304": map[string]any{"description": "Not modified (If-None-Match matched the ETag)"},
			"404": map[string]any{"description": "no such table or format"},
		},
	}
}

func (s *Server) registerExport() {
	getAndHead(s.engine, "/v1/export/:file", func(c *gin.Context) {
		name := c.Param("file")
		table, format, _ := strings.Cut(name, ".")
		if !slices.Contains(exportTables, table) || exportTypes[format] == "" {
			writeProblem(c.Writer, c.Request, notFound(CodeNotFound, "no export %q: want TABLE.FORMAT with TABLE one of %s and FORMAT parquet, arrow or csv",
				name, strings.Join(exportTables, ", ")))
			return
		}
		ds := s.data.Current()
		if ds == nil || ds.Result == nil {
			writeProblem(c.Writer, c.Request, newProblem(http.StatusServiceUnavailable, CodeUnavailable, "no snapshot is loaded"))
			return
		}
		c.Writer.Header().Set(HeaderSnapshot, ds.ID)
		f := s.exports.file(ds, name)
		f.once.Do(func() { f.data, f.err = render(ds, table, format) })
		if f.err != nil {
			p, ok := f.err.(*Problem)
			if !ok {
				s.cfg.Logger.Error("export failed", "file", name, "err", f.err)
				p = newProblem(http.StatusInternalServerError, CodeInternal, "internal error")
			}
			writeProblem(c.Writer, c.Request, p)
			return
		}
		h := c.Writer.Header()
		h.Set("ETag", `"`+ds.ID+"-"+name+`"`)
		h.Set("Content-Type", exportTypes[format])
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("Content-Disposition", `attachment; filename="dri-`+name+`"`)
		http.ServeContent(c.Writer, c.Request, "", ds.Created, bytes.NewReader(f.data))
	})
}
