#!/usr/bin/env bash
# Regenerates pcaps/dad-loopback.pcapng and pcaps/dad-loopback.expect.json.
#
# Records what Enhanced DAD (RFC 7527) is for, from the Linux kernel:
#
#  (a) A looped link. Everything node a sends comes straight back to it:
#      the far end of a's veth redirects its ingress to its own egress
#      (tc ingress qdisc, u32 match-all filter, mirred egress redirect).
#      a does DAD for its link-local address
#      and for 2001:db8:7527::a; every probe carries a Nonce option
#      (enhanced_dad=1) and comes back to a with that Nonce. RFC 7527 §4.1:
#      a ignores them, and both addresses end PREFERRED (no "dadfailed").
#  (b) A real collision, for contrast. On a plain bridge, b and c are
#      given 2001:db8:7527::bc at the same time: c just after b's probe
#      left, during b's DAD (router_solicitation_delay=0, so each probes
#      as soon as the address is added); their probes carry different
#      Nonces, and the kernel marks the address dadfailed on at least one
#      of them (on Linux: b, which heard c's probe while tentative). The
#      loser then tries again, and the winner defends it with an NA.
#
# Topology (every name below lives inside namespaces this script creates;
# nothing is added to, or sent on, the host's own interfaces):
#
#   netns v6s-<pid>-a   eth0 02:76:36:00:00:0a ---- v6s-loop  (tc: ingress
#                                                   -> egress of itself)
#   netns v6s-<pid>-b   eth0 02:76:36:00:00:0b ---- v6s-b  \  bridge v6s-br0
#   netns v6s-<pid>-c   eth0 02:76:36:00:00:0c ---- v6s-c  /  (no snooping)
#
#   v6s-loop, v6s-b, v6s-c and v6s-br0 live in netns v6s-<pid>-sw (no IPv6
#   of its own); one dumpcap there records v6s-loop and v6s-br0.
#
# Usage: sudo pcaps/regen/dad-loopback.sh [OUTDIR]   (default: pcaps/)
# Needs: root, iproute2 (ip, tc), ethtool, dumpcap/editcap/reordercap/
# tshark/capinfos, go (missing tools: see regen_need in lib.sh;
# V6S_NO_INSTALL=1 prints the apt-get line instead of installing). Takes
# about 15 s of capture and 20-30 s for the expect.json; bounded at 120 s.
# See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once.
regen_timed 120 "$@"
regen_need_root "network namespaces, tc, dumpcap"

outdir=${1:-$repo/pcaps}
name=dad-loopback

# ---- tools: install only what is missing (regen_need, lib.sh) -----------
regen_need ip tc ethtool dumpcap tshark editcap reordercap capinfos
regen_need_go "to write the expect.json"

# ---- names, cleanup (regen_scratch: lib.sh) ------------------------------
NS_SW="$tag-sw" NS_A="$tag-a" NS_B="$tag-b" NS_C="$tag-c"
regen_scratch v6s-dad-loopback

# DAD over: nothing tentative is left except what failed.
dad_over() { [[ -z $(ip -n "$1" -6 addr show dev eth0 tentative -dadfailed) ]]; }
is_dadfailed() { [[ -n $(ip -n "$1" -6 addr show dev eth0 to "$2" dadfailed) ]]; }

MAC_A=02:76:36:00:00:0a MAC_B=02:76:36:00:00:0b MAC_C=02:76:36:00:00:0c
LL_A=fe80::76:36ff:fe00:a
ADDR_A=2001:db8:7527::a   # a's address on the looped link
ADDR_BC=2001:db8:7527::bc # given to b and c at once

# ---- topology -----------------------------------------------------------
log "building $tag-{sw,a,b,c}"
for ns in "$NS_SW" "$NS_A" "$NS_B" "$NS_C"; do regen_netns_add "$ns"; done
nsx "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# (a) a's veth; its far end, v6s-loop, sends back everything it receives.
ip -n "$NS_SW" link add v6s-loop type veth peer name eth0 netns "$NS_A"
# (b) b and c on a bridge.
ip -n "$NS_SW" link add v6s-br0 type bridge stp_state 0 mcast_snooping 0
for pair in "v6s-b $NS_B" "v6s-c $NS_C"; do
	read -r port ns <<<"$pair"
	ip -n "$NS_SW" link add "$port" type veth peer name eth0 netns "$ns"
	ip -n "$NS_SW" link set "$port" master v6s-br0
done
ip -n "$NS_A" link set eth0 address "$MAC_A"
ip -n "$NS_B" link set eth0 address "$MAC_B"
ip -n "$NS_C" link set eth0 address "$MAC_C"
# Full checksums on every device we made (see regen/README.md; ICMPv6 is
# checksummed in full anyway, but the captures keep one rule).
for dev in v6s-loop v6s-b v6s-c v6s-br0; do regen_offload_off "$NS_SW" "$dev"; done
for ns in "$NS_A" "$NS_B" "$NS_C"; do regen_offload_off "$ns" eth0; done

for ns in "$NS_A" "$NS_B" "$NS_C"; do
	# No router on either link: no RS, no SLAAC. enhanced_dad is the
	# kernel default; set it so the script says what it relies on.
	nsx "$ns" sysctl -qw \
		net.ipv6.conf.eth0.accept_ra=0 \
		net.ipv6.conf.eth0.router_solicitations=0 \
		net.ipv6.conf.eth0.use_tempaddr=0 \
		net.ipv6.conf.eth0.enhanced_dad=1 \
		net.ipv6.conf.eth0.accept_dad=1
done
# One probe per DAD (DupAddrDetectTransmits, RFC 4862 §5.1, the default
# and what v6scope assumes: with more, its DAD timer fires between the
# probes). b, c: probe at once when the address is added, with no random
# delay of up to router_solicitation_delay: a node that heard the other's
# probe during that delay would fail without probing at all, and the
# capture would show one probe only.
for ns in "$NS_A" "$NS_B" "$NS_C"; do
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.dad_transmits=1
done
for ns in "$NS_B" "$NS_C"; do
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.router_solicitation_delay=0
done

ip -n "$NS_SW" link set v6s-loop up
nsx "$NS_SW" tc qdisc add dev v6s-loop ingress
nsx "$NS_SW" tc filter add dev v6s-loop parent ffff: protocol ipv6 u32 match u32 0 0 \
	action mirred egress redirect dev v6s-loop
for dev in v6s-b v6s-c v6s-br0; do ip -n "$NS_SW" link set "$dev" up; done

# ---- capture ------------------------------------------------------------
raw="$work/raw.pcapng"
regen_dumpcap_start "$raw" "$NS_SW" 40 -i v6s-loop -f ip6 -i v6s-br0 -f ip6

# ---- (a) the looped link -------------------------------------------------
log "(a) a up on the looped link: DAD for $LL_A"
ip -n "$NS_A" link set eth0 up
wait_until 8 dad_over "$NS_A"
log "(a) a adds $ADDR_A"
ip -n "$NS_A" addr add "$ADDR_A/64" dev eth0
wait_until 8 dad_over "$NS_A"
for addr in "$LL_A" "$ADDR_A"; do
	if is_dadfailed "$NS_A" "$addr"; then
		echo "dad-loopback.sh: a marked $addr dadfailed: the kernel took its own looped-back probe for another node's (is enhanced_dad on?)" >&2
		exit 1
	fi
done

# ---- (b) the collision ---------------------------------------------------
log "(b) b and c up"
ip -n "$NS_B" link set eth0 up
ip -n "$NS_C" link set eth0 up
wait_until 5 dad_over "$NS_B"
wait_until 5 dad_over "$NS_C"
sleep 0.3
# Both at once, literally (two `ip addr add` in parallel), is a race: the
# node whose DAD work runs later hears the other's probe first, fails
# without probing, and the wire shows one probe only (seen in trial runs).
# So c is given the address just after b's probe has left (b's kernel
# counted it), well inside b's DAD (RetransTimer, 1 s): both probes go
# out, with different Nonces.
ns_out() { awk '$1 == "Icmp6OutNeighborSolicits" {print $2}' <(nsx "$1" cat /proc/net/snmp6); }
probed() { (($(ns_out "$1") > $2)); }
b_sent=$(ns_out "$NS_B")
log "(b) b adds $ADDR_BC; c adds it as soon as b has probed"
ip -n "$NS_B" addr add "$ADDR_BC/64" dev eth0 noprefixroute
wait_until 2 probed "$NS_B" "$b_sent"
ip -n "$NS_C" addr add "$ADDR_BC/64" dev eth0 noprefixroute
wait_until 5 dad_over "$NS_B"
wait_until 5 dad_over "$NS_C"
failed=()
for n in "b $NS_B" "c $NS_C"; do
	read -r node ns <<<"$n"
	is_dadfailed "$ns" "$ADDR_BC" && failed+=("$node")
done
if ((${#failed[@]} == 0)); then
	echo "dad-loopback.sh: neither b nor c marked $ADDR_BC dadfailed" >&2
	exit 1
fi
log "(b) dadfailed on: ${failed[*]}"
# The loser tries again (delete, add): the winner now holds the address
# and answers the probe with an NA (RFC 4862 §5.4.3); the loser fails again.
# If both failed, nobody answers and this retry passes.
sleep 1.5
winner=""
loser=${failed[0]}
if ((${#failed[@]} == 1)); then
	if [[ $loser == b ]]; then winner=c; else winner=b; fi
fi
ns_of() { if [[ $1 == b ]]; then echo "$NS_B"; else echo "$NS_C"; fi; }
log "(b) $loser tries $ADDR_BC again${winner:+; $winner defends it}"
ip -n "$(ns_of "$loser")" addr del "$ADDR_BC/64" dev eth0
ip -n "$(ns_of "$loser")" addr add "$ADDR_BC/64" dev eth0 noprefixroute
wait_until 5 dad_over "$(ns_of "$loser")"
if [[ -n $winner ]] && ! is_dadfailed "$(ns_of "$loser")" "$ADDR_BC"; then
	echo "dad-loopback.sh: $winner did not defend $ADDR_BC against $loser's second try" >&2
	exit 1
fi
sleep 1

# ---- facts for the expect.json ------------------------------------------
log "snapshot"
facts="$work/facts"
mkdir -p "$facts"
printf 'a host %s\nb host %s\nc host %s\n' "$NS_A" "$NS_B" "$NS_C" >"$facts/nodes"
while read -r node _ ns; do
	regen_snapshot "$facts" "$node" "$ns" eth0
	# The kernel's own count of the NSs it sent and received (RFC 4293
	# ICMP statistics, per namespace).
	nsx "$ns" cat /proc/net/snmp6 >"$facts/$node.snmp6"
done <"$facts/nodes"
nsx "$NS_SW" tc -s filter show dev v6s-loop ingress >"$work/tc.stats"
mirred=$(awk '/^[[:space:]]*Sent .* pkt/ {print $4; exit}' "$work/tc.stats")

# Frames counted beyond the scenario's standard list: each node's DAD
# probes per address (a's appear twice on v6s-loop: as sent, and as the
# mirror sends them back).
cat >"$facts/counts" <<EOF
frame.interface_name=="v6s-loop"
frame.interface_name=="v6s-br0"
icmpv6.type==135 && ipv6.src==:: && eth.src==$MAC_A
icmpv6.type==135 && ipv6.src==:: && eth.src==$MAC_A && icmpv6.nd.ns.target_address==$LL_A
icmpv6.type==135 && ipv6.src==:: && eth.src==$MAC_A && icmpv6.nd.ns.target_address==$ADDR_A
icmpv6.type==135 && ipv6.src==:: && eth.src==$MAC_B && icmpv6.nd.ns.target_address==$ADDR_BC
icmpv6.type==135 && ipv6.src==:: && eth.src==$MAC_C && icmpv6.nd.ns.target_address==$ADDR_BC
icmpv6.type==135 && icmpv6.opt.type==14
icmpv6.type==136 && icmpv6.nd.na.target_address==$ADDR_BC
EOF

log "stop capture"
regen_dumpcap_stop 1 # the last frames land first

# dumpcap writes each interface's packets in batches: time order first.
reordercap "$raw" "$work/sorted.pcapng" >/dev/null

# ---- comment, expect.json -----------------------------------------------
snmp() { awk -v k="$2" '$1 == k {print $2}' "$facts/$1.snmp6"; }
comment="v6scope dad-loopback: Linux $(uname -r) Duplicate Address Detection with Enhanced DAD (RFC 7527, enhanced_dad=1: a Nonce option in every DAD NS), two links recorded at once. \
(a) v6s-loop: node a ($MAC_A) on a looped link: the far end of its veth redirects everything back (tc ingress, u32 match-all, mirred egress redirect), so each DAD NS appears twice, as sent and as looped back ($mirred packets redirected). \
a probes $LL_A and $ADDR_A, ignores its own probes coming back with its own Nonce (RFC 7527 §4.1) and keeps both addresses (no dadfailed); a's kernel counted $(snmp a Icmp6OutNeighborSolicits) NS sent and $(snmp a Icmp6InNeighborSolicits) received. \
(b) v6s-br0: b ($MAC_B) and c ($MAC_C) on a bridge are given $ADDR_BC at the same time: c as soon as b's probe has left, during b's DAD (router_solicitation_delay=0); their probes carry different Nonces; the kernel marked it dadfailed on: ${failed[*]}. \
Then $loser deletes and adds it again${winner:+ and $winner defends it with an NA (dadfailed again)}. \
Regenerate with pcaps/regen/dad-loopback.sh."
regen_comment "$comment" "$work/sorted.pcapng" "$outdir/$name.pcapng"
regen_expect "$outdir/$name.pcapng" "$facts" -scenario dad-loopback
