#!/usr/bin/env bash
# bench-analyze.sh: measure `v6scope analyze` beside `tshark -T fields` on
# the same large capture (the one bench-vs-tshark.sh builds with mkbig) and
# print packets per second, peak RSS and the throughput ratio.
#
# Usage: scripts/bench-analyze.sh [-n PACKETS] [-b V6SCOPE] [-k]
#   -n  packets in the generated capture (default 1000000)
#   -b  use this v6scope binary instead of building ./cmd/v6scope
#   -k  keep the temporary directory
# Exit status: 0 when both ran, 1 when a tool, the corpus or a run failed,
# 2 on bad usage. Goals (issue 8): >= 1,000,000 packets/s, >= 50x tshark,
# <= 64 MiB peak RSS. A measurement, never a pass/fail test.
set -euo pipefail

n=1000000 bin='' keep=0
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts ":n:b:kh" opt; do
	case $opt in
	n) n=$OPTARG ;;
	b) bin=$OPTARG ;;
	k) keep=1 ;;
	*) usage ;;
	esac
done
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench-analyze: -n '$n': give a positive packet count" >&2; exit 2; }
die() { echo "bench-analyze: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus=$(cd "$root/.." && pwd)/shared/corpus
[[ -d $corpus ]] || die "no corpus at $corpus (see bench-vs-tshark.sh)"
command -v tshark >/dev/null || die "tshark is not on PATH; install it: apt-get install tshark"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing; install it: apt-get install time"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-analyze.XXXXXX")
trap '[[ $keep == 1 ]] && echo "kept $tmp" >&2 || rm -rf "$tmp"' EXIT
mkdir "$tmp/wireshark-config"

# The same mix as bench-vs-tshark.sh: ND, MLD, 6in4 and Teredo.
inputs=(nd/wiki_v6.pcap nd/zeek_icmp6-nd-options.pcap nd/td_icmpv6.pcap mld/zeek_icmp6-mldv1.pcap tunnels/zeek_ping6-in-ipv4.pcap teredo/zeek_Teredo.pcap)
paths=()
for f in "${inputs[@]}"; do
	[[ -f $corpus/$f ]] || die "corpus file $corpus/$f is missing"
	paths+=("$corpus/$f")
done
(cd "$root" && go build -o "$tmp/mkbig" ./internal/tools/mkbig) || die "building mkbig failed"
if [[ -z $bin ]]; then
	(cd "$root" && go build -o "$tmp/v6scope" ./cmd/v6scope) || die "building ./cmd/v6scope failed"
	bin=$tmp/v6scope
fi
big=$tmp/big.pcap
"$tmp/mkbig" -n "$n" -o "$big" "${paths[@]}" >/dev/null

# measure NAME RUNS CMD...: run CMD RUNS times; print the run with the
# median wall time: wall seconds, CPU seconds and peak RSS (KiB). One run
# of tshark takes long enough to be steady; v6scope's short runs are
# repeated so one hiccup of a busy machine does not decide the ratio.
measure() {
	local name=$1 runs=$2 tf=$tmp/$1.time i
	shift 2
	: >"$tmp/$name.runs"
	for ((i = 0; i < runs; i++)); do
		LC_ALL=C WIRESHARK_CONFIG_DIR=$tmp/wireshark-config /usr/bin/time -v -o "$tf" "$@" >/dev/null 2>"$tmp/$name.stderr" ||
			{ cat "$tmp/$name.stderr" >&2; die "$name failed: $*"; }
		awk -F': ' '
			/User time|System time/ { cpu += $2 }
			/Elapsed \(wall clock\)/ { k = split($2, p, ":"); for (i = 1; i <= k; i++) wall = wall * 60 + p[i] }
			/Maximum resident set size/ { rss = $2 }
			END { print wall, cpu, rss }' "$tf" >>"$tmp/$name.runs"
	done
	sort -n "$tmp/$name.runs" | awk -v name="$name" -v n="$n" -v runs="$runs" -v out="$tmp/$name.wall" '
		{ w[NR] = $1; c[NR] = $2; r[NR] = $3 }
		END { m = int((NR + 1) / 2)
		      printf "%-16s %8.2f s %12.0f packets/s %8.1f MiB peak RSS %8.2f s CPU%s\n", name, w[m], n / w[m], r[m] / 1024, c[m], (runs > 1 ? "  (median of " runs ")" : "")
		      print w[m] > out }'
}

echo "$n packets, $(($(stat -c %s "$big") >> 20)) MiB"
measure tshark 1 tshark -n -r "$big" -o teredo.heuristic_teredo:TRUE -T fields -e frame.number -e ipv6.src -e ipv6.dst -e ipv6.nxt -e icmpv6.type -e udp.srcport
measure analyze 3 "$bin" analyze "$big"
measure analyze-json 3 "$bin" analyze --json "$big"
awk -v t="$(cat "$tmp/tshark.wall")" -v a="$(cat "$tmp/analyze.wall")" -v j="$(cat "$tmp/analyze-json.wall")" 'BEGIN {
	printf "ratio            analyze/tshark throughput %.1fx (report), %.1fx (--json)\n", t / a, t / j }'
