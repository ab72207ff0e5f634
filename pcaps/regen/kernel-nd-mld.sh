#!/usr/bin/env bash
# Regenerates pcaps/kernel-nd-mld.pcapng and pcaps/kernel-nd-mld.expect.json.
#
# Records what the Linux kernel's own IPv6 stack (and radvd) put on a link
# when three network namespaces come up on a bridge: DAD, MLDv2 reports,
# Router Solicitation/Advertisement, SLAAC, address resolution, echo and a
# full NUD cycle (STALE -> DELAY -> PROBE -> REACHABLE).
#
# Topology (every name below lives inside namespaces this script creates;
# nothing is added to, or sent on, the host's own interfaces):
#
#   netns v6s-<pid>-rtr  eth0 02:76:36:00:00:01  radvd, forwarding=1
#   netns v6s-<pid>-a    eth0 02:76:36:00:00:0a  host
#   netns v6s-<pid>-b    eth0 02:76:36:00:00:0b  host
#        |                 |                 |
#   netns v6s-<pid>-sw: bridge v6s-br0 (no IPv6 of its own, no snooping),
#        ports v6s-rtr, v6s-a, v6s-b; dumpcap captures on v6s-br0.
#
# Usage: sudo pcaps/regen/kernel-nd-mld.sh [OUTDIR]   (default: pcaps/)
# Needs: root, iproute2, dumpcap/editcap/tshark, radvd, iputils-ping, go.
# Takes 25-30 s. See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once.
regen_timed 90 "$@"
regen_need_root "network namespaces, dumpcap"

outdir=${1:-$repo/pcaps}
name=kernel-nd-mld

# ---- tools: install only what is missing (regen_need, lib.sh) -----------
regen_need ip dumpcap editcap tshark radvd ping
regen_need_go "to write the expect.json"

# ---- names, cleanup (regen_scratch: lib.sh) ------------------------------
NS_SW="$tag-sw" NS_R="$tag-rtr" NS_A="$tag-a" NS_B="$tag-b"
regen_scratch v6s-regen

no_tentative() { [[ -z $(ip -n "$1" -6 addr show dev eth0 tentative) ]]; }
has_global() {
	[[ -n $(ip -n "$1" -6 addr show dev eth0 scope global -tentative) ]]
}
nstate() { ip -n "$1" -6 neigh show dev eth0 to "$2" | awk '{print $NF}'; }
is_state() { [[ $(nstate "$1" "$2") == "$3" ]]; }

PFX=2001:db8:6:1
MAC_R=02:76:36:00:00:01 MAC_A=02:76:36:00:00:0a MAC_B=02:76:36:00:00:0b
LL_R=fe80::76:36ff:fe00:1
GUA_R=$PFX::1
GUA_B=$PFX:76:36ff:fe00:b

# ---- topology -----------------------------------------------------------
log "building $NS_SW $NS_R $NS_A $NS_B"
for ns in "$NS_SW" "$NS_R" "$NS_A" "$NS_B"; do regen_netns_add "$ns"; done

nsx "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS_SW" link add v6s-br0 type bridge stp_state 0 mcast_snooping 0
for pair in "v6s-rtr:$NS_R:$MAC_R" "v6s-a:$NS_A:$MAC_A" "v6s-b:$NS_B:$MAC_B"; do
	IFS=: read -r port ns mac1 mac2 mac3 mac4 mac5 mac6 <<<"$pair"
	mac="$mac1:$mac2:$mac3:$mac4:$mac5:$mac6"
	# The veth is born inside the namespaces: never in the host's.
	ip -n "$NS_SW" link add "$port" type veth peer name eth0 netns "$ns"
	ip -n "$NS_SW" link set "$port" master v6s-br0 up
	ip -n "$ns" link set eth0 address "$mac"
	# Stay quiet until the capture runs.
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
done
ip -n "$NS_SW" link set v6s-br0 up

# Router: forwarding, a static global address.
nsx "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.eth0.forwarding=1
# Hosts: accept RAs including Route Information up to /64; quick NUD.
for ns in "$NS_A" "$NS_B"; do
	nsx "$ns" sysctl -qw \
		net.ipv6.conf.eth0.accept_ra=1 \
		net.ipv6.conf.eth0.accept_ra_rt_info_max_plen=64 \
		net.ipv6.conf.eth0.autoconf=1 \
		net.ipv6.conf.eth0.use_tempaddr=0 \
		net.ipv6.conf.eth0.enhanced_dad=1 \
		net.ipv6.neigh.eth0.base_reachable_time_ms=2500 \
		net.ipv6.neigh.eth0.delay_first_probe_time=1
done

# ---- capture ------------------------------------------------------------
raw="$work/raw.pcapng"
# Background jobs run `ip netns exec` directly (not via nsx): $! must be
# the daemon itself, so that kill reaches it.
regen_dumpcap_start "$raw" "$NS_SW" 60 -i v6s-br0

# ---- router up: DAD for fe80:: and the static address, MLD joins ---------
log "router up"
nsx "$NS_R" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
ip -n "$NS_R" addr add "$GUA_R/64" dev eth0
ip -n "$NS_R" link set eth0 up
wait_until 5 no_tentative "$NS_R"

cat >"$work/radvd.conf" <<EOF
interface eth0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvLinkMTU 1480;
	AdvDefaultPreference medium;
	prefix $PFX::/64 {
		AdvOnLink on;
		AdvAutonomous on;
		AdvValidLifetime 3600;
		AdvPreferredLifetime 1800;
	};
	route 2001:db8:6:100::/56 {
		AdvRoutePreference high;
		AdvRouteLifetime 1800;
	};
	RDNSS $PFX::53 {
		AdvRDNSSLifetime 600;
	};
	DNSSL lab.v6scope.example {
		AdvDNSSLLifetime 600;
	};
};
EOF
log "radvd start"
ip netns exec "$NS_R" radvd -n -m stderr -C "$work/radvd.conf" -p "$work/radvd.pid" 2>"$work/radvd.err" &
radvd_pid=$!
pids+=("$radvd_pid")
sleep 0.5

# ---- hosts up: DAD, MLD, RS, RA, SLAAC ----------------------------------
log "hosts up"
for ns in "$NS_A" "$NS_B"; do
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
	ip -n "$ns" link set eth0 up
done
for ns in "$NS_A" "$NS_B"; do
	wait_until 10 has_global "$ns"
	wait_until 5 no_tentative "$ns"
done
log "SLAAC done"

# ---- NUD: watch A's entry for B while A pings B twice --------------------
# `ip monitor` reports REACHABLE, STALE, PROBE; DELAY raises no netlink
# event, so a poll loop catches it. Both write "epoch state" lines.
nudlog="$work/nud.log"
: >"$nudlog"
timeout 20 ip -n "$NS_A" -ts monitor neigh dev eth0 >"$work/monitor.log" &
pids+=("$!")
# monitor_saw N STATE: the monitor has reported STATE for GUA_B N times.
monitor_saw() {
	local n
	n=$(grep -F "$GUA_B " "$work/monitor.log" | grep -cE " $2 *\$" || true)
	((n >= $1))
}
poll_nud() {
	local i last="" s
	for ((i = 0; i < 300; i++)); do # 300 x ~20 ms, bounded
		s=$(nstate "$NS_A" "$GUA_B")
		if [[ -n $s && $s != "$last" ]]; then
			printf '%s %s poll\n' "$(date +%s.%N)" "$s" >>"$nudlog"
			last=$s
		fi
		[[ -f $work/nud.stop ]] && return 0
		sleep 0.02
	done
}
poll_nud &
poll_pid=$!
pids+=("$poll_pid")
sleep 0.2

log "A -> B: resolution + echo"
nsx "$NS_A" ping -6 -c 1 -W 2 -n "$GUA_B" >/dev/null
wait_until 8 is_state "$NS_A" "$GUA_B" STALE
log "A -> B again: DELAY -> PROBE -> REACHABLE"
nsx "$NS_A" ping -6 -c 1 -W 2 -n "$GUA_B" >/dev/null
# PROBE lasts one round trip, too short to poll: wait for the monitor to
# report the second REACHABLE (the first came from address resolution).
wait_until 5 monitor_saw 2 REACHABLE
sleep 0.2
touch "$work/nud.stop"
wait "$poll_pid" || true

log "B -> router link-local"
nsx "$NS_B" ping -6 -c 1 -W 2 -n "$LL_R%eth0" >/dev/null
sleep 1.5 # let B's and the router's entries go through their own NUD

# ---- facts for the expect.json: a snapshot before radvd stops ------------
facts="$work/facts"
mkdir -p "$facts"
printf 'rtr router %s\na host %s\nb host %s\n' "$NS_R" "$NS_A" "$NS_B" >"$facts/nodes"
for nd in "rtr:$NS_R" "a:$NS_A" "b:$NS_B"; do
	node=${nd%%:*} ns=${nd#*:}
	regen_snapshot "$facts" "$node" "$ns" eth0
done
# NUD trace for a -> GUA_B: merge the monitor (wall clock in brackets)
# and the poll loop, ordered by time.
{
	cat "$nudlog"
	# "[2024-01-02T03:04:05.678901] 2001:db8:... dev eth0 lladdr ... REACHABLE"
	grep -F "$GUA_B " "$work/monitor.log" | while read -r ts rest; do
		ts=${ts#[}; ts=${ts%]}
		printf '%s %s monitor\n' "$(date -d "$ts" +%s.%N)" "$(awk '{print $NF}' <<<"$rest")"
	done
} | sort -n | awk -v t="$GUA_B" '{print "a", t, $2, $3}' >"$facts/nud"

# ---- radvd stops: final RA with Router Lifetime 0 -----------------------
log "radvd stop"
kill -TERM "$radvd_pid"
wait "$radvd_pid" 2>/dev/null || true
log "stop capture"
regen_dumpcap_stop 1.5 # the final RA lands first

# ---- comment, expect.json -----------------------------------------------
radvd_version=$({ radvd -v 2>&1 || true; } | awk '/^Version:/ {print $2}')
comment="v6scope kernel-nd-mld: Linux $(uname -r) IPv6 ND/MLD on one Ethernet link (bridge v6s-br0 in its own netns, captured there). \
Router rtr (netns, eth0 $MAC_R, $LL_R, $GUA_R/64, forwarding=1) runs radvd $radvd_version \
(RA: prefix $PFX::/64 L+A, MTU 1480, route 2001:db8:6:100::/56 high, RDNSS $PFX::53, DNSSL lab.v6scope.example). \
Hosts a ($MAC_A) and b ($MAC_B) come up: DAD NS with Nonce, MLDv2 reports with Router Alert, RS, RA, SLAAC DAD. \
a pings b's global address (multicast NS, solicited NA, echo); a's entry for b goes STALE, a pings again: DELAY, unicast NS probe, REACHABLE \
(base_reachable_time_ms=2500, delay_first_probe_time=1). b pings rtr link-local. radvd stops: RA with Router Lifetime 0. \
Regenerate with pcaps/regen/kernel-nd-mld.sh."
regen_comment "$comment" "$raw" "$outdir/$name.pcapng"
regen_expect "$outdir/$name.pcapng" "$facts"
for f in "$work"/radvd.err; do
	grep -i 'error' "$f" >&2 || true
done
