// Package api is DRI's HTTP API (v1) on gin: routes, query parsing, content
// negotiation (JSON envelope, CSV, Arrow IPC stream, SDMX-CSV 2.0), RFC 9457
// problem responses, caching (strong ETags, 304), paging, CORS, gzip,
// Prometheus metrics and the OpenAPI document.
//
// Handlers bind and check their query, call the dataset of the request
// (pipeline tables and the Scorer interface that cmd wires in) and return a
// Result; one wrapper, Server.serve, writes every response. The package
// computes no statistics of its own.
package api
