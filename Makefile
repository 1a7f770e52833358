# threescale-sandbox: `make run` serves the default world, `make test` runs every test.
GO      ?= go
BIN     := bin/threescale-sandbox
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: build run test lint bench load fuzz contract clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

run: build
	./$(BIN) serve

# Every test: vet, the gofmt check, then the suite with the race detector.
test: lint
	$(GO) test -race -count=1 ./...

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Throughput and latency: in-process benchmarks, then load runs against the
# real binary on loopback in generated worlds of BENCH_APPS applications,
# each beside a bare net/http handler (a quarter of an hour on 2 CPUs).
BENCH_APPS ?= 10,1000,10000,100000
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./rackquery ./mgmt ./server
	$(GO) run ./cmd/loadtest -bin $(BIN) -apps $(BENCH_APPS)

# Replay the documented examples against the sandbox, in process.
contract:
	$(GO) run . contract

# A short fuzzing pass over every parser (seeds live in testdata/fuzz).
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./rackquery
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./timestamp
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./fixtures
	$(GO) test -run '^$$' -fuzz FuzzErrorDocument -fuzztime 30s ./mgmt
	$(GO) test -run '^$$' -fuzz FuzzRequest -fuzztime 30s ./mgmt
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./contracts/example
	$(GO) test -run '^$$' -fuzz FuzzParseInstant -fuzztime 30s .
	$(GO) test -run '^$$' -fuzz FuzzAMAPI -fuzztime 30s ./server

clean:
	rm -rf bin
