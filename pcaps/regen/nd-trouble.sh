#!/usr/bin/env bash
# Regenerates pcaps/nd-trouble.pcapng and pcaps/nd-trouble.expect.json.
#
# Records Neighbor Discovery going wrong on one link, as the Linux kernel,
# radvd, ndisc6 and thc-ipv6 put it on the wire: rdisc6 and ndisc6
# solicitations, an ICMPv6 Redirect (the prefix is advertised off-link, so
# hosts send to each other through the router), a DAD collision (two hosts
# configured with one address), a neighbor that goes silent (its entry in
# the other host goes DELAY -> PROBE -> FAILED, then INCOMPLETE -> FAILED),
# and three attacks, each bounded by `timeout 3`: NA spoofing
# (atk6-fake_advertise6, atk6-parasite6), DAD denial of service
# (atk6-dos-new-ip6) and a rogue router (atk6-fake_router6).
#
# Topology (every name below lives inside namespaces this script creates;
# nothing is added to, or sent on, the host's own interfaces):
#
#   netns v6s-<pid>-rtr  eth0 02:76:36:00:00:01  radvd, forwarding=1
#   netns v6s-<pid>-a    eth0 02:76:36:00:00:0a  host
#   netns v6s-<pid>-b    eth0 02:76:36:00:00:0b  host (goes silent)
#   netns v6s-<pid>-c    eth0 02:76:36:00:00:0c  host (duplicate address)
#   netns v6s-<pid>-atk  eth0 02:76:36:00:00:66  thc-ipv6 attacker
#        |               |                 |                 |        |
#   netns v6s-<pid>-sw: bridge v6s-br0 (no IPv6 of its own, no snooping),
#        ports v6s-rtr v6s-a v6s-b v6s-c v6s-atk; dumpcap on v6s-br0.
#
# Usage: sudo pcaps/regen/nd-trouble.sh [OUTDIR]   (default: pcaps/)
# Needs: root, iproute2, ip6tables, dumpcap/editcap/tshark, radvd, ndisc6,
# thc-ipv6, iputils-ping, go. Takes about 60 s. See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once.
regen_timed 300 "$@"
regen_need_root "network namespaces, dumpcap"

outdir=${1:-$repo/pcaps}
name=nd-trouble

# ---- tools: install only what is missing (regen_need, lib.sh) -----------
# Debian's thc-ipv6 names its tools atk6-*.
regen_need ip ip6tables dumpcap editcap tshark radvd rdisc6 atk6-fake_router6 ping
regen_need_go "to write the expect.json"

# ---- names, cleanup (regen_scratch: lib.sh) ------------------------------
NS_SW="$tag-sw" NS_R="$tag-rtr" NS_A="$tag-a" NS_B="$tag-b" NS_C="$tag-c" NS_X="$tag-atk"
regen_scratch v6s-nd-trouble

no_tentative() { [[ -z $(ip -n "$1" -6 addr show dev eth0 tentative -dadfailed) ]]; }
has_global() {
	[[ -n $(ip -n "$1" -6 addr show dev eth0 scope global -tentative) ]]
}
is_dadfailed() { [[ -n $(ip -n "$1" -6 addr show dev eth0 to "$2" dadfailed) ]]; }
nstate() { ip -n "$1" -6 neigh show dev eth0 to "$2" | awk '{print $NF}'; }
is_state() { [[ $(nstate "$1" "$2") == "$3" ]]; }
# run_attack SECONDS NS CMD...: an attack tool, never longer than SECONDS.
run_attack() {
	local secs=$1 ns=$2; shift 2
	ip netns exec "$ns" timeout --kill-after=1 "$secs" "$@" >>"$work/attacks.log" 2>&1 &
	pids+=("$!")
	attack_pid=$!
}

PFX=2001:db8:6:1
MAC_R=02:76:36:00:00:01 MAC_A=02:76:36:00:00:0a MAC_B=02:76:36:00:00:0b
MAC_C=02:76:36:00:00:0c MAC_X=02:76:36:00:00:66
LL_R=fe80::76:36ff:fe00:1 LL_A=fe80::76:36ff:fe00:a LL_B=fe80::76:36ff:fe00:b
GUA_R=$PFX::1
GUA_B=$PFX:76:36ff:fe00:b
DUP=$PFX::d00d   # configured on a, then on c: c's copy is DUPLICATE
DOS=$PFX::c0de   # c's next address, lost to atk6-dos-new-ip6
ROGUE=2001:db8:bad:1::/64

# ---- topology -----------------------------------------------------------
log "building $tag-{sw,rtr,a,b,c,atk}"
for ns in "$NS_SW" "$NS_R" "$NS_A" "$NS_B" "$NS_C" "$NS_X"; do regen_netns_add "$ns"; done

nsx "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS_SW" link add v6s-br0 type bridge stp_state 0 mcast_snooping 0
for pair in "v6s-rtr $NS_R $MAC_R" "v6s-a $NS_A $MAC_A" "v6s-b $NS_B $MAC_B" \
	"v6s-c $NS_C $MAC_C" "v6s-atk $NS_X $MAC_X"; do
	read -r port ns mac <<<"$pair"
	# The veth is born inside the namespaces: never in the host's.
	ip -n "$NS_SW" link add "$port" type veth peer name eth0 netns "$ns"
	ip -n "$NS_SW" link set "$port" master v6s-br0 up
	ip -n "$ns" link set eth0 address "$mac"
	# Stay quiet until the capture runs.
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
done
ip -n "$NS_SW" link set v6s-br0 up

nsx "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.eth0.forwarding=1
# Hosts: accept RAs (and redirects, the default without forwarding);
# quick NUD: reachable 1.25-3.75 s, first probe 1 s after use.
for ns in "$NS_A" "$NS_B" "$NS_C"; do
	nsx "$ns" sysctl -qw \
		net.ipv6.conf.eth0.accept_ra=1 \
		net.ipv6.conf.eth0.accept_redirects=1 \
		net.ipv6.conf.eth0.autoconf=1 \
		net.ipv6.conf.eth0.use_tempaddr=0 \
		net.ipv6.conf.eth0.enhanced_dad=1 \
		net.ipv6.neigh.eth0.base_reachable_time_ms=2500 \
		net.ipv6.neigh.eth0.delay_first_probe_time=1
done
# The attacker takes nothing from the link; it has its link-local only.
nsx "$NS_X" sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.autoconf=0

# ---- capture ------------------------------------------------------------
raw="$work/raw.pcapng"
# Background jobs run `ip netns exec` directly (not via nsx): $! must be
# the program itself, so that kill reaches it.
regen_dumpcap_start "$raw" "$NS_SW" 100 -i v6s-br0 -f ip6

# ---- router and hosts up ----------------------------------------------------
log "router up, radvd"
nsx "$NS_R" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
ip -n "$NS_R" addr add "$GUA_R/64" dev eth0
ip -n "$NS_R" link set eth0 up
wait_until 5 no_tentative "$NS_R"
# The prefix is advertised for SLAAC but off-link (L=0, RFC 4861 6.3.4):
# hosts send even to each other through the router, which forwards back
# out the same interface and sends a Redirect (RFC 4861 8.2).
cat >"$work/radvd.conf" <<EOF
interface eth0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 5;
	MaxRtrAdvInterval 15;
	prefix $PFX::/64 {
		AdvOnLink off;
		AdvAutonomous on;
		AdvValidLifetime 3600;
		AdvPreferredLifetime 1800;
	};
};
EOF
ip netns exec "$NS_R" radvd -n -m stderr -C "$work/radvd.conf" -p "$work/radvd.pid" 2>"$work/radvd.err" &
radvd_pid=$!
pids+=("$radvd_pid")
sleep 0.5

log "hosts up"
for ns in "$NS_A" "$NS_B" "$NS_C" "$NS_X"; do
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
	ip -n "$ns" link set eth0 up
done
for ns in "$NS_A" "$NS_B" "$NS_C"; do
	wait_until 10 has_global "$ns"
	wait_until 5 no_tentative "$ns"
done
wait_until 5 no_tentative "$NS_X"
log "SLAAC done"

# ---- ndisc6 package: rdisc6 (RS) and ndisc6 (NS) ---------------------------
log "rdisc6, ndisc6 from a"
nsx "$NS_A" rdisc6 -1 -r 2 -w 1000 eth0 >"$work/rdisc6.out"
nsx "$NS_A" ndisc6 -1 -r 2 -w 1000 "$LL_B" eth0 >"$work/ndisc6.out"
sleep 0.5

# ---- redirect -----------------------------------------------------------------
# a pings b's global address: no on-link route, so via the router, which
# forwards it and redirects a to b (target = destination: b is on-link).
log "a -> b through rtr: Redirect"
# Trace a's entry for b's global address from here on (see kernel-nd-mld.sh:
# the monitor misses DELAY, a 20 ms poll catches it).
nudlog="$work/nud.log"
: >"$nudlog"
timeout 60 ip -n "$NS_A" -ts monitor neigh dev eth0 >"$work/monitor.log" &
pids+=("$!")
poll_nud() {
	local last="" s end=$((SECONDS + 60))
	while ((SECONDS < end)); do
		s=$(nstate "$NS_A" "$GUA_B")
		if [[ $s != "$last" ]]; then
			[[ -n $s ]] && printf '%s %s poll\n' "$(date +%s.%N)" "$s" >>"$nudlog"
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
nsx "$NS_A" ping -6 -c 2 -i 0.5 -W 2 -n "$GUA_B" >"$work/ping-redirect.out"
nsx "$NS_A" ip -j -6 route show cache >"$work/a.redirect.json" || true
wait_until 5 is_state "$NS_A" "$GUA_B" REACHABLE

# ---- DAD collision --------------------------------------------------------------
log "DAD collision: $DUP on a, then on c"
# Deprecated at once (preferred_lft 0): a still defends it, but never
# picks it as a source address (RFC 6724 rule 3).
ip -n "$NS_A" addr add "$DUP/64" dev eth0 noprefixroute preferred_lft 0
wait_until 5 no_tentative "$NS_A"
ip -n "$NS_C" addr add "$DUP/64" dev eth0 noprefixroute
wait_until 5 is_dadfailed "$NS_C" "$DUP"

# ---- a neighbor that goes silent -------------------------------------------------
# b drops everything it receives (ip6tables, inside b only). a's entry for
# b goes STALE; a's next packet sends it to DELAY, then PROBE: three
# unicast NS unanswered (ucast_solicit) -> FAILED. a's next packet starts
# resolution again: INCOMPLETE, three multicast NS (mcast_solicit) -> FAILED.
log "b goes silent"
nsx "$NS_B" ip6tables -A INPUT -i eth0 -j DROP
wait_until 8 is_state "$NS_A" "$GUA_B" STALE
log "a -> b: DELAY -> PROBE -> FAILED"
nsx "$NS_A" ping -6 -c 1 -W 1 -n "$GUA_B" >/dev/null || true
wait_until 8 is_state "$NS_A" "$GUA_B" FAILED
log "a -> b again: INCOMPLETE -> FAILED"
nsx "$NS_A" ping -6 -c 1 -W 1 -n "$GUA_B" >/dev/null || true
wait_until 8 is_state "$NS_A" "$GUA_B" FAILED
sleep 0.5
touch "$work/nud.stop"
wait "$poll_pid" || true

# ---- NA spoofing: cache poisoning ---------------------------------------------
# The attacker impersonates silent b. atk6-fake_advertise6: one unsolicited
# NA (O set) to a, claiming b's link-local address for atk's MAC; a's
# entry for it takes the new lladdr (Override) and goes STALE. (Poisoning
# the router's entry would not last: its next RA carries its own MAC.)
log "fake_advertise6: b's link-local -> atk's MAC, to a"
run_attack 3 "$NS_X" atk6-fake_advertise6 -n 1 -w 1 eth0 "$LL_B" "$LL_A"
wait "$attack_pid" || true
sleep 0.3
# atk6-parasite6 answers every NS on the link with atk's MAC. b is silent,
# so c, resolving b's link-local address, hears only the attacker.
log "parasite6 (3 s): c resolves b"
run_attack 3 "$NS_X" atk6-parasite6 eth0
sleep 1
nsx "$NS_C" ping -6 -c 1 -W 1 -n "$LL_B%eth0" >/dev/null || true
wait "$attack_pid" || true

# ---- DAD denial of service ---------------------------------------------------------
log "dos-new-ip6 (3 s): c adds $DOS"
run_attack 3 "$NS_X" atk6-dos-new-ip6 eth0
sleep 1
ip -n "$NS_C" addr add "$DOS/64" dev eth0 noprefixroute
wait_until 3 is_dadfailed "$NS_C" "$DOS" || true
wait "$attack_pid" || true

# ---- rogue router ---------------------------------------------------------------
log "fake_router6 (3 s): $ROGUE"
run_attack 3 "$NS_X" atk6-fake_router6 eth0 "$ROGUE"
wait "$attack_pid" || true
sleep 1.5 # SLAAC DAD for the rogue prefix's addresses

# ---- facts for the expect.json ------------------------------------------------------
log "snapshot"
facts="$work/facts"
mkdir -p "$facts"
printf 'rtr router %s\na host %s\nb host %s\nc host %s\natk attacker %s\n' \
	"$NS_R" "$NS_A" "$NS_B" "$NS_C" "$NS_X" >"$facts/nodes"
while read -r node _ ns; do
	regen_snapshot "$facts" "$node" "$ns" eth0
done <"$facts/nodes"
cp "$work/a.redirect.json" "$facts/a.routecache.json"
# NUD trace for a -> GUA_B: the monitor (wall clock in brackets) and the
# poll loop, merged by time.
{
	cat "$nudlog"
	grep -F "$GUA_B " "$work/monitor.log" | while read -r ts rest; do
		ts=${ts#[}; ts=${ts%]}
		printf '%s %s monitor\n' "$(date -d "$ts" +%s.%N)" "$(awk '{print $NF}' <<<"$rest")"
	done
} | sort -n | awk -v t="$GUA_B" '{print "a", t, $2, $3}' >"$facts/nud"

# Frames counted beyond expectgen's standard list.
cat >"$facts/counts" <<EOF
eth.src==$MAC_X
icmpv6.type==134 && eth.src==$MAC_X
icmpv6.type==136 && eth.src==$MAC_X
icmpv6.type==136 && eth.src==$MAC_X && icmpv6.nd.na.flag.s==0
icmpv6.type==136 && ipv6.dst==ff02::1
icmpv6.type==135 && ipv6.src==:: && icmpv6.nd.ns.target_address==$DUP
icmpv6.type==135 && ipv6.src==:: && icmpv6.nd.ns.target_address==$DOS
icmpv6.type==136 && icmpv6.nd.na.target_address==$DUP
icmpv6.type==136 && icmpv6.nd.na.target_address==$DOS
icmpv6.type==135 && eth.src==$MAC_A && icmpv6.nd.ns.target_address==$GUA_B
icmpv6.type==128 && ipv6.src==$PFX::/64 && eth.dst==$MAC_R
icmpv6.type==137 && eth.dst==$MAC_A
EOF

log "stop capture"
kill -TERM "$radvd_pid" # its final RA (Router Lifetime 0) ends the capture
wait "$radvd_pid" 2>/dev/null || true
regen_dumpcap_stop 1.5 # the last frames land first

# ---- comment, expect.json -----------------------------------------------
radvd_version=$({ radvd -v 2>&1 || true; } | awk '/^Version:/ {print $2}')
thc_version=$({ atk6-fake_router6 -h 2>&1 || true; } | awk 'NR == 1 {print $2}')
comment="v6scope nd-trouble: Linux $(uname -r) IPv6 Neighbor Discovery going wrong on one Ethernet link (bridge v6s-br0 in its own netns, captured there). \
rtr ($MAC_R, $LL_R, $GUA_R/64, forwarding=1) runs radvd $radvd_version advertising $PFX::/64 autonomous but OFF-LINK (L=0); \
hosts a ($MAC_A), b ($MAC_B), c ($MAC_C) do SLAAC; atk ($MAC_X) runs thc-ipv6 $thc_version. \
a runs rdisc6 (RS) and ndisc6 (NS for $LL_B). a pings b's global address through rtr: rtr forwards and sends an ICMPv6 Redirect (target = destination). \
DAD collision: a holds $DUP, c configures it too and marks it dadfailed. \
b goes silent (ip6tables DROP): a's entry for $GUA_B goes STALE, DELAY, PROBE (3 unicast NS), FAILED, then INCOMPLETE (3 multicast NS), FAILED. \
Attacks, each under timeout 3: atk6-fake_advertise6 tells a that $LL_B is at $MAC_X (O flag); atk6-parasite6 answers c's NS for silent b; \
atk6-dos-new-ip6 answers c's DAD for $DOS (dadfailed); atk6-fake_router6 advertises $ROGUE (hosts take the prefix and a default route via atk). \
radvd stops: RA with Router Lifetime 0. Regenerate with pcaps/regen/nd-trouble.sh."
regen_comment "$comment" "$raw" "$outdir/$name.pcapng"
regen_expect "$outdir/$name.pcapng" "$facts" -scenario nd-trouble
grep -i 'error' "$work/radvd.err" >&2 || true
