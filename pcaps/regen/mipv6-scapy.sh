#!/usr/bin/env bash
# Regenerates pcaps/mipv6-nemo.pcapng and pcaps/mipv6-nemo.expect.json.
#
# Mobile IPv6 (RFC 6275) and NEMO (RFC 3963) signalling between a mobile
# node, a home agent, a correspondent node and a mobile router, seen on the
# foreign link. No MIPv6 implementation is packaged and this kernel has no
# CONFIG_IPV6_MIP6, so the mobility protocol is played by
# pcaps/regen/mipv6-scapy.py (scapy's MIPv6 classes): the HA and CN are
# small responders that read each message and answer from their own state
# (binding caches, sequence windows, Kcn and nonces); the MN and MR drive
# the scenario. Their packets go through the kernels, which route them,
# resolve neighbors, forward them (rtr), answer echo requests (cn) and
# answer NS for a registered home address by proxy (ha).
#
# Topology (every name below lives inside namespaces this script creates;
# nothing is added to, or sent on, the host's own interfaces):
#
#   netns v6s-<pid>-mn  eth0 02:76:36:00:02:0a  CoA 2001:db8:20:1::100
#   netns v6s-<pid>-mr  eth0 02:76:36:00:02:0b  CoA 2001:db8:20:1::200
#        |                |
#   netns v6s-<pid>-fl: bridge v6s-br0 (the foreign link, captured here)
#        |
#   netns v6s-<pid>-rtr eth0 02:76:36:00:02:01 2001:db8:20:1::1 (foreign)
#                       eth1 ---- netns v6s-<pid>-ha eth0 2001:db8:10:1::2 (home link)
#                       eth2 ---- netns v6s-<pid>-cn eth0 2001:db8:30:1::10
#
# Usage: sudo pcaps/regen/mipv6-scapy.sh [OUTDIR]   (default: pcaps/)
# Needs: root, iproute2, ip6tables, dumpcap/editcap/tshark, python3-scapy, go.
# Takes about 25 s. See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once.
regen_timed 180 "$@"
regen_need_root "network namespaces, dumpcap"

outdir=${1:-$repo/pcaps}
name=mipv6-nemo
# Debian's python, where python3-scapy installs (not a pyenv shim).
PY=/usr/bin/python3

# ---- tools: install only what is missing (regen_need, lib.sh) -----------
regen_need ip ip6tables dumpcap editcap tshark py:scapy.layers.inet6=python3-scapy
regen_need_go "to write the expect.json"

# ---- names, cleanup (regen_scratch: lib.sh) ------------------------------
NS_FL="$tag-fl" NS_R="$tag-rtr" NS_HA="$tag-ha" NS_CN="$tag-cn" NS_MN="$tag-mn" NS_MR="$tag-mr"
regen_scratch v6s-mipv6

no_tentative() { [[ -z $(ip -n "$1" -6 addr show tentative) ]]; }

HOME_PFX=2001:db8:10:1 FGN_PFX=2001:db8:20:1 CN_PFX=2001:db8:30:1
HA=$HOME_PFX::2 CN=$CN_PFX::10
MN_HOA=$HOME_PFX::100 MN_COA=$FGN_PFX::100
MR_HOA=$HOME_PFX::200 MR_COA=$FGN_PFX::200
MNP=2001:db8:10:100::/56 MNN=2001:db8:10:100::10
MAC_R=02:76:36:00:02:01 MAC_MN=02:76:36:00:02:0a MAC_MR=02:76:36:00:02:0b
MAC_R1=02:76:36:00:02:11 MAC_HA=02:76:36:00:02:12 MAC_R2=02:76:36:00:02:21 MAC_CN=02:76:36:00:02:22

# ---- topology -----------------------------------------------------------
log "building $tag-{fl,rtr,ha,cn,mn,mr}"
for ns in "$NS_FL" "$NS_R" "$NS_HA" "$NS_CN" "$NS_MN" "$NS_MR"; do regen_netns_add "$ns"; done
nsx "$NS_FL" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS_FL" link add v6s-br0 type bridge stp_state 0 mcast_snooping 0
for spec in "v6s-rtr:$NS_R:$MAC_R" "v6s-mn:$NS_MN:$MAC_MN" "v6s-mr:$NS_MR:$MAC_MR"; do
	IFS=: read -r port ns m1 m2 m3 m4 m5 m6 <<<"$spec"
	ip -n "$NS_FL" link add "$port" type veth peer name eth0 netns "$ns"
	ip -n "$NS_FL" link set "$port" master v6s-br0 up
	ip -n "$ns" link set eth0 address "$m1:$m2:$m3:$m4:$m5:$m6"
done
ip -n "$NS_FL" link set v6s-br0 up
# Home link and the correspondent's link: plain veth pairs to the router.
ip -n "$NS_R" link add eth1 address "$MAC_R1" type veth peer name eth0 netns "$NS_HA" address "$MAC_HA"
ip -n "$NS_R" link add eth2 address "$MAC_R2" type veth peer name eth0 netns "$NS_CN" address "$MAC_CN"

nsx "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$NS_R" addr add "$FGN_PFX::1/64" dev eth0
ip -n "$NS_R" addr add "$HOME_PFX::1/64" dev eth1
ip -n "$NS_R" addr add "$CN_PFX::1/64" dev eth2
# The mobile network prefix lives behind the home agent (RFC 3963 sec. 6.3).
for dev in eth0 eth1 eth2; do ip -n "$NS_R" link set "$dev" up; done
ip -n "$NS_R" -6 route add "$MNP" via "$HA" dev eth1

# Home agent: a router (proxy NDP needs forwarding) with proxy_ndp on.
nsx "$NS_HA" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.proxy_ndp=1 net.ipv6.conf.eth0.proxy_ndp=1
ip -n "$NS_HA" addr add "$HA/64" dev eth0
ip -n "$NS_CN" addr add "$CN/64" dev eth0
ip -n "$NS_MN" addr add "$MN_COA/64" dev eth0
ip -n "$NS_MR" addr add "$MR_COA/64" dev eth0
# Static care-of addresses and no RA on these links: no Router Solicitations.
for ns in "$NS_MN" "$NS_MR"; do nsx "$ns" sysctl -qw net.ipv6.conf.eth0.router_solicitations=0; done
for ns in "$NS_HA" "$NS_CN" "$NS_MN" "$NS_MR"; do ip -n "$ns" link set eth0 up; done
ip -n "$NS_HA" -6 route add default via "$HOME_PFX::1"
ip -n "$NS_CN" -6 route add default via "$CN_PFX::1"
ip -n "$NS_MN" -6 route add default via "$FGN_PFX::1"
ip -n "$NS_MR" -6 route add default via "$FGN_PFX::1"

# None of these kernels has CONFIG_IPV6_MIP6: left alone they would answer
# the Mobility Header (no socket), the Home Address option, the type 2
# routing header and IPv6-in-IPv6 with ICMPv6 Parameter Problems. The
# scapy actors read those packets from a packet socket first (as a MIPv6
# daemon would from its raw MH socket); the kernels drop them quietly.
for ns in "$NS_MN" "$NS_MR" "$NS_HA" "$NS_CN"; do
	nsx "$ns" ip6tables -A INPUT -p 135 -j DROP
	nsx "$ns" ip6tables -A INPUT -p 41 -j DROP
done
for ns in "$NS_MN" "$NS_MR"; do nsx "$ns" ip6tables -A INPUT -m rt --rt-type 2 -j DROP; done
nsx "$NS_CN" ip6tables -A INPUT -m ipv6header --header ipv6-opts --soft -j DROP

for ns in "$NS_R" "$NS_HA" "$NS_CN" "$NS_MN" "$NS_MR"; do wait_until 10 no_tentative "$ns"; done
sleep 1 # let the MLD reports of the interfaces coming up pass before capturing

# ---- capture ------------------------------------------------------------
raw="$work/raw.pcapng"
regen_dumpcap_start "$raw" "$NS_FL" 80 -i v6s-br0

state="$work/state"
mkdir -p "$state"
actor() { # actor NS ROLE ARGS...: the python actor in NS, stderr to ROLE.err
	local ns=$1 role=$2; shift 2
	ip netns exec "$ns" "$PY" "$here/mipv6-scapy.py" "$role" --state "$state" "$@" 2>>"$state/$role.err"
}
log "home agent and correspondent up"
actor "$NS_HA" ha --addr "$HA" --nemo "$MR_HOA=$MNP" --duration 60 &
pids+=("$!")
actor "$NS_CN" cn --addr "$CN" --duration 60 &
pids+=("$!")
wait_until 15 test -e "$state/ha.ready"
wait_until 15 test -e "$state/cn.ready"

log "mobile node: home registration, RR, route optimisation, refreshes, rejection, BRR, BE, deregistration"
actor "$NS_MN" mn --hoa "$MN_HOA" --coa "$MN_COA" --ha "$HA" --cn "$CN" --seq 1000 --cn-seq 2000 --restart-seq 1 ||
	{ tail -n 20 "$state"/*.err >&2; exit 1; }
sleep 0.5
log "mobile router: NEMO registration, a packet from the mobile network"
actor "$NS_MR" mr --hoa "$MR_HOA" --coa "$MR_COA" --ha "$HA" --cn "$CN" --seq 500 --prefix "$MNP" --mnn "$MNN" ||
	{ tail -n 20 "$state"/*.err >&2; exit 1; }
sleep 0.5

# ---- facts --------------------------------------------------------------
facts="$work/facts"
mkdir -p "$facts"
printf 'mn mobile-node %s\nmr mobile-router %s\nrtr router %s\nha home-agent %s\ncn correspondent %s\n' \
	"$NS_MN" "$NS_MR" "$NS_R" "$NS_HA" "$NS_CN" >"$facts/nodes"
while read -r node _ ns; do
	regen_snapshot "$facts" "$node" "$ns" eth0
done <"$facts/nodes"
ip -n "$NS_HA" -6 neigh show proxy >"$work/ha.proxy"
ip -n "$NS_HA" -6 route show type blackhole >"$work/ha.blackhole"

log "stop"
for p in "${pids[@]:1}"; do kill -TERM "$p" 2>/dev/null || true; done
regen_dumpcap_stop 1.5 # the last frames land first

# ---- checks: tshark must find every MH well formed ----------------------
bad=$(tshark -r "$raw" -Y '_ws.malformed || _ws.expert.severity==error || icmpv6.type==4' 2>/dev/null | wc -l)
if ((bad)); then
	tshark -r "$raw" -Y '_ws.malformed || _ws.expert.severity==error || icmpv6.type==4' >&2
	echo "mipv6-scapy.sh: $bad malformed or error frames" >&2
	exit 1
fi

# Our own check of every MH checksum (tshark 4.0 does not verify them),
# the keygen tokens (from Kcn and the nonces) and the authenticators.
"$PY" "$here/mipv6-scapy.py" verify --state "$state" --pcap "$raw"

# ---- comment, expect.json -----------------------------------------------
kcn=$(sed -n 's/.*"kcn": "\([0-9a-f]*\)".*/\1/p' "$state/cn.log")
nonces=$(sed -n 's/.*"event": "nonce", "index": \([0-9]*\), "nonce": "\([0-9a-f]*\)".*/\1=\2/p' "$state/cn.log" | head -3 | paste -sd' ')
scapy_version=$($PY -c 'import scapy; print(scapy.__version__)')
comment="v6scope mipv6-nemo: Mobile IPv6 (RFC 6275) and NEMO (RFC 3963) seen on the foreign link (bridge v6s-br0 in its own netns). \
The mobility signalling is scripted with scapy $scapy_version (pcaps/regen/mipv6-scapy.py): no MIPv6 daemon is packaged and Linux $(uname -r) has no CONFIG_IPV6_MIP6. \
The home agent and correspondent answer from their own state; kernels route, resolve neighbors, proxy-NDP the home address (HA) and answer echo requests (CN). \
MN ($MAC_MN) home address $MN_HOA, care-of address $MN_COA; HA $HA; CN $CN; MR ($MAC_MR) home address $MR_HOA, care-of $MR_COA, mobile network prefix $MNP. \
MN: home registration BU seq 1000 (Home Address option) / BA (type 2 routing header, lifetime capped to 60 s, Binding Refresh Advice 4 s), \
ping via the reverse tunnel, return routability (HoTI tunnelled via the HA, CoTI direct, HoT/CoT with keygen tokens from Kcn and nonces), \
BU seq 2000 to the CN with Nonce Indices and Binding Authorization Data, route-optimised ping, home refresh seq 1001, Binding Refresh Request from the CN and refresh seq 2001, \
a BU with seq 1 after a simulated daemon restart rejected with status 135 (BA carries 1001) and its retry seq 1002, deregistration from the CN (seq 2002, lifetime 0), \
a Binding Error (status 1) for a route-optimised packet after it, deregistration from the HA (seq 1003, lifetime 0). \
MR: NEMO BU seq 500 with the R flag and a Mobile Network Prefix option, BA with R, a ping from $MNN through the tunnel. \
No IPsec between MN and HA (RFC 6275 sec. 5.1 requires ESP: not implemented here). \
CN secret Kcn $kcn, nonces (index=value) $nonces. Regenerate with pcaps/regen/mipv6-scapy.sh."
regen_comment "$comment" "$raw" "$outdir/$name.pcapng"
regen_expect "$outdir/$name.pcapng" "$facts" -scenario mipv6
log "HA proxy entries at the end: $(tr '\n' ';' <"$work/ha.proxy") blackhole routes: $(tr '\n' ';' <"$work/ha.blackhole")"
# The actors' own account (Kcn, nonces, tokens, binding caches): keep it.
cat "$state"/*.log >"$work/actors.jsonl"
if [[ -n ${V6S_KEEP:-} ]]; then log "actors' log: $work/actors.jsonl"; fi
grep -h '"event": "\(start\|nonce\|hot\|cot\|rr_complete\|bu\|cache\)"' "$state"/*.log >&2 || true
