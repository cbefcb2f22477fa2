package load

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/dri-engine/dri/pipeline"
)

// Reading publishers' CSV files: the helpers every adapter and the COINr
// readers share.

// bom is the UTF-8 byte order mark some publishers start files with.
var bom = []byte{0xEF, 0xBB, 0xBF}

// stripBOM returns r without a leading UTF-8 byte order mark.
func stripBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64*1024)
	if head, _ := br.Peek(3); bytes.Equal(head, bom) {
		_, _ = br.Discard(3)
	}
	return br
}

// findColumns finds the want columns in a header record (names trimmed,
// a byte order mark dropped) and returns their indices and the names. No
// expected column at all is a wrong header; some missing is a missing
// column.
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
		return nil, nil, pipeline.Structural(file, line, 0, pipeline.RuleWrongHeader, "header %s is not this format's: want columns %q", pipeline.Excerpt(strings.Join(hdr, ",")), want)
	case len(missing) > 0:
		return nil, nil, pipeline.Structural(file, line, 0, pipeline.RuleMissingColumn, "missing column(s) %q", missing)
	}
	return idx, hdr, nil
}

// csvStructural is the structural problem of a CSV read error in file: a
// *LoadError as it is, a *csv.ParseError at its position as a malformed
// row, anything else as unreadable.
func csvStructural(file string, err error) error {
	var pe *csv.ParseError
	var le *pipeline.LoadError
	switch {
	case errors.As(err, &le):
		return le
	case errors.As(err, &pe):
		return pipeline.Structural(file, pe.Line, pe.Column, pipeline.RuleMalformedRow, "%v", pe.Err)
	}
	return pipeline.Structural(file, 0, 0, pipeline.RuleUnreadable, "%v", err)
}

// lineLimit passes a text file through, failing with a too-large
// *LoadError at the first line longer than max bytes. The readers above it
// (encoding/csv, bufio.Scanner) hold a whole line, or a whole quoted Cell,
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
		max = pipeline.DefaultMaxLineBytes
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
func tooLongLine(file string, line, max int) *pipeline.LoadError {
	return pipeline.Structural(file, line, 0, pipeline.RuleTooLarge, "line is longer than %d bytes, the line limit (--max-line-bytes)", max)
}

// isMissingCell reports cells publishers use for "no data".
func isMissingCell(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "..", "...", "NA", "n/a", "-":
		return true
	}
	return false
}

// field returns rec[i] or "" when the record is short.
func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}
