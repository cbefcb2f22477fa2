package api

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Problem is an RFC 9457 problem detail. Code is DRI's stable machine-readable
// error code; Errors lists what was wrong with each parameter.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Code     string       `json:"code"`
	Errors   []ParamError `json:"errors,omitempty"`
	// RetryAfter, in seconds, is sent as the Retry-After header (429, 503).
	RetryAfter int `json:"-"`
	// Counts, when Errors is a bounded list, counts every problem by rule
	// (pipeline.SummariseProblems).
	Counts map[string]int `json:"counts,omitempty"`
	// Changes is what a refused request would have changed (409).
	Changes any `json:"changes,omitempty"`
}

// ParamError locates a problem in one request parameter (query parameter,
// path segment, header or body field).
type ParamError struct {
	Param   string `json:"param"`
	In      string `json:"in"` // query, path, header, body
	Message string `json:"message"`
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.Detail) }

// Stable error codes.
const (
	CodeBadParameter     = "bad_parameter"
	CodeNotFound         = "not_found"
	CodeUnknownUnit      = "unknown_unit"
	CodeUnknownIndicator = "unknown_indicator"
	CodeUnknownFramework = "unknown_framework"
	CodeUnknownGroup     = "unknown_group"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeNotAcceptable    = "not_acceptable"
	CodeTooLarge         = "payload_too_large"
	CodeURITooLong       = "uri_too_long"
	CodeUnprocessable    = "unprocessable"
	CodeRateLimited      = "rate_limited"
	CodeInternal         = "internal"
	CodeUnavailable      = "unavailable"
	CodeUnauthorized     = "unauthorized"
	CodeUnsupportedMedia = "unsupported_media_type"
	CodeWouldRemoveData  = "would_remove_data"
	CodeInsufficientDisk = "insufficient_storage"
	CodeTimeout          = "request_timeout"
)

const problemBase = "https://dri.dev/problems/"

func newProblem(status int, code, detail string, errs ...ParamError) *Problem {
	return &Problem{Type: problemBase + code, Title: http.StatusText(status), Status: status, Code: code, Detail: detail, Errors: errs}
}

// badParam is a 400 for one query parameter.
func badParam(param, format string, args ...any) *Problem {
	msg := fmt.Sprintf(format, args...)
	return newProblem(http.StatusBadRequest, CodeBadParameter, "invalid parameter "+param+": "+msg,
		ParamError{Param: param, In: "query", Message: msg})
}

func notFound(code, format string, args ...any) *Problem {
	return newProblem(http.StatusNotFound, code, fmt.Sprintf(format, args...))
}

// paramErrors collects several parameter problems into one 400.
type paramErrors struct{ errs []ParamError }

func (p *paramErrors) add(param, format string, args ...any) {
	p.errs = append(p.errs, ParamError{Param: param, In: "query", Message: fmt.Sprintf(format, args...)})
}

func (p *paramErrors) problem() *Problem {
	if len(p.errs) == 0 {
		return nil
	}
	detail := "invalid parameter " + p.errs[0].Param + ": " + p.errs[0].Message
	if len(p.errs) > 1 {
		detail = fmt.Sprintf("%d invalid parameters", len(p.errs))
	}
	return newProblem(http.StatusBadRequest, CodeBadParameter, detail, p.errs...)
}

// writeProblem sends a problem+json response. CORS and security headers are
// set by middleware before any handler runs, so they are on errors too.
func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Del("ETag")
	h.Del("Content-Encoding")
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	if p.RetryAfter > 0 {
		h.Set("Retry-After", fmt.Sprint(p.RetryAfter))
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
