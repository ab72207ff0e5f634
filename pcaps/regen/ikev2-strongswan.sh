#!/usr/bin/env bash
# Regenerates pcaps/ikev2-strongswan.pcapng and pcaps/ikev2-strongswan-nat.pcapng,
# their .expect.json files, and pcaps/ikev2-strongswan.ikev2_decryption_table.
#
# Two strongSwan charon daemons (one per network namespace, each with its
# own strongswan.conf, swanctl.conf and vici socket) talk IKEv2.
#
# Capture 1, ikev2-strongswan.pcapng, IPv6 on one link:
#
#   netns v6s-<pid>-ini  eth0 02:76:36:00:01:0a  2001:db8:1ce::a/64  initiator
#   netns v6s-<pid>-res  eth0 02:76:36:00:01:0b  2001:db8:1ce::b/64  responder
#        |                 |
#   netns v6s-<pid>-sw: bridge v6s-ike0, ports v6s-ini, v6s-res; dumpcap there.
#
#   - "psk": PSK authentication; the responder asks for a COOKIE, then
#     rejects the initiator's MODP-2048 key exchange with INVALID_KE_PAYLOAD
#     (it accepts only Curve25519), the initiator retries; ESP (in UDP) ping;
#     CHILD_SA rekey, IKE SA rekey; CHILD_SA delete, IKE SA delete.
#   - "cert": RSA certificates from a throwaway three-level CA; the
#     certificate makes IKE_AUTH too big for one packet, so both sides
#     fragment it (RFC 7383). Short lifetimes: the CHILD_SA and the IKE SA rekey by
#     themselves; dead peer detection every 2 s; then the responder hangs
#     (SIGSTOP) and the initiator's DPD gives up after its retransmits.
#
# Capture 2, ikev2-strongswan-nat.pcapng, IPv4 through a NAT:
#
#   netns v6s-<pid>-nini  eth0 192.0.2.10/24             initiator
#   netns v6s-<pid>-nat   eth1 192.0.2.1/24, eth0 198.51.100.1/24, MASQUERADE
#   netns v6s-<pid>-nres  eth0 198.51.100.20/24          responder
#   dumpcap captures on both of the NAT's interfaces (inside and outside).
#
#   PSK; NAT detection finds the NAT, IKE floats to UDP 4500, ESP in UDP,
#   NAT keepalives while idle, delete.
#
# No kernel ESP on the recording machine: both daemons use strongSwan's
# userspace IPsec (kernel-libipsec, a TUN device), which only does ESP in
# UDP. On the direct IPv6 link the initiator forces UDP encapsulation
# (encap = yes), so NAT detection there reports a NAT that is not there.
#
# Usage: sudo pcaps/regen/ikev2-strongswan.sh [OUTDIR]   (default: pcaps/)
# Needs: root, iproute2, iptables, dumpcap/editcap/reordercap/tshark/capinfos,
#        strongSwan (charon, swanctl, pki), iputils-ping, ethtool, go.
# Takes about 2.5 min (70 s of it writing the expect.json files). See pcaps/regen/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Bound the whole run: re-exec under timeout(1) once.
regen_timed 360 "$@"
regen_need_root "network namespaces, dumpcap"

outdir=${1:-$repo/pcaps}
name=ikev2-strongswan
natname=ikev2-strongswan-nat
CHARON=/usr/lib/ipsec/charon

# ---- tools: install only what is missing (regen_need, lib.sh) -----------
regen_need ip iptables dumpcap editcap reordercap tshark ping ethtool "$CHARON=strongswan-charon" swanctl pki \
	/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so=libcharon-extra-plugins \
	/usr/lib/ipsec/plugins/libstrongswan-curve25519.so=libstrongswan-extra-plugins
regen_need_go "to write the expect.json"

# ---- names, cleanup (regen_scratch: lib.sh) ------------------------------
NS_SW="$tag-sw" NS_I="$tag-ini" NS_R="$tag-res"
NS_NI="$tag-nini" NS_NAT="$tag-nat" NS_NR="$tag-nres"
declare -A charon_pid=()
regen_scratch v6s-regen

# no_bad_udp_checksum PCAPNG: stop unless every UDP checksum is complete.
no_bad_udp_checksum() {
	local n
	n=$(tshark -r "$1" -o udp.check_checksum:TRUE -Y udp.checksum.bad 2>/dev/null | wc -l)
	if ((n != 0)); then
		echo "ikev2-strongswan.sh: $n frames in $1 with a bad UDP checksum (checksum offload still on?)" >&2
		exit 1
	fi
}

# ---- strongSwan ---------------------------------------------------------
# One charon per namespace. charon insists on /var/run/charon.pid, so each
# runs with a private tmpfs on /run (ip netns exec already gave it a mount
# namespace of its own); its vici socket lives in its own config dir.
PLUGINS="random nonce aes sha1 sha2 hmac kdf gmp curve25519 x509 pem pkcs1 pkcs8 pubkey revocation constraints kernel-libipsec kernel-netlink socket-default vici"

# write_strongswan_conf DIR EXTRA: charon settings for one node.
write_strongswan_conf() {
	local dir=$1 extra=$2
	mkdir -p "$dir"
	cat >"$dir/strongswan.conf" <<EOF
charon {
	load_modular = no
	load = $PLUGINS
	# quick give-up, so dead peer detection fits in seconds
	retransmit_timeout = 2.0
	retransmit_base = 1.5
	retransmit_tries = 2
	delete_rekeyed_delay = 2
	install_virtual_ip = no
$extra
	plugins {
		vici {
			socket = unix://$dir/charon.vici
		}
		kernel-netlink {
			# nothing of the host's to learn here
			roam_events = no
		}
	}
	filelog {
		main {
			path = $dir/charon.log
			time_format = %s
			ike_name = yes
			append = no
			flush_line = yes
			default = 1
			# ike 4 prints the derived keys (Sk_ei ...); mgr 2 the SPIs
			ike = 4
			mgr = 2
			net = 2
			cfg = 2
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
}
swanctl {
	load = random pem pkcs1 pkcs8 x509 pubkey gmp sha1 sha2
}
EOF
}

# start_charon NODE NS: run charon for NODE (config in $work/NODE) in NS.
start_charon() {
	local node=$1 ns=$2 dir=$work/$1
	# shellcheck disable=SC2016 # $1, $2 are the inner shell's arguments
	ip netns exec "$ns" sh -c 'mount -t tmpfs -o size=1m v6s-run /run && exec env STRONGSWAN_CONF="$1" "$2"' \
		charon "$dir/strongswan.conf" "$CHARON" >"$dir/charon.out" 2>&1 &
	pids+=("$!")
	charon_pid[$node]=$!
	wait_until 10 test -S "$dir/charon.vici" || { cat "$dir/charon.out" "$dir/charon.log" >&2; exit 1; }
	sw "$node" --load-all --file "$dir/swanctl/swanctl.conf" >"$dir/load.out" 2>&1 || { cat "$dir/load.out" >&2; exit 1; }
}

# sw NODE ARGS...: swanctl against NODE's charon.
sw() {
	local node=$1 cmd=$2; shift 2
	SWANCTL_DIR="$work/$node/swanctl" STRONGSWAN_CONF="$work/$node/strongswan.conf" \
		swanctl "$cmd" --uri "unix://$work/$node/charon.vici" "$@"
}

# sa_state NODE IKE_NAME: the state of the named IKE SA, or nothing.
sa_state() {
	sw "$1" --list-sas --ike "$2" --raw 2>/dev/null | grep -o 'state=[A-Z_]*' | head -n1 | cut -d= -f2
}
sa_is() { [[ $(sa_state "$1" "$2") == "$3" ]]; }
no_sa() { [[ -z $(sa_state "$1" "$2") ]]; }

# snapshot_sas NODE LABEL: append the node's SAs to its sas log.
snapshot_sas() {
	{
		echo "## $(date +%s.%N) $2"
		sw "$1" --list-sas --raw 2>/dev/null || true
	} >>"$work/$1/sas.log"
}

# poll_sas NODE SECONDS: snapshot NODE's SAs every 250 ms in the background
# (IKE SAs made by rekeying live only seconds; their SPIs are needed for
# the decryption table).
poll_sas() {
	local node=$1 n=$(($2 * 4)) i
	for ((i = 0; i < n; i++)); do
		snapshot_sas "$node" poll
		[[ -f $work/$node/poll.stop ]] && return 0
		sleep 0.25
	done
}


# ike_facts LOG: what charon's log (ike 4, mgr 2) says about each SA.
# IKE SA keys are printed right after they are derived, in the thread that
# then checks the SA in with both SPIs; a rekeyed IKE SA's keys are
# derived in the context of the SA it replaces. Prints
#   key   CONN UID ISPI RSPI SK_ei SK_er SK_ai SK_ar ORIGIN
#   ike   CONN UID ISPI RSPI ORIGIN FINAL HOW
#   child CONN ID IKE_UID SPI_IN SPI_OUT FINAL   (SPIs as the logging node sees them)
ike_facts() {
	awk '
function uidof(s,   u) { u = s; sub(/^[^|]*\|/, "", u); sub(/>$/, "", u); return u }
{
	t = $2; sub(/\[.*/, "", t)
	ctx = ($3 ~ /^<.*>$/) ? uidof($3) : ""
}
$4 ~ /^Sk_(ei|er|ai|ar)$/ && $5 == "secret" && $6 == "=>" {
	cur[t] = substr($4, 4); want[t] = $7 + 0; key[t, cur[t]] = ""; kctx[t] = ctx
	next
}
want[t] > 0 && $4 ~ /^[0-9]+:$/ {
	for (i = 5; i <= NF && want[t] > 0 && i < 21; i++) { key[t, cur[t]] = key[t, cur[t]] tolower($i); want[t]-- }
	next
}
$4 == "checkin" && $5 == "IKEv2" && $9 == "SPIs" {
	ispi = $10; rspi = $11; sub(/_i$/, "", ispi); sub(/_r$/, "", rspi)
	conn = $7; uid = $7; sub(/\[.*/, "", conn); sub(/^[^[]*\[/, "", uid); sub(/\]$/, "", uid)
	if (rspi != "0000000000000000" && key[t, "ar"] != "") {
		origin = (kctx[t] == uid) ? "IKE_SA_INIT" : "rekey-of-" kctx[t]
		nk++; kline[nk] = conn " " uid " " ispi " " rspi " " key[t, "ei"] " " key[t, "er"] " " key[t, "ai"] " " key[t, "ar"] " " origin
		korig[uid] = origin; kconn[uid] = conn; kspi[uid] = ispi " " rspi
		key[t, "ei"] = key[t, "er"] = key[t, "ai"] = key[t, "ar"] = ""
	}
	next
}
/ state change: .* => REKEYED$/ { u = $5; sub(/^[^[]*\[/, "", u); sub(/\].*/, "", u); rekeyed[u] = 1 }
/ state change: .* => DELETING$/ { u = $5; sub(/^[^[]*\[/, "", u); sub(/\].*/, "", u); deleted[u] = 1 }
/ giving up after / { failed[ctx] = 1 }
/ CHILD_SA [^ ]+\{[0-9]+\} established with SPIs / {
	for (i = 4; i <= NF; i++) if ($i == "CHILD_SA") break
	id = $(i + 1)
	if (!(id in cseen)) {
		cseen[id] = 1; nc++; cid[nc] = id; cike[id] = ctx
		cin[id] = $(i + 5); cout[id] = $(i + 6); sub(/_i$/, "", cin[id]); sub(/_o$/, "", cout[id])
	}
	next
}
/ closing CHILD_SA / {
	for (i = 4; i <= NF; i++) if ($i == "CHILD_SA") break
	closed[$(i + 1)] = 1
}
END {
	for (k = 1; k <= nk; k++) print "key", kline[k]
	for (k = 1; k <= nk; k++) {
		split(kline[k], f, " "); u = f[2]
		fin = "ESTABLISHED"; how = "-"
		if (rekeyed[u]) { fin = "DELETED"; how = "rekeyed" }
		else if (failed[u]) { fin = "FAILED"; how = "dpd-timeout" }
		else if (deleted[u]) { fin = "DELETED"; how = "deleted" }
		print "ike", f[1], u, f[3], f[4], korig[u], fin, how
	}
	for (k = 1; k <= nc; k++) {
		id = cid[k]; name = id; sub(/\{.*/, "", name)
		fin = "INSTALLED"
		# follow the IKE SA it lives under through rekeys
		u = cike[id]
		for (moved = 1; moved; ) { moved = 0; for (v in korig) if (korig[v] == "rekey-of-" u) { u = v; moved = 1 } }
		if (deleted[u] && !rekeyed[u]) fin = "DELETED"
		if (closed[id]) {
			fin = "DELETED"
			for (j = k + 1; j <= nc; j++) { n2 = cid[j]; sub(/\{.*/, "", n2); if (n2 == name) fin = "REKEYED" }
		}
		print "child", name, id, cike[id], cin[id], cout[id], fin
	}
}
' "$1"
}

# ---- a throwaway CA: root -> intermediate 1 -> intermediate 2 -> hosts ----
# 3072-bit RSA everywhere: each node sends its end-entity certificate
# (the peer holds the CA certificates), which with CERTREQ and the RSA
# AUTH makes IKE_AUTH about 1.8 kB: two 1280-byte IKE fragments.
DOMAIN=ike.v6scope.example
make_pki() {
	local d=$work/pki
	mkdir -p "$d"
	pkiq() { pki "$@" 2>/dev/null; }
	pkiq --gen --type rsa --size 3072 --outform pem >"$d/root.key"
	pkiq --self --ca --lifetime 30 --in "$d/root.key" --outform pem \
		--dn "C=XX, O=v6scope lab, CN=v6scope lab root CA" >"$d/root.pem"
	local parent=root i
	for i in 1 2; do
		pkiq --gen --type rsa --size 3072 --outform pem >"$d/int$i.key"
		pkiq --pub --in "$d/int$i.key" | pkiq --issue --ca --lifetime 30 \
			--cacert "$d/$parent.pem" --cakey "$d/$parent.key" --outform pem \
			--dn "C=XX, O=v6scope lab, CN=v6scope lab intermediate CA $i" >"$d/int$i.pem"
		parent=int$i
	done
	local node
	for node in "$@"; do
		pkiq --gen --type rsa --size 3072 --outform pem >"$d/$node.key"
		pkiq --pub --in "$d/$node.key" | pkiq --issue --lifetime 30 \
			--cacert "$d/int2.pem" --cakey "$d/int2.key" --outform pem \
			--dn "C=XX, O=v6scope lab, CN=$node.$DOMAIN" --san "$node.$DOMAIN" >"$d/$node.pem"
		local sd=$work/$node/swanctl
		mkdir -p "$sd/x509" "$sd/x509ca" "$sd/private"
		cp "$d/$node.pem" "$sd/x509/"
		cp "$d/$node.key" "$sd/private/"
		cp "$d/root.pem" "$d/int1.pem" "$d/int2.pem" "$sd/x509ca/"
	done
	[[ -s $d/ini.pem && -s $d/res.pem ]] || { echo "pki failed" >&2; exit 1; }
}

# ======================================================================
# Capture 1: IPv6, one link, initiator ini and responder res.
# ======================================================================
PFX=2001:db8:1ce
MAC_I=02:76:36:00:01:0a MAC_R=02:76:36:00:01:0b
ADDR_I=$PFX::a ADDR_R=$PFX::b
# Inner addresses, reached only through the tunnel (ESP in UDP).
IN_I=$PFX:a::1 IN_R=$PFX:b::1
PSK_SECRET=v6scope-lab-psk-not-secret

log "building $NS_SW $NS_I $NS_R"
for ns in "$NS_SW" "$NS_I" "$NS_R"; do regen_netns_add "$ns"; done
nsx "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS_SW" link add v6s-ike0 type bridge stp_state 0 mcast_snooping 0
regen_offload_off "$NS_SW" v6s-ike0
for spec in "v6s-ini $NS_I $MAC_I $ADDR_I $IN_I" "v6s-res $NS_R $MAC_R $ADDR_R $IN_R"; do
	read -r port ns mac addr inner <<<"$spec"
	ip -n "$NS_SW" link add "$port" type veth peer name eth0 netns "$ns"
	ip -n "$NS_SW" link set "$port" master v6s-ike0 up
	ip -n "$ns" link set eth0 address "$mac"
	regen_offload_off "$NS_SW" "$port"
	regen_offload_off "$ns" eth0
	# No router here: keep the link quiet apart from IKE and its ND.
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.autoconf=0 \
		net.ipv6.conf.eth0.router_solicitations=0
	ip -n "$ns" addr add "$addr/64" dev eth0 nodad
	# The inner address: a /128 with no route of its own on the link;
	# charon routes the peer's inner address into its TUN device.
	ip -n "$ns" addr add "$inner/128" dev eth0 nodad
	ip -n "$ns" link set eth0 up
done
ip -n "$NS_SW" link set v6s-ike0 up
# Let link-local DAD and the MLD reports of coming up pass before capturing.
wait_until 5 bash -c "[[ -z \$(ip -n $NS_I -6 addr show tentative) && -z \$(ip -n $NS_R -6 addr show tentative) ]]"
sleep 2.5

log "making a CA and certificates"
make_pki ini res

# Responder: accepts Curve25519 only. It asks for cookies as soon as one
# IKE SA is half-open (cookie_threshold counts those, not the IKE_SA_INIT
# being looked at), and it handles IKE_AUTH requests 1.5 s late
# (receive_delay, exchange type 35), so that an IKE SA stays half-open
# long enough for a second IKE_SA_INIT to meet the cookie check.
write_strongswan_conf "$work/res" "	cookie_threshold = 1
	receive_delay = 1500
	receive_delay_type = 35
	receive_delay_request = yes
	receive_delay_response = no
	fragment_size = 1280"
# Initiator: NAT-T keepalives and DPD are per connection / global below.
write_strongswan_conf "$work/ini" "	fragment_size = 1280
	keep_alive = 20s"

cat >"$work/res/swanctl/swanctl.conf" <<EOF
connections {
	psk {
		local_addrs = $ADDR_R
		remote_addrs = $ADDR_I
		proposals = aes128-sha256-curve25519
		mobike = no
		rekey_time = 0
		local {
			auth = psk
			id = psk-res.$DOMAIN
		}
		remote {
			auth = psk
			id = psk-ini.$DOMAIN
		}
		children {
			psk {
				local_ts = $IN_R/128
				remote_ts = $IN_I/128
				esp_proposals = aes128-sha256
				rekey_time = 0
			}
		}
	}
	cert {
		local_addrs = $ADDR_R
		remote_addrs = $ADDR_I
		proposals = aes128-sha256-curve25519
		fragmentation = yes
		send_cert = always
		mobike = no
		rekey_time = 0
		local {
			auth = pubkey
			certs = res.pem
			id = res.$DOMAIN
		}
		remote {
			auth = pubkey
			id = ini.$DOMAIN
		}
		children {
			cert {
				local_ts = $IN_R/128
				remote_ts = $IN_I/128
				esp_proposals = aes128-sha256-curve25519
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-lab {
		id-ini = psk-ini.$DOMAIN
		id-res = psk-res.$DOMAIN
		secret = "$PSK_SECRET"
	}
}
EOF

cat >"$work/ini/swanctl/swanctl.conf" <<EOF
connections {
	psk {
		local_addrs = $ADDR_I
		remote_addrs = $ADDR_R
		# MODP-2048 first: its KE is what the responder rejects.
		proposals = aes128-sha256-modp2048-curve25519
		# userspace IPsec only does ESP in UDP: force it (fakes NAT-D)
		encap = yes
		mobike = no
		rekey_time = 0
		local {
			auth = psk
			id = psk-ini.$DOMAIN
		}
		remote {
			auth = psk
			id = psk-res.$DOMAIN
		}
		children {
			psk {
				local_ts = $IN_I/128
				remote_ts = $IN_R/128
				esp_proposals = aes128-sha256
				rekey_time = 0
			}
		}
	}
	cert {
		local_addrs = $ADDR_I
		remote_addrs = $ADDR_R
		proposals = aes128-sha256-curve25519
		encap = yes
		fragmentation = yes
		send_cert = always
		mobike = no
		# short lifetimes: the CHILD_SA rekeys after 8 s, the IKE SA after 12 s
		rekey_time = 12s
		rand_time = 0s
		over_time = 30s
		dpd_delay = 2s
		local {
			auth = pubkey
			certs = ini.pem
			id = ini.$DOMAIN
		}
		remote {
			auth = pubkey
			id = res.$DOMAIN
		}
		children {
			cert {
				local_ts = $IN_I/128
				remote_ts = $IN_R/128
				esp_proposals = aes128-sha256-curve25519
				rekey_time = 8s
				rand_time = 0s
				life_time = 60s
				dpd_action = clear
			}
		}
	}
}
secrets {
	ike-lab {
		id-ini = psk-ini.$DOMAIN
		id-res = psk-res.$DOMAIN
		secret = "$PSK_SECRET"
	}
}
EOF

ping_inner() { nsx "$NS_I" ping -6 -n -c "${1:-2}" -i 0.3 -W 2 -I "$IN_I" "$IN_R" >/dev/null; }

raw1="$work/raw1.pcapng"
regen_dumpcap_start "$raw1" "$NS_SW" 120 -i v6s-ike0

log "charon up in $NS_R and $NS_I"
start_charon res "$NS_R"
start_charon ini "$NS_I"
sleep 0.5
poll_sas ini 100 &
pids+=("$!")

# ---- cert first, then psk while cert is half-open ---------------------
# cert: IKE_SA_INIT, then a fragmented IKE_AUTH the responder sits on.
log "cert: initiate (responder delays IKE_AUTH by 1.5 s)"
sw ini --initiate --ike cert --child cert --timeout 15 >"$work/ini/cert-initiate.out" 2>&1 &
cert_init_pid=$!
pids+=("$cert_init_pid")
wait_until 5 sa_is ini cert CONNECTING
sleep 0.3
# psk: COOKIE, then INVALID_KE_PAYLOAD (the retry carries the cookie
# again), then IKE_SA_INIT and IKE_AUTH with PSK.
log "psk: initiate (meets the cookie check, then INVALID_KE_PAYLOAD)"
sw ini --initiate --ike psk --child psk --timeout 15 >"$work/ini/psk-initiate.out" 2>&1 || { cat "$work/ini/psk-initiate.out" >&2; exit 1; }
wait "$cert_init_pid" || { cat "$work/ini/cert-initiate.out" >&2; exit 1; }
cert_up=$(date +%s.%N)
wait_until 5 sa_is res psk ESTABLISHED
ping_inner 2

# ---- psk: rekeys and delete --------------------------------------------
log "psk: rekey CHILD_SA"
sw ini --rekey --child psk >/dev/null
sleep 1
ping_inner 1
log "psk: rekey IKE SA"
sw ini --rekey --ike psk >/dev/null
sleep 1
snapshot_sas ini psk-rekeyed
ping_inner 1
log "psk: delete CHILD_SA, then IKE SA"
sw ini --terminate --child psk --timeout 5 >/dev/null
sleep 0.5
sw ini --terminate --ike psk --timeout 5 >/dev/null
wait_until 5 no_sa res psk

# ---- cert: lifetimes run out, DPD, dead peer ----------------------------
log "cert: idle until both rekeys are done (CHILD_SA at 8 s, IKE SA at 12 s)"
# sleep until 14 s after cert came up
sleep "$(awk -v t="$cert_up" -v now="$(date +%s.%N)" 'BEGIN { d = t + 14 - now; print (d > 0 ? d : 0) }')"
ping_inner 1
sleep 2.5
log "cert: responder hangs (SIGSTOP); initiator's DPD gives up"
kill -STOP "${charon_pid[res]}"
# DPD after 2 s idle, then 2 retransmits: 2 + 3 + 4.5 s.
wait_until 20 no_sa ini cert || true
touch "$work/ini/poll.stop"
snapshot_sas ini end
regen_dumpcap_stop 1.5 # the last frames land first
kill -CONT "${charon_pid[res]}"

# ---- facts for capture 1 -------------------------------------------------
facts1="$work/facts1"
mkdir -p "$facts1"
printf 'ini initiator %s\nres responder %s\n' "$NS_I" "$NS_R" >"$facts1/nodes"
regen_snapshot "$facts1" ini "$NS_I" eth0
regen_snapshot "$facts1" res "$NS_R" eth0
printf '%s ini\n%s res\n%s ini-inner\n%s res-inner\n' "$ADDR_I" "$ADDR_R" "$IN_I" "$IN_R" >"$facts1/names"
ike_facts "$work/ini/charon.log" >"$facts1/ike"
ike_facts "$work/res/charon.log" >"$work/res/ike"
# Both ends derive the same keys: check that they did.
if ! diff <(awk '$1 == "key" {print $4, $5, $6, $7, $8, $9}' "$facts1/ike" | sort) \
	<(awk '$1 == "key" {print $4, $5, $6, $7, $8, $9}' "$work/res/ike" | sort) >&2; then
	echo "initiator's and responder's IKE keys differ" >&2
	exit 1
fi
if ! grep -q '^key cert ' "$facts1/ike" || ! grep -q '^key psk ' "$facts1/ike"; then
	echo "no IKE keys in charon's log" >&2
	exit 1
fi
for n in ini res; do kill -TERM "${charon_pid[$n]}"; done

# ======================================================================
# Capture 2: IPv4 through a NAT (iptables MASQUERADE), IPv6 inside ESP.
# ======================================================================
V4_IN=192.0.2 V4_OUT=198.51.100
ADDR_NI=$V4_IN.10 ADDR_NR=$V4_OUT.20 NAT_IN=$V4_IN.1 NAT_OUT=$V4_OUT.1
MAC_NI=02:76:36:00:02:0a MAC_NR=02:76:36:00:02:0b
IN_NI=$PFX:c::1 IN_NR=$PFX:d::1
NAT_PORTS=61000-61099

log "building $NS_NI $NS_NAT $NS_NR"
for ns in "$NS_NI" "$NS_NAT" "$NS_NR"; do regen_netns_add "$ns"; done
# The NAT's two sides are named for what they are; the capture shows them.
ip -n "$NS_NAT" link add v6s-in type veth peer name eth0 netns "$NS_NI"
ip -n "$NS_NAT" link add v6s-out type veth peer name eth0 netns "$NS_NR"
for ns_dev in "$NS_NAT:v6s-in" "$NS_NAT:v6s-out" "$NS_NI:eth0" "$NS_NR:eth0"; do
	regen_offload_off "${ns_dev%%:*}" "${ns_dev#*:}"
done
nsx "$NS_NAT" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
	net.ipv4.ip_forward=1
ip -n "$NS_NAT" addr add "$NAT_IN/24" dev v6s-in
ip -n "$NS_NAT" addr add "$NAT_OUT/24" dev v6s-out
ip -n "$NS_NAT" link set v6s-in up
ip -n "$NS_NAT" link set v6s-out up
# Source NAT onto the outside address, UDP ports remapped into a range
# (so the translation shows in the ports as well as in the address).
nsx "$NS_NAT" iptables -t nat -A POSTROUTING -o v6s-out -p udp -j MASQUERADE --to-ports "$NAT_PORTS"
nsx "$NS_NAT" iptables -t nat -A POSTROUTING -o v6s-out -j MASQUERADE
for spec in "$NS_NI $MAC_NI $ADDR_NI $IN_NI $NAT_IN" "$NS_NR $MAC_NR $ADDR_NR $IN_NR -"; do
	read -r ns mac addr inner gw <<<"$spec"
	ip -n "$ns" link set eth0 address "$mac"
	nsx "$ns" sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.autoconf=0 \
		net.ipv6.conf.eth0.router_solicitations=0
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" addr add "$inner/128" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	[[ $gw == - ]] || ip -n "$ns" route add default via "$gw"
done
wait_until 5 bash -c "[[ -z \$(ip -n $NS_NI -6 addr show tentative) && -z \$(ip -n $NS_NR -6 addr show tentative) ]]"
sleep 2.5 # the MLD reports' repeats

# Initiator behind the NAT sends NAT-T keepalives every 3 s while idle.
write_strongswan_conf "$work/nres" ""
write_strongswan_conf "$work/nini" "	keep_alive = 3s"
for node in nini nres; do mkdir -p "$work/$node/swanctl"; done
cat >"$work/nres/swanctl/swanctl.conf" <<EOF
connections {
	nat {
		local_addrs = $ADDR_NR
		proposals = aes128-sha256-curve25519
		mobike = no
		rekey_time = 0
		local {
			auth = psk
			id = nat-res.$DOMAIN
		}
		remote {
			auth = psk
			id = nat-ini.$DOMAIN
		}
		children {
			nat {
				local_ts = $IN_NR/128
				remote_ts = $IN_NI/128
				esp_proposals = aes128-sha256
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-nat {
		id-ini = nat-ini.$DOMAIN
		id-res = nat-res.$DOMAIN
		secret = "$PSK_SECRET"
	}
}
EOF
cat >"$work/nini/swanctl/swanctl.conf" <<EOF
connections {
	nat {
		local_addrs = $ADDR_NI
		remote_addrs = $ADDR_NR
		proposals = aes128-sha256-curve25519
		mobike = no
		rekey_time = 0
		local {
			auth = psk
			id = nat-ini.$DOMAIN
		}
		remote {
			auth = psk
			id = nat-res.$DOMAIN
		}
		children {
			nat {
				local_ts = $IN_NI/128
				remote_ts = $IN_NR/128
				esp_proposals = aes128-sha256
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-nat {
		id-ini = nat-ini.$DOMAIN
		id-res = nat-res.$DOMAIN
		secret = "$PSK_SECRET"
	}
}
EOF

raw2="$work/raw2.pcapng"
regen_dumpcap_start "$raw2" "$NS_NAT" 120 -i v6s-in -i v6s-out
log "charon up in $NS_NR and $NS_NI"
start_charon nres "$NS_NR"
start_charon nini "$NS_NI"
sleep 0.5
log "nat: initiate"
sw nini --initiate --ike nat --child nat --timeout 15 >"$work/nini/initiate.out" 2>&1 || { cat "$work/nini/initiate.out" >&2; exit 1; }
nsx "$NS_NI" ping -6 -n -c 2 -i 0.3 -W 2 -I "$IN_NI" "$IN_NR" >/dev/null
log "nat: idle 7 s (NAT-T keepalives)"
sleep 7
nsx "$NS_NI" ping -6 -n -c 1 -W 2 -I "$IN_NI" "$IN_NR" >/dev/null
log "nat: delete"
sw nini --terminate --ike nat --timeout 5 >/dev/null
wait_until 5 no_sa nres nat
nat_conntrack=$(nsx "$NS_NAT" cat /proc/net/nf_conntrack 2>/dev/null | grep -c udp || true)
regen_dumpcap_stop 1.5 # the last frames land first

facts2="$work/facts2"
mkdir -p "$facts2"
printf 'nini initiator %s\nnres responder %s\n' "$NS_NI" "$NS_NR" >"$facts2/nodes"
regen_snapshot "$facts2" nini "$NS_NI" eth0
regen_snapshot "$facts2" nres "$NS_NR" eth0
printf '%s nini\n%s nres\n%s nat-inside\n%s nat-outside\n%s nini-inner\n%s nres-inner\n' \
	"$ADDR_NI" "$ADDR_NR" "$NAT_IN" "$NAT_OUT" "$IN_NI" "$IN_NR" >"$facts2/names"
ike_facts "$work/nini/charon.log" >"$facts2/ike"
grep -q '^key nat ' "$facts2/ike" || { echo "no IKE keys in charon's log (nat)" >&2; exit 1; }

# ---- outputs --------------------------------------------------------------
mkdir -p "$outdir"
ss_version=$("$CHARON" --version 2>&1 | awk '{print $NF; exit}' || true)
[[ -n $ss_version ]] || ss_version=$(swanctl --version 2>/dev/null | awk '{print $2; exit}')
table="$outdir/$name.ikev2_decryption_table"
{
	echo "# Wireshark ikev2_decryption_table for $name.pcapng and $natname.pcapng,"
	echo "# from charon's log (ike 4: Sk_ei, Sk_er, Sk_ai, Sk_ar). Regenerated by"
	echo "# pcaps/regen/ikev2-strongswan.sh. Use: copy to \$WIRESHARK_CONFIG_DIR/ikev2_decryption_table"
	echo "# Initiator's SPI, Responder's SPI, SK_ei, SK_er, Encryption algorithm, SK_ai, SK_ar, Integrity algorithm"
	cat "$facts1/ike" "$facts2/ike" | awk '$1 == "key" {
		printf "%s,%s,%s,%s,\"AES-CBC-128 [RFC3602]\",%s,%s,\"HMAC_SHA2_256_128 [RFC4868]\"\n", $4, $5, $6, $7, $8, $9
	}'
} >"$table"

comment1="v6scope $name: strongSwan $ss_version IKEv2 (two charon daemons, one per netns) on one IPv6 link, Linux $(uname -r), captured on bridge v6s-ike0 in its own netns. \
Initiator ini $ADDR_I ($MAC_I), responder res $ADDR_R ($MAC_R); tunnel between inner addresses $IN_I and $IN_R. \
No kernel ESP here: both use strongSwan's userspace IPsec (kernel-libipsec), which does ESP in UDP only, so the initiator forces UDP encapsulation (encap=yes): \
its NAT_DETECTION_SOURCE_IP is faked, both sides report a NAT that is not there, and IKE moves from UDP 500 to 4500 after IKE_SA_INIT. \
Connection cert (RSA certificates, chain root -> intermediate 1 -> intermediate 2 -> host, 3072-bit keys; fragmentation=yes) starts first: its IKE_AUTH is fragmented (RFC 7383) both ways. \
The responder handles IKE_AUTH 1.5 s late (charon receive_delay) and asks for cookies once an IKE SA is half-open (cookie_threshold=1), so connection psk (PSK) started meanwhile gets COOKIE, \
then INVALID_KE_PAYLOAD (initiator sent MODP-2048, responder takes Curve25519 only), then succeeds with the cookie and Curve25519. \
psk: ESP ping, CHILD_SA rekey, IKE SA rekey (CREATE_CHILD_SA), Delete CHILD_SA, Delete IKE SA. \
cert: DPD every 2 s idle, CHILD_SA rekeys by lifetime (8 s), IKE SA rekeys by lifetime (12 s); then the responder hangs (SIGSTOP) and the DPD request goes unanswered: 2 retransmits, then the initiator gives up. \
Decrypt with $name.ikev2_decryption_table (keys from charon's log). Regenerate with pcaps/regen/ikev2-strongswan.sh."
comment2="v6scope $natname: strongSwan $ss_version IKEv2 over IPv4 through a NAT (iptables MASQUERADE, UDP source ports remapped into $NAT_PORTS), Linux $(uname -r). \
Captured on the NAT's two interfaces: v6s-in (inside, $V4_IN.0/24, NAT $NAT_IN) and v6s-out (outside, $V4_OUT.0/24, NAT $NAT_OUT); every packet appears once on each. \
Initiator nini $ADDR_NI behind the NAT, responder nres $ADDR_NR; PSK; tunnel carries IPv6 between $IN_NI and $IN_NR. \
NAT detection (NAT_DETECTION_SOURCE_IP/DESTINATION_IP) finds the NAT, IKE floats from UDP 500 to 4500 for IKE_AUTH, ESP in UDP (userspace IPsec, kernel-libipsec), \
NAT-T keepalives (one 0xff byte, every 3 s while idle) from the initiator, then Delete IKE SA. \
Decrypt with ikev2-strongswan.ikev2_decryption_table. Regenerate with pcaps/regen/ikev2-strongswan.sh."
no_bad_udp_checksum "$raw1"
regen_comment "$comment1" "$raw1" "$outdir/$name.pcapng"
# dumpcap writes each interface's packets a block at a time: put the two
# interfaces' frames back in time order.
reordercap "$raw2" "$work/raw2-sorted.pcapng" >/dev/null
no_bad_udp_checksum "$work/raw2-sorted.pcapng"
regen_comment "$comment2" "$work/raw2-sorted.pcapng" "$outdir/$natname.pcapng"

# tshark must decrypt every encrypted IKE message with the table, and
# find every integrity checksum correct.
wsdir="$work/wireshark"
mkdir -p "$wsdir"
cp "$table" "$wsdir/ikev2_decryption_table"
for f in "$name" "$natname"; do
	enc=$(tshark -r "$outdir/$f.pcapng" -Y "isakmp.exchangetype>=35" 2>/dev/null | wc -l)
	dec=$(WIRESHARK_CONFIG_DIR=$wsdir tshark -r "$outdir/$f.pcapng" -Y isakmp.enc.decrypted 2>/dev/null | wc -l)
	bad=$(WIRESHARK_CONFIG_DIR=$wsdir tshark -r "$outdir/$f.pcapng" -Y isakmp.ikev2.integrity_checksum 2>/dev/null | wc -l)
	log "$f: $enc encrypted IKE messages, $dec decrypted, $bad with a wrong checksum"
	if ((enc == 0 || dec != enc || bad != 0)); then
		echo "decryption table does not decrypt $f.pcapng" >&2
		exit 1
	fi
done

for pair in "$name:$facts1" "$natname:$facts2"; do
	f=${pair%%:*} facts=${pair#*:}
	regen_expect "$outdir/$f.pcapng" "$facts" -scenario ikev2
done
log "wrote $table; the NAT held $nat_conntrack UDP conntrack entries"
