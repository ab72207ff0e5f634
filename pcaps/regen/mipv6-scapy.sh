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

if [[ -z "${V6S_REGEN_TIMED:-}" ]]; then
	export V6S_REGEN_TIMED=1
	exec timeout --kill-after=5 180 bash "$0" "$@"
fi

if [[ $(id -u) -ne 0 ]]; then
	echo "mipv6-scapy.sh: must run as root (network namespaces, dumpcap)" >&2
	exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
outdir=${1:-$repo/pcaps}
name=mipv6-nemo
# Debian's python, where python3-scapy installs (not a pyenv shim).
PY=/usr/bin/python3

# ---- tools: install only what is missing --------------------------------
need_pkgs=()
command -v ip >/dev/null || need_pkgs+=(iproute2)
command -v ip6tables >/dev/null || need_pkgs+=(iptables)
command -v dumpcap >/dev/null || need_pkgs+=(tshark)
command -v editcap >/dev/null || need_pkgs+=(wireshark-common)
command -v tshark >/dev/null || need_pkgs+=(tshark)
[[ -x $PY ]] && $PY -c 'import scapy.layers.inet6' 2>/dev/null || need_pkgs+=(python3-scapy)
if ((${#need_pkgs[@]})); then
	echo "installing: ${need_pkgs[*]}" >&2
	echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
	apt-get update -qq
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null; then
		# A half-configured unrelated package makes apt refuse everything;
		# these packages need nothing that is not already installed.
		dl=$(mktemp -d /tmp/v6s-debs.XXXXXX)
		(cd "$dl" && chmod 777 . && apt-get download "${need_pkgs[@]}" && dpkg -i ./*.deb) >/dev/null
		rm -rf "$dl"
	fi
fi
command -v go >/dev/null || { echo "mipv6-scapy.sh: needs go (to write the expect.json)" >&2; exit 1; }

# ---- names, cleanup -----------------------------------------------------
tag="v6s-$$"
NS_FL="$tag-fl" NS_R="$tag-rtr" NS_HA="$tag-ha" NS_CN="$tag-cn" NS_MN="$tag-mn" NS_MR="$tag-mr"
made_ns=()
pids=()
work=$(mktemp -d /tmp/v6s-mipv6.XXXXXX)

cleanup() {
	local rc=$?
	set +e
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	for ns in "${made_ns[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [[ -n ${V6S_KEEP:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '%s %s\n' "$(date +%T.%3N)" "$*" >&2; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
mkns() {
	ip netns add "$1"
	made_ns+=("$1")
	ip -n "$1" link set lo up
}
wait_until() {
	local limit=$1; shift
	local i n=$((limit * 10))
	for ((i = 0; i < n; i++)); do
		if "$@"; then return 0; fi
		sleep 0.1
	done
	log "timed out after ${limit}s waiting for: $*"
	return 1
}
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
for ns in "$NS_FL" "$NS_R" "$NS_HA" "$NS_CN" "$NS_MN" "$NS_MR"; do mkns "$ns"; done
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
ip netns exec "$NS_FL" dumpcap -q -i v6s-br0 -w "$raw" -a duration:80 2>"$work/dumpcap.err" &
dumpcap_pid=$!
pids+=("$dumpcap_pid")
wait_until 10 grep -q 'Capturing on' "$work/dumpcap.err" || { cat "$work/dumpcap.err" >&2; exit 1; }
sleep 0.3

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
	ip -n "$ns" -j link show dev eth0 >"$facts/$node.link.json"
	ip -n "$ns" -j -6 addr show dev eth0 >"$facts/$node.addr.json"
	ip -n "$ns" -j -6 neigh show dev eth0 >"$facts/$node.neigh.json"
	ip -n "$ns" -j -6 route show dev eth0 >"$facts/$node.route.json"
	nsx "$ns" sysctl -n net.ipv6.conf.eth0.mtu >"$facts/$node.mtu6"
done <"$facts/nodes"
ip -n "$NS_HA" -6 neigh show proxy >"$work/ha.proxy"
ip -n "$NS_HA" -6 route show type blackhole >"$work/ha.blackhole"

log "stop"
for p in "${pids[@]:1}"; do kill -TERM "$p" 2>/dev/null || true; done
sleep 1.5 # dumpcap writes a block at a time: let the last frames land
kill -TERM "$dumpcap_pid"
wait "$dumpcap_pid" 2>/dev/null || true

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
mkdir -p "$outdir"
editcap --capture-comment "$comment" "$raw" "$work/$name.pcapng"
cp "$work/$name.pcapng" "$outdir/$name.pcapng"
(cd "$repo" && go run ./pcaps/regen/expectgen -pcap "$outdir/$name.pcapng" -facts "$facts" \
	-generator "pcaps/regen/mipv6-scapy.sh" -scenario mipv6 -markdown -o "$outdir/$name.expect.json")
log "wrote $outdir/$name.pcapng ($(stat -c %s "$outdir/$name.pcapng") bytes) and $name.expect.json"
log "HA proxy entries at the end: $(tr '\n' ';' <"$work/ha.proxy") blackhole routes: $(tr '\n' ';' <"$work/ha.blackhole")"
# The actors' own account (Kcn, nonces, tokens, binding caches): keep it.
cat "$state"/*.log >"$work/actors.jsonl"
if [[ -n ${V6S_KEEP:-} ]]; then log "actors' log: $work/actors.jsonl"; fi
grep -h '"event": "\(start\|nonce\|hot\|cot\|rr_complete\|bu\|cache\)"' "$state"/*.log >&2 || true
