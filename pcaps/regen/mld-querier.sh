#!/usr/bin/env bash
# Regenerates pcaps/mld-querier.pcapng and pcaps/mld-querier.expect.json.
#
# Records MLD as the Linux kernel speaks it on one link with two Linux
# bridges acting as MLD queriers: startup and periodic general queries,
# MLDv2 reports from two hosts (any-source and source-specific groups,
# INCLUDE/EXCLUDE with sources), an MLDv1 host (force_mld_version=1) beside
# them, querier election (RFC 3810 §7.6.2: the lower address wins),
# group-specific and group-and-source-specific queries after leaves.
#
# Topology (every name below lives inside namespaces this script creates;
# nothing is added to, or sent on, the host's own interfaces):
#
#   netns v6s-<pid>-q1  bridge br0 02:76:36:00:00:31 (querier, higher address)
#   netns v6s-<pid>-q2  bridge br0 02:76:36:00:00:21 (querier, lower address)
#                       each bridge has one port, eth0, onto the link
#   netns v6s-<pid>-h1  eth0 02:76:36:00:00:41  MLDv2 host
#   netns v6s-<pid>-h2  eth0 02:76:36:00:00:42  MLDv2 host
#   netns v6s-<pid>-h3  eth0 02:76:36:00:00:43  host forced to MLDv1
#        |        |        |        |        |
#   netns v6s-<pid>-sw: bridge v6s-br0 (no IPv6, no snooping: a hub),
#        ports v6s-q1 v6s-q2 v6s-h1 v6s-h2 v6s-h3; dumpcap on v6s-br0.
#
# Usage: sudo pcaps/regen/mld-querier.sh [OUTDIR]   (default: pcaps/)
# Needs: root, iproute2, dumpcap/editcap/tshark, python3, go.
# Takes about 40 s. See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once.
regen_timed 300 "$@"
regen_need_root "network namespaces, dumpcap"

outdir=${1:-$repo/pcaps}
name=mld-querier

# ---- tools: install only what is missing (regen_need, lib.sh) -----------
regen_need ip bridge dumpcap editcap tshark python3
regen_need_go "to write the expect.json"

# ---- names, cleanup (regen_scratch: lib.sh) ------------------------------
NS_SW="$tag-sw" NS_Q1="$tag-q1" NS_Q2="$tag-q2"
NS_H1="$tag-h1" NS_H2="$tag-h2" NS_H3="$tag-h3"
regen_scratch v6s-mld-querier
# The members' fifos (fds 5-7) close first, so their readers can end.
regen_cleanup_hook() { { exec 5>&- 6>&- 7>&-; } 2>/dev/null; }

no_tentative() { [[ -z $(ip -n "$1" -6 addr show dev "$2" tentative) ]]; }
has_ll() { [[ -n $(ip -n "$1" -6 addr show dev "$2" scope link -tentative) ]]; }
# frames_seen N FILTER: the capture so far has at least N frames matching.
# "So far" is what dumpcap has handed to the file: it writes in bursts
# 0.5-0.75 s apart, so the file lags the link by up to 0.75 s.
frames_seen() {
	local n
	n=$(tshark -r "$raw" -Y "$2" 2>/dev/null | wc -l || true)
	((n >= $1))
}
# now_epoch: the time now as the capture stamps frames (frame.time_epoch).
now_epoch() { echo "${EPOCHREALTIME/,/.}"; }
# general_query_after MAC T: the capture holds a General Query (Multicast
# Address ::, RFC 3810 §5.1.5) from MAC stamped after T (now_epoch). A
# phase waits for "the next General Query" this way, not by counting the
# queries in the file and waiting for one more: the count misses what
# dumpcap has not written yet, and a query already sent then satisfies
# "one more" at once (a group-and-source-specific query 1 s after the
# BLOCK did, ending q1's phase 4 s early: one General Query fewer).
general_query_after() {
	frames_seen 1 "icmpv6.type==130 && eth.src==$1 && icmpv6.mld.multicast_address==:: && frame.time_epoch > $2"
}

MAC_Q1=02:76:36:00:00:31 MAC_Q2=02:76:36:00:00:21
MAC_H1=02:76:36:00:00:41 MAC_H2=02:76:36:00:00:42 MAC_H3=02:76:36:00:00:43
LL_Q1=fe80::76:36ff:fe00:31 LL_Q2=fe80::76:36ff:fe00:21
G_ASM=ff05::101                 # any-source group (h1 v2, h3 v1)
G_SSM=ff3e::8000:1              # source-specific group, SSM range (h2)
G_EXS=ff05::102                 # EXCLUDE with sources, then INCLUDE (h1)
S1=2001:db8:6:2::10 S2=2001:db8:6:2::20 S3=2001:db8:6:2::30

# ---- topology -----------------------------------------------------------
log "building $tag-{sw,q1,q2,h1,h2,h3}"
for ns in "$NS_SW" "$NS_Q1" "$NS_Q2" "$NS_H1" "$NS_H2" "$NS_H3"; do regen_netns_add "$ns"; done

nsx "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS_SW" link add v6s-br0 type bridge stp_state 0 mcast_snooping 0
for pair in "v6s-q1 $NS_Q1 $MAC_Q1" "v6s-q2 $NS_Q2 $MAC_Q2" \
	"v6s-h1 $NS_H1 $MAC_H1" "v6s-h2 $NS_H2 $MAC_H2" "v6s-h3 $NS_H3 $MAC_H3"; do
	read -r port ns mac <<<"$pair"
	# The veth is born inside the namespaces: never in the host's.
	ip -n "$NS_SW" link add "$port" type veth peer name eth0 netns "$ns"
	ip -n "$NS_SW" link set "$port" master v6s-br0 up
	# Stay quiet until the capture runs.
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	case $ns in
	"$NS_Q1" | "$NS_Q2")
		# The querier is a bridge whose only port is eth0; the bridge
		# device carries the MAC and the link-local source of its queries.
		# Times are in hundredths of a second: general queries every 4 s
		# (2 startup queries 1 s apart), Maximum Response Delay 1 s, two
		# group(-and-source)-specific queries 0.5 s apart after a leave.
		nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link add br0 type bridge stp_state 0 \
			mcast_snooping 1 mcast_querier 1 mcast_mld_version 2 \
			mcast_query_interval 400 mcast_query_response_interval 100 \
			mcast_startup_query_count 2 mcast_startup_query_interval 100 \
			mcast_last_member_count 2 mcast_last_member_interval 50
		ip -n "$ns" link set br0 address "$mac"
		nsx "$ns" sysctl -qw net.ipv6.conf.br0.disable_ipv6=1
		ip -n "$ns" link set eth0 master br0
		;;
	*)
		ip -n "$ns" link set eth0 address "$mac"
		# Unsolicited reports 200 ms apart, so a change shows twice soon.
		nsx "$ns" sysctl -qw \
			net.ipv6.conf.eth0.accept_ra=0 \
			net.ipv6.conf.eth0.mldv2_unsolicited_report_interval=200 \
			net.ipv6.conf.eth0.mldv1_unsolicited_report_interval=200
		;;
	esac
done
nsx "$NS_H3" sysctl -qw net.ipv6.conf.eth0.force_mld_version=1
ip -n "$NS_SW" link set v6s-br0 up

# ---- capture ------------------------------------------------------------
raw="$work/raw.pcapng"
# Background jobs run `ip netns exec` directly (not via nsx): $! must be
# the program itself, so that kill reaches it.
regen_dumpcap_start "$raw" "$NS_SW" 90 -i v6s-br0 -f ip6

# ---- hosts up: DAD, their own solicited-node joins (v2, v2, v1) -----------
log "hosts up"
for ns in "$NS_H1" "$NS_H2" "$NS_H3"; do
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
	ip -n "$ns" link set eth0 up
done
for ns in "$NS_H1" "$NS_H2" "$NS_H3"; do wait_until 10 no_tentative "$ns" eth0; done

# One socket per host, held by mcast-filter.py, driven through a fifo.
start_member() { # NODE NS FD
	mkfifo "$work/$1.ctl"
	ip netns exec "$2" python3 "$here/mcast-filter.py" eth0 <"$work/$1.ctl" >"$work/$1.members.log" 2>&1 &
	pids+=("$!")
	eval "exec $3>\"\$work/\$1.ctl\""
}
start_member h1 "$NS_H1" 5
start_member h2 "$NS_H2" 6
start_member h3 "$NS_H3" 7
# ask FD NODE CMD: send CMD, wait for its answer.
ask() {
	local fd=$1 node=$2; shift 2
	local before
	before=$(wc -l <"$work/$node.members.log")
	echo "$*" >&"$fd"
	wait_until 3 log_grew "$work/$node.members.log" "$before"
	tail -n 1 "$work/$node.members.log" | grep -q '^ok' || { log "$node: $(tail -n 1 "$work/$node.members.log")"; return 1; }
}
log_grew() { (($(wc -l <"$1") > $2)); }

# ---- first querier: q1 (the higher address) --------------------------------
q_up() { # NS
	nsx "$1" sysctl -qw net.ipv6.conf.br0.disable_ipv6=0
	ip -n "$1" link set eth0 up
	ip -n "$1" link set br0 up
	wait_until 10 has_ll "$1" br0
}
log "q1 up ($LL_Q1)"
q_up "$NS_Q1"
# Two startup general queries, answered by every host.
wait_until 10 frames_seen 2 "icmpv6.type==130 && eth.src==$MAC_Q1 && ipv6.dst==ff02::1"
sleep 1.2

# ---- joins ------------------------------------------------------------------
log "joins: h1 ASM $G_ASM, h2 SSM ($S1,$G_SSM), h3 v1 $G_ASM"
ask 5 h1 join "$G_ASM"              # h1: TO_EX {} (record type 4)
ask 6 h2 join-source "$G_SSM" "$S1" # h2: ALLOW {S1} (type 5)
ask 7 h3 join "$G_ASM"              # h3: MLDv1 Report (type 131)
sleep 0.6
log "h1: $G_EXS EXCLUDE {$S2}, then h2 adds $S3 to its SSM group"
ask 5 h1 join-source "$G_EXS" "$S3" # INCLUDE {S3}: ALLOW {S3}
sleep 0.6
ask 5 h1 filter "$G_EXS" exclude "$S2" # INCLUDE {S3} -> EXCLUDE {S2}: TO_EX {S2}
ask 6 h2 join-source "$G_SSM" "$S3" # INCLUDE {S1} -> INCLUDE {S1,S3}: ALLOW {S3}
sleep 0.6
log "h1 blocks $S1 on $G_ASM"
ask 5 h1 block "$G_ASM" "$S1" # EXCLUDE {} -> EXCLUDE {S1}: BLOCK {S1} (type 6)
sleep 1

# A general query from q1 with everyone joined: current-state records.
# The next one after now (the BLOCK's two group-and-source-specific
# queries, 0.5 and 1 s after it, do not count), then 1.2 s for the answers.
wait_until 8 general_query_after "$MAC_Q1" "$(now_epoch)"
sleep 1.2

# ---- second querier: q2, the lower address, takes over --------------------------
log "q2 up ($LL_Q2): lower address, wins the election"
q_up "$NS_Q2"
wait_until 10 frames_seen 2 "icmpv6.type==130 && eth.src==$MAC_Q2 && ipv6.dst==ff02::1"
sleep 1.2

# ---- leaves: group-and-source-specific and group-specific queries ------------
log "h2 drops $S1 from $G_SSM: BLOCK {S1}, q2 asks Q($G_SSM,{$S1})"
ask 6 h2 leave-source "$G_SSM" "$S1" # INCLUDE {S1,S3} -> INCLUDE {S3}: BLOCK {S1}
sleep 1.5
log "h1 moves $G_EXS to INCLUDE {$S2,$S3}: TO_IN"
ask 5 h1 filter "$G_EXS" include "$S2" "$S3" # EXCLUDE {S2} -> INCLUDE {S2,S3}: TO_IN {S2,S3}
sleep 1.5
log "h1 leaves $G_ASM (TO_IN {}), then h3 (MLDv1 Done)"
ask 5 h1 leave "$G_ASM"
sleep 1.5
ask 7 h3 leave "$G_ASM"
sleep 1.5

# One more general query from q2 after now, answered with current state
# (the group-specific query after the MLDv1 Done also goes to ff02::1;
# the Multicast Address tells them apart).
wait_until 8 general_query_after "$MAC_Q2" "$(now_epoch)"
sleep 1.2

# ---- facts for the expect.json -----------------------------------------------
log "snapshot"
facts="$work/facts"
mkdir -p "$facts"
printf 'q1 querier %s br0\nq2 querier %s br0\nh1 host %s eth0\nh2 host %s eth0\nh3 host %s eth0\n' \
	"$NS_Q1" "$NS_Q2" "$NS_H1" "$NS_H2" "$NS_H3" >"$facts/nodes"
while read -r node _ ns dev; do
	regen_snapshot "$facts" "$node" "$ns" "$dev"
	case $node in
	q*)
		# The bridge's querier state and its group database (with source
		# lists and filter modes, as its MLDv2 snooping learnt them).
		ip -n "$ns" -j -d link show dev br0 >"$facts/$node.bridge.json"
		bridge -n "$ns" -j -d mdb show dev br0 >"$facts/$node.mdb.json"
		;;
	h*)
		# The host's memberships and source filters, as its kernel keeps them.
		nsx "$ns" cat /proc/net/igmp6 >"$facts/$node.igmp6"
		nsx "$ns" cat /proc/net/mcfilter6 >"$facts/$node.mcfilter6"
		nsx "$ns" sysctl -n net.ipv6.conf.eth0.force_mld_version >"$facts/$node.mldversion"
		;;
	esac
done <"$facts/nodes"

# Frames counted beyond expectgen's standard list.
cat >"$facts/counts" <<EOF
icmpv6.type==130 && eth.src==$MAC_Q1
icmpv6.type==130 && eth.src==$MAC_Q2
icmpv6.type==130 && ipv6.dst==ff02::1
icmpv6.type==130 && !(ipv6.dst==ff02::1)
icmpv6.type==143 && eth.src==$MAC_H3
icmpv6.type==131 && eth.src==$MAC_H3
icmpv6.type==143 && icmpv6.mldr.mar.multicast_address==$G_ASM
icmpv6.type==143 && icmpv6.mldr.mar.multicast_address==$G_SSM
icmpv6.type==143 && icmpv6.mldr.mar.multicast_address==$G_EXS
EOF

for f in "$work"/h?.members.log; do grep '^error' "$f" >&2 || true; done
log "stop capture"
regen_dumpcap_stop 1.5 # the last frames land first
# Only now let the sockets go (their leaves are not part of the story).
for fd in 5 6 7; do echo quit >&"$fd"; done
exec 5>&- 6>&- 7>&-

# ---- comment, expect.json -----------------------------------------------
comment="v6scope mld-querier: Linux $(uname -r) MLD on one Ethernet link (bridge v6s-br0 in its own netns, no snooping, captured there). \
Two Linux bridges are MLDv2 queriers (mcast_querier 1, mcast_mld_version 2, query interval 4 s, response 1 s, last member 2 x 0.5 s), \
each with one port onto the link: q1 (br0 $MAC_Q1, $LL_Q1) starts first and queries; q2 (br0 $MAC_Q2, $LL_Q2) comes up later \
and, having the lower address, wins the election (RFC 3810 7.6.2): q1 falls silent. \
MLDv2 hosts h1 ($MAC_H1) and h2 ($MAC_H2), MLDv1 host h3 ($MAC_H3, force_mld_version=1). \
h1 joins $G_ASM (TO_EX {}), h3 joins it with an MLDv1 Report, h2 joins $G_SSM source $S1 then $S3 (ALLOW), \
h1 joins $G_EXS source $S3 then sets EXCLUDE {$S2} (TO_EX {$S2}), h1 blocks $S1 on $G_ASM (BLOCK). \
After q2 takes over: h2 leaves source $S1 (BLOCK, group-and-source-specific query), h1 sets $G_EXS INCLUDE {$S2,$S3} (TO_IN), \
h1 leaves $G_ASM (TO_IN {}, group-specific queries), h3 sends an MLDv1 Done (group-specific queries). \
The bridges run IGMP queriers as well: the capture filter (ip6) keeps IPv4 out. Regenerate with pcaps/regen/mld-querier.sh."
regen_comment "$comment" "$raw" "$outdir/$name.pcapng"
regen_expect "$outdir/$name.pcapng" "$facts" -scenario mld-querier
