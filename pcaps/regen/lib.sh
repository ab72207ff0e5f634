# shellcheck shell=bash
# pcaps/regen/lib.sh: the pieces every capture regeneration script shares.
# Sourced, never run. A script keeps its own story (topology, scenario,
# facts, capture comment) and takes the rest from here:
#
#   set -euo pipefail
#   . "$(dirname "$0")/lib.sh"
#   regen_timed 90 "$@"                  # the whole run bounded at 90 s
#   regen_need_root "network namespaces, dumpcap"
#   outdir=${1:-$repo/pcaps}
#   name=my-capture
#   regen_need ip dumpcap editcap tshark radvd ping
#   regen_need_go "to write the expect.json"
#   regen_scratch v6s-my-capture         # $work, cleanup on every exit
#   regen_netns_add "$tag-sw" "$tag-a"   # namespaces v6s-<pid>-ROLE
#   ...
#   regen_dumpcap_start "$work/raw.pcapng" "$tag-sw" 60 -i v6s-br0
#   ...
#   regen_dumpcap_stop 1.5
#   regen_comment "$comment" "$work/raw.pcapng" "$outdir/$name.pcapng"
#   regen_expect "$outdir/$name.pcapng" "$facts" -scenario NAME
#
# Globals it sets: here (this directory), repo (the checkout), prog (the
# script's file name), tag (v6s-<pid>), and, once their functions ran,
# work, made_ns, pids, dumpcap_pid. Scripts append to pids the background
# jobs they start; cleanup stops them. See pcaps/regen/README.md.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
prog=$(basename "$0")
# Every namespace is named $tag-ROLE: the pid keeps parallel runs apart.
# shellcheck disable=SC2034 # used by the scripts
tag="v6s-$$"
made_ns=()
pids=()
dumpcap_pid=""

# log MSG...: a time-stamped line on stderr.
log() { printf '%s %s\n' "$(date +%T.%3N)" "$*" >&2; }

# nsx NS CMD...: run CMD inside network namespace NS. (Background jobs
# use `ip netns exec` directly, so that $! is the program itself.)
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# regen_timed [--kill-after=S] SECONDS ARGS...: re-execute the script
# under timeout(1), once, so the whole run ends within SECONDS (KILL S
# seconds later, default 5, if it ignores TERM). Pass the script's "$@".
# V6S_REGEN_TIMED marks the bounded run; mixed.sh clears it for its parts
# so that each is bounded by its own limit.
regen_timed() {
	local kill_after=5
	if [[ $1 == --kill-after=* ]]; then
		kill_after=${1#--kill-after=}
		shift
	fi
	local limit=$1
	shift
	if [[ -z ${V6S_REGEN_TIMED:-} ]]; then
		export V6S_REGEN_TIMED=1
		exec timeout --kill-after="$kill_after" "$limit" bash "$0" "$@"
	fi
}

# regen_need_root WHY: stop unless running as root; WHY says what for.
regen_need_root() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "$prog: must run as root ($1)" >&2
		exit 1
	fi
}

# regen_pkg_of TOOL: the Debian package that provides command TOOL.
regen_pkg_of() {
	case $1 in
	ip | tc | bridge | ss) echo iproute2 ;;
	dumpcap | tshark) echo tshark ;;
	editcap | reordercap | capinfos | mergecap) echo wireshark-common ;;
	iptables | ip6tables) echo iptables ;;
	ping) echo iputils-ping ;;
	rdisc6 | ndisc6) echo ndisc6 ;;
	atk6-*) echo thc-ipv6 ;;
	swanctl) echo strongswan-swanctl ;;
	pki) echo strongswan-pki ;;
	*) echo "$1" ;; # radvd, ethtool, miredo, miredo-server, python3
	esac
}

# regen_missing SPEC...: print the package of every SPEC not present, one
# a line. A SPEC is
#   CMD              a command on PATH; package from regen_pkg_of
#   CMD=PKG          a command on PATH, from package PKG
#   /PATH=PKG        a file that must exist (a daemon or a plugin)
#   py:MODULE=PKG    a module that ${PY:-/usr/bin/python3} can import
regen_missing() {
	local spec what pkg py=${PY:-/usr/bin/python3}
	for spec in "$@"; do
		what=${spec%%=*}
		if [[ $spec == *=* ]]; then pkg=${spec#*=}; else pkg=$(regen_pkg_of "$what"); fi
		case $what in
		py:*) [[ -x $py ]] && "$py" -c "import ${what#py:}" 2>/dev/null && continue ;;
		/*) [[ -e $what ]] && continue ;;
		*) command -v "$what" >/dev/null && continue ;;
		esac
		echo "$pkg"
	done
}

# regen_need SPEC...: make sure the tools are there (SPEC as in
# regen_missing). The policy, the same in every script and the same as
# .ci/run: what is missing is installed with apt-get (no recommends, no
# question asked, no daemon started by the install); when everything is
# present nothing is installed and nothing is fetched. V6S_NO_INSTALL=1,
# or a machine without apt-get, stops instead with the apt-get line to
# run. The script stops if a tool is still missing after the install.
regen_need() {
	local pkgs=()
	mapfile -t pkgs < <(regen_missing "$@" | sort -u)
	((${#pkgs[@]})) || return 0
	if [[ -n ${V6S_NO_INSTALL:-} ]] || ! command -v apt-get >/dev/null; then
		echo "$prog: missing tools; install them with: apt-get install ${pkgs[*]}" >&2
		exit 1
	fi
	echo "installing: ${pkgs[*]}" >&2
	echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
	apt-get update -qq
	# No daemon starts on install (miredo would reach out to a public
	# Teredo server; radvd would advertise on the host's links).
	local prc=/usr/sbin/policy-rc.d made_prc="" rc=0
	if [[ ! -e $prc ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$prc" && chmod 0755 "$prc" && made_prc=1
	fi
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; then
		# A half-configured unrelated package makes apt refuse everything;
		# fetch ours and install them by hand (this works when their own
		# dependencies are already there).
		local dl
		dl=$(mktemp -d /tmp/v6s-debs.XXXXXX)
		(cd "$dl" && chmod 777 . && apt-get download "${pkgs[@]}" && dpkg -i ./*.deb) >/dev/null || rc=1
		rm -rf "$dl"
	fi
	[[ -z $made_prc ]] || rm -f "$prc"
	mapfile -t pkgs < <(regen_missing "$@" | sort -u)
	if ((rc != 0 || ${#pkgs[@]})); then
		echo "$prog: installing ${pkgs[*]:-the missing tools} failed; run apt-get install ${pkgs[*]:-} and read its errors" >&2
		exit 1
	fi
}

# regen_need_go WHY: stop unless go is on PATH (it is not installed:
# Debian's may be too old for go.mod).
regen_need_go() {
	command -v go >/dev/null || {
		echo "$prog: needs go ($1): https://go.dev/dl/" >&2
		exit 1
	}
}

# regen_scratch PREFIX: make the scratch directory $work
# (/tmp/PREFIX.XXXXXX) and arm the cleanup for every way out (EXIT, and
# INT/TERM turned into exits with 130/143).
regen_scratch() {
	work=$(mktemp -d "/tmp/$1.XXXXXX")
	trap regen_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# regen_cleanup: the EXIT trap. It calls the script's regen_cleanup_hook
# first, if the script defines one (to close file descriptors, say); it
# sends CONT then TERM to every pid in pids (a stopped process cannot act
# on TERM) and waits for them; kills, by pid, whatever still runs inside
# the namespaces in made_ns (they are ours alone) and deletes them;
# removes $work unless V6S_KEEP is set. The script's exit status stays.
regen_cleanup() {
	local rc=$? p ns
	set +e
	if declare -F regen_cleanup_hook >/dev/null; then regen_cleanup_hook; fi
	for p in "${pids[@]}"; do
		kill -CONT "$p" 2>/dev/null
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
	if [[ -n ${work:-} ]]; then
		if [[ -n ${V6S_KEEP:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
	fi
	exit "$rc"
}

# regen_netns_add NS...: create each namespace, remember it for the
# cleanup, and bring its loopback up.
regen_netns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns"
		made_ns+=("$ns")
		ip -n "$ns" link set lo up
	done
}

# wait_until SECONDS CMD...: run CMD every 100 ms until it succeeds (0)
# or SECONDS (a whole number) have passed by the clock, CMD's own time
# included (1, logged).
wait_until() {
	local limit=$1
	shift
	local now end
	now=${EPOCHREALTIME/[.,]/}
	end=$((now + limit * 1000000))
	while :; do
		if "$@"; then return 0; fi
		now=${EPOCHREALTIME/[.,]/}
		((now < end)) || break
		sleep 0.1
	done
	log "timed out after ${limit}s waiting for: $*"
	return 1
}

# regen_offload_off NS DEV...: no transmit checksum offload on the
# devices. veths and bridges offload by default, so a UDP datagram sent
# from a namespace crosses the links, and is captured, with only the
# pseudo-header sum in its checksum field (CHECKSUM_PARTIAL): tshark and
# v6scope would call every one corrupt. With tx off the kernel fills the
# checksum in before the packet leaves its sender, before any capture
# sees it (see README.md, "Full checksums").
regen_offload_off() {
	local ns=$1 dev
	shift
	for dev in "$@"; do
		ip netns exec "$ns" ethtool -K "$dev" tx off >/dev/null
	done
}

# regen_dumpcap_start RAW NS SECONDS DUMPCAP_ARGS...: record into RAW from
# inside NS (DUMPCAP_ARGS: -i IFACE, -f FILTER, ...); dumpcap stops by
# itself after SECONDS at the latest. Returns once dumpcap says it is
# capturing (bounded at 10 s; its stderr is RAW.err) plus 0.3 s. Sets
# dumpcap_pid and adds it to pids.
regen_dumpcap_start() {
	local raw=$1 ns=$2 secs=$3
	shift 3
	ip netns exec "$ns" dumpcap -q "$@" -w "$raw" -a "duration:$secs" 2>"$raw.err" &
	dumpcap_pid=$!
	pids+=("$dumpcap_pid")
	wait_until 10 grep -qs 'Capturing on' "$raw.err" || {
		cat "$raw.err" >&2
		exit 1
	}
	sleep 0.3
}

# regen_dumpcap_stop SECONDS: wait SECONDS, then stop dumpcap and wait for
# it. dumpcap gets packets a ring block at a time and drops the
# unfinished block on SIGTERM: the wait lets the last frames reach the
# file. TERM, not INT: background jobs start with SIGINT ignored.
regen_dumpcap_stop() {
	sleep "$1"
	kill -TERM "$dumpcap_pid"
	wait "$dumpcap_pid" 2>/dev/null || true
}

# regen_snapshot FACTSDIR NODE NS DEV [LINKDEV]: the ip -j views of one
# node that expectgen reads: FACTSDIR/NODE.{link,addr,neigh,route}.json
# and NODE.mtu6, of DEV (the link of LINKDEV, if given: the device on
# the captured link when the addresses live on a tunnel).
regen_snapshot() {
	local facts=$1 node=$2 ns=$3 dev=$4 linkdev=${5:-$4}
	ip -n "$ns" -j link show dev "$linkdev" >"$facts/$node.link.json"
	ip -n "$ns" -j -6 addr show dev "$dev" >"$facts/$node.addr.json"
	ip -n "$ns" -j -6 neigh show dev "$dev" >"$facts/$node.neigh.json"
	ip -n "$ns" -j -6 route show dev "$dev" >"$facts/$node.route.json"
	nsx "$ns" sysctl -n "net.ipv6.conf.$dev.mtu" >"$facts/$node.mtu6"
}

# regen_comment COMMENT IN OUT: OUT is capture IN with COMMENT as its
# capture (section header) comment. Written in $work first, so that a
# failure leaves no half-written OUT; OUT's directory is made.
regen_comment() {
	local tmp
	tmp="$work/comment.$(basename "$3")"
	editcap --capture-comment "$1" "$2" "$tmp"
	mkdir -p "$(dirname "$3")"
	cp "$tmp" "$3"
}

# regen_expect PCAP FACTSDIR EXPECTGEN_ARGS...: write PCAP's expect.json
# beside it (NAME.pcapng -> NAME.expect.json) with expectgen, the script
# named as generator, the key frames printed as Markdown on stdout.
regen_expect() {
	local pcap=$1 facts=$2
	shift 2
	local out=${pcap%.pcapng}.expect.json
	(cd "$repo" && go run ./pcaps/regen/expectgen "$@" -pcap "$pcap" -facts "$facts" \
		-generator "pcaps/regen/$prog" -markdown -o "$out")
	log "wrote $pcap ($(stat -c %s "$pcap") bytes) and $(basename "$out")"
}
