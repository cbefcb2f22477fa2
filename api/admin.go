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
	"net/http"
	"strings"
	"time"

	"github.com/dri-engine/dri/pipeline"
)

// Admin is what the admin routes need: accept a source file with its
// catalogue entry, and reload. cmd wires the implementation
// (api/service) in.
type Admin interface {
	Upload(ctx context.Context, entry pipeline.Entry, filename string, file io.Reader) (*AdminOutcome, error)
	Reload(ctx context.Context) (*AdminOutcome, error)
}

// AdminOutcome is the result of an admin operation.
type AdminOutcome struct {
	Snapshot string             `json:"snapshot"`
	Created  time.Time          `json:"created"`
	Changed  bool               `json:"changed"`
	Problems []pipeline.Problem `json:"problems,omitempty"`
}

// ErrRejected is returned, with the outcome's problems, when new data fail
// validation: nothing changed.
var ErrRejected = errors.New("validation failed: nothing changed")

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
// audit log or a 401 problem.
func (s *Server) authorise(r *http.Request) (string, *Problem) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", newProblem(http.StatusUnauthorized, CodeUnauthorized, "admin routes need Authorization: Bearer <token>")
	}
	i := s.tokens.check(token)
	if i < 0 {
		return "", newProblem(http.StatusUnauthorized, CodeUnauthorized, "the token is not valid")
	}
	sum := sha256.Sum256([]byte(token))
	return fmt.Sprintf("token#%d(%s)", i+1, hex.EncodeToString(sum[:4])), nil
}

var adminOutcomeSchema = map[string]any{"type": "object", "required": []string{"snapshot", "created", "changed"},
	"properties": map[string]any{"snapshot": map[string]any{"type": "string"}, "created": map[string]any{"type": "string"},
		"changed": map[string]any{"type": "boolean"}}}

func (s *Server) registerAdminRoutes() {
	if len(s.tokens) == 0 || s.cfg.Admin == nil {
		return // admin routes are off without tokens
	}
	authResponses := map[string]string{"401": "Missing, malformed or wrong bearer token", "413": "The upload is over the size limit",
		"422": "The data fail validation (errors lists every located problem); nothing changed"}
	s.add(&route{method: "POST", path: "/v1/admin/sources", summary: "Add or replace a source: multipart parts file (the data file) and entry (its catalogue entry as JSON: id, adapter, publisher, vintage, licence); 201 with the new snapshot id",
		created: true, handler: s.handleUpload, dataSchema: adminOutcomeSchema, extraResponses: authResponses,
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
	who, p := s.authorise(r.c.Request)
	if p != nil {
		s.audit(r, "anonymous", "upload", "unauthorised", nil)
		return nil, p
	}
	req := r.c.Request
	req.Body = http.MaxBytesReader(r.c.Writer, req.Body, s.cfg.UploadBytes)
	if err := req.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.audit(r, who, "upload", "too large", nil)
			return nil, newProblem(http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("the upload exceeds %d bytes", s.cfg.UploadBytes))
		}
		return nil, newProblem(http.StatusBadRequest, CodeBadParameter, "the body is not multipart/form-data: "+err.Error(),
			ParamError{Param: "body", In: "body", Message: err.Error()})
	}
	defer req.MultipartForm.RemoveAll()
	var entry pipeline.Entry
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
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entry); err != nil {
		return nil, newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, "entry: "+err.Error(),
			ParamError{Param: "entry", In: "body", Message: err.Error()})
	}
	f, fh, err := req.FormFile("file")
	if err != nil {
		return nil, newProblem(http.StatusBadRequest, CodeBadParameter, "missing part file (the data file)",
			ParamError{Param: "file", In: "body", Message: "required"})
	}
	defer f.Close()
	out, err := s.cfg.Admin.Upload(r.c.Request.Context(), entry, fh.Filename, f)
	return s.adminResult(r, who, "upload "+entry.ID+" ("+fh.Filename+")", out, err, http.StatusCreated)
}

func (s *Server) handleReload(r *request) (*Result, error) {
	who, p := s.authorise(r.c.Request)
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
		p := newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, fmt.Sprintf("%d problems; nothing changed", len(out.Problems)))
		for _, pr := range out.Problems {
			p.Errors = append(p.Errors, ParamError{Param: "file", In: "body", Message: pr.String()})
		}
		return nil, p
	case errors.Is(err, pipeline.ErrTooLarge):
		s.audit(r, who, what, "too large", nil)
		return nil, newProblem(http.StatusRequestEntityTooLarge, CodeTooLarge, "the file is over the size limit")
	case err != nil:
		s.audit(r, who, what, "failed: "+err.Error(), nil)
		return nil, err
	}
	s.audit(r, who, what, "ok", out)
	return &Result{Object: out, Status: okStatus}, nil
}
