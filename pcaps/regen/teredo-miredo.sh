#!/usr/bin/env bash
# Regenerates pcaps/teredo-miredo.pcapng and pcaps/teredo-miredo.expect.json.
#
# Records Teredo (RFC 4380, 5991, 6081) as miredo and miredo-server speak
# it: a Teredo server with two consecutive IPv4 addresses, two clients
# behind Linux NATs (a cone-like mapping made with SNAT + a port forward,
# and a port-restricted one made with MASQUERADE), the qualification
# procedure (RS/RA over UDP 3544 with authentication and origin
# indication), bubbles, direct IPv6 between the two clients, and a Teredo
# relay (miredo in relay mode) that connects them to a native IPv6 host.
#
# Topology (every name below lives inside namespaces this script creates;
# nothing is added to, or sent on, the host's own interfaces):
#
#   a 192.0.2.10 --[lan-cone]-- natc --+                +-- srv 203.0.113.1+.2
#   (miredo client,           192.0.2.1 |                |   (miredo-server)
#    port 40001)        203.0.113.11    |                |   2001:db8:64::1
#                                       +--[internet]----+
#   b 198.51.100.10 -[lan-restricted]- natr              +-- rly 203.0.113.33
#   (miredo client,       198.51.100.1 | 203.0.113.22    |   (miredo relay)
#    port 40002)                       +-----------------+   2001:db8:64::33
#                                                             |
#                  v6h 2001:db8:64::100 --[native-v6]---------+-- srv
#
# Each [link] is a bridge in netns v6s-<pid>-sw, where one dumpcap captures
# all four (pcapng interfaces internet, lan-cone, lan-restricted,
# native-v6).
#
# Usage: sudo pcaps/regen/teredo-miredo.sh [OUTDIR]   (default: pcaps/)
# Needs: root, iproute2, iptables, dumpcap/editcap/tshark/capinfos,
# miredo, miredo-server, iputils-ping, ethtool, go. Takes about 35 s.
# See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once.
regen_timed 150 "$@"
regen_need_root "network namespaces, NAT, tun, dumpcap"

outdir=${1:-$repo/pcaps}
name=teredo-miredo

# ---- tools: install only what is missing (regen_need, lib.sh) -----------
regen_need ip iptables dumpcap editcap reordercap capinfos tshark miredo miredo-server ping ethtool
regen_need_go "to write the expect.json"

# miredo opens /dev/net/tun for its tunnel interface. Containers sometimes
# lack the node; the kernel's tun driver is misc device 10:200.
if [[ ! -c /dev/net/tun ]]; then
	mkdir -p /dev/net
	mknod -m 0666 /dev/net/tun c 10 200
fi

# ---- names, cleanup (regen_scratch: lib.sh) ------------------------------
NS_SW="$tag-sw" NS_SRV="$tag-srv" NS_NATC="$tag-natc" NS_NATR="$tag-natr"
NS_A="$tag-a" NS_B="$tag-b" NS_RLY="$tag-rly" NS_V6H="$tag-v6h"
regen_scratch v6s-regen
chmod 0755 "$work" # miredo drops to its own user and reads its config here

# udp_bound NS PORT: something listens on UDP PORT in NS.
udp_bound() { [[ -n $(ip netns exec "$1" ss -Hlun "sport = :$2") ]]; }
# teredo_addr NS: the 2001:0::/32 address on NS's teredo interface.
teredo_addr() {
	ip -n "$1" -6 -o addr show dev teredo scope global 2>/dev/null |
		awk '$4 ~ /^2001:0:/ {sub(/\/.*/, "", $4); print $4; exit}'
}
has_teredo_addr() { [[ -n $(teredo_addr "$1") ]]; }
has_link() { ip -n "$1" link show dev "$2" >/dev/null 2>&1; }
no_tentative() { [[ -z $(ip -n "$1" -6 addr show tentative) ]]; }
# ping_ok NS ADDR: one echo answered within 2 s.
ping_ok() { ip netns exec "$1" ping -6 -c 1 -W 2 -n "$2" >/dev/null 2>&1; }

# ---- addressing ---------------------------------------------------------
SRV1=203.0.113.1 SRV2=203.0.113.2 # primary and secondary (primary + 1)
NATC_OUT=203.0.113.11 NATR_OUT=203.0.113.22 RLY4=203.0.113.33
NATC_IN=192.0.2.1 A4=192.0.2.10
NATR_IN=198.51.100.1 B4=198.51.100.10
PORT_A=40001 PORT_A_MAPPED=61001 # natc maps 192.0.2.10:40001 to 203.0.113.11:61001
PORT_B=40002                       # natr keeps the port (MASQUERADE)
PORT_RLY=40033
V6NET=2001:db8:64
SRV6=$V6NET::1 RLY6=$V6NET::33 V6H=$V6NET::100

# ---- topology -----------------------------------------------------------
log "building $tag-{sw,srv,natc,natr,a,b,rly,v6h}"
for ns in "$NS_SW" "$NS_SRV" "$NS_NATC" "$NS_NATR" "$NS_A" "$NS_B" "$NS_RLY" "$NS_V6H"; do
	regen_netns_add "$ns"
done
nsx "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for br in internet lan-cone lan-restricted native-v6; do
	ip -n "$NS_SW" link add "$br" type bridge stp_state 0 mcast_snooping 0
	regen_offload_off "$NS_SW" "$br"
done

# link BRIDGE PORT NS IFNAME MAC: a veth born inside the namespaces (never
# in the host's), one end a port of BRIDGE, the other IFNAME in NS.
link() {
	ip -n "$NS_SW" link add "$2" type veth peer name "$4" netns "$3"
	ip -n "$NS_SW" link set "$2" master "$1" up
	ip -n "$3" link set "$4" address "$5"
	regen_offload_off "$NS_SW" "$2"
	regen_offload_off "$3" "$4"
}
link internet i-srv "$NS_SRV" eth0 02:76:36:54:00:01
link internet i-natc "$NS_NATC" eth0 02:76:36:54:00:11
link internet i-natr "$NS_NATR" eth0 02:76:36:54:00:22
link internet i-rly "$NS_RLY" eth0 02:76:36:54:00:33
link lan-cone c-natc "$NS_NATC" eth1 02:76:36:54:01:01
link lan-cone c-a "$NS_A" eth0 02:76:36:54:01:0a
link lan-restricted r-natr "$NS_NATR" eth1 02:76:36:54:02:01
link lan-restricted r-b "$NS_B" eth0 02:76:36:54:02:0b
link native-v6 n-srv "$NS_SRV" eth1 02:76:36:54:64:01
link native-v6 n-rly "$NS_RLY" eth1 02:76:36:54:64:33
link native-v6 n-v6h "$NS_V6H" eth0 02:76:36:54:64:64
for br in internet lan-cone lan-restricted native-v6; do
	ip -n "$NS_SW" link set "$br" up
done

# IPv4-only interfaces stay silent in IPv6 (no DAD, MLD or RS noise); the
# tunnel interfaces miredo creates keep IPv6 (default.disable_ipv6=0).
v4only() { nsx "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"; }
v4up() { ip -n "$1" addr add "$3" dev "$2"; ip -n "$1" link set "$2" up; }

v4only "$NS_SRV" eth0
v4up "$NS_SRV" eth0 "$SRV1/24"
ip -n "$NS_SRV" addr add "$SRV2/24" dev eth0

for nat in "$NS_NATC:$NATC_OUT:$NATC_IN" "$NS_NATR:$NATR_OUT:$NATR_IN"; do
	IFS=: read -r ns out in <<<"$nat"
	v4only "$ns" eth0
	v4only "$ns" eth1
	v4up "$ns" eth0 "$out/24"
	v4up "$ns" eth1 "$in/24"
	nsx "$ns" sysctl -qw net.ipv4.ip_forward=1
	# Like a home router: nothing answers on the outside (no ICMP port
	# unreachable for unsolicited UDP); it is dropped silently.
	nsx "$ns" iptables -A INPUT -i eth0 -j DROP
done
# natc: cone-like. Every datagram from a's port 40001 leaves from
# 203.0.113.11:61001 whatever its destination (endpoint-independent
# mapping), and a port forward sends anything arriving on 61001 back to a,
# from anyone (endpoint-independent filtering): a full-cone mapping.
nsx "$NS_NATC" iptables -t nat -A POSTROUTING -o eth0 -s "$A4" -p udp --sport "$PORT_A" \
	-j SNAT --to-source "$NATC_OUT:$PORT_A_MAPPED"
nsx "$NS_NATC" iptables -t nat -A PREROUTING -i eth0 -p udp --dport "$PORT_A_MAPPED" \
	-j DNAT --to-destination "$A4:$PORT_A"
# natr: port-restricted. MASQUERADE keeps b's source port for every
# destination (endpoint-independent mapping), but conntrack lets in only
# replies from the exact address and port b sent to (address-and-port-
# dependent filtering).
nsx "$NS_NATR" iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE

v4only "$NS_A" eth0
v4up "$NS_A" eth0 "$A4/24"
ip -n "$NS_A" route add default via "$NATC_IN"
v4only "$NS_B" eth0
v4up "$NS_B" eth0 "$B4/24"
ip -n "$NS_B" route add default via "$NATR_IN"

v4only "$NS_RLY" eth0
v4up "$NS_RLY" eth0 "$RLY4/24"

# Native IPv6 link: srv (the server forwards its clients' ICMPv6 to
# native destinations), rly (routes 2001::/32 into its tunnel) and v6h.
# It settles (DAD, MLD) before the capture starts.
for n in "$NS_SRV:eth1:$SRV6" "$NS_RLY:eth1:$RLY6" "$NS_V6H:eth0:$V6H"; do
	ns=${n%%:*} rest=${n#*:}
	ifc=${rest%%:*} addr=${rest#*:}
	nsx "$ns" sysctl -qw "net.ipv6.conf.$ifc.accept_ra=0" "net.ipv6.conf.$ifc.router_solicitations=0"
	ip -n "$ns" -6 addr add "$addr/64" dev "$ifc" nodad
	ip -n "$ns" link set "$ifc" up
done
nsx "$NS_RLY" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$NS_V6H" -6 route add 2001::/32 via "$RLY6"
for ns in "$NS_SRV" "$NS_RLY" "$NS_V6H"; do wait_until 5 no_tentative "$ns"; done
sleep 1 # let the MLD reports of the native link go by

# ---- capture ------------------------------------------------------------
raw="$work/raw.pcapng"
# Background jobs run `ip netns exec` directly (not via nsx): $! must be
# the daemon itself, so that kill reaches it.
regen_dumpcap_start "$raw" "$NS_SW" 100 -i internet -i lan-cone -i lan-restricted -i native-v6
sleep 0.2 # 0.5 s in all before the daemons start

# ---- Teredo server ------------------------------------------------------
cat >"$work/server.conf" <<EOF
ServerBindAddress $SRV1
EOF
log "miredo-server on $SRV1 + $SRV2"
ip netns exec "$NS_SRV" miredo-server -f -c "$work/server.conf" -p "$work/server.pid" \
	>"$work/server.log" 2>&1 &
pids+=("$!")
wait_until 10 udp_bound "$NS_SRV" 3544

# ---- Teredo relay -------------------------------------------------------
cat >"$work/relay.conf" <<EOF
RelayType relay
InterfaceName teredo
BindAddress $RLY4
BindPort $PORT_RLY
EOF
log "miredo relay on $RLY4:$PORT_RLY"
ip netns exec "$NS_RLY" miredo -f -c "$work/relay.conf" -p "$work/relay.pid" \
	>"$work/relay.log" 2>&1 &
pids+=("$!")
wait_until 10 has_link "$NS_RLY" teredo

# ---- Teredo clients: qualification --------------------------------------
client() { # NS NODE PORT
	cat >"$work/$2.conf" <<EOF
RelayType client
InterfaceName teredo
ServerAddress $SRV1
BindPort $3
EOF
	ip netns exec "$1" miredo -f -c "$work/$2.conf" -p "$work/$2.pid" \
		>"$work/$2.log" 2>&1 &
	pids+=("$!")
}
log "client a (behind natc, cone-like) qualifies"
client "$NS_A" a "$PORT_A"
wait_until 20 has_teredo_addr "$NS_A"
TA=$(teredo_addr "$NS_A")
log "a: $TA"
log "client b (behind natr, port-restricted) qualifies"
client "$NS_B" b "$PORT_B"
wait_until 20 has_teredo_addr "$NS_B"
TB=$(teredo_addr "$NS_B")
log "b: $TB"
sleep 0.5

# ---- client to client: bubbles, then direct echo ------------------------
log "a -> b: ping6 $TB"
wait_until 15 ping_ok "$NS_A" "$TB"
nsx "$NS_A" ping -6 -c 2 -i 0.3 -W 2 -n "$TB" >/dev/null
log "b -> a: ping6 $TA"
nsx "$NS_B" ping -6 -c 2 -i 0.3 -W 2 -n "$TA" >/dev/null

# ---- via the relay: a and b reach the native host -----------------------
log "a -> v6h via relay"
wait_until 15 ping_ok "$NS_A" "$V6H"
log "b -> v6h via relay"
wait_until 15 ping_ok "$NS_B" "$V6H"
sleep 0.5

# ---- facts for the expect.json ------------------------------------------
facts="$work/facts"
mkdir -p "$facts"
printf 'a client %s teredo\nb client %s teredo\nrly relay %s teredo\nv6h host %s eth0\n' \
	"$NS_A" "$NS_B" "$NS_RLY" "$NS_V6H" >"$facts/nodes"
for nd in "a:$NS_A:teredo" "b:$NS_B:teredo" "rly:$NS_RLY:teredo" "v6h:$NS_V6H:eth0"; do
	IFS=: read -r node ns ifc <<<"$nd"
	regen_snapshot "$facts" "$node" "$ns" "$ifc"
done
# Both clients qualified (the script stops above otherwise). NAT is the
# NAT this script built in front of each; miredo never tests for it.
printf 'a %s cone %s %s QUALIFIED\nb %s restricted %s %s QUALIFIED\n' \
	"$TA" "$A4" "$PORT_A" "$TB" "$B4" "$PORT_B" >"$facts/teredo"
printf '%s %s\n' "$SRV1" srv "$SRV2" srv-secondary "$NATC_OUT" natc "$NATR_OUT" natr \
	"$RLY4" rly "$A4" a "$B4" b "$TA" a "$TB" b "$V6H" v6h >"$facts/names"
# The NATs' connection tracking tables at the end (kept with V6S_KEEP=1).
for ns in "$NS_NATC" "$NS_NATR"; do
	nsx "$ns" cat /proc/net/nf_conntrack >"$work/${ns#"$tag-"}.conntrack" 2>/dev/null || true
done

log "stop capture"
regen_dumpcap_stop 1.5 # the last frames land first

# ---- time order, comment, expect.json -----------------------------------
# dumpcap writes each interface's packets in batches: put the four links'
# frames in timestamp order so frame numbers follow the story.
reordercap "$raw" "$work/sorted.pcapng" >/dev/null
# Every UDP checksum must be complete (see regen_offload_off, lib.sh).
badsum=$(tshark -r "$work/sorted.pcapng" -o udp.check_checksum:TRUE -o teredo.heuristic_teredo:TRUE \
	-Y udp.checksum.bad 2>/dev/null | wc -l)
if ((badsum != 0)); then
	echo "teredo-miredo.sh: $badsum frames with a bad UDP checksum (checksum offload still on?)" >&2
	exit 1
fi
# `miredo -V` starts "Miredo: Teredo IPv6 tunneling software 1.2.6 (N/A)"
# (the last word is a build tag, N/A in Debian's build): take the word that
# is a version number, and the package's own version beside it.
miredo_version=$(miredo -V 2>/dev/null | awk 'NR == 1 {for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+(\.[0-9]+)+$/) {print $i; exit}}' || true)
miredo_pkg=$(dpkg-query -W -f='${Version}' miredo 2>/dev/null || true)
if [[ -n $miredo_pkg ]]; then
	miredo_version="${miredo_version:-${miredo_pkg%%-*}} (Debian package $miredo_pkg)"
fi
miredo_version=${miredo_version:-"(version unknown)"}
comment="v6scope teredo-miredo: Teredo (RFC 4380) with miredo $miredo_version and miredo-server in Linux $(uname -r) network namespaces, \
4 links captured at once (pcapng interfaces internet, lan-cone, lan-restricted, native-v6; a packet crossing a NAT appears once per link). \
Server srv $SRV1 (primary) + $SRV2 (secondary, never used: miredo sends only the restricted-form RS, no cone test). \
Client a $A4:$PORT_A behind natc, a cone-like NAT (SNAT to $NATC_OUT:$PORT_A_MAPPED + port forward), qualifies as $TA. \
Client b $B4:$PORT_B behind natr, a port-restricted NAT (MASQUERADE keeps the port, $NATR_OUT), qualifies as $TB. \
Qualification: RS with authentication nonce, RA with nonce and origin indication. \
a pings b: direct bubble (dropped by natr), indirect bubble via the server, b's direct bubble, then direct echo; b pings a. \
Relay rly $RLY4:$PORT_RLY (miredo relay, native side $RLY6) carries a's and b's pings to native host v6h $V6H: \
connectivity test via the server, relay bubble via the server, client bubble to the relay, echo via the relay. \
Teredo on ports other than 3544: tshark -o teredo.heuristic_teredo:TRUE. Regenerate with pcaps/regen/teredo-miredo.sh."
regen_comment "$comment" "$work/sorted.pcapng" "$outdir/$name.pcapng"
regen_expect "$outdir/$name.pcapng" "$facts" -scenario teredo
log "a=$TA b=$TB"
