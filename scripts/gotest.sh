#!/bin/sh
# go test -race of every package with the build tags in $1 (the rest of
# the arguments go to go test), ui/cli beside the others: it is the
# slowest package by far and spends much of its time waiting on child
# processes and the vendors' pacing, and go test would start it last.
# Everything is compiled once first, so the two runs do not compile the
# same packages at once. ui/cli's parallel tests run four at a time, not
# one per core: they mostly wait, and used about one core of two.
set -u
tags=$1
shift
go build -race -tags "$tags" ./... || exit 1
cli_out=$(mktemp)
trap 'rm -f "$cli_out"' EXIT
go test -race -timeout 30m -parallel 4 -tags "$tags" "$@" ./ui/cli >"$cli_out" 2>&1 &
cli=$!
# shellcheck disable=SC2046 # one package path per word
go test -race -timeout 30m -tags "$tags" "$@" $(go list ./... | grep -v '/ui/cli$')
rest=$?
wait "$cli"
cli_rc=$?
cat "$cli_out"
[ "$rest" -eq 0 ] && [ "$cli_rc" -eq 0 ]
