package pipeline

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
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
		if err := decodeOptions(s.entry, opt); err != nil {
			return nil, structural(s.name, 0, 0, RuleBadEntry, "%v", err)
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

var bom = []byte{0xEF, 0xBB, 0xBF}

// stripBOM returns r without a leading UTF-8 byte order mark.
func stripBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64*1024)
	if head, _ := br.Peek(3); bytes.Equal(head, bom) {
		_, _ = br.Discard(3)
	}
	return br
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
		return nil, nil, structural(display, 1, 0, RuleEmptyFile, "the file is empty")
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
		return nil, nil, structural(t.file, 1, 0, RuleEmptyFile, "the file has no header")
	}
	if err != nil {
		return nil, nil, csvStructural(t.file, err)
	}
	t.col, t.hdr, err = findColumns(t.file, line, rec, want...)
	return t.col, t.hdr, err
}

func findColumns(file string, line int, rec []string, want ...string) (map[string]int, []string, error) {
	hdr := make([]string, len(rec))
	idx := map[string]int{}
	for i, h := range rec {
		hdr[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := idx[hdr[i]]; !dup {
			idx[hdr[i]] = i
		}
	}
	var missing []string
	for _, w := range want {
		if _, ok := idx[w]; !ok {
			missing = append(missing, w)
		}
	}
	switch {
	case len(missing) == len(want) && len(want) > 0:
		return nil, nil, structural(file, line, 0, RuleWrongHeader, "header %s is not this format's: want columns %q", excerpt(strings.Join(hdr, ",")), want)
	case len(missing) > 0:
		return nil, nil, structural(file, line, 0, RuleMissingColumn, "missing column(s) %q", missing)
	}
	return idx, hdr, nil
}

func csvStructural(file string, err error) error {
	var pe *csv.ParseError
	var le *LoadError
	switch {
	case errors.As(err, &le):
		return le
	case errors.As(err, &pe):
		return structural(file, pe.Line, pe.Column, RuleMalformedRow, "%v", pe.Err)
	}
	return structural(file, 0, 0, RuleUnreadable, "%v", err)
}

// lineLimit passes a text file through, failing with a too-large
// *LoadError at the first line longer than max bytes. The readers above it
// (encoding/csv, bufio.Scanner) hold a whole line, or a whole quoted field,
// in memory: without it a file with no line end is read whole.
type lineLimit struct {
	r    io.Reader
	file string
	max  int
	line int // lines ended so far (a reader that starts mid-file sets it)
	cur  int // bytes of the current line so far
	err  error
}

// newLineLimit returns r limited to lines of max bytes (0 means
// DefaultMaxLineBytes); line is the number of lines before r's start.
func newLineLimit(r io.Reader, file string, max, line int) *lineLimit {
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	return &lineLimit{r: r, file: file, max: max, line: line}
}

func (l *lineLimit) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for b := p[:n]; ; {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.cur += len(b)
			break
		}
		if l.cur+i > l.max {
			l.cur += i
			break
		}
		l.line++
		l.cur = 0
		b = b[i+1:]
	}
	if l.cur > l.max {
		l.err = tooLongLine(l.file, l.line+1, l.max)
		return 0, l.err
	}
	return n, err
}

// tooLongLine is the problem of a line over the limit of max bytes.
func tooLongLine(file string, line, max int) *LoadError {
	return structural(file, line, 0, RuleTooLarge, "line is longer than %d bytes, the line limit (--max-line-bytes)", max)
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
func (s *source) skipAggregate(unit string, kind UnitKind, reason string) bool {
	if _, agg, _ := s.ref.resolve(unit, kind); !agg {
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
func (c *Collector) malformed(err error) bool {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return false
	}
	c.Quarantine(pe.Line, pe.Column, Error, RuleMalformedRow, "%v", pe.Err)
	return true
}

// isMissingCell reports cells publishers use for "no data".
func isMissingCell(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "..", "...", "NA", "n/a", "-":
		return true
	}
	return false
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

// field returns rec[i] or "" when the record is short.
func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}
