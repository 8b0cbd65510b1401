#!/bin/sh
# Makes the README's pictures from the real program: runs `mspwire demo` in a
# detached tmux window of 100×30, drives it with the keys an operator would
# press (path A with Hudu), captures the review, plan, apply, billing and devices screens with
# their colours, and renders each to SVG with freeze.
#
#   ./scripts/screenshots.sh          # writes docs/screens/{review,plan,apply,billing,devices}.svg
#   FORMAT=png ./scripts/screenshots.sh   # the same as PNG
#
# Needs tmux (apt-get install tmux) and freeze (installed from the Go module
# proxy when missing).
set -eu
cd "$(dirname "$0")/.."
out=docs/screens
format=${FORMAT:-svg}
mkdir -p "$out"
work=$(mktemp -d)
session=mspwire-screens-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/mspwire" .
freeze=$(command -v freeze || true)
if [ -z "$freeze" ]; then
	GOBIN="$work" go install github.com/charmbracelet/freeze@v0.2.2
	freeze="$work/freeze"
fi

tmux new-session -d -s "$session" -x 100 -y 30 \
	"env TERM=xterm-256color COLORTERM=truecolor $work/mspwire demo --companies 60; sleep 30"

keys() { tmux send-keys -t "$session" "$@"; }

# until waits (up to a minute) for text on the screen.
until_shown() {
	tries=0
	while ! tmux capture-pane -p -t "$session" | grep -qF -- "$1"; do
		tries=$((tries + 1))
		if [ "$tries" -gt 600 ]; then
			echo "screenshots: timed out waiting for \"$1\"; the screen was:" >&2
			tmux capture-pane -p -t "$session" >&2
			exit 1
		fi
		sleep 0.1
	done
}

# shot renders the screen as it is now to $out/NAME.$format.
shot() {
	# tmux ends a colour with "default colour" (39), which freeze ignores:
	# make it a full reset.
	tmux capture-pane -e -p -t "$session" | sed 's/\x1b\[39m/\x1b[0m/g' >"$work/$1.ansi"
	"$freeze" --execute "cat $work/$1.ansi" --output "$out/$1.$format" --window --padding 16 --margin 0 \
		--border.radius 6 --font.size 13 >/dev/null
	echo "wrote $out/$1.$format"
}

until_shown "Onboard a tenant"
keys Enter                                   # onboard
until_shown "Where do your technicians"
keys Enter Down Enter Enter Enter Enter      # the questions: a Hudu shop
until_shown "Recommended"
keys Enter                                   # take path A
for n in 1 2 3; do                           # HaloPSA, Liongard, Hudu: the demo's credentials
	until_shown "System $n of 3"
	i=0                                      # enter through the fields, however many
	while ! tmux capture-pane -p -t "$session" | grep -qF "next system"; do
		i=$((i + 1))
		[ "$i" -le 12 ] || { echo "screenshots: the credentials form never finished" >&2; exit 1; }
		keys Enter
		sleep 0.3
	done
	keys Enter
done
until_shown "source of truth"
keys Enter                                   # HaloPSA
until_shown "Every inventory is in"
keys Enter                                   # to the review
until_shown "to review"
keys A                                       # accept every exact and strong suggestion
until_shown "Accepted"
keys n n                                     # two clients Liongard lacks: create them
until_shown "2 new"
keys Down
shot review
keys p A                                     # the next pair: HaloPSA and Hudu
until_shown "Hudu companies"
keys n                                       # one client Hudu lacks
until_shown "1 new"
keys Enter                                   # plan the sync
until_shown "press y and type yes"
keys Enter                                   # open the first group
shot plan
keys y
until_shown "Apply plan"
keys y e s Enter
until_shown "Plan 1:"
shot apply
i=0                                          # esc, one screen at a time, to home
while ! tmux capture-pane -p -t "$session" | grep -qF "Onboard a tenant"; do
	i=$((i + 1))
	[ "$i" -le 12 ] || { echo "screenshots: esc never reached home" >&2; exit 1; }
	keys Escape
	sleep 0.5
done
keys b                                       # billing: licence counts against billed seats
until_shown "a month not billed"
keys Down Down Enter                         # a row's detail
until_shown "Liongard:"
shot billing
keys Escape
until_shown "Onboard a tenant"
keys w                                       # devices: whose laptop
until_shown "Showing open"
keys Down Enter                              # a row's detail
until_shown "HaloPSA asset"
shot devices
keys C-c
