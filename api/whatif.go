package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dri-engine/dri/indicators"
)

// whatIfRequest is the body of POST /v1/scores/{framework}/what-if.
type whatIfRequest struct {
	Year      int                `json:"year"`
	Weights   map[string]float64 `json:"weights"`
	Normalise string             `json:"normalise"`
	Aggregate string             `json:"aggregate"`
	Impute    string             `json:"impute"`
	Treat     string             `json:"treat"`
	Scheme    string             `json:"weight_scheme"`
	// Level limits the nodes returned (0 = all).
	Level int `json:"level"`
	// Units limits the units returned (ISO3/ISO2; all when empty).
	Units []string `json:"units"`
}

var whatIfBody = map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
	"year":          map[string]any{"type": "integer"},
	"weights":       map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "number", "minimum": 0}},
	"normalise":     map[string]any{"type": "string"},
	"aggregate":     map[string]any{"type": "string"},
	"impute":        map[string]any{"type": "string"},
	"treat":         map[string]any{"type": "string"},
	"weight_scheme": map[string]any{"type": "string", "enum": []string{"explicit", "equal", "pca"}},
	"level":         map[string]any{"type": "integer"},
	"units":         map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
}}

var whatIfColumns = []colSpec{{"unit", KindString, ""}, {"node", KindString, ""}, {"level", KindInt, ""},
	{"value", KindFloat, ""}, {"rank", KindInt, ""}, {"baseline_value", KindFloat, ""}, {"baseline_rank", KindInt, ""},
	{"rank_change", KindInt, ""}}

func (s *Server) registerWhatIf() {
	s.add(&route{method: "POST", path: "/v1/scores/:framework/what-if",
		summary: "Recompute a framework with other weights or methods (body: year, weights per node, normalise, aggregate, impute, treat, weight_scheme, level, units): every node's value and rank against the published configuration; nothing is stored",
		handler: handleWhatIf, dataSchema: tableSchema(whatIfColumns), body: whatIfBody,
		extraResponses: map[string]string{"422": "Unknown node, negative weight or bad method (errors lists the first 20, detail counts them all), or a body that is not one JSON object of this schema",
			"413": "Body too large", "415": "The body is not sent as application/json", "408": "The body did not arrive in time",
			"429": "This client already has its share of the expensive requests running or waiting (Retry-After)",
			"503": "Every worker is busy and the queue is full (Retry-After), or no snapshot is loaded",
			"504": "The request did not finish within its deadline"}})
}

// maxBodyProblems bounds the problems a 422 lists (the rest are counted in
// its detail), so a body with 60,000 unknown keys gets a short answer.
const maxBodyProblems = 20

// unprocessable collects body problems into a 422: the first
// maxBodyProblems in full, and a count of all of them by kind.
type unprocessable struct {
	errs   []ParamError
	total  int
	counts map[string]int
	kinds  []string // in order of first appearance
}

func (u *unprocessable) add(field, kind, format string, args ...any) {
	u.total++
	if u.counts == nil {
		u.counts = map[string]int{}
	}
	if u.counts[kind] == 0 {
		u.kinds = append(u.kinds, kind)
	}
	u.counts[kind]++
	if len(u.errs) < maxBodyProblems {
		u.errs = append(u.errs, ParamError{Param: field, In: "body", Message: bodyExcerpt(fmt.Sprintf(format, args...), maxMessage)})
	}
}

func (u *unprocessable) problem() *Problem {
	if u.total == 0 {
		return nil
	}
	detail := fmt.Sprintf("%d problems in the body", u.total)
	if u.total == 1 {
		detail = "1 problem in the body"
	}
	if u.total > len(u.errs) {
		detail += fmt.Sprintf(", the first %d listed", len(u.errs))
	}
	byKind := make([]string, len(u.kinds))
	for i, k := range u.kinds {
		byKind[i] = fmt.Sprintf("%d %s", u.counts[k], k)
	}
	return newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, detail+": "+strings.Join(byKind, ", "), u.errs...)
}

// bodyExcerpt is s, or its first n bytes (whole runes) and an ellipsis, so a
// problem never echoes a huge key or value back.
func bodyExcerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// Problems quote at most 64 bytes of a client's key and 256 of a message.
const maxKeyExcerpt, maxMessage = 64, 256

// decodeJSONBody decodes a request body holding exactly one JSON object
// into v, strictly: the Content-Type must be JSON (415), the body within
// the server's limit (413) and sent in time (408); null, unknown fields
// and anything after the object are refused (422).
func decodeJSONBody(r *request, v any) error {
	req := r.c.Request
	mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return newProblem(http.StatusUnsupportedMediaType, CodeUnsupportedMedia,
			fmt.Sprintf("Content-Type %q: the body must be JSON (Content-Type: application/json)", req.Header.Get("Content-Type")),
			ParamError{Param: "Content-Type", In: "header", Message: "want application/json"})
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &mbe):
			return newProblem(http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("body over the limit of %d bytes", mbe.Limit))
		case errors.As(err, &ne) && ne.Timeout():
			return newProblem(http.StatusRequestTimeout, CodeTimeout, "the body was not received in time")
		}
		return newProblem(http.StatusBadRequest, CodeBadParameter, "reading the body: "+err.Error())
	}
	bad := func(msg string) error {
		msg = bodyExcerpt(msg, maxMessage)
		return newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, "body is not the JSON object this route takes: "+msg,
			ParamError{Param: "body", In: "body", Message: msg})
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return bad("want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bad(err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad(fmt.Sprintf("data after the object at offset %d", dec.InputOffset()))
	}
	return nil
}

func handleWhatIf(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, r.param("framework"))
	if err != nil {
		return nil, err
	}
	var body whatIfRequest
	if err := decodeJSONBody(r, &body); err != nil {
		return nil, err
	}
	var bad unprocessable
	opt := indicators.Options{Weights: map[string]float64{}}
	for _, code := range slices.Sorted(maps.Keys(body.Weights)) {
		w := body.Weights[code]
		n, ok := f.Node(code)
		switch {
		case !ok:
			bad.add("weights."+bodyExcerpt(code, maxKeyExcerpt), "unknown node", "unknown node %q of %s", bodyExcerpt(code, maxKeyExcerpt), f.ID)
		case n.Parent == nil:
			bad.add("weights."+code, "index weight", "the index has no weight")
		case w < 0 || math.IsNaN(w) || math.IsInf(w, 0):
			bad.add("weights."+code, "bad weight", "weight %v: want a finite number >= 0", w)
		default:
			opt.Weights[code] = w
		}
	}
	if body.Normalise != "" {
		n, err := indicators.ParseNormalisation(body.Normalise)
		if err != nil {
			bad.add("normalise", "bad method", "%v", err)
		}
		opt.Normalisation = &n
	}
	if body.Aggregate != "" {
		a, err := indicators.ParseAggregation(body.Aggregate)
		if err != nil {
			bad.add("aggregate", "bad method", "%v", err)
		}
		opt.Aggregation = &a
	}
	if body.Impute != "" {
		im, err := indicators.ParseImputation(body.Impute)
		if err != nil {
			bad.add("impute", "bad method", "%v", err)
		}
		opt.Imputation = &im
	}
	if body.Treat != "" {
		t, err := indicators.ParseTreatment(body.Treat)
		if err != nil {
			bad.add("treat", "bad method", "%v", err)
		}
		opt.Treatment = &t
	}
	switch body.Scheme {
	case "", "explicit", "equal", "pca":
		opt.WeightScheme = body.Scheme
	default:
		bad.add("weight_scheme", "bad method", "%q: want explicit, equal or pca", body.Scheme)
	}
	if body.Level < 0 || body.Level > f.Levels() {
		bad.add("level", "bad level", "%d: the framework has levels 1..%d", body.Level, f.Levels())
	}
	years := scoredYears(sc, f)
	if body.Year != 0 && (len(years) == 0 || body.Year < years[0] || body.Year > years[len(years)-1]) {
		bad.add("year", "bad year", "%d: %s has data for %d-%d", body.Year, f.ID, years[0], years[len(years)-1])
	}
	want := map[string]bool{}
	for _, u := range body.Units {
		unit, ok := r.ds.Reference.LookupUnit(u)
		if !ok {
			bad.add("units", "unknown unit", "unknown unit %q", bodyExcerpt(u, maxKeyExcerpt))
			continue
		}
		want[unit.Code] = true
	}
	if p := bad.problem(); p != nil {
		return nil, p
	}
	var base, res *indicators.Result
	err = r.expensive(func(context.Context) error {
		var err error
		if base, err = sc.Score(f.ID, body.Year, indicators.Options{}); err != nil {
			return engineError(err)
		}
		if res, err = sc.Score(f.ID, base.Year, opt); err != nil {
			return newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, err.Error(),
				ParamError{Param: "body", In: "body", Message: err.Error()})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := newTable(whatIfColumns)
	w := newRowWriter(t)
	for u, code := range res.Units {
		if len(want) > 0 && !want[code] {
			continue
		}
		for i, nr := range res.Nodes {
			if nr.Node.NoData() || (body.Level != 0 && nr.Node.Level != body.Level) {
				continue
			}
			br := base.Nodes[i]
			w.str("unit", code)
			w.str("node", nr.Node.Code)
			w.integer("level", nr.Node.Level)
			if nr.Valid[u] {
				w.float("value", nr.Value(u))
				w.integer("rank", nr.Rank[u])
			}
			if br.Valid[u] {
				w.float("baseline_value", br.Value(u))
				w.integer("baseline_rank", br.Rank[u])
			}
			if nr.Valid[u] && br.Valid[u] {
				w.integer("rank_change", br.Rank[u]-nr.Rank[u])
			}
			w.end()
		}
	}
	meta := scoreMeta(res)
	meta["baseline"] = scoreMeta(base)["methods"]
	meta["weights"] = opt.Weights
	meta["note"] = strings.TrimSpace("rank_change = baseline rank - new rank (positive: the unit moves up); nothing is stored")
	return &Result{Table: t, Meta: meta}, nil
}
