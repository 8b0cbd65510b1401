#!/bin/sh
# mspwire's recurring reviews, unattended: billing, devices and stale
# accounts read (nothing is written to any vendor), each run kept and
# compared with the last, and the report written. Secrets come from the
# environment (MSPWIRE_<SYSTEM>_<FIELD>), so no keyring or desktop session
# is needed. Exits 3 when a row is new or changed since the last run, 0
# when nothing moved, anything else when a run failed.
#
#   MSPWIRE_PROFILE   the tenant (default: default)
#   MSPWIRE_DATA_DIR  mspwire's data directory (default: ~/.local/share/mspwire)
#   MSPWIRE_OUT       where the results go (default: ./mspwire-reviews)
#   MSPWIRE           the mspwire binary (default: mspwire on PATH)
set -u
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
"$mspwire" report --format html -o "$out/$stamp-report.html" 2>>"$out/$stamp.log" || worst=1
exit "$worst"
