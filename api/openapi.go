package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
)

// The OpenAPI document is generated from the route table, so it cannot
// drift from the code: the same specs register the routes, check their query
// parameters and describe them here. A test validates real responses of
// every route against it.

func tableSchema(cols []colSpec) map[string]any {
	props := map[string]any{}
	req := []string{}
	for _, c := range cols {
		props[c.name] = kindSchema(c.kind)
		req = append(req, c.name)
	}
	return map[string]any{"type": "array", "items": map[string]any{
		"type": "object", "properties": props, "required": req, "additionalProperties": false}}
}

func kindSchema(k Kind) map[string]any {
	switch k {
	case KindInt:
		return map[string]any{"type": []string{"integer", "null"}}
	case KindFloat:
		return map[string]any{"type": []string{"number", "null"}}
	case KindBool:
		return map[string]any{"type": "boolean"}
	}
	return map[string]any{"type": "string"}
}

var ginParam = regexp.MustCompile(`:([a-z_]+)`)

var problemSchema = map[string]any{
	"type":     "object",
	"required": []string{"type", "title", "status", "code"},
	"properties": map[string]any{
		"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
		"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
		"instance": map[string]any{"type": "string"}, "code": map[string]any{"type": "string"},
		"errors": map[string]any{"type": "array", "items": map[string]any{
			"type": "object", "required": []string{"param", "in", "message"},
			"properties": map[string]any{"param": map[string]any{"type": "string"}, "in": map[string]any{"type": "string"},
				"message": map[string]any{"type": "string"}}}},
		"counts": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"},
			"description": "when errors is a bounded list (422 of an upload): every rule's count of problems"},
		"changes": map[string]any{"type": "object", "description": "409 of an upload: what it would have changed (as data.changes of a 201)"},
	},
}

// OpenAPI returns the OpenAPI 3.1 document of the server's routes.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	problemRef := map[string]any{"$ref": "#/components/schemas/Problem"}
	problemResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{"schema": problemRef}}}
	}
	for _, rt := range s.routes {
		path := ginParam.ReplaceAllString(rt.path, "{$1}")
		var params []any
		for _, m := range ginParam.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		specs := append(append([]paramSpec{}, rt.params...), commonParams...)
		if rt.paged {
			specs = append(specs, pageParams...)
		}
		for _, p := range specs {
			sch := map[string]any{"type": p.typ}
			// Enums are for scalar parameters. A dimension's codes (sex,
			// area, age) come from pipeline/dims through dimensionParam and
			// are listed in the description: the value is a list ("F,M"),
			// which an enum on a string would reject.
			if enum := p.enum; len(enum) > 0 {
				if p.name == "format" {
					enum = routeFormats(rt)
				}
				sch["enum"] = enum
			}
			desc := p.desc
			if p.list {
				desc += "; items separated by , or ; and the parameter may be repeated"
			}
			params = append(params, map[string]any{"name": p.name, "in": "query", "required": p.required, "description": desc, "schema": sch})
		}
		data := rt.dataSchema
		if data == nil {
			data = objectSchema
		}
		meta := map[string]any{"type": "object", "required": []string{"snapshot"}, "properties": map[string]any{
			"snapshot": map[string]any{"type": "string"}}}
		if rt.paged {
			meta["required"] = []string{"snapshot", "total", "page", "per_page", "pages"}
			props := meta["properties"].(map[string]any)
			for _, k := range []string{"total", "page", "per_page", "pages"} {
				props[k] = map[string]any{"type": "integer"}
			}
		}
		content := map[string]any{
			MediaJSON: map[string]any{"schema": map[string]any{"type": "object", "required": []string{"meta", "data"},
				"properties": map[string]any{"meta": meta, "data": data}}},
			MediaCSV:   map[string]any{"schema": map[string]any{"type": "string"}},
			MediaArrow: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
		}
		if rt.sdmx {
			content["application/vnd.sdmx.data+csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		if rt.defaultFormat == FormatSDMX { // the SDMX data path
			content["application/vnd.sdmx.data+json"] = map[string]any{"schema": map[string]any{"type": "object"}}
		}
		if rt.structure {
			// SDMX-ML 2.1 (the default) or the same message as JSON.
			delete(content, MediaCSV)
			delete(content, MediaArrow)
			content["application/vnd.sdmx.structure+xml"] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		ok := "200"
		if rt.created {
			ok = "201"
		}
		responses := map[string]any{
			ok: map[string]any{"description": rt.summary, "content": content, "headers": map[string]any{
				"ETag":         map[string]any{"schema": map[string]any{"type": "string"}},
				HeaderSnapshot: snapshotHeader}},
			"304": map[string]any{"description": "Not modified (If-None-Match matched the ETag)"},
			"400": problemResp("A query parameter is invalid (errors lists each)"),
			"404": problemResp("Unknown route or id"),
			"406": problemResp("The requested format is not available"),
			"414": problemResp("Query string too long"),
			"429": problemResp("Too many requests (Retry-After)"),
			"500": problemResp("Internal error"),
			"503": problemResp("No snapshot loaded, or the engine needed is not loaded"),
		}
		for code, desc := range rt.extraResponses {
			responses[code] = problemResp(desc)
		}
		op := map[string]any{"summary": rt.summary, "operationId": operationID(rt), "parameters": params, "responses": responses}
		if rt.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": rt.body}}}
		}
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	paths["/v1/export/{file}"] = map[string]any{"get": exportOperation()}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "DRI — Digital Readiness Indicators API", "version": "1.0.0",
			"description": "Composite digital-readiness scores, indicators, disaggregated data, group comparisons and gender gaps. " +
				"Every response is JSON ({meta, data}), CSV, Arrow IPC stream or SDMX-CSV 2.0 (on the routes that list it) by ?format= or Accept; errors are RFC 9457 problem+json. " +
				"The SDMX routes (/v1/sdmx/...) follow the SDMX REST API of SDMX 2.1: structures as SDMX-ML 2.1 structure messages, data as SDMX-CSV 2.0 by default or SDMX-JSON 2.1 data messages. " +
				"Query parameters: list parameters take items separated by , or ; (as the World Bank API does) and may be repeated; any other parameter given twice is a 400. " +
				"Unknown parameters are a 400, except the cache-busters _ and utm_* which are ignored (and are not part of the ETag). " +
				"Every GET operation also answers HEAD (same status and headers, no body)."},
		"paths":      paths,
		"components": map[string]any{"schemas": map[string]any{"Problem": problemSchema}},
	}
}

// snapshotHeader documents HeaderSnapshot in OpenAPI.
var snapshotHeader = map[string]any{"description": "id of the snapshot that answered (meta.snapshot of a JSON body)",
	"schema": map[string]any{"type": "string"}}

// routeFormats are the values of a route's format parameter: SDMX-CSV only
// where the route has an SDMX dataflow.
func routeFormats(rt *route) []string {
	if rt.structure {
		return []string{string(FormatSDMXML), string(FormatJSON)}
	}
	if rt.defaultFormat == FormatSDMX {
		return []string{string(FormatSDMX), string(FormatSDMXJSON), string(FormatJSON), string(FormatCSV), string(FormatArrow)}
	}
	if rt.sdmx {
		return []string{string(FormatJSON), string(FormatCSV), string(FormatArrow), string(FormatSDMX)}
	}
	return []string{string(FormatJSON), string(FormatCSV), string(FormatArrow)}
}

func operationID(rt *route) string {
	p := strings.NewReplacer("/v1/", "", "/", "_", ":", "by_", "-", "_").Replace(rt.path)
	return strings.ToLower(rt.method) + "_" + p
}

//go:embed docs.html
var docsPage []byte

func (s *Server) registerDocs() {
	doc, _ := json.MarshalIndent(s.OpenAPI(), "", "  ")
	getAndHead(s.engine, "/openapi.json", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "application/json", doc)
	})
	getAndHead(s.engine, "/docs", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
		c.Data(http.StatusOK, "text/html; charset=utf-8", docsPage)
	})
}
