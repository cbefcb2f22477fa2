# DRI — make targets. `make run` and `make test` are the README's quick start.
GO          ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
BIN         := bin/dri
PKGS        := ./...

.PHONY: all build static docker web run serve snapshot bench-peers bench-capacity test test-cluster lint vet fmt-check bench bench-score bench-ab cmp-outputs fuzz load clean

all: build

## build: the binary (with the dashboard when `make web` has built it)
build:
	$(GO) build -o $(BIN) ./cmd/dri

## static: a static binary (CGO off, no libc), as the container image builds it
static:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/dri

IMAGE ?= dri

## docker: the container image (Dockerfile: dashboard, `make static`, distroless)
docker:
	docker build -t $(IMAGE) .

## web: the dashboard's assets (npm ci + esbuild), embedded by the next build
web:
	cd web && npm ci --no-audit --no-fund && npm run build

ADDR ?= 127.0.0.1:8080

## run: the main job: build the dashboard and serve it with the API on the
## embedded data (without Node, `make serve` serves the API alone)
run: web build
	./$(BIN) serve --addr $(ADDR)

serve: build
	./$(BIN) serve --addr $(ADDR)

## snapshot: run the pipeline on the embedded data and write a snapshot
snapshot: build
	./$(BIN) run --out snapshots

## test: formatting, vet, staticcheck and the whole suite under the race
## detector. The browser test needs the built dashboard (make web) and
## Chromium; it skips without them unless DRI_REQUIRE_BROWSER=1 (CI sets it).
test: fmt-check vet lint
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

## test-cluster: issue 18's cluster scenarios: a real S3 server (SeaweedFS, built
## from source once and cached by bench/cluster/build-seaweedfs.sh: ~8 minutes the
## first time), three `dri serve --state s3://...` replicas, nginx round-robin in
## front and wrk (Debian's nginx and wrk); each scenario prints its figures. One
## scenario: make test-cluster CLUSTER_RUN=TestCluster/converge (bench/cluster/README.md)
CLUSTER_RUN ?= .
test-cluster:
	@weed=$${DRI_WEED:-$$(bench/cluster/build-seaweedfs.sh)} || exit 1; \
	DRI_WEED=$$weed DRI_CLUSTER=1 DRI_REQUIRE_CLUSTER=1 $(GO) test -count=1 -v -timeout 15m -run '$(CLUSTER_RUN)' ./bench/cluster/

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

lint:
	$(STATICCHECK) $(PKGS)

## bench: every benchmark with memory figures, including the HTTP load test
## (64 clients on 127.0.0.1, DRI_LOAD_SECONDS each target); see docs/BENCHMARKS.md
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 $(PKGS)

## bench-capacity: issue 18's capacity of one replica: `dri serve --rate 0`
## answering the dashboard's cached score table against nginx serving the same
## bytes, wrk alternately, 3 rounds (ROUNDS=N); see docs/BENCHMARKS.md
ROUNDS ?= 3
bench-capacity:
	bench/capacity/run.sh $(ROUNDS)

## bench-score: issue 19's scoring benchmarks (users' shapes, what-if, 1,000-run
## uncertainty of the Compass); see docs/BENCHMARKS.md
bench-score:
	$(GO) test -run='^$$' -bench='BenchmarkScore|WhatIfCompass|UncertaintyCompass' -benchmem -count=1 ./indicators

## bench-ab: two revisions' benchmarks (PATTERN, default BenchmarkScore, of
## ./indicators) in AB_ROUNDS alternated rounds (default 7) at BENCHTIME (default
## 1000x); OLD and NEW are git revisions, "." the working tree (default HEAD
## against .). Prints median and best ns/op of each; see bench/ab/run.sh
OLD ?= HEAD
NEW ?= .
PATTERN ?= BenchmarkScore
AB_ROUNDS ?= 7
BENCHTIME ?= 1000x
bench-ab:
	bench/ab/run.sh $(OLD) $(NEW) '$(PATTERN)' $(AB_ROUNDS) $(BENCHTIME)

## cmp-outputs: whether dri at OLD and at NEW give the same outputs (score,
## gaps, compare, export on the embedded data; PAIR=dir adds a COINr pair)
cmp-outputs:
	bench/ab/outputs.sh $(OLD) $(NEW)

## load: issue 12's load test: 48 concurrent heavy sensitivity requests from
## 127.0.0.1 while 127.0.0.2's cheap requests keep p99 < 50 ms (DRI_LOAD_SECONDS,
## default 10; see docs/BENCHMARKS.md)
load:
	DRI_LOAD=1 $(GO) test ./api -run '^TestLoadHeavyAndCheap$$' -count=1 -v

## fuzz: a short run of each fuzz target (FUZZTIME=30s for longer)
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin snapshots

## bench-peers: the same job as DuckDB on a 10-million-row synthetic panel,
## both timed as whole processes, median of RUNS runs (default 3; see docs/BENCHMARKS.md)
bench-peers: build
	DRI=$(abspath $(BIN)) ./bench/peers/run.sh $(RUNS)
