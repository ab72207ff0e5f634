#!/usr/bin/env bash
# Regenerates pcaps/mixed.pcapng, pcaps/mixed.expect.json and
# pcaps/mixed.ikev2_decryption_table.
#
# Several scenarios run side by side, then their captures are merged in
# time order: the TUI's default view and the labs want one file in which
# ND, MLD, Teredo, Mobile IPv6, 6in4 and IKEv2 interleave as they would on
# a busy network. Five regen scripts run at the same time, each in its
# own network namespaces (v6s-<its pid>-*), with its own scratch and
# output directory under this script's scratch directory:
#
#   ikev2-strongswan.sh  starts first: its CA takes a while to make;
#   mipv6-scapy.sh       the other four start 4 s apart once both of its
#   kernel-nd-mld.sh     charon daemons are up, so that their traffic
#   teredo-miredo.sh     overlaps the IKEv2 exchanges (bounded wait: they
#   tunnels-scapy.sh     start anyway after 150 s).
#
# Each part keeps its own capture, bounds and cleanup; this script only
# waits for them (and stops them if it is interrupted or runs out of
# time). Their six captures (ikev2-strongswan.sh makes two) are copied
# with interface names prefixed by the part (pcaps/regen/ifprefix:
# nd/v6s-br0, mipv6/v6s-br0 and tunnels/v6s-br0 would otherwise share one
# name), merged with `mergecap -I none`, and given a capture comment of
# their own. expectgen -scenario mixed writes the expect.json from the
# parts' own expect.json files, checking that the parts' counts add up.
#
# Usage: sudo pcaps/regen/mixed.sh [OUTDIR]   (default: pcaps/)
# Needs: root, everything the five scripts need, mergecap (wireshark-common), go.
# Takes about 1.5 min on 2 CPUs. V6S_KEEP=1 keeps the scratch directory (and each
# part's). See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once. The parts are
# bounded by their own timeouts (at most 360 s, ikev2-strongswan.sh).
regen_timed --kill-after=30 600 "$@"
regen_need_root "the parts need network namespaces, dumpcap"

outdir=${1:-$repo/pcaps}
name=mixed

# ---- tools: install only what is missing (the parts check their own) -----
regen_need mergecap editcap capinfos tshark
regen_need_go "ifprefix, expectgen"

# ---- cleanup (regen_scratch: lib.sh) ----------------------------------------
# Each part runs under its own timeout(1), in a process group of its own:
# the cleanup's TERM to that timeout (pids) reaches the part's script,
# whose EXIT trap tears down its namespaces; the cleanup then waits for
# them to finish doing so. This script makes no namespace of its own.
regen_scratch v6s-mixed

# ---- the parts --------------------------------------------------------------
# part NAME SCRIPT CAPTURE...: NAME is the prefix of the part's interfaces.
parts=(
	"ikev2 ikev2-strongswan ikev2-strongswan"
	"ikev2-nat ikev2-strongswan ikev2-strongswan-nat"
	"nd kernel-nd-mld kernel-nd-mld"
	"teredo teredo-miredo teredo-miredo"
	"mipv6 mipv6-scapy mipv6-nemo"
	"tunnels tunnels-scapy tunnels-6in4"
)
# In starting order: mipv6-scapy.sh's actors wait at most 3 s for each
# answer, so it goes first while the machine is least busy.
scripts=(ikev2-strongswan mipv6-scapy kernel-nd-mld teredo-miredo tunnels-scapy)
declare -A pid_of

# The parts run tshark (for their expect.json) while other parts still
# record: a tshark on PATH that runs at nice 19 leaves the CPU to the
# daemons and actors whose timers the scenarios depend on (2 CPUs were
# not enough otherwise: a home agent answered 2.6 s late).
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec nice -n 19 %q "$@"\n' "$(command -v tshark)" >"$work/bin/tshark"
chmod +x "$work/bin/tshark"

# start SCRIPT: run pcaps/regen/SCRIPT.sh into $work/SCRIPT, in the
# background, under its own timeout (V6S_REGEN_TIMED is ours, not its).
start() {
	mkdir -p "$work/$1"
	env -u V6S_REGEN_TIMED PATH="$work/bin:$PATH" bash "$here/$1.sh" "$work/$1" >"$work/$1.log" 2>&1 &
	pid_of[$1]=$!
	pids+=("$!")
	log "started $1.sh (pid $!, log $work/$1.log)"
}

start ikev2-strongswan
# Bounded wait for both charon daemons (the script logs "charon up").
for ((i = 0; i < 1500; i++)); do
	grep -q 'charon up' "$work/ikev2-strongswan.log" && break
	kill -0 "${pid_of[ikev2-strongswan]}" 2>/dev/null || break
	sleep 0.1
done
grep -q 'charon up' "$work/ikev2-strongswan.log" || log "no 'charon up' from ikev2-strongswan.sh yet; starting the others anyway"
# A few seconds apart, so that they do not all build namespaces at once;
# all four still record while the IKEv2 exchanges run (about 45 s).
for s in "${scripts[@]:1}"; do
	start "$s"
	sleep 4
done

failed=0
for s in "${scripts[@]}"; do
	if wait "${pid_of[$s]}"; then
		log "$s.sh done"
	else
		rc=$?
		log "$s.sh failed (exit $rc); the end of its log:"
		tail -n 20 "$work/$s.log" >&2
		failed=1
	fi
done
pids=()
((failed == 0)) || exit 1

# ---- prefix interface names, merge ------------------------------------------
(cd "$repo" && go build -o "$work/ifprefix" ./pcaps/regen/ifprefix)
facts="$work/facts"
mkdir -p "$facts" "$work/parts"
: >"$facts/parts"
merge_in=()
for p in "${parts[@]}"; do
	read -r label script cap <<<"$p"
	"$work/ifprefix" -prefix "$label/" -describe "$script.sh" -o "$work/parts/$label.pcapng" "$work/$script/$cap.pcapng"
	printf '%s %s %s\n' "$label" "$work/parts/$label.pcapng" "$work/$script/$cap.expect.json" >>"$facts/parts"
	merge_in+=("$work/parts/$label.pcapng")
done
mergecap -I none -w "$work/merged.pcapng" "${merge_in[@]}"

dups=$(capinfos -I "$work/merged.pcapng" | awk -F' = ' '/^ *Name = / {print $2}' | sort | uniq -d)
if [[ -n $dups ]]; then
	echo "mixed.sh: interface names not distinct after merging: $dups" >&2
	exit 1
fi

# span LABEL: "HH:MM:SS.mmm-HH:MM:SS.mmm" (UTC) of a part's frames.
span() {
	local first last
	IFS=$'\t' read -r _ first last < <(capinfos -T -r -a -e -S "$work/parts/$1.pcapng")
	printf '%s-%s' "$(date -u -d "@$first" +%T.%3N)" "$(date -u -d "@$last" +%T.%3N)"
}
ifnames() {
	capinfos -I "$work/parts/$1.pcapng" | awk -F' = ' '/^ *Name = / {printf "%s%s", sep, $2; sep = ", "}'
}
part_desc=""
for p in "${parts[@]}"; do
	read -r label script cap <<<"$p"
	part_desc+="$label ($script.sh, as $cap.pcapng; interfaces $(ifnames "$label"); $(span "$label") UTC). "
done
comment="v6scope mixed: six captures recorded side by side on Linux $(uname -r) by five pcaps/regen scripts running at the same time, \
each in network namespaces of its own, merged in time order with mergecap. \
ikev2-strongswan.sh starts first; mipv6-scapy.sh, kernel-nd-mld.sh, teredo-miredo.sh and tunnels-scapy.sh start 4 s apart once its two charon daemons are up, \
so ND/MLD, Teredo, Mobile IPv6/NEMO and 6in4/6to4/ISATAP traffic interleaves with the IKEv2 exchanges on IPv6; the IKEv2-through-NAT part follows. \
Parts (interface names carry the part's name, NAME/interface): ${part_desc}\
Each part's story is its own capture's comment, kept in mixed.expect.json (parts). \
Select a part by interface (frame.interface_name matches \"^nd/\"), not by address: several parts use the same IPv4 documentation prefixes. \
Teredo on ports other than 3544: tshark -o teredo.heuristic_teredo:TRUE. Decrypt IKE with mixed.ikev2_decryption_table. \
Regenerate with pcaps/regen/mixed.sh."
mkdir -p "$outdir"
editcap --discard-capture-comment --capture-comment "$comment" "$work/merged.pcapng" "$work/$name.pcapng"
cp "$work/$name.pcapng" "$outdir/$name.pcapng"
{
	echo "# Wireshark ikev2_decryption_table for $name.pcapng (its ikev2 and ikev2-nat parts),"
	echo "# from charon's log (ike 4: Sk_ei, Sk_er, Sk_ai, Sk_ar) by pcaps/regen/ikev2-strongswan.sh,"
	echo "# run by pcaps/regen/mixed.sh. Use: copy to \$WIRESHARK_CONFIG_DIR/ikev2_decryption_table"
	grep -v '^#' "$work/ikev2-strongswan/ikev2-strongswan.ikev2_decryption_table"
} >"$outdir/$name.ikev2_decryption_table"

# ---- checks: nothing malformed beyond the parts, IKE decrypts ---------------
prefs=(-o teredo.heuristic_teredo:TRUE)
count() { tshark -r "$1" "${prefs[@]}" -Y "$2" 2>/dev/null | wc -l; }
for f in _ws.malformed '_ws.expert.severity==error' icmpv6.type==4; do
	n=$(count "$outdir/$name.pcapng" "$f") sum=0
	for p in "${parts[@]}"; do
		read -r label _ <<<"$p"
		sum=$((sum + $(count "$work/parts/$label.pcapng" "$f")))
	done
	log "$f: $n frames in $name.pcapng, $sum in its parts"
	if ((n != sum)); then
		echo "mixed.sh: merging changed how tshark reads the frames ($f)" >&2
		exit 1
	fi
done
# No part may bring a partial UDP checksum (veth checksum offload; the
# parts turn it off before they capture).
badsum=$(tshark -r "$outdir/$name.pcapng" "${prefs[@]}" -o udp.check_checksum:TRUE -Y udp.checksum.bad 2>/dev/null | wc -l)
log "udp.checksum.bad: $badsum frames in $name.pcapng"
if ((badsum != 0)); then
	echo "mixed.sh: $badsum frames with a bad UDP checksum" >&2
	exit 1
fi
wsdir="$work/wireshark"
mkdir -p "$wsdir"
cp "$outdir/$name.ikev2_decryption_table" "$wsdir/ikev2_decryption_table"
enc=$(count "$outdir/$name.pcapng" "isakmp.exchangetype>=35")
dec=$(WIRESHARK_CONFIG_DIR=$wsdir count "$outdir/$name.pcapng" isakmp.enc.decrypted)
bad=$(WIRESHARK_CONFIG_DIR=$wsdir count "$outdir/$name.pcapng" isakmp.ikev2.integrity_checksum)
log "$name: $enc encrypted IKE messages, $dec decrypted, $bad with a wrong checksum"
if ((enc == 0 || dec != enc || bad != 0)); then
	echo "mixed.sh: the decryption table does not decrypt $name.pcapng" >&2
	exit 1
fi

# ---- expect.json --------------------------------------------------------------
(cd "$repo" && go run ./pcaps/regen/expectgen -scenario mixed -pcap "$outdir/$name.pcapng" -facts "$facts" \
	-generator "pcaps/regen/mixed.sh" -o "$outdir/$name.expect.json")
log "wrote $outdir/$name.pcapng ($(stat -c %s "$outdir/$name.pcapng") bytes), $name.expect.json and $name.ikev2_decryption_table"
capinfos -T -r -c -u -a -e "$outdir/$name.pcapng" |
	awk -F'\t' '{printf "%s frames over %.1f s, %s to %s\n", $2, $3, $4, $5}' >&2
for p in "${parts[@]}"; do
	read -r label _ cap <<<"$p"
	printf '  %-10s %4s frames  %s  %s\n' "$label" "$(capinfos -T -r -c "$work/parts/$label.pcapng" | cut -f2)" \
		"$(span "$label")" "$(ifnames "$label")" >&2
done
