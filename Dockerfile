# DRI's container image: the dashboard, a static binary (CGO off) and nothing
# else. `make docker` builds it; the binary is built by `make static`, the
# same command as outside the container.
#
#   docker run --rm -p 8080:8080 dri            # the API and dashboard on the embedded data
#   docker run --rm dri version                 # any dri command

# 1. The dashboard (web/dist), as `make web` builds it.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# 2. The binary, with the dashboard embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist/ web/dist/
RUN make static BIN=/out/dri

# 3. The image: the binary on distroless/static (no shell, no libc; CA
# certificates and a nonroot user are there, though DRI needs no network).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dri /dri
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/dri"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
