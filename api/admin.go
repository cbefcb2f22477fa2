package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// Admin is what the admin routes need: accept a source file with its
// catalogue entry, and reload. cmd wires the implementation
// (api/service) in.
type Admin interface {
	Upload(ctx context.Context, up Upload) (*AdminOutcome, error)
	Reload(ctx context.Context) (*AdminOutcome, error)
}

// Upload is one source file sent to POST /v1/admin/sources.
type Upload struct {
	// Entry is the file's catalogue entry (its File is set by the store).
	Entry pipeline.Entry
	// Filename is the name the client gave the file (for messages only;
	// the file is stored under its content hash).
	Filename string
	File     io.Reader
	// Replace accepts an upload that removes data (an emptied reference
	// table, units no longer published, a source losing more than the
	// allowed share of its rows); without it such an upload is refused
	// with ErrDestructive.
	Replace bool
}

// AdminOutcome is the result of an admin operation.
type AdminOutcome struct {
	Snapshot string             `json:"snapshot"`
	Created  time.Time          `json:"created"`
	Changed  bool               `json:"changed"`
	Problems []pipeline.Problem `json:"problems,omitempty"`
	// ProblemCounts are the counts by rule of Problems' rules, when the
	// report kept only the first problems of a rule (FileReport.Counts).
	ProblemCounts map[pipeline.Rule]int `json:"-"`
	// Changes is what the new snapshot changes relative to the one served
	// before (also what a refused upload would have changed).
	Changes *snapshot.Changes `json:"changes,omitempty"`
	// Refused says what a refused upload would have removed.
	Refused []string `json:"refused,omitempty"`
}

// ErrRejected is returned, with the outcome's problems, when new data fail
// validation: nothing changed.
var ErrRejected = errors.New("validation failed: nothing changed")

// ErrDestructive is returned, with the outcome's Refused and Changes, when
// an upload would remove data and the request did not ask to replace it:
// nothing changed.
var ErrDestructive = errors.New("the upload would remove data: nothing changed")

// tokenHashes are the SHA-256 of the admin tokens; tokens themselves are not
// kept in memory after start.
type tokenHashes [][sha256.Size]byte

func hashTokens(tokens []string) tokenHashes {
	var out tokenHashes
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, sha256.Sum256([]byte(t)))
		}
	}
	return out
}

// check compares a presented token with every configured one in constant
// time: the token is hashed first (so its length and content leak nothing
// through the comparison), and every hash is compared without stopping at a
// match. It returns the matching token's index (for the audit log) or -1.
func (h tokenHashes) check(token string) int {
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range h {
		if subtle.ConstantTimeCompare(sum[:], h[i][:]) == 1 {
			found = i
		}
	}
	return found
}

// CheckToken reports whether the token is one of the configured admin
// tokens (exported for the timing test).
func (s *Server) CheckToken(token string) bool { return s.tokens.check(token) >= 0 }

// authorise checks "Authorization: Bearer <token>"; it returns who for the
// audit log or a 401 problem, with the WWW-Authenticate challenge RFC 6750
// asks for.
func (s *Server) authorise(r *request) (string, *Problem) {
	h := r.c.Request.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		r.c.Writer.Header().Set("WWW-Authenticate", `Bearer realm="dri"`)
		return "", newProblem(http.StatusUnauthorized, CodeUnauthorized, "admin routes need Authorization: Bearer <token>")
	}
	i := s.tokens.check(token)
	if i < 0 {
		r.c.Writer.Header().Set("WWW-Authenticate", `Bearer realm="dri", error="invalid_token"`)
		return "", newProblem(http.StatusUnauthorized, CodeUnauthorized, "the token is not valid")
	}
	sum := sha256.Sum256([]byte(token))
	return fmt.Sprintf("token#%d(%s)", i+1, hex.EncodeToString(sum[:4])), nil
}

var adminOutcomeSchema = map[string]any{"type": "object", "required": []string{"snapshot", "created", "changed"},
	"properties": map[string]any{"snapshot": map[string]any{"type": "string"}, "created": map[string]any{"type": "string"},
		"changed": map[string]any{"type": "boolean"},
		"changes": map[string]any{"type": "object", "description": "what the new snapshot changes: added, removed, changed (observation keys), indicators (per indicator counts), units_affected, units (the first 50), units_dropped, sources (rows before, after, removed)"}}}

func (s *Server) registerAdminRoutes() {
	if len(s.tokens) == 0 || s.cfg.Admin == nil {
		return // admin routes are off without tokens
	}
	authResponses := map[string]string{"401": "Missing, malformed or wrong bearer token", "413": "The upload is over the size limit",
		"422": "The data fail validation (errors lists the first problems of each rule, counts every rule); nothing changed",
		"507": "The state directory is out of space; nothing changed"}
	uploadResponses := map[string]string{"408": "The body did not arrive within the read timeout",
		"409": "The upload would remove data (an emptied reference table, units no longer published, a source losing more than the allowed share of its rows); errors say what, changes counts it; nothing changed. Send replace=true to apply it"}
	for k, v := range authResponses {
		uploadResponses[k] = v
	}
	s.add(&route{method: "POST", path: "/v1/admin/sources", summary: "Add or replace a source: multipart parts file (the data file) and entry (its catalogue entry as JSON: id, adapter, publisher, vintage, licence; optionally \"replace\": true); 201 with the new snapshot id (also in meta) and data.changes (rows added, removed and changed per indicator, units affected)",
		params:  []paramSpec{{name: "replace", typ: "boolean", desc: "apply an upload even if it removes data (also a multipart field replace=true or \"replace\": true in entry)"}},
		created: true, handler: s.handleUpload, dataSchema: adminOutcomeSchema, extraResponses: uploadResponses,
		body: map[string]any{"type": "object"}})
	s.add(&route{method: "POST", path: "/v1/admin/reload", summary: "Serve the snapshot the state's current pointer names, or rebuild it from the embedded data and the accepted uploads",
		handler: s.handleReload, dataSchema: adminOutcomeSchema, extraResponses: authResponses})
}

func (s *Server) audit(r *request, who, what, result string, outcome *AdminOutcome) {
	attrs := []any{"who", who, "what", what, "result", result, "client", r.c.ClientIP()}
	if outcome != nil {
		attrs = append(attrs, "snapshot", outcome.Snapshot, "problems", len(outcome.Problems))
	}
	s.cfg.Logger.Info("admin", attrs...)
}

func (s *Server) handleUpload(r *request) (*Result, error) {
	who, p := s.authorise(r)
	if p != nil {
		s.audit(r, "anonymous", "upload", "unauthorised", nil)
		return nil, p
	}
	replace, p := boolParam("replace", r.q.scalar("replace"), "query")
	if p != nil {
		return nil, p
	}
	req := r.c.Request
	req.Body = http.MaxBytesReader(r.c.Writer, req.Body, s.cfg.UploadBytes)
	if err := req.ParseMultipartForm(8 << 20); err != nil {
		p := s.bodyProblem(err)
		s.audit(r, who, "upload", p.Code, nil)
		return nil, p
	}
	defer req.MultipartForm.RemoveAll()
	if v, ok := req.MultipartForm.Value["replace"]; ok && len(v) > 0 {
		b, p := boolParam("replace", v[0], "body")
		if p != nil {
			return nil, p
		}
		replace = replace || b
	}
	raw := req.FormValue("entry")
	if raw == "" {
		if fh := req.MultipartForm.File["entry"]; len(fh) > 0 {
			f, err := fh[0].Open()
			if err == nil {
				b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
				f.Close()
				raw = string(b)
			}
		}
	}
	if raw == "" {
		return nil, newProblem(http.StatusBadRequest, CodeBadParameter, "missing part entry (the catalogue entry as JSON)",
			ParamError{Param: "entry", In: "body", Message: "required"})
	}
	// The entry is the catalogue entry, plus "replace": true to accept an
	// upload that removes data.
	var entry struct {
		pipeline.Entry
		Replace bool `json:"replace"`
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entry); err != nil {
		msg := pipeline.Shorten(err.Error(), pipeline.MaxProblemMessage)
		return nil, newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, "entry: "+msg,
			ParamError{Param: "entry", In: "body", Message: msg})
	}
	f, fh, err := req.FormFile("file")
	if err != nil {
		return nil, newProblem(http.StatusBadRequest, CodeBadParameter, "missing part file (the data file)",
			ParamError{Param: "file", In: "body", Message: "required"})
	}
	defer f.Close()
	up := Upload{Entry: entry.Entry, Filename: fh.Filename, File: f, Replace: replace || entry.Replace}
	out, err := s.cfg.Admin.Upload(r.c.Request.Context(), up)
	what := fmt.Sprintf("upload %s (%s)", pipeline.Shorten(entry.ID, 80), pipeline.Shorten(fh.Filename, 80))
	if up.Replace {
		what += " replace"
	}
	return s.adminResult(r, who, what, out, err, http.StatusCreated)
}

// parseBool reads an optional true/false value: absent or "false" is false,
// "true" is true, anything else is not a boolean (ok false).
func parseBool(v string) (b, ok bool) {
	switch strings.TrimSpace(v) {
	case "", "false":
		return false, true
	case "true":
		return true, true
	}
	return false, false
}

// boolParam parses an optional true/false parameter.
func boolParam(name, v, in string) (bool, *Problem) {
	if b, ok := parseBool(v); ok {
		return b, nil
	}
	msg := fmt.Sprintf("%q is not true or false", pipeline.Shorten(v, 40))
	return false, newProblem(http.StatusBadRequest, CodeBadParameter, "invalid parameter "+name+": "+msg,
		ParamError{Param: name, In: in, Message: msg})
}

// bodyProblem maps an error reading the request body: over the limit (also
// a chunked body, which has no Content-Length to check first) is 413, a body
// that does not arrive within the server's read timeout is 408, anything
// else is a malformed multipart body (400).
func (s *Server) bodyProblem(err error) *Problem {
	var mbe *http.MaxBytesError
	var ne net.Error
	switch {
	case errors.As(err, &mbe):
		return newProblem(http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("the upload exceeds %d bytes", s.cfg.UploadBytes))
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		return newProblem(http.StatusRequestTimeout, CodeTimeout,
			fmt.Sprintf("the body did not arrive within the server's read timeout (%s)", s.cfg.ReadTimeout))
	}
	msg := pipeline.Shorten(err.Error(), pipeline.MaxProblemMessage)
	return newProblem(http.StatusBadRequest, CodeBadParameter, "the body is not multipart/form-data: "+msg,
		ParamError{Param: "body", In: "body", Message: msg})
}

func (s *Server) handleReload(r *request) (*Result, error) {
	who, p := s.authorise(r)
	if p != nil {
		s.audit(r, "anonymous", "reload", "unauthorised", nil)
		return nil, p
	}
	out, err := s.cfg.Admin.Reload(r.c.Request.Context())
	return s.adminResult(r, who, "reload", out, err, http.StatusOK)
}

func (s *Server) adminResult(r *request, who, what string, out *AdminOutcome, err error, okStatus int) (*Result, error) {
	switch {
	case errors.Is(err, ErrRejected):
		s.audit(r, who, what, "rejected", out)
		// At most MaxListedPerRule problems of each rule, each message
		// short, and every rule's count: a file of a million bad rows
		// answers in kilobytes.
		sum := pipeline.SummariseProblems(out.Problems, out.ProblemCounts, pipeline.MaxListedPerRule, pipeline.MaxListedPerRule)
		detail := fmt.Sprintf("%d problems; nothing changed", sum.Total)
		if n := sum.Omitted(); n > 0 {
			detail = fmt.Sprintf("%d problems (the first %d of each rule listed, %d more counted); nothing changed",
				sum.Total, pipeline.MaxListedPerRule, n)
		}
		p := newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, detail)
		p.Counts = map[string]int{}
		for _, rc := range sum.Counts {
			p.Counts[string(rc.Rule)] = rc.Count
		}
		for _, pr := range sum.Listed {
			p.Errors = append(p.Errors, ParamError{Param: "file", In: "body", Message: pr.String()})
		}
		return nil, p
	case errors.Is(err, ErrDestructive):
		s.audit(r, who, what, "refused: would remove data", out)
		p := newProblem(http.StatusConflict, CodeWouldRemoveData,
			"the upload would remove data: "+strings.Join(out.Refused, "; ")+
				"; nothing changed (send replace=true to apply it anyway)")
		for _, msg := range out.Refused {
			p.Errors = append(p.Errors, ParamError{Param: "file", In: "body", Message: msg})
		}
		p.Changes = out.Changes
		return nil, p
	case errors.Is(err, snapshot.ErrTooLarge):
		s.audit(r, who, what, "too large", nil)
		return nil, newProblem(http.StatusRequestEntityTooLarge, CodeTooLarge, "the file is over the size limit")
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		s.audit(r, who, what, "failed: "+err.Error(), nil)
		return nil, newProblem(http.StatusInsufficientStorage, CodeInsufficientDisk,
			"the server's state directory is out of space (or over its quota); nothing changed")
	case errors.Is(err, ErrStateUnavailable):
		s.audit(r, who, what, "failed: "+err.Error(), nil)
		p := newProblem(http.StatusServiceUnavailable, CodeUnavailable,
			strings.TrimPrefix(err.Error(), ErrStateUnavailable.Error()+": ")+": nothing can be made durable, so nothing changed; retry later")
		p.RetryAfter = 5
		return nil, p
	case err != nil:
		s.audit(r, who, what, "failed: "+err.Error(), nil)
		return nil, err
	}
	s.audit(r, who, what, "ok", out)
	// meta.snapshot names the new snapshot, not the one the request
	// started on.
	return &Result{Object: out, Status: okStatus, Meta: map[string]any{"snapshot": out.Snapshot}}, nil
}

// relativeFile is a source's file as the API shows it: relative to the data
// or state directory. Snapshots written before names were kept relative
// hold absolute paths of the server's machine; they are cut to the state's
// uploads/<name> or to the base name.
func relativeFile(f string) string {
	if !path.IsAbs(f) && !filepath.IsAbs(f) {
		return f
	}
	f = filepath.ToSlash(f)
	if i := strings.LastIndex(f, "/"+snapshot.StateUploads+"/"); i >= 0 {
		return f[i+1:]
	}
	return path.Base(f)
}

// publicManifest is the manifest with relative file names.
func publicManifest(m *snapshot.Manifest) *snapshot.Manifest {
	out := *m
	out.Sources = make([]snapshot.ManifestSource, len(m.Sources))
	for i, src := range m.Sources {
		src.File = relativeFile(src.File)
		out.Sources[i] = src
	}
	return &out
}

// uploadStatus is one stored upload as /v1/snapshot lists it.
type uploadStatus struct {
	File    string   `json:"file"`
	Sources []string `json:"sources,omitempty"`
	// Status: served (the snapshot served uses it), kept (only other
	// complete snapshots, rollback targets, use it) or quarantined (no
	// complete snapshot uses it: its request was interrupted before the
	// commit point, or its snapshot was damaged or pruned; it is kept,
	// never deleted).
	Status    string   `json:"status"`
	Snapshots []string `json:"snapshots,omitempty"`
}

func uploadsMeta(ds *Dataset) []uploadStatus {
	out := []uploadStatus{}
	for _, u := range ds.Uploads {
		st := uploadStatus{File: u.File, Sources: u.Sources, Snapshots: u.Snapshots, Status: "quarantined"}
		if len(u.Snapshots) > 0 {
			st.Status = "kept"
		}
		if slices.Contains(u.Snapshots, ds.ID) {
			st.Status = "served"
		}
		out = append(out, st)
	}
	return out
}
