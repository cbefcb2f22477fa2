package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"

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
		extraResponses: map[string]string{"422": "Unknown node, negative weight or bad method (errors lists each)", "413": "Body too large"}})
}

// unprocessable collects body problems into a 422.
type unprocessable struct{ errs []ParamError }

func (u *unprocessable) add(field, format string, args ...any) {
	u.errs = append(u.errs, ParamError{Param: field, In: "body", Message: fmt.Sprintf(format, args...)})
}

func (u *unprocessable) problem() *Problem {
	if len(u.errs) == 0 {
		return nil
	}
	return newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, fmt.Sprintf("%d problems in the body", len(u.errs)), u.errs...)
}

func handleWhatIf(r *request) (*Result, error) {
	sc, f, err := scorerFramework(r, r.param("framework"))
	if err != nil {
		return nil, err
	}
	var body whatIfRequest
	dec := json.NewDecoder(io.LimitReader(r.c.Request.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, newProblem(http.StatusRequestEntityTooLarge, CodeTooLarge, "body too large")
		}
		return nil, newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, "body is not the what-if JSON: "+err.Error(),
			ParamError{Param: "body", In: "body", Message: err.Error()})
	}
	var bad unprocessable
	opt := indicators.Options{Weights: map[string]float64{}}
	for code, w := range body.Weights {
		n, ok := f.Node(code)
		switch {
		case !ok:
			bad.add("weights."+code, "unknown node %q of %s", code, f.ID)
		case n.Parent == nil:
			bad.add("weights."+code, "the index has no weight")
		case w < 0 || math.IsNaN(w) || math.IsInf(w, 0):
			bad.add("weights."+code, "weight %v: want a finite number >= 0", w)
		default:
			opt.Weights[code] = w
		}
	}
	if body.Normalise != "" {
		n, err := indicators.ParseNormalisation(body.Normalise)
		if err != nil {
			bad.add("normalise", "%v", err)
		}
		opt.Normalisation = &n
	}
	if body.Aggregate != "" {
		a, err := indicators.ParseAggregation(body.Aggregate)
		if err != nil {
			bad.add("aggregate", "%v", err)
		}
		opt.Aggregation = &a
	}
	if body.Impute != "" {
		im, err := indicators.ParseImputation(body.Impute)
		if err != nil {
			bad.add("impute", "%v", err)
		}
		opt.Imputation = &im
	}
	if body.Treat != "" {
		t, err := indicators.ParseTreatment(body.Treat)
		if err != nil {
			bad.add("treat", "%v", err)
		}
		opt.Treatment = &t
	}
	switch body.Scheme {
	case "", "explicit", "equal", "pca":
		opt.WeightScheme = body.Scheme
	default:
		bad.add("weight_scheme", "%q: want explicit, equal or pca", body.Scheme)
	}
	if body.Level < 0 || body.Level > f.Levels() {
		bad.add("level", "%d: the framework has levels 1..%d", body.Level, f.Levels())
	}
	years := sc.Years(f)
	if body.Year != 0 && (len(years) == 0 || body.Year < years[0] || body.Year > years[len(years)-1]) {
		bad.add("year", "%d: %s has data for %d-%d", body.Year, f.ID, years[0], years[len(years)-1])
	}
	want := map[string]bool{}
	for _, u := range body.Units {
		unit, ok := r.ds.Reference.LookupUnit(u)
		if !ok {
			bad.add("units", "unknown unit %q", u)
			continue
		}
		want[unit.Code] = true
	}
	if p := bad.problem(); p != nil {
		return nil, p
	}
	base, err := sc.Score(f.ID, body.Year, indicators.Options{})
	if err != nil {
		return nil, engineError(err)
	}
	res, err := sc.Score(f.ID, base.Year, opt)
	if err != nil {
		return nil, newProblem(http.StatusUnprocessableEntity, CodeUnprocessable, err.Error(),
			ParamError{Param: "body", In: "body", Message: err.Error()})
	}
	t := newTable(whatIfColumns)
	for u, code := range res.Units {
		if len(want) > 0 && !want[code] {
			continue
		}
		for i, nr := range res.Nodes {
			if nr.Node.Documented() || (body.Level != 0 && nr.Node.Level != body.Level) {
				continue
			}
			br := base.Nodes[i]
			c := t.Cols
			c[0].AddS(code)
			c[1].AddS(nr.Node.Code)
			c[2].AddI(nr.Node.Level)
			addValueRank(c[3], c[4], nr, u)
			addValueRank(c[5], c[6], br, u)
			if nr.Valid[u] && br.Valid[u] {
				c[7].AddI(br.Rank[u] - nr.Rank[u])
			} else {
				c[7].AddNull()
			}
		}
	}
	meta := scoreMeta(res)
	meta["baseline"] = scoreMeta(base)["methods"]
	meta["weights"] = opt.Weights
	meta["note"] = strings.TrimSpace("rank_change = baseline rank - new rank (positive: the unit moves up); nothing is stored")
	return &Result{Table: t, Meta: meta}, nil
}

func addValueRank(v, rank *Col, nr *indicators.NodeResult, u int) {
	if !nr.Valid[u] {
		v.AddNull()
		rank.AddNull()
		return
	}
	v.AddF(nr.Value[u])
	rank.AddI(nr.Rank[u])
}
