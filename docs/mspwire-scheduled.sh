#!/bin/sh
# mspwire's recurring reviews, unattended: billing, devices and stale
# accounts read (nothing is written to any vendor), each run kept and
# compared with the last, and the report written. Secrets come from the
# environment (MSPWIRE_<SYSTEM>_<FIELD>), so no keyring or desktop session
# is needed. Exits 3 when a row is new or changed since the last run, 0
# when nothing moved, anything else when a run failed.
#
# With --apply-tickets it also opens HaloPSA tickets, planned and applied
# through mspwire's journal: for the billing rows new since the last run
# that a ticket can take and nobody has chosen a fix for, and one per
# client whose stale accounts no mspwire ticket lists yet. Quantities and
# asset users are never changed: they wait for a person. Choose the
# ticket types first (billing plan --ticket-type, accounts plan
# --ticket-type, or o on the screens).
#
#   MSPWIRE_PROFILE   the tenant (default: default)
#   MSPWIRE_DATA_DIR  mspwire's data directory (default: ~/.local/share/mspwire)
#   MSPWIRE_OUT       where the results go (default: ./mspwire-reviews)
#   MSPWIRE           the mspwire binary (default: mspwire on PATH)
set -u
apply_tickets=no
case ${1:-} in
--apply-tickets) apply_tickets=yes ;;
"") ;;
*) echo "usage: $0 [--apply-tickets]" >&2; exit 2 ;;
esac
mspwire=${MSPWIRE:-mspwire}
out=${MSPWIRE_OUT:-./mspwire-reviews}
stamp=$(date +%Y-%m-%d)
mkdir -p "$out" && chmod 700 "$out" || exit 1

worst=0
run() { # name, then the command's arguments
	name=$1
	shift
	"$mspwire" "$@" --changed --json >"$out/$stamp-$name.json" 2>>"$out/$stamp.log"
	code=$?
	case $code in
	0) ;;
	3) [ "$worst" -eq 0 ] && worst=3 ;;
	*) echo "mspwire $*: exit $code (see $out/$stamp.log)" >&2; worst=$code ;;
	esac
}
run billing billing reconcile
run devices devices map
run accounts accounts stale
if [ "$apply_tickets" = yes ]; then
	if ! {
		"$mspwire" billing fix --new --by ticket &&
			"$mspwire" billing plan --tickets-only --json >"$out/$stamp-billing-plan.json" &&
			"$mspwire" apply --yes &&
			"$mspwire" accounts plan --json >"$out/$stamp-accounts-plan.json" &&
			"$mspwire" apply --yes
	} >>"$out/$stamp.log" 2>&1; then
		echo "mspwire: the tickets were not all opened (see $out/$stamp.log)" >&2
		worst=1
	fi
fi
"$mspwire" report --format html -o "$out/$stamp-report.html" 2>>"$out/$stamp.log" || worst=1
exit "$worst"
