package pipeline

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// The long format is what users write for large panels (millions of rows),
// so its CSV reader parses blocks of lines in parallel. A line is split on
// commas by hand; the first quote character in the file hands the rest of
// the file to encoding/csv (quoted fields may hold commas and newlines), so
// the result is the same either way. Positions stay exact: each block knows
// the line it starts on.

const longBlock = 8 << 20 // bytes read at a time

// readLongCSVFast reads a long-format CSV. hdrLine is the header's fields.
func readLongCSVFast(s *source, r io.Reader, display string) error {
	buf := make([]byte, longBlock)
	carried := 0 // bytes of an unfinished line kept at the start of buf
	line := 0    // lines consumed so far
	var idx map[string]int
	workers := runtime.GOMAXPROCS(0)
	for {
		if carried == len(buf) { // a line longer than the buffer
			buf = append(buf, make([]byte, len(buf))...)
		}
		n, rerr := io.ReadFull(r, buf[carried:])
		data := buf[:carried+n]
		eof := rerr == io.EOF || rerr == io.ErrUnexpectedEOF
		if rerr != nil && !eof {
			return structural(display, line+1, 0, RuleUnreadable, "%v", rerr)
		}
		if line == 0 {
			data = bytes.TrimPrefix(data, bom)
			if len(bytes.TrimSpace(data)) == 0 {
				return structural(display, 1, 0, RuleEmptyFile, "the file is empty")
			}
		}
		cut := len(data)
		if !eof {
			cut = bytes.LastIndexByte(data, '\n') + 1
			if cut == 0 { // a line longer than the block: keep reading
				carried = len(data)
				continue
			}
		}
		block := data[:cut]
		if q := bytes.IndexByte(block, '"'); q >= 0 {
			s.absorbPending()
			// Quotes ahead: encoding/csv takes over from the start of this
			// block, so everything before it is parsed the fast way.
			if idx == nil {
				return readLongSlow(s, io.MultiReader(bytes.NewReader(data), r), display, 0, nil)
			}
			return readLongSlow(s, io.MultiReader(bytes.NewReader(data), r), display, line, idx)
		}
		if idx == nil {
			nl := bytes.IndexByte(block, '\n')
			if nl < 0 {
				nl = len(block)
			}
			hdr := strings.Split(strings.TrimRight(string(block[:nl]), "\r\n"), ",")
			var err error
			if idx, err = checkLongHeader(display, 1, hdr); err != nil {
				return err
			}
			line = 1
			block = block[min(nl+1, len(block)):]
		}
		line = parseLongBlocks(s, block, line, idx, workers)
		// The parsed rows keep no reference to buf (the collectors clone
		// the strings they keep), so it is reused for the next block.
		carried = copy(buf, data[cut:])
		if eof {
			traceT("parsed")
			s.absorbPending()
			traceT("absorbed")
			return nil
		}
	}
}

// parseLongBlocks parses block (whole lines, the first being line+1) in
// parallel shards and appends their rows to s in order; it returns the
// number of the last line consumed.
func parseLongBlocks(s *source, block []byte, line int, idx map[string]int, workers int) int {
	if len(block) == 0 {
		return line
	}
	type shard struct {
		data  []byte
		start int
		lines int
		c     *Collector
	}
	parts := workers * 2
	var shards []shard
	start := line
	for len(block) > 0 {
		size := len(block) / parts
		if size < 1<<16 {
			size = len(block)
		}
		end := len(block)
		if size < len(block) {
			end = bytes.IndexByte(block[size:], '\n')
			if end < 0 {
				end = len(block)
			} else {
				end += size + 1
			}
		}
		lines := bytes.Count(block[:end], []byte{'\n'})
		shards = append(shards, shard{data: block[:end], start: start, lines: lines})
		start += lines
		if end == len(block) && block[end-1] != '\n' {
			start++
		}
		block = block[end:]
		parts--
		if parts < 1 {
			parts = 1
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i := range shards {
		sh := &shards[i]
		sh.c = s.shard()
		sh.c.cols.reserve(sh.lines + 1)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			parseLongLines(sh.c, sh.data, sh.start, idx)
		}()
	}
	wg.Wait()
	for i := range shards {
		s.pending = append(s.pending, shards[i].c)
	}
	return start
}

// parseLongLines parses whole lines of the long format into c.
func parseLongLines(c *Collector, data []byte, line int, idx map[string]int) {
	ncol := len(idx)
	pos := func(name string) int {
		if i, ok := idx[name]; ok {
			return i
		}
		return -1
	}
	iUnit, iYear, iInd, iSex, iArea, iAge, iVal, iStatus, iNote :=
		pos("unit"), pos("year"), pos("indicator"), pos("sex"), pos("area"), pos("age"), pos("value"), pos("status"), pos("note")
	var fields [9][]byte
	var cols [9]int // 1-based column of each field
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		var raw []byte
		if nl < 0 {
			raw, data = data, nil
		} else {
			raw, data = data[:nl], data[nl+1:]
		}
		line++
		raw = bytes.TrimSuffix(raw, []byte{'\r'})
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		nf, col := 0, 1
		for nf < len(fields) {
			comma := bytes.IndexByte(raw, ',')
			cols[nf] = col
			if comma < 0 {
				fields[nf] = raw
				nf++
				raw = nil
				break
			}
			fields[nf] = raw[:comma]
			col += comma + 1
			raw = raw[comma+1:]
			nf++
		}
		if nf != ncol || raw != nil {
			c.Quarantine(line, 0, Error, RuleMalformedRow, "%d fields, the header has %d", countFields(nf, raw), ncol)
			continue
		}
		get := func(i int) string {
			if i < 0 {
				return ""
			}
			return view(fields[i])
		}
		vcell := fields[iVal]
		if len(bytes.TrimSpace(vcell)) == 0 {
			c.Quarantine(line, cols[iVal], Error, RuleNotANumber, "value is empty (leave the row out for a missing value)")
			continue
		}
		year, ok := c.ParseYear(get(iYear), line, cols[iYear])
		if !ok {
			continue
		}
		v, ok := c.ParseValue(view(vcell), line, cols[iVal], "value")
		if !ok {
			continue
		}
		c.Add(Obs{Line: line, Column: cols[iVal], Unit: get(iUnit), UnitKind: ByCode, Year: year,
			Indicator: strings.TrimSpace(get(iInd)), Sex: get(iSex), Area: get(iArea), Age: get(iAge), Value: v,
			Status: get(iStatus), Note: get(iNote)})
	}
}

func countFields(nf int, rest []byte) int {
	if rest == nil {
		return nf
	}
	return nf + bytes.Count(rest, []byte{','}) + 1
}

// view is a string sharing b's bytes (no copy). It must not outlive the
// parse of its line; the collector clones what it keeps.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// shard returns a collector for a parallel part of this source: same
// reference, registry and interners, its own report and caches.
func (s *source) shard() *Collector {
	fr := &FileReport{Source: s.entry.ID, File: s.name}
	c := newCollector(s.name, s.ref, s.reg, s.ages, s.notes, fr, s.maxY)
	c.defects = s.defects
	return c
}

// absorbPending takes over the parsed shards' rows (as parts of the source,
// in file order, without copying them), counts and problems.
func (s *source) absorbPending() {
	for i, c := range s.pending {
		r, sr := s.report, c.report
		r.Read += sr.Read
		r.Loaded += sr.Loaded
		r.Quarantined += sr.Quarantined
		r.Errors += sr.Errors
		r.Notices += sr.Notices
		r.Problems = append(r.Problems, sr.Problems...)
		for k, v := range sr.Ignored {
			r.ignore(k, v)
		}
		if c.cols.len() > 0 {
			part := c.cols
			s.parts = append(s.parts, &part)
		}
		s.pending[i] = nil // free the shard's collector
	}
	s.pending = nil
}

// allParts returns the source's rows: the absorbed shards, then what was
// added to its own collector (always after them in the file).
func (s *source) allParts() []*columns {
	if s.cols.len() == 0 {
		return s.parts
	}
	return append(s.parts[:len(s.parts):len(s.parts)], &s.cols)
}
