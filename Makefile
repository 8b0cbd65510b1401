.PHONY: test

# The whole suite: vet, gofmt, staticcheck (when installed), go test -race
# against a real Secret Service (see scripts/test.sh).
test:
	./scripts/test.sh
