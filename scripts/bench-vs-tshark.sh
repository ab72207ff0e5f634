#!/usr/bin/env bash
# bench-vs-tshark.sh — measure `v6scope read -T fields` beside tshark 4.0 on
# the same large capture and print throughput, their ratio and peak memory.
#
# It builds v6scope and mkbig, makes an N-packet Ethernet pcap by repeating
# frames from the public corpus (../shared/corpus beside the repository),
# runs tshark and v6scope on it with the same -e fields, each under
# /usr/bin/time -v with output to /dev/null, then runs both again into files
# and reports whether the outputs are identical. A difference is reported,
# not a failure: this script measures speed; the differential tests judge
# correctness.
#
# Usage: scripts/bench-vs-tshark.sh [-n packets] [-k] [-t] [-b v6scope-binary]
#   -n N    packets in the generated capture (default 1000000)
#   -k      keep the temporary directory and print its path
#   -t      tshark only: skip building and running v6scope
#   -b BIN  use this v6scope binary instead of building ./cmd/v6scope
#
# Needs: go, tshark 4.0 (apt-get install tshark), GNU time at /usr/bin/time
# (apt-get install time). Exit status: 0 when both ran (whatever the
# comparison says), 1 on a missing tool, corpus or failed command, 2 on bad
# usage.
set -euo pipefail

usage() {
	sed -n '/^# Usage:/,/^#   -b/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

n=1000000
keep=0
tshark_only=0
bin=""
while getopts ":n:ktb:h" opt; do
	case $opt in
	n) n=$OPTARG ;;
	k) keep=1 ;;
	t) tshark_only=1 ;;
	b) bin=$OPTARG ;;
	h) usage ;;
	:) echo "bench-vs-tshark: -$OPTARG needs a value" >&2; usage ;;
	*) echo "bench-vs-tshark: unknown option -$OPTARG" >&2; usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 0 ]] || { echo "bench-vs-tshark: unexpected argument '$1'" >&2; usage; }
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench-vs-tshark: -n '$n': give a positive packet count" >&2; exit 2; }

die() { echo "bench-vs-tshark: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus=$(cd "$root/.." && pwd)/shared/corpus
[[ -d $corpus ]] || die "no corpus at $corpus; the public captures must sit in ../shared/corpus beside the repository (see its SOURCES.md)"
command -v go >/dev/null || die "go is not on PATH; install Go to build mkbig and v6scope"
command -v tshark >/dev/null || die "tshark is not on PATH; install it: apt-get install tshark"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing; install it: apt-get install time"
tshark_version=$(LC_ALL=C tshark --version 2>/dev/null | sed -n 's/^TShark (Wireshark) \([0-9.]*\).*/\1/p')
[[ $tshark_version == 4.0.* ]] || echo "bench-vs-tshark: warning: tshark is ${tshark_version:-of unknown version}, not 4.0; outputs may differ" >&2
if [[ -n $bin ]]; then
	[[ -x $bin ]] || die "-b $bin: not an executable file"
	bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-vs-tshark.XXXXXX")
cleanup() {
	if [[ $keep == 1 ]]; then
		echo "kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
mkdir "$tmp/wireshark-config" # empty: no personal preferences or profile

# Ethernet captures from the corpus; mkbig skips any that are not.
inputs=(
	nd/wiki_v6.pcap
	nd/zeek_icmp6-nd-options.pcap
	nd/td_icmpv6.pcap
	mld/zeek_icmp6-mldv1.pcap
	tunnels/zeek_ping6-in-ipv4.pcap
	teredo/zeek_Teredo.pcap
)
paths=()
for f in "${inputs[@]}"; do
	[[ -f $corpus/$f ]] || die "corpus file $corpus/$f is missing; update the list in $0 or restore the corpus"
	paths+=("$corpus/$f")
done

fields=(frame.number ipv6.src ipv6.dst ipv6.nxt icmpv6.type udp.srcport)
eargs=()
for f in "${fields[@]}"; do eargs+=(-e "$f"); done

echo "building in $root"
(cd "$root" && go build -o "$tmp/mkbig" ./internal/tools/mkbig) || die "building internal/tools/mkbig failed (see above)"
if [[ $tshark_only == 0 && -z $bin ]]; then
	(cd "$root" && go build -o "$tmp/v6scope" ./cmd/v6scope) ||
		die "building ./cmd/v6scope failed (see above); fix it, pass -b with a built binary, or run with -t for tshark alone"
	bin=$tmp/v6scope
fi

big=$tmp/big.pcap
start=$(date +%s%N)
"$tmp/mkbig" -n "$n" -o "$big" "${paths[@]}"
end=$(date +%s%N)
awk -v f="$big" -v n="$n" -v b="$(stat -c %s "$big")" -v ns=$((end - start)) 'BEGIN {
	printf "made %s: %d packets, %.0f MiB, in %.2f s\n", f, n, b / 1048576, ns / 1e9 }'

# measure NAME CMD... runs CMD under GNU time with stdout to /dev/null and
# sets wall_NAME (seconds), cpu_NAME (user + system seconds) and rss_NAME
# (KiB). CPU time moves less than wall time when other work shares the
# machine, so both ratios are printed.
measure() {
	local name=$1
	shift
	local tf=$tmp/$name.time
	if ! LC_ALL=C WIRESHARK_CONFIG_DIR=$tmp/wireshark-config /usr/bin/time -v -o "$tf" "$@" >/dev/null 2>"$tmp/$name.stderr"; then
		grep -v '^Running as user' "$tmp/$name.stderr" >&2 || true
		die "$name failed on $big: $* (its standard error is above)"
	fi
	local wall rss cpu
	cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$tf")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]
		print s }' "$tf")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
	[[ -n $wall && -n $rss ]] || die "could not read wall time and max RSS from $tf"
	printf -v "wall_$name" '%s' "$wall"
	printf -v "rss_$name" '%s' "$rss"
	printf -v "cpu_$name" '%s' "$cpu"
}

# report NAME prints one result line.
report() {
	local w=wall_$1 r=rss_$1 c=cpu_$1
	awk -v name="$1" -v n="$n" -v w="${!w}" -v r="${!r}" -v c="${!c}" 'BEGIN {
		printf "%-8s %10.2f s %12.0f packets/s %9.1f MiB peak RSS %10.2f s CPU\n", name, w, (w > 0 ? n / w : 0), r / 1024, c }'
}

echo "fields: ${fields[*]}"
# v6scope finds Teredo on any UDP port by default (docs/teredo.md); tshark
# needs its heuristic turned on to decode the same frames.
tshark_cmd=(tshark -n -r "$big" -o teredo.heuristic_teredo:TRUE -T fields "${eargs[@]}")
v6scope_cmd=("$bin" read -r "$big" -T fields "${eargs[@]}")

measure tshark "${tshark_cmd[@]}"
report tshark
if [[ $tshark_only == 1 ]]; then
	exit 0
fi
measure v6scope "${v6scope_cmd[@]}"
report v6scope
# shellcheck disable=SC2154 # set by measure through printf -v
awk -v t="$wall_tshark" -v v="$wall_v6scope" -v rt="$rss_tshark" -v rv="$rss_v6scope" -v ct="$cpu_tshark" -v cv="$cpu_v6scope" 'BEGIN {
	printf "ratio    v6scope/tshark throughput %.2fx (>1: v6scope is faster), CPU time %.2fx, peak RSS %.2fx\n", (v > 0 ? t / v : 0), (cv > 0 ? ct / cv : 0), (rt > 0 ? rv / rt : 0) }'

# Compare the outputs (separate runs, so writing files does not skew the
# timings above).
LC_ALL=C WIRESHARK_CONFIG_DIR=$tmp/wireshark-config "${tshark_cmd[@]}" >"$tmp/tshark.out" 2>/dev/null ||
	die "tshark failed writing $tmp/tshark.out"
"${v6scope_cmd[@]}" >"$tmp/v6scope.out" || die "v6scope failed writing $tmp/v6scope.out"
if cmp -s "$tmp/tshark.out" "$tmp/v6scope.out"; then
	echo "outputs: identical ($(wc -l <"$tmp/tshark.out") lines)"
else
	differing=$(diff "$tmp/tshark.out" "$tmp/v6scope.out" | grep -c '^<' || true)
	extra=$(diff "$tmp/tshark.out" "$tmp/v6scope.out" | grep -c '^>' || true)
	echo "outputs: DIFFER — $differing of $(wc -l <"$tmp/tshark.out") tshark lines differ or are missing, $extra v6scope lines differ or are extra (run with -k and diff $tmp/{tshark,v6scope}.out); first differences:"
	diff "$tmp/tshark.out" "$tmp/v6scope.out" | head -n 8 || true
fi
