.PHONY: test dist

# The whole suite: vet, gofmt, staticcheck (when installed), go test -race
# against a real Secret Service (see scripts/test.sh).
test:
	./scripts/test.sh

# Archives for Linux, macOS and Windows (amd64, arm64) in dist/, with
# SHA256SUMS and a CycloneDX SBOM: see scripts/dist.
dist:
	go run ./scripts/dist
