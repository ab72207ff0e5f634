#!/usr/bin/env bash
# Regenerates pcaps/tunnels-6in4.pcapng and pcaps/tunnels-6in4.expect.json.
#
# IPv6 carried in IPv4 (protocol 41) on one IPv4 link: a configured 6in4
# tunnel (RFC 4213) with an echo, a UDP exchange and an ICMPv6 error inside,
# 6to4 addressing (RFC 3056, 2002:V4ADDR::/48) including one packet whose
# 6to4 source does not match its outer IPv4 source, and ISATAP addressing
# (RFC 5214, interface identifiers ::0:5efe:V4ADDR and ::200:5efe:V4ADDR).
#
# Where the kernel has sit (`ip link add ... type sit` works), the tunnels
# are kernel sit/isatap devices. This machine's kernel has none, so each
# endpoint is then pcaps/regen/tunnels-scapy.py: a TUN device holding the
# node's IPv6 addresses plus an IPv4 raw socket for protocol 41. Either
# way the IPv6 packets inside are the kernels' own (ping, UDP sockets,
# ICMPv6 errors); only the spoofed packet is built, with scapy.
#
# Topology (every name lives inside namespaces this script creates):
#
#   netns a  eth0 192.0.2.1    02:76:36:00:03:0a  6in4 2001:db8:46::1, 6to4 2002:c000:201:1::1
#   netns b  eth0 192.0.2.2    02:76:36:00:03:0b  6in4 2001:db8:46::2, 6to4 2002:c000:202:1::1
#   netns r  eth0 203.0.113.1  02:76:36:00:03:01  ISATAP 2001:db8:47::200:5efe:cb00:7101 (global IPv4: u bit)
#   netns h  eth0 198.51.100.7 02:76:36:00:03:0c  ISATAP 2001:db8:47::5efe:c633:6407 (stands for a private IPv4)
#   netns s  eth0 192.0.2.66   02:76:36:00:03:66  sends the spoofed 6to4 packet
#        all on bridge v6s-br0 in netns v6s-<pid>-sw, captured there (IPv4 only:
#        eth0 has IPv6 disabled; the IPv6 lives on the tunnel devices).
#
# Usage: sudo pcaps/regen/tunnels-scapy.sh [OUTDIR]   (default: pcaps/)
# Needs: root, iproute2, dumpcap/editcap/tshark, iputils-ping, python3-scapy, go.
# Takes about 15 s of capture plus the expect.json. See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once.
regen_timed 180 "$@"
regen_need_root "network namespaces, dumpcap"

outdir=${1:-$repo/pcaps}
name=tunnels-6in4
PY=/usr/bin/python3 # Debian's python, where python3-scapy installs

# ---- tools: install only what is missing (regen_need, lib.sh) -----------
regen_need ip dumpcap editcap tshark ping py:scapy.layers.inet6=python3-scapy
regen_need_go "to write the expect.json"

regen_scratch v6s-tunnels

V4_A=192.0.2.1 V4_B=192.0.2.2 V4_R=203.0.113.1 V4_H=198.51.100.7 V4_S=192.0.2.66
TUN_A=2001:db8:46::1 TUN_B=2001:db8:46::2
S2F_A=2002:c000:201:1::1 S2F_B=2002:c000:202:1::1
ISA_R=2001:db8:47::200:5efe:cb00:7101 LL_R=fe80::200:5efe:cb00:7101
ISA_H=2001:db8:47::5efe:c633:6407 LL_H=fe80::5efe:c633:6407
SPOOF_SRC=2002:cb00:7109::1 # claims 203.0.113.9; comes from 192.0.2.66

# ---- does this kernel have sit? -----------------------------------------
probe="$tag-probe"
regen_netns_add "$probe"
mode=user
if ip -n "$probe" link add v6s-sit0 type sit 2>/dev/null; then mode=kernel; fi
ip netns del "$probe"
log "tunnel endpoints: $mode ($([[ $mode == kernel ]] && echo 'kernel sit/isatap' || echo 'no sit driver: TUN + raw socket in tunnels-scapy.py'))"

# ---- topology -----------------------------------------------------------
NS_SW="$tag-sw"
regen_netns_add "$NS_SW"
nsx "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS_SW" link add v6s-br0 type bridge stp_state 0
nodes="a:$V4_A:02:76:36:00:03:0a b:$V4_B:02:76:36:00:03:0b r:$V4_R:02:76:36:00:03:01 h:$V4_H:02:76:36:00:03:0c s:$V4_S:02:76:36:00:03:66"
for spec in $nodes; do
	node=${spec%%:*} rest=${spec#*:}
	v4=${rest%%:*} mac=${rest#*:}
	ns="$tag-$node"
	regen_netns_add "$ns"
	ip -n "$NS_SW" link add "v6s-$node" type veth peer name eth0 netns "$ns"
	ip -n "$NS_SW" link set "v6s-$node" master v6s-br0 up
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	ip -n "$ns" link set eth0 address "$mac" up
	ip -n "$ns" addr add "$v4/24" dev eth0
	# The three documentation networks share the one link.
	for net in 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24; do
		ip -n "$ns" route replace "$net" dev eth0
	done
done
ip -n "$NS_SW" link set v6s-br0 up

# tun_up NODE LOCAL4 REMOTE4|- ADDR6/LEN...: the node's IPv6-in-IPv4 endpoint.
tun_up() {
	local node=$1 local4=$2 remote4=$3; shift 3
	local ns="$tag-$node"
	if [[ $mode == kernel ]]; then
		# Untested here (no sit): one sit device per kind, as iproute2 makes them.
		case $node in
		a | b)
			ip -n "$ns" tunnel add tun6 mode sit local "$local4" remote "$remote4" ttl 64
			ip -n "$ns" tunnel add tun6to4 mode sit remote any local "$local4" ttl 64
			ip -n "$ns" link set tun6to4 up
			ip -n "$ns" -6 addr add "$2" dev tun6to4 nodad
			ip -n "$ns" -6 route add 2002::/16 dev tun6to4
			set -- "$1"
			;;
		r | h) ip -n "$ns" tunnel add tun6 mode isatap local "$local4" ttl 64 ;;
		esac
		ip -n "$ns" link set tun6 up
	else
		ip -n "$ns" tuntap add dev tun6 mode tun
		nsx "$ns" sysctl -qw net.ipv6.conf.tun6.addr_gen_mode=1 2>/dev/null || ip -n "$ns" link set tun6 addrgenmode none
		ip -n "$ns" link set tun6 mtu 1480 up
		local args=(--node "$node" --local "$local4")
		[[ $remote4 != - ]] && args+=(--remote "$remote4")
		ip netns exec "$ns" "$PY" "$here/tunnels-scapy.py" relay --state "$state" "${args[@]}" 2>>"$state/relay.err" &
		pids+=("$!")
		wait_until 10 test -e "$state/relay.$node.ready"
		[[ $node == a || $node == b ]] && ip -n "$ns" -6 route add 2002::/16 dev tun6
	fi
	local a
	for a in "$@"; do ip -n "$ns" -6 addr add "$a" dev tun6 nodad; done
}
state="$work/state"
mkdir -p "$state"
tun_up a "$V4_A" "$V4_B" "$TUN_A/64" "$S2F_A/64"
tun_up b "$V4_B" "$V4_A" "$TUN_B/64" "$S2F_B/64"
tun_up r "$V4_R" - "$LL_R/64" "$ISA_R/64"
tun_up h "$V4_H" - "$LL_H/64" "$ISA_H/64"
# A UDP echo service in b (a kernel socket).
ip netns exec "$tag-b" "$PY" "$here/tunnels-scapy.py" udp --node b --state "$state" --port 7 2>>"$state/udp.err" &
pids+=("$!")
wait_until 10 test -e "$state/udp.b.ready"
sleep 1 # nothing may still be settling when the capture starts

# ---- capture ------------------------------------------------------------
raw="$work/raw.pcapng"
regen_dumpcap_start "$raw" "$NS_SW" 60 -i v6s-br0

py() { local node=$1; shift; ip netns exec "$tag-$node" "$PY" "$here/tunnels-scapy.py" "$@" --state "$state"; }
log "6in4: echo, UDP, a closed port"
nsx "$tag-a" ping -6 -c 2 -i 0.3 -W 2 -n "$TUN_B" >"$work/ping.6in4"
py a udp-client --dst6 "$TUN_B" --port 7 --message "hello over 6in4"
py a udp-client --dst6 "$TUN_B" --port 9 --message "nobody listens" --expect-error
sleep 0.3
log "6to4: echo between 6to4 addresses"
nsx "$tag-a" ping -6 -c 1 -W 2 -n -I "$S2F_A" "$S2F_B" >"$work/ping.6to4"
sleep 0.3
log "6to4: spoofed source from s"
py s spoof --local "$V4_S" --remote "$V4_A" --src6 "$SPOOF_SRC" --dst6 "$S2F_A"
sleep 0.5
log "ISATAP: h -> r, global and link-local"
nsx "$tag-h" ping -6 -c 1 -W 2 -n "$ISA_R" >"$work/ping.isatap"
nsx "$tag-h" ping -6 -c 1 -W 2 -n "$LL_R%tun6" >"$work/ping.isatap-ll"
sleep 0.5

# ---- facts --------------------------------------------------------------
facts="$work/facts"
mkdir -p "$facts"
printf 'a 6in4+6to4 %s tun6\nb 6in4+6to4 %s tun6\nr isatap-router %s tun6\nh isatap-host %s tun6\n' \
	"$tag-a" "$tag-b" "$tag-r" "$tag-h" >"$facts/nodes"
while read -r node _ ns ifname; do
	regen_snapshot "$facts" "$node" "$ns" "$ifname" eth0 # eth0: the MAC on the captured link
done <"$facts/nodes"

log "stop"
regen_dumpcap_stop 1 # the last frames land first

bad=$(tshark -r "$raw" -Y '_ws.malformed || _ws.expert.severity==error' 2>/dev/null | wc -l)
if ((bad)); then
	tshark -r "$raw" -Y '_ws.malformed || _ws.expert.severity==error' >&2
	echo "tunnels-scapy.sh: $bad malformed or error frames" >&2
	exit 1
fi
if [[ $mode == user ]] && ! grep -q '"event": "drop"' "$state"/relay-a.log; then
	echo "tunnels-scapy.sh: a's endpoint did not drop the spoofed 6to4 packet" >&2
	exit 1
fi

how="the tunnel endpoints are kernel sit/isatap devices"
[[ $mode == user ]] && how="Linux $(uname -r) has no sit driver, so each tunnel endpoint is a user-space program (pcaps/regen/tunnels-scapy.py: a TUN device with the node's IPv6 addresses, a raw IPv4 socket for protocol 41); the IPv6 packets inside are the kernels' own"
comment="v6scope tunnels-6in4: IPv6 in IPv4 (protocol 41) on one IPv4 link (bridge v6s-br0 in its own netns, captured there); $how. \
6in4 configured tunnel (RFC 4213) a $V4_A ($TUN_A) <-> b $V4_B ($TUN_B): ping, UDP echo to port 7, UDP to closed port 9 answered by ICMPv6 port unreachable. \
6to4 (RFC 3056): ping $S2F_A -> $S2F_B (2002:c000:201::/48 is 192.0.2.1's). \
Spoofing: s $V4_S sends a 6to4 echo request with IPv6 source $SPOOF_SRC (which embeds 203.0.113.9) to $S2F_A; a's endpoint drops it (outer source does not match). \
ISATAP (RFC 5214): host h $V4_H ($ISA_H, interface id ::0:5efe, u bit clear: stands for a private IPv4 address) pings router r $V4_R ($ISA_R, ::200:5efe, u bit set: global IPv4), then its link-local $LL_R. \
Regenerate with pcaps/regen/tunnels-scapy.sh."
regen_comment "$comment" "$raw" "$outdir/$name.pcapng"
regen_expect "$outdir/$name.pcapng" "$facts" -scenario tunnels
grep -h '"event": "drop"' "$state"/*.log >&2 || true
