package load

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"slices"

	"github.com/dri-engine/dri/pipeline"
)

// csvTable reads a delimited file whole-record by whole-record with exact
// positions (encoding/csv FieldPos): the positions are the point of using it
// rather than Arrow's CSV reader, which reports none.
type csvTable struct {
	r      *csv.Reader
	file   string
	n      int // fields in the last record
	closer io.Closer
	// col and hdr are the header's (set by header): the index of each
	// column by name, and the names trimmed.
	col map[string]int
	hdr []string
}

// Close closes the file the table reads.
func (t *csvTable) Close() error { return t.closer.Close() }

// openTable decodes the catalogue entry's options into opt (unless nil),
// opens the entry's file as CSV separated by comma and reads its header,
// which must name the want columns (see header). The caller closes the
// table.
func (s *source) openTable(opt any, comma rune, want ...string) (*csvTable, error) {
	if opt != nil {
		if err := pipeline.DecodeOptions(s.entry, opt); err != nil {
			return nil, pipeline.Structural(s.name, 0, 0, pipeline.RuleBadEntry, "%v", err)
		}
	}
	t, cl, err := s.openCSV("", comma)
	if err != nil {
		return nil, err
	}
	if _, _, err := t.header(want...); err != nil {
		cl.Close()
		return nil, err
	}
	return t, nil
}

// openCSV opens a source file (the entry's own when name is "") as CSV with
// the given separator. It strips a UTF-8 byte order mark and rejects an empty
// file. The caller closes the returned closer.
func (s *source) openCSV(name string, comma rune) (*csvTable, io.Closer, error) {
	rc, display, err := s.open(name)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(newLineLimit(rc, display, s.maxLine, 0), 64*1024)
	if head, _ := br.Peek(3); bytes.Equal(head, bom) {
		_, _ = br.Discard(3)
	}
	if head, err := br.Peek(1); len(head) == 0 {
		rc.Close()
		if err != nil && err != io.EOF {
			return nil, nil, csvStructural(display, err)
		}
		return nil, nil, pipeline.Structural(display, 1, 0, pipeline.RuleEmptyFile, "the file is empty")
	}
	r := csv.NewReader(br)
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	return &csvTable{r: r, file: display, closer: rc}, rc, nil
}

// next returns the next record and the line it starts on; io.EOF at the end.
// A malformed record is returned as a *csv.ParseError for the caller to
// quarantine; reading can continue after it.
func (t *csvTable) next() ([]string, int, error) {
	rec, err := t.r.Read()
	if err != nil {
		t.n = 0
		return nil, 0, err
	}
	t.n = len(rec)
	line, _ := t.r.FieldPos(0)
	return rec, line, nil
}

// pos returns the line and column of field i of the last record; for a
// field the (short) record lacks, the record's line and column 0.
func (t *csvTable) pos(i int) (int, int) {
	if i < 0 || i >= t.n {
		if t.n == 0 {
			return 0, 0
		}
		line, _ := t.r.FieldPos(0)
		return line, 0
	}
	return t.r.FieldPos(i)
}

// header reads the header record, requires the named columns and returns
// their indices. No expected column at all is a wrong header; some missing
// is a missing column.
func (t *csvTable) header(want ...string) (map[string]int, []string, error) {
	rec, line, err := t.next()
	if err == io.EOF {
		return nil, nil, pipeline.Structural(t.file, 1, 0, pipeline.RuleEmptyFile, "the file has no header")
	}
	if err != nil {
		return nil, nil, csvStructural(t.file, err)
	}
	t.col, t.hdr, err = findColumns(t.file, line, rec, want...)
	return t.col, t.hdr, err
}

// rowReader yields a file's records with the line each starts on, and
// io.EOF after the last (csvTable, dataBankLines).
type rowReader interface {
	next() ([]string, int, error)
}

// eachRow is the read loop of every adapter: it calls fn with each record
// of r and the line it starts on, up to the end of the file. A record the
// CSV reader cannot parse is quarantined as a malformed row and reading
// goes on; any other read error rejects the file (display name file). fn
// returns a non-nil error to stop with it (a structural problem).
func (s *source) eachRow(r rowReader, file string, fn func(rec []string, line int) error) error {
	for {
		rec, line, err := r.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if s.malformed(err) {
				continue
			}
			return csvStructural(file, err)
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

// skipRow counts a row the adapter leaves out on purpose; reason says why
// ("rows of World Bank aggregates"). The counts go into the file report's
// Ignored once the file has been read whole: a rejected file reports none.
func (s *source) skipRow(reason string) {
	if s.skipped == nil {
		s.skipped = map[string]int{}
	}
	s.skipped[reason]++
}

// skipSeries counts a row of a series the catalogue entry does not map
// (reported as "series CODE not used").
func (s *source) skipSeries(code string) {
	if s.skippedSeries == nil {
		s.skippedSeries = map[string]int{}
	}
	s.skippedSeries[code]++
}

// skipAggregate reports whether unit is one of a publisher's aggregates
// (the World Bank's WLD, LDC, SSF, ...; M49's regions, by kind): DRI
// computes its own groups from their members, so such a row is skipped and
// counted under reason.
func (s *source) skipAggregate(unit string, kind pipeline.UnitKind, reason string) bool {
	if !s.ref.IsAggregate(unit, kind) {
		return false
	}
	s.skipRow(reason)
	return true
}

// Reasons for skipping a publisher's aggregate rows.
const (
	wbAggregates       = "rows of World Bank aggregates"
	regionalAggregates = "rows of regional aggregates"
)

// malformed quarantines a record the CSV reader could not parse.
func (s *source) malformed(err error) bool {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return false
	}
	s.Quarantine(pe.Line, pe.Column, pipeline.Error, pipeline.RuleMalformedRow, "%v", pe.Err)
	return true
}

// emptyCell reports whether cell says "no data" (isMissingCell), counting
// it as an empty cell in the file report.
func (s *source) emptyCell(cell string) bool {
	if !isMissingCell(cell) {
		return false
	}
	s.Ignore("empty cells", 1)
	return true
}

// valueAt reads the value in field i of rec, on line (column i+1), for
// indicator: a cell saying "no data" is counted under missing ("empty
// cells", "'..' cells"), a bad number is quarantined (ParseValue); ok is
// false for both.
func (s *source) valueAt(rec []string, i, line int, indicator, missing string) (float64, bool) {
	cell := field(rec, i)
	if isMissingCell(cell) {
		s.Ignore(missing, 1)
		return 0, false
	}
	return s.ParseValue(cell, line, i+1, indicator)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
