# threescale-sandbox: `make run` serves the default world, `make test` runs every test.
GO      ?= go
BIN     := bin/threescale-sandbox
# What `threescale-sandbox version` prints: the tag (git describe), else
# devel-COMMIT; the commit; and the commit's time (UTC), which keeps builds
# of one commit identical.
ifeq ($(origin VERSION),undefined)
VERSION := $(shell git describe --tags --match 'v*' --dirty 2>/dev/null || { printf devel-; git describe --always --dirty 2>/dev/null || echo unknown; })
endif
ifeq ($(origin COMMIT),undefined)
COMMIT := $(shell git rev-parse HEAD 2>/dev/null)
endif
ifeq ($(origin DATE),undefined)
DATE := $(shell TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
endif
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

.PHONY: build run test lint bench load fuzz contract screenshots clean stage image image-prebuilt dist

# The first build compiles SQLite (pure Go, about 2 minutes on 2 cores);
# -v names each package as it compiles, so it is seen to progress. Static
# (CGO_ENABLED=0, as the image's): no libc mapped, 1.3 MB less resident.
build:
	@echo "building $(BIN) $(VERSION) (a first build compiles SQLite: a few minutes; later builds take seconds)"
	CGO_ENABLED=0 $(GO) build -v -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

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
	$(GO) test -run '^$$' -bench . -benchmem ./rackquery ./mgmt ./server ./fixtures ./store .
	$(GO) run ./cmd/loadtest -bin $(BIN) -apps $(BENCH_APPS)

# Replay the documented examples against the sandbox, in process.
contract:
	$(GO) run . contract

# A short fuzzing pass over every parser (seeds live in testdata/fuzz);
# a longer one: make fuzz FUZZTIME=10m.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./rackquery
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./timestamp
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./fixtures
	$(GO) test -run '^$$' -fuzz FuzzErrorDocument -fuzztime $(FUZZTIME) ./mgmt
	$(GO) test -run '^$$' -fuzz FuzzRequest -fuzztime $(FUZZTIME) ./mgmt
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./contracts/example
	$(GO) test -run '^$$' -fuzz FuzzParseInstant -fuzztime $(FUZZTIME) .
	$(GO) test -run '^$$' -fuzz FuzzAMAPI -fuzztime $(FUZZTIME) ./server
	$(GO) test -run '^$$' -fuzz FuzzControlAPI -fuzztime $(FUZZTIME) ./server
	$(GO) test -run '^$$' -fuzz FuzzParseDuration -fuzztime $(FUZZTIME) ./clock
	$(GO) test -run '^$$' -fuzz FuzzRead -fuzztime $(FUZZTIME) ./bundle
	$(GO) test -run '^$$' -fuzz FuzzJSON -fuzztime $(FUZZTIME) ./rackquery
	$(GO) test -run '^$$' -fuzz FuzzStateCookie -fuzztime $(FUZZTIME) ./portal/web

# The README's screenshots of the portals, taken by their browser tests in
# headless Chromium.
screenshots:
	THREESCALE_SANDBOX_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run 'InTheBrowser|Chapter' ./portal/admin ./portal/developer

# The files of the container image, for the Dockerfile's build stage and
# for image-prebuilt: STAGE/root (the static binary, CA certificates, the
# user 65532 "sandbox", an empty /fixtures) and STAGE/writable (/data and
# /tmp, which the image gives to that user).
STAGE      ?= build/stage
IMAGE_ARCH ?= $(shell $(GO) env GOARCH)
CA_CERTS   ?= /etc/ssl/certs/ca-certificates.crt
# TRIMPATH= (empty) lets the image test reuse what `go vet` compiled.
TRIMPATH   ?= -trimpath
stage:
	rm -rf $(STAGE)
	mkdir -p $(STAGE)/root/etc/ssl/certs $(STAGE)/root/fixtures $(STAGE)/writable/data $(STAGE)/writable/tmp
	@echo "building $(STAGE)/root/threescale-sandbox $(VERSION) (static, linux/$(IMAGE_ARCH))"
	CGO_ENABLED=0 GOOS=linux GOARCH=$(IMAGE_ARCH) $(GO) build $(TRIMPATH) -ldflags '$(LDFLAGS)' -o $(STAGE)/root/threescale-sandbox .
	cp $(CA_CERTS) $(STAGE)/root/etc/ssl/certs/ca-certificates.crt
	printf 'root:x:0:0:root:/:/sbin/nologin\nsandbox:x:65532:65532:threescale-sandbox:/data:/sbin/nologin\n' > $(STAGE)/root/etc/passwd
	printf 'root:x:0:\nsandbox:x:65532:\n' > $(STAGE)/root/etc/group
	chmod 0755 $(STAGE)/root/fixtures $(STAGE)/writable/data
	chmod 1777 $(STAGE)/writable/tmp

# The container image, with docker when its daemon answers, else podman
# (--format docker: the OCI format has no HEALTHCHECK).
IMAGE     ?= threescale-sandbox
CONTAINER ?= $(shell if docker info >/dev/null 2>&1; then echo docker; elif command -v podman >/dev/null 2>&1; then echo podman; fi)
IMAGE_BUILD = $(CONTAINER) build $(if $(filter podman,$(CONTAINER)),--format docker --build-arg TARGETARCH=$(IMAGE_ARCH)) \
	--build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) --build-arg DATE=$(DATE) \
	-t $(IMAGE):$(VERSION) -t $(IMAGE):latest
image:
	@test -n "$(CONTAINER)" || { echo "make image: needs docker (with its daemon running) or podman"; exit 1; }
	$(IMAGE_BUILD) .

# The same image from the host's Go toolchain, when no base image can be
# pulled: the stage built here replaces the Dockerfile's build stage.
PREBUILT ?= build/prebuilt
image-prebuilt:
	@test -n "$(CONTAINER)" || { echo "make image-prebuilt: needs docker (with its daemon running) or podman"; exit 1; }
	$(MAKE) stage STAGE=$(PREBUILT)/out
	$(IMAGE_BUILD) --build-context build=$(PREBUILT) .

# Static binaries for every platform, with their checksums.
DIST_TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
dist:
	rm -rf dist
	mkdir -p dist
	@for t in $(DIST_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		out=dist/threescale-sandbox_$(VERSION)_$${os}_$${arch}$$ext; \
		echo "building $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out . || exit 1; \
	done
	cd dist && { sha256sum threescale-sandbox_* 2>/dev/null || shasum -a 256 threescale-sandbox_*; } > SHA256SUMS
	@cat dist/SHA256SUMS

clean:
	rm -rf bin build dist
