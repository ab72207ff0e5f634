#!/usr/bin/env bash
# Checks pcaps/regen/lib.sh: the tools policy's lookups, the bounded waits,
# the whole-run bound, and the cleanup (namespaces gone, a stopped job
# ended, the scratch directory removed or kept, the exit status kept).
#
# Usage: sudo pcaps/regen/lib-test.sh
# Needs root for the cleanup cases (one namespace, v6s-<pid>-x, made and
# deleted by a child script); without root it runs the rest and says what
# it skipped. Installs nothing (the install path is not exercised: it
# would change the machine). Takes about 5 s.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/v6s-libtest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
pass() { printf 'ok   %s\n' "$*"; }
fail() {
	printf 'FAIL %s\n' "$*"
	failed=1
}
# check NAME GOT WANT
check() { if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1: got [$2], want [$3]"; fi; }

# ---- regen_missing: which packages a script would ask for ------------------
# Each expectation follows from the spec forms documented in lib.sh:
# present commands and files ask for nothing; a missing command's package
# comes from the table (atk6-* is thc-ipv6) or from =PKG.
got=$(
	# shellcheck source=lib.sh
	. "$here/lib.sh"
	regen_missing sh /bin/sh=pkgA /nonexistent/v6s=pkgB atk6-v6s-none \
		v6s-none-cmd v6s-none-cmd2=pkgC py:sys=pkgD py:v6s_no_module=pkgE | paste -sd' '
)
check "regen_missing" "$got" "pkgB thc-ipv6 v6s-none-cmd pkgC pkgE"
got=$(
	. "$here/lib.sh"
	for t in ip tc bridge dumpcap tshark editcap mergecap ip6tables ping rdisc6 swanctl pki radvd; do
		regen_pkg_of "$t"
	done | paste -sd' '
)
check "regen_pkg_of" "$got" "iproute2 iproute2 iproute2 tshark tshark wireshark-common wireshark-common iptables iputils-ping ndisc6 strongswan-swanctl strongswan-pki radvd"

# ---- regen_need with V6S_NO_INSTALL: prints the apt-get line, stops ---------
out=$(V6S_NO_INSTALL=1 bash -c '. "$1/lib.sh"; regen_need sh v6s-none-cmd=pkgZ v6s-none-2=pkgY; echo not-reached' x "$here" 2>&1)
rc=$?
check "regen_need stops (V6S_NO_INSTALL=1)" "$rc" 1
case $out in
*"apt-get install pkgY pkgZ"*) pass "regen_need names the packages" ;;
*) fail "regen_need message: $out" ;;
esac
out=$(bash -c '. "$1/lib.sh"; regen_need sh; echo present' x "$here" 2>&1)
check "regen_need with everything present installs nothing" "$out" present

# ---- wait_until: by the clock, CMD's own time included ---------------------
ms() { echo $((${EPOCHREALTIME/[.,]/} / 1000)); }
t0=$(ms)
(
	. "$here/lib.sh"
	wait_until 1 false 2>/dev/null
)
rc=$? dt=$(($(ms) - t0))
check "wait_until 1 false fails" "$rc" 1
if ((dt >= 1000 && dt < 1500)); then pass "wait_until 1 false took ${dt} ms"; else fail "wait_until 1 false took ${dt} ms (want 1000-1500)"; fi
# A CMD that takes 0.4 s itself: a count of 10 polls would take 5 s.
(
	. "$here/lib.sh"
	wait_until 1 sleep 0.4 2>/dev/null
)
check "wait_until returns CMD's success" "$?" 0
t0=$(ms)
(
	. "$here/lib.sh"
	slow_false() {
		sleep 0.4
		return 1
	}
	wait_until 1 slow_false 2>/dev/null
)
dt=$(($(ms) - t0))
if ((dt < 2000)); then pass "wait_until 1 with a 0.4 s CMD took ${dt} ms"; else fail "wait_until 1 with a 0.4 s CMD took ${dt} ms (want < 2000)"; fi

# ---- regen_timed and the cleanup: a child script -----------------------------
if [[ $(id -u) -ne 0 ]]; then
	echo "skip regen_timed/cleanup cases: they need root (a network namespace); run with sudo"
	exit "$failed"
fi
cp "$here/lib.sh" "$tmp/lib.sh"
cat >"$tmp/child.sh" <<'EOF'
#!/usr/bin/env bash
# child.sh OUT MODE: one namespace, a job in it, a stopped job in it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
regen_timed 2 "$@"
regen_need_root "lib-test"
regen_scratch v6s-libtest-child
regen_netns_add "$tag-x"
ip netns exec "$tag-x" sleep 30 &
pids+=("$!")
ip netns exec "$tag-x" sh -c 'kill -STOP $$; exec sleep 30' &
pids+=("$!")
printf '%s %s %s\n' "$tag-x" "$work" "$!" >"$1"
case $2 in
fail) exit 7 ;;
hang) sleep 10 ;;
esac
EOF
chmod +x "$tmp/child.sh"
# MODE WANT_RC KEEP
for c in "ok 0 ''" "fail 7 ''" "hang 124 ''" "ok 0 1"; do
	eval "set -- $c"
	mode=$1 want=$2 keep=$3
	t0=$(ms)
	V6S_KEEP=$keep "$tmp/child.sh" "$tmp/out" "$mode" 2>/dev/null
	rc=$? dt=$(($(ms) - t0))
	read -r ns work stopped <"$tmp/out"
	check "child $mode${keep:+ (V6S_KEEP)}: exit status" "$rc" "$want"
	check "child $mode: namespace deleted" "$(ip netns list | awk -v n="$ns" '$1 == n' | wc -l)" 0
	check "child $mode: stopped job ended" "$(kill -0 "$stopped" 2>/dev/null && echo alive || echo gone)" gone
	if [[ -n $keep ]]; then
		check "child $mode: V6S_KEEP keeps \$work" "$([[ -d $work ]] && echo kept || echo gone)" kept
		rm -rf "$work"
	else
		check "child $mode: \$work removed" "$([[ -e $work ]] && echo kept || echo gone)" gone
	fi
	if [[ $mode == hang ]]; then
		if ((dt >= 2000 && dt < 4000)); then pass "regen_timed 2 ended a hanging run after ${dt} ms"; else fail "regen_timed 2: ${dt} ms"; fi
	fi
done
exit "$failed"
