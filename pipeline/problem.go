package pipeline

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Rule names the validation rule a problem broke. Rules are stable strings:
// tests, the CLI report and the API's 422 responses use them.
type Rule string

// Row rules quarantine one observation; structural rules reject a whole file.
const (
	RuleUnknownUnit      Rule = "unknown-unit"
	RuleUnknownIndicator Rule = "unknown-indicator"
	RuleNotANumber       Rule = "not-a-number"
	RuleOutOfBounds      Rule = "out-of-bounds"
	RuleUnitMismatch     Rule = "unit-mismatch"
	RuleDuplicateKey     Rule = "duplicate-key"
	RuleYearRange        Rule = "year-range"
	RuleBadCode          Rule = "bad-code"
	RuleMalformedRow     Rule = "malformed-row"

	RuleMissingColumn Rule = "missing-column"
	RuleWrongHeader   Rule = "wrong-header"
	RuleEmptyFile     Rule = "empty-file"
	RuleUnreadable    Rule = "unreadable"
	RuleBadEntry      Rule = "bad-entry"
	// RuleTooLarge: a line or an Arrow IPC message over the reader's limit
	// (Options.MaxLineBytes, Options.MaxMessageBytes).
	RuleTooLarge Rule = "too-large"

	// Known defects of publishers' files: handled, reported as notices.
	RuleNotAssessed     Rule = "not-assessed"
	RuleKnownDefect     Rule = "known-defect"
	RuleSuperseded      Rule = "superseded"
	RuleIgnoredColumn   Rule = "ignored-column"
	RuleRepairedQuoting Rule = "repaired-quoting"
)

// Severity says whether a problem makes validation fail.
type Severity int

const (
	// Error: the input is wrong; the row is quarantined or the file rejected,
	// and `dri validate` exits 1.
	Error Severity = iota
	// Notice: a known defect of a publisher's file, handled as documented.
	Notice
)

func (s Severity) String() string {
	if s == Notice {
		return "notice"
	}
	return "error"
}

// Problem is one located validation finding.
type Problem struct {
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Column   int      `json:"column,omitempty"`
	Rule     Rule     `json:"rule"`
	Severity Severity `json:"-"`
	Message  string   `json:"message"`
}

// String formats the problem as file:line[:column]: rule: message.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
		if p.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Column))
		}
	}
	b.WriteString(": ")
	b.WriteString(string(p.Rule))
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// excerptBytes is the most of a cell or header a problem message quotes.
const excerptBytes = 64

// Excerpt quotes a cell or header from a file for a problem message (Go
// syntax, as %q): whole when it has at most excerptBytes bytes, else its
// first excerptBytes (cut at a character boundary), an ellipsis and its
// full length, so that a 60 MB cell makes a message of about 100 bytes.
func Excerpt(s string) string {
	if len(s) <= excerptBytes {
		return strconv.Quote(s)
	}
	n := excerptBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}

// ErrInvalid is the sentinel for input that failed validation.
var ErrInvalid = errors.New("invalid input")

// LoadError is a structural error that rejects a whole file.
type LoadError struct {
	File   string
	Line   int
	Column int
	Rule   Rule
	Err    error
}

func (e *LoadError) Error() string {
	return "pipeline: " + e.Problem().String()
}

// Unwrap returns the underlying error.
func (e *LoadError) Unwrap() error { return e.Err }

// Problem returns the error as a located problem.
func (e *LoadError) Problem() Problem {
	return Problem{File: e.File, Line: e.Line, Column: e.Column, Rule: e.Rule, Message: e.Err.Error()}
}

// Structural is a problem that rejects a whole file, at file:line:col.
func Structural(file string, line, col int, rule Rule, format string, args ...any) *LoadError {
	return &LoadError{File: file, Line: line, Column: col, Rule: rule, Err: fmt.Errorf(format, args...)}
}

// FileReport accounts for one source file: read = loaded + quarantined.
type FileReport struct {
	Source      string         `json:"source"`
	File        string         `json:"file"`
	Rejected    bool           `json:"rejected"`
	Read        int            `json:"read"`
	Loaded      int            `json:"loaded"`
	Quarantined int            `json:"quarantined"`
	Superseded  int            `json:"superseded"`
	Errors      int            `json:"errors"`
	Notices     int            `json:"notices"`
	Ignored     map[string]int `json:"ignored,omitempty"`
	// Counts are the problems by rule, all of them; Problems keeps the
	// first maxKeptPerRule of each rule (a file of 2 million bad rows must
	// not make a report of 2 million messages).
	Counts   map[Rule]int `json:"counts,omitempty"`
	Problems []Problem    `json:"problems,omitempty"`
}

// maxKeptPerRule is how many problems of one rule a file's report keeps,
// in file order (duplicate keys, found by the merge, in the merge's order,
// then sorted by line).
const maxKeptPerRule = 200

func (r *FileReport) ignore(reason string, n int) {
	if n == 0 {
		return
	}
	if r.Ignored == nil {
		r.Ignored = map[string]int{}
	}
	r.Ignored[reason] += n
}

func (r *FileReport) add(p Problem) {
	if r.count(p.Severity, p.Rule) {
		r.Problems = append(r.Problems, p)
	}
}

// count counts a problem and reports whether the report keeps it.
func (r *FileReport) count(sev Severity, rule Rule) bool {
	if sev == Error {
		r.Errors++
	} else {
		r.Notices++
	}
	if r.Counts == nil {
		r.Counts = map[Rule]int{}
	}
	r.Counts[rule]++
	return r.Counts[rule] <= maxKeptPerRule
}

// keeps reports whether the report would keep the next problem of rule.
func (r *FileReport) keeps(rule Rule) bool { return r.Counts[rule] < maxKeptPerRule }

// absorb adds the counts and problems of a later part of the same file
// (a shard of a parallel reader), keeping the first maxKeptPerRule of each
// rule over both.
func (r *FileReport) absorb(sr *FileReport) {
	r.Read += sr.Read
	r.Loaded += sr.Loaded
	r.Quarantined += sr.Quarantined
	r.Errors += sr.Errors
	r.Notices += sr.Notices
	for k, v := range sr.Ignored {
		r.ignore(k, v)
	}
	if r.Counts == nil {
		r.Counts = map[Rule]int{}
	}
	for _, p := range sr.Problems {
		if r.Counts[p.Rule] < maxKeptPerRule {
			r.Problems = append(r.Problems, p)
		}
		r.Counts[p.Rule]++
	}
	// The problems sr counted but did not keep.
	for rule, n := range sr.Counts {
		r.Counts[rule] += n - min(n, maxKeptPerRule)
	}
}

// Report is the validation report of a load: one FileReport per source.
type Report struct {
	Files []*FileReport `json:"files"`
}

// Errors is the number of error-severity problems in all files.
func (r *Report) Errors() int {
	n := 0
	for _, f := range r.Files {
		n += f.Errors
	}
	return n
}

// Problems returns every problem of every file, errors first, in file order.
func (r *Report) Problems() []Problem {
	var ps []Problem
	for _, f := range r.Files {
		ps = append(ps, f.Problems...)
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Severity < ps[j].Severity })
	return ps
}

// Totals sums the counts of all files.
func (r *Report) Totals() (read, loaded, quarantined, superseded int) {
	for _, f := range r.Files {
		read += f.Read
		loaded += f.Loaded
		quarantined += f.Quarantined
		superseded += f.Superseded
	}
	return
}

// maxListed bounds the problems printed per file and rule in text reports;
// the counts are always complete.
const maxListed = 20

// MaxListedPerRule is how many problems of each error rule a bounded list
// (the text report, the API's 422) shows; notices show one per rule.
const MaxListedPerRule = maxListed

// MaxProblemMessage bounds a listed problem's message in bytes: a message
// quoting a huge cell or header is cut, with "..." at the end.
const MaxProblemMessage = 240

// RuleCount is how many problems one rule had, and how many of them a
// summary lists.
type RuleCount struct {
	Rule   Rule `json:"rule"`
	Count  int  `json:"count"`
	Listed int  `json:"listed"`
}

// ProblemSummary is a bounded view of a list of problems: the first few of
// each rule, in their order, and the count of every rule.
type ProblemSummary struct {
	Total  int
	Listed []Problem
	// Counts has one entry per rule, in order of first appearance.
	Counts []RuleCount
}

// Omitted is the number of problems not listed.
func (s *ProblemSummary) Omitted() int { return s.Total - len(s.Listed) }

// SummariseProblems is the one rule for showing many problems, used by the
// CLI's report and the API's 422: the first errorsPerRule problems of each
// error rule and the first noticesPerRule of each notice rule (a negative
// limit lists all), each message cut to MaxProblemMessage bytes, and the
// count of every rule. totals, when not nil, are the counts of a list that
// was already cut (FileReport.Counts). The input is not modified.
func SummariseProblems(ps []Problem, totals map[Rule]int, errorsPerRule, noticesPerRule int) ProblemSummary {
	sum := ProblemSummary{Total: len(ps)}
	index := map[Rule]int{}
	for _, p := range ps {
		i, ok := index[p.Rule]
		if !ok {
			i = len(sum.Counts)
			index[p.Rule] = i
			sum.Counts = append(sum.Counts, RuleCount{Rule: p.Rule})
		}
		rc := &sum.Counts[i]
		rc.Count++
		limit := errorsPerRule
		if p.Severity == Notice {
			limit = noticesPerRule
		}
		if limit < 0 || rc.Listed < limit {
			rc.Listed++
			p.Message = Shorten(p.Message, MaxProblemMessage)
			p.File = Shorten(p.File, MaxProblemMessage)
			sum.Listed = append(sum.Listed, p)
		}
	}
	// A report keeps the first maxKeptPerRule problems of each rule and
	// counts the rest (FileReport.Counts): the counts say how many there were.
	for i := range sum.Counts {
		rc := &sum.Counts[i]
		if n := totals[rc.Rule]; n > rc.Count {
			sum.Total += n - rc.Count
			rc.Count = n
		}
	}
	return sum
}

// Shorten cuts s to at most n bytes on a UTF-8 boundary, ending in "..."
// when cut: the one way a message or a client's text is bounded for a reply.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-3], "") + "..."
}

// WriteText writes the report for people: one line per file with its
// accounting, then its problems (at most maxListed per rule, with a count of
// the rest).
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	ew := &errWriter{w: w}
	width := 0
	for _, f := range r.Files {
		width = max(width, len(f.File))
	}
	for _, f := range r.Files {
		state := "ok"
		switch {
		case f.Rejected:
			state = "REJECTED"
		case f.Errors > 0:
			state = "errors"
		}
		ew.printf("%-*s  %-8s read %7d = loaded %7d + quarantined %5d", width, f.File, state, f.Read, f.Loaded, f.Quarantined)
		if f.Superseded > 0 {
			ew.printf("  (superseded %d)", f.Superseded)
		}
		if len(f.Ignored) > 0 {
			keys := make([]string, 0, len(f.Ignored))
			for k := range f.Ignored {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = fmt.Sprintf("%s %d", k, f.Ignored[k])
			}
			ew.printf("  not data: %s", strings.Join(parts, ", "))
		}
		ew.printf("\n")
		// Errors: the first maxListed per rule; notices: the first per rule.
		// --verbose lists everything.
		perRule, notices := maxListed, 1
		if verbose {
			perRule, notices = -1, -1
		}
		sum := SummariseProblems(f.Problems, f.Counts, perRule, notices)
		for _, p := range sum.Listed {
			ew.printf("  %s: %s\n", p.Severity, p)
		}
		for _, rc := range sum.Counts {
			switch {
			case rc.Count <= rc.Listed:
			case !verbose:
				ew.printf("  ... %d more %s problems (use --verbose to list the first %d)\n", rc.Count-rc.Listed, rc.Rule, maxKeptPerRule)
			default:
				ew.printf("  ... %d more %s problems (a report keeps the first %d of each rule)\n", rc.Count-rc.Listed, rc.Rule, maxKeptPerRule)
			}
		}
	}
	read, loaded, quarantined, superseded := r.Totals()
	ew.printf("total: read %d = loaded %d + quarantined %d; %d superseded by a source of higher precedence; %d errors\n",
		read, loaded, quarantined, superseded, r.Errors())
	return ew.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
