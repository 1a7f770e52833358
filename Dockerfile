# The threescale-sandbox image: the static binary on an empty base, with
# CA certificates and a non-root user. `make image` builds it (docker, or
# podman with --format docker, which keeps the HEALTHCHECK).
#
# Stage "build" compiles with the Go toolchain; `make stage` is the one
# recipe for what the image holds, so `make image-prebuilt` (offline: no
# base image to pull) can give the same files through
# --build-context build=DIR instead, and the image test does exactly that.
ARG GO_IMAGE=golang:1.26-bookworm

FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
ARG TARGETARCH
ARG VERSION=devel
ARG COMMIT=
ARG DATE=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make stage STAGE=/out ${TARGETARCH:+IMAGE_ARCH=$TARGETARCH} VERSION="${VERSION}" COMMIT="${COMMIT}" DATE="${DATE}"

FROM scratch
ARG VERSION=devel
ARG COMMIT=
ARG DATE=
LABEL org.opencontainers.image.title="threescale-sandbox" \
      org.opencontainers.image.description="A local stand-in for 3scale's Service Management and Account Management APIs" \
      org.opencontainers.image.source="https://github.com/threescale-sandbox/threescale-sandbox" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${DATE}"
COPY --from=build /out/root/ /
# /data (for --db on a volume) and /tmp belong to the sandbox's user: a
# named volume mounted at /data starts with that owner.
COPY --from=build --chown=65532:65532 /out/writable/ /
USER 65532:65532
WORKDIR /data
ENV THREESCALE_SANDBOX_ADDR=0.0.0.0:3000 \
    THREESCALE_SANDBOX_TLS_ADDR=0.0.0.0:3443 \
    THREESCALE_SANDBOX_ADMIN_ADDR=0.0.0.0:3001 \
    THREESCALE_SANDBOX_PORTAL_ADDR=0.0.0.0:3002 \
    THREESCALE_SANDBOX_FIXTURES=/fixtures
# HTTP, HTTPS (self-signed unless --tls-cert), admin portal, developer portal.
EXPOSE 3000 3443 3001 3002
HEALTHCHECK --interval=2s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/threescale-sandbox", "healthcheck"]
ENTRYPOINT ["/threescale-sandbox"]
CMD ["serve"]
