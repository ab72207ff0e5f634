#!/usr/bin/env bash
# bench-replay.sh: v6scope replay beside tcpreplay, same file, same veth.
#
#   sudo scripts/bench-replay.sh [FILE]     (default pcaps/kernel-nd-mld.pcapng)
#
# Makes two network namespaces joined by a veth pair (nothing touches the
# host's interfaces), then for 1,000, 10,000 and 100,000 pps and top speed
# replays FILE (looped to about 2 s, or 300,000 frames at top speed) with
# each tool from one end while tcpdump records the other end with
# nanosecond kernel timestamps. gapstat measures each recording: rate
# error against the target, and the p50/p99/max error of the gaps between
# frames. Both tools are measured the same way, on the receiving side.
# Each measurement is made RUNS times (default 3), the tools taking turns,
# so that both see the same machine; the summary gives the medians. A
# frame sent but not recorded is reported: a lossy run measures the
# receiver, not the sender. At 1,000 pps v6scope --spin (which spins for
# the whole gap, as tcpreplay does) is measured too. About 1.7 minutes
# with RUNS=3.
# Needs root, iproute2, tcpdump and tcpreplay (apt-get install tcpreplay).
set -euo pipefail
cd "$(dirname "$0")/.."

FILE=${1:-pcaps/kernel-nd-mld.pcapng}
for tool in ip tcpdump tcpreplay go; do
	command -v "$tool" >/dev/null || { echo "bench-replay: needs $tool" >&2; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { echo "bench-replay: needs root (network namespaces)" >&2; exit 1; }

work=$(mktemp -d)
A=v6sbench-$$-a
B=v6sbench-$$-b
cleanup() {
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/v6scope" ./cmd/v6scope
go build -o "$work/gapstat" ./scripts/gapstat
# tcpreplay reads pcap; give both tools the same pcap file.
"$work/v6scope" replay "$FILE" -w "$work/in.pcapng" --topspeed >/dev/null
if command -v editcap >/dev/null; then
	editcap -F pcap "$FILE" "$work/in.pcap"
else
	tcpdump -r "$FILE" -w "$work/in.pcap" 2>/dev/null
fi
frames=$("$work/v6scope" read -T fields -e frame.number "$work/in.pcap" | wc -l)

ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add v6s0 type veth peer name v6s0 netns "$B"
for ns in "$A" "$B"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$ns" link set v6s0 up
done

# measure TOOL PPS LOOPS: replay, record the other end, print
# "sent=N " and gapstat's line.
measure() {
	local tool=$1 pps=$2 loops=$3 rec=$work/rx.pcap sent
	rm -f "$rec" "$work/dump.err"
	ip netns exec "$B" tcpdump -q -i v6s0 -B 262144 --time-stamp-precision=nano -w "$rec" 2>"$work/dump.err" &
	local dump=$!
	# tcpdump says "listening on" once its socket is ready: frames sent
	# before that would be missing from the recording.
	for _ in $(seq 100); do
		grep -q "listening on" "$work/dump.err" 2>/dev/null && break
		sleep 0.1
	done
	local rate=(--topspeed) trate=(--topspeed)
	if [[ $pps != 0 ]]; then rate=(--pps "$pps"); trate=(--pps="$pps"); fi
	if [[ $tool == v6scope || $tool == v6s-spin ]]; then
		[[ $tool == v6s-spin ]] && rate+=(--spin)
		timeout 120 ip netns exec "$A" "$work/v6scope" replay "$work/in.pcap" -i v6s0 "${rate[@]}" --loop "$loops" --json >"$work/rep.json"
		sent=$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' "$work/rep.json")
	else
		timeout 120 ip netns exec "$A" tcpreplay -q -i v6s0 "${trate[@]}" --loop="$loops" --preload-pcap "$work/in.pcap" >"$work/rep.txt" 2>&1
		sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$work/rep.txt")
	fi
	# tcpdump's ring hands a partly filled block over after its 1 s
	# timeout; stopped before that, it would not record the last frames.
	sleep 1.2
	kill -INT "$dump"
	wait "$dump" 2>/dev/null || true
	echo "sent=${sent:-?} $("$work/gapstat" "$rec" "$pps")"
}

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
# median of the numbers on standard input
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

RUNS=${RUNS:-3}
printf '%-9s %-9s %3s %9s %9s %12s %10s %10s %11s\n' target tool run sent received "rx pps" "rate err%" "gap p99µs" "gap max µs"
for pps in 1000 10000 100000 0; do
	if [[ $pps == 0 ]]; then
		loops=$(( (300000 + frames - 1) / frames ))
	else
		loops=$(( (pps * 2 + frames - 1) / frames ))
	fi
	target=$([[ $pps == 0 ]] && echo topspeed || echo "$pps")
	declare -A ppsl=() errl=() p99l=()
	for run in $(seq "$RUNS"); do
		# the tools take turns, and which goes first alternates
		order=(v6scope tcpreplay)
		(( run % 2 == 0 )) && order=(tcpreplay v6scope)
		# at 1,000 pps also v6scope --spin, which spins like tcpreplay
		[[ $pps == 1000 ]] && order+=(v6s-spin)
		for tool in "${order[@]}"; do
			line=$(measure "$tool" "$pps" "$loops")
			sent=$(field sent "$line") got=$(field packets "$line")
			printf '%-9s %-9s %3s %9s %9s %12s %10s %10s %11s%s\n' "$target" "$tool" "$run" "$sent" "$got" \
				"$(field pps "$line")" "$(field rate_error_pct "$line")" "$(field gap_p99_us "$line")" "$(field gap_max_us "$line")" \
				"$([[ $sent != "$got" ]] && echo "  LOST $(( sent - got )) (receiver)")"
			ppsl[$tool]+="$(field pps "$line") "
			errl[$tool]+="$(field rate_error_pct "$line" | tr -d +-) "
			p99l[$tool]+="$(field gap_p99_us "$line") "
		done
	done
	med() { tr ' ' '\n' <<<"$1" | grep . | median; }
	vp=$(med "${ppsl[v6scope]}") tp=$(med "${ppsl[tcpreplay]}")
	if [[ $pps == 0 ]]; then
		awk -v a="$vp" -v b="$tp" -v n="$RUNS" 'BEGIN { printf "  median of %d: top speed v6scope %.0f pps, tcpreplay %.0f pps; ratio v6scope/tcpreplay %.2f\n", n, a, b, a / b }'
	else
		awk -v a="$(med "${errl[v6scope]}")" -v b="$(med "${errl[tcpreplay]}")" -v c="$(med "${p99l[v6scope]}")" -v d="$(med "${p99l[tcpreplay]}")" -v n="$RUNS" \
			'BEGIN { printf "  median of %d: |rate error| v6scope %.3f%% tcpreplay %.3f%%; gap p99 v6scope %.2f µs tcpreplay %.2f µs, ratio %.2f\n", n, a, b, c, d, (d > 0 ? c / d : 0) }'
		if [[ -n ${p99l[v6s-spin]:-} ]]; then
			awk -v c="$(med "${p99l[v6s-spin]}")" -v d="$(med "${p99l[tcpreplay]}")" -v e="$(med "${errl[v6s-spin]}")" -v n="$RUNS" \
				'BEGIN { printf "  median of %d: v6scope --spin |rate error| %.3f%%, gap p99 %.2f µs, ratio to tcpreplay %.2f\n", n, e, c, (d > 0 ? c / d : 0) }'
		fi
	fi
done
