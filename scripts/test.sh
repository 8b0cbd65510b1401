#!/usr/bin/env bash
# The whole test suite: go vet, a gofmt check, staticcheck when installed, then
# go test -race. The tests run inside a private D-Bus session with a freshly
# unlocked GNOME Keyring, so keyring tests use a real Secret Service and never
# the operator's own keyring.
set -euo pipefail
cd "$(dirname "$0")/.."

# The crash points that let tests kill mspwire at a named step exist only
# in builds with this tag; a normal build has none.
tags=crashpoints

echo "== go vet"
go vet ./...
go vet -tags "$tags" ./...

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi

echo "== go mod tidy"
if ! go mod tidy -diff; then
  echo "go.mod or go.sum is not tidy: run go mod tidy" >&2
  exit 1
fi

if command -v staticcheck >/dev/null 2>&1; then
  echo "== staticcheck"
  staticcheck ./...
  staticcheck -tags "$tags" ./...
else
  echo "== staticcheck: not installed, skipped (go install honnef.co/go/tools/cmd/staticcheck@v0.8.2)"
fi

# ui/cli runs the shipped binary through kills and whole onboardings: on a
# busy machine it needs more than go test's default 10 minutes. It runs
# beside the other packages (scripts/gotest.sh).
echo "== go test -race"
if command -v gnome-keyring-daemon >/dev/null 2>&1 && command -v dbus-run-session >/dev/null 2>&1; then
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  # The keyring daemon keeps its files under XDG_DATA_HOME and its socket
  # under XDG_RUNTIME_DIR: both point into the throw-away directory.
  mkdir -p "$keyring_home/data" "$keyring_home/run"
  chmod 700 "$keyring_home/run"
  XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run" \
    dbus-run-session -- sh -c 'echo mspwire-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec ./scripts/gotest.sh "$@"' sh "$tags" "$@"
else
  echo "note: gnome-keyring-daemon or dbus-run-session is not installed, so the keyring tests will be skipped" \
       "(apt-get install gnome-keyring dbus to run them)"
  ./scripts/gotest.sh "$tags" "$@"
fi
