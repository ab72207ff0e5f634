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

# measure TOOL PPS LOOPS: replay, record the other end, print gapstat's line.
measure() {
	local tool=$1 pps=$2 loops=$3 rec=$work/rx.pcap
	rm -f "$rec"
	ip netns exec "$B" tcpdump -q -i v6s0 -B 262144 --time-stamp-precision=nano -w "$rec" 2>/dev/null &
	local dump=$!
	sleep 1
	local rate=(--topspeed) trate=(--topspeed)
	if [[ $pps != 0 ]]; then rate=(--pps "$pps"); trate=(--pps="$pps"); fi
	if [[ $tool == v6scope ]]; then
		timeout 120 ip netns exec "$A" "$work/v6scope" replay "$work/in.pcap" -i v6s0 "${rate[@]}" --loop "$loops" --json >"$work/rep.json"
	else
		timeout 120 ip netns exec "$A" tcpreplay -q -i v6s0 "${trate[@]}" --loop="$loops" --preload-pcap "$work/in.pcap" >"$work/rep.txt" 2>&1
	fi
	sleep 1
	kill -INT "$dump"
	wait "$dump" 2>/dev/null || true
	"$work/gapstat" "$rec" "$pps"
}

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

printf '%-9s %-9s %9s %12s %10s %10s %11s\n' target tool received "rx pps" "rate err%" "gap p99µs" "gap max µs"
for pps in 1000 10000 100000 0; do
	if [[ $pps == 0 ]]; then
		loops=$(( (300000 + frames - 1) / frames ))
	else
		loops=$(( (pps * 2 + frames - 1) / frames ))
	fi
	declare -A res=()
	for tool in v6scope tcpreplay; do
		line=$(measure "$tool" "$pps" "$loops")
		res[$tool]=$line
		printf '%-9s %-9s %9s %12s %10s %10s %11s\n' "$([[ $pps == 0 ]] && echo topspeed || echo "$pps")" "$tool" \
			"$(field packets "$line")" "$(field pps "$line")" "$(field rate_error_pct "$line")" "$(field gap_p99_us "$line")" "$(field gap_max_us "$line")"
	done
	v=${res[v6scope]} t=${res[tcpreplay]}
	if [[ $pps == 0 ]]; then
		awk -v a="$(field pps "$v")" -v b="$(field pps "$t")" 'BEGIN { printf "          top speed ratio v6scope/tcpreplay: %.2f\n", a / b }'
	else
		awk -v a="$(field rate_error_pct "$v")" -v b="$(field rate_error_pct "$t")" -v c="$(field gap_p99_us "$v")" -v d="$(field gap_p99_us "$t")" \
			'function abs(x) { return x < 0 ? -x : x } BEGIN { printf "          |rate error| v6scope %.3f%% vs tcpreplay %.3f%%; gap p99 ratio v6scope/tcpreplay %.2f\n", abs(a), abs(b), (d > 0 ? c / d : 0) }'
	fi
done
