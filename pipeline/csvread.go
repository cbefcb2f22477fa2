package pipeline

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// Reading publishers' CSV files: the helpers every adapter (package load)
// and the COINr readers share.

// Default reader limits (Options.MaxLineBytes, Options.MaxMessageBytes).
// The longest line of the shipped files is 99 KB (the Findex 2021 DataBank
// extract), a tenth of the line limit; an Arrow IPC record batch of 64K rows
// of the long format is about 3 MB.
const (
	DefaultMaxLineBytes    = 1 << 20
	DefaultMaxMessageBytes = 256 << 20
)

// UTF8BOM is the UTF-8 byte order mark some publishers start files with.
var UTF8BOM = []byte{0xEF, 0xBB, 0xBF}

// StripBOM returns r without a leading UTF-8 byte order mark.
func StripBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64*1024)
	if head, _ := br.Peek(3); bytes.Equal(head, UTF8BOM) {
		_, _ = br.Discard(3)
	}
	return br
}

// FindColumns finds the want columns in a header record (names trimmed,
// a byte order mark dropped) and returns their indices and the names. No
// expected column at all is a wrong header; some missing is a missing
// column.
func FindColumns(file string, line int, rec []string, want ...string) (map[string]int, []string, error) {
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
		return nil, nil, Structural(file, line, 0, RuleWrongHeader, "header %s is not this format's: want columns %q", Excerpt(strings.Join(hdr, ",")), want)
	case len(missing) > 0:
		return nil, nil, Structural(file, line, 0, RuleMissingColumn, "missing column(s) %q", missing)
	}
	return idx, hdr, nil
}

// CSVProblem is the structural problem of a CSV read error in file: a
// *LoadError as it is, a *csv.ParseError at its position as a malformed
// row, anything else as unreadable.
func CSVProblem(file string, err error) error {
	var pe *csv.ParseError
	var le *LoadError
	switch {
	case errors.As(err, &le):
		return le
	case errors.As(err, &pe):
		return Structural(file, pe.Line, pe.Column, RuleMalformedRow, "%v", pe.Err)
	}
	return Structural(file, 0, 0, RuleUnreadable, "%v", err)
}

// LineLimit passes a text file through, failing with a too-large
// *LoadError at the first line longer than max bytes. The readers above it
// (encoding/csv, bufio.Scanner) hold a whole line, or a whole quoted Cell,
// in memory: without it a file with no line end is read whole.
type LineLimit struct {
	r    io.Reader
	file string
	max  int
	line int // lines ended so far (a reader that starts mid-file sets it)
	cur  int // bytes of the current line so far
	err  error
}

// NewLineLimit returns r limited to lines of max bytes (0 means
// DefaultMaxLineBytes); line is the number of lines before r's start.
func NewLineLimit(r io.Reader, file string, max, line int) *LineLimit {
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	return &LineLimit{r: r, file: file, max: max, line: line}
}

func (l *LineLimit) Read(p []byte) (int, error) {
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
		l.err = LineTooLong(l.file, l.line+1, l.max)
		return 0, l.err
	}
	return n, err
}

// LineTooLong is the problem of a line over the limit of max bytes.
func LineTooLong(file string, line, max int) *LoadError {
	return Structural(file, line, 0, RuleTooLarge, "line is longer than %d bytes, the line limit (--max-line-bytes)", max)
}

// IsMissingCell reports cells publishers use for "no data".
func IsMissingCell(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "..", "...", "NA", "n/a", "-":
		return true
	}
	return false
}

// Cell returns rec[i] or "" when the record is short.
func Cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}
