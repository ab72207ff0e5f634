#!/usr/bin/python3
"""Mobile IPv6 / NEMO actors for pcaps/regen/mipv6-scapy.sh.

No Mobile IPv6 implementation is packaged for Debian and the recording
kernel has no CONFIG_IPV6_MIP6, so the mobility signalling is done here,
with scapy's MIPv6 classes, one process per network namespace:

  ha  home agent (RFC 6275 sec. 10, RFC 3963): answers Binding Updates
      from its binding cache (sequence window, lifetime cap, NEMO prefix
      authorisation), puts a proxy neighbor entry for each home address
      into the kernel (the kernel then answers NS for it on the home
      link), reverse-tunnels and tunnels IPv6-in-IPv6 to the care-of
      address.
  cn  correspondent node (RFC 6275 sec. 9): return routability with a
      secret Kcn and time-based nonces (sec. 5.2), checks the Binding
      Authorization Data of each BU, keeps a binding cache, answers
      route-optimised echo requests with a type 2 routing header, sends a
      Binding Refresh Request when a used binding is about to expire and a
      Binding Error for a Home Address option it has no binding for.
  mn  mobile node (RFC 6275 sec. 11): the scenario driver.
  mr  mobile router (RFC 3963): NEMO registration and one packet from its
      mobile network.

Packets are built with scapy and sent through the kernel with an
IPPROTO_RAW socket (the kernel routes them and resolves the next hop with
its own Neighbor Discovery); they are received with a packet socket. The
kernels drop the mobility packets they cannot process (ip6tables, set up by
the shell script) instead of answering them with Parameter Problems.

Every actor appends JSON lines describing what it did to STATE/ROLE.log.
"""

import argparse
import hashlib
import hmac
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

from scapy.config import conf

conf.verb = 0
from scapy.layers.inet6 import (  # noqa: E402
    HAO,
    ICMPv6EchoReply,
    ICMPv6EchoRequest,
    IPv6,
    IPv6ExtHdrDestOpt,
    IPv6ExtHdrRouting,
    MIP6MH_BA,
    MIP6MH_BE,
    MIP6MH_BRR,
    MIP6MH_BU,
    MIP6MH_CoT,
    MIP6MH_CoTI,
    MIP6MH_HoT,
    MIP6MH_HoTI,
    MIP6OptBindingAuthData,
    MIP6OptBRAdvice,
    MIP6OptMobNetPrefix,
    MIP6OptNonceIndices,
)
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.sendrecv import AsyncSniffer  # noqa: E402

# RFC 6275 sec. 12 and our lab policies. Lifetimes are in MH units of 4 s.
HA_MAX_LIFETIME = 15  # 60 s: the HA caps what the MN asks for
HA_REFRESH_ADVICE = 1  # Binding Refresh Advice: refresh after 4 s
CN_MAX_LIFETIME = 2  # 8 s; RFC 6275 allows up to MAX_RR_BINDING_LIFETIME 420 s
CN_NONCE_PERIOD = 5.0  # s between new nonces (RFC: MAX_NONCE_LIFETIME 240 s)
CN_NONCES_KEPT = 4
BRR_BEFORE = 4.0  # s before a used binding expires, the CN asks for a refresh

MH = 135  # IPPROTO_MH


def seq_greater(a, b):
    """RFC 6275 sec. 9.5.1: a is newer than b, modulo 2**16."""
    return 0 < ((a - b) & 0xFFFF) < 0x8000


def first(n_bits, data):
    return data[: n_bits // 8]


def keygen_token(kcn, addr, nonce, which):
    """RFC 6275 sec. 5.2.5: First(64, HMAC_SHA1(Kcn, (addr | nonce | 0 or 1)))."""
    msg = socket.inet_pton(socket.AF_INET6, addr) + nonce + bytes([which])
    return first(64, hmac.new(kcn, msg, hashlib.sha1).digest())


def binding_key(home_token, careof_token):
    """RFC 6275 sec. 5.2.6: Kbm = SHA1(home keygen token | care-of keygen token);
    careof_token None for a Binding Update that deletes the binding, whose
    key is SHA1(home keygen token) alone (see dereg_auth)."""
    return hashlib.sha1(home_token + (careof_token or b"")).digest()


def is_deregistration(lifetime, coa, hoa):
    """RFC 6275 sec. 5.2.6, 6.1.7, 9.5.1: a BU with lifetime 0, or whose
    care-of address is the home address, deletes the binding."""
    return lifetime == 0 or coa == hoa


def auth_inputs(home_token, careof_token, coa, hoa, dereg):
    """The key and the care-of address a Binding Authorization Data
    authenticator is computed with (RFC 6275 sec. 5.2.6, 6.2.7): for a
    deregistration "the care-of keygen token is not used ... Kbm =
    SHA1(home keygen token)", and the care-of address is "the home address
    of the mobile node if this option is used in de-registration" -- also
    when the BU is sent from the care-of address with lifetime 0. The CN's
    BA answering it is computed the same way."""
    if dereg:
        return binding_key(home_token, None), hoa
    return binding_key(home_token, careof_token), coa


def authenticator(kbm, coa, cn, mh_data):
    """RFC 6275 sec. 6.2.7: First(96, HMAC_SHA1(Kbm, (care-of address |
    correspondent | MH Data))), MH Data being the Mobility Header with a
    zero checksum and without the Authenticator field itself."""
    msg = (socket.inet_pton(socket.AF_INET6, coa) + socket.inet_pton(socket.AF_INET6, cn) + mh_data)
    return first(96, hmac.new(kbm, msg, hashlib.sha1).digest())


def with_bad(mh, kbm, coa, cn):
    """Fills in the Binding Authorization Data option (the last option of
    mh) and returns mh. The BAD option must be last and end the message."""
    bad = mh.options[-1]
    assert isinstance(bad, MIP6OptBindingAuthData)
    mh.cksum = 0
    bad.authenticator = 0
    raw = bytes(mh)
    # The option (type 5, length 12) ends the message: no padding after it.
    assert len(raw) % 8 == 0 and raw[-14] == 5 and raw[-13] == 12, raw.hex()
    auth = authenticator(kbm, coa, cn, raw[:-12])
    bad.authenticator = int.from_bytes(auth, "big")
    mh.cksum = None  # scapy computes it over the right pseudo-header
    return mh, auth


def check_bad(mh, kbm, coa, cn):
    """Returns True if the BU/BA's authenticator verifies."""
    raw = bytearray(bytes(mh))
    if len(raw) < 14 or raw[-14] != 5 or raw[-13] != 12:
        return False
    got = bytes(raw[-12:])
    raw[4:6] = b"\0\0"  # checksum as zero
    return hmac.compare_digest(got, authenticator(kbm, coa, cn, bytes(raw[:-12])))


class Actor:
    def __init__(self, args):
        self.args = args
        self.iface = args.iface
        self.mac = open(f"/sys/class/net/{self.iface}/address").read().strip()
        self.raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.logf = open(os.path.join(args.state, f"{args.role}.log"), "a")
        self.inbox = queue.Queue()
        self.sniffer = AsyncSniffer(
            iface=self.iface, store=False, prn=self.inbox.put,
            lfilter=lambda p: Ether in p and p[Ether].dst == self.mac and IPv6 in p)
        self.sniffer.start()
        # AsyncSniffer opens its socket in its thread: give it a moment.
        deadline = time.time() + 3
        while getattr(self.sniffer, "running", False) is False and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)

    def log(self, event, **kw):
        kw = {"t": round(time.time(), 6), "role": self.args.role, "event": event, **kw}
        self.logf.write(json.dumps(kw, sort_keys=True) + "\n")
        self.logf.flush()
        print(json.dumps(kw, sort_keys=True), file=sys.stderr)

    def send(self, pkt):
        data = bytes(pkt)
        self.raw.sendto(data, (pkt[IPv6].dst, 0))
        return pkt

    def recv(self, timeout):
        try:
            return self.inbox.get(timeout=max(timeout, 0))
        except queue.Empty:
            return None

    def run_until(self, deadline):
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        while time.time() < deadline and not stop:
            p = self.recv(min(0.2, deadline - time.time()))
            self.tick()
            if p is not None:
                try:
                    self.handle(p[IPv6])
                except Exception as e:  # a bad packet must not stop the actor
                    self.log("error", error=repr(e))

    def tick(self):
        pass


def ba_packet(src, coa, hoa, **ba):
    """A Binding Acknowledgement to the care-of address with a type 2 routing
    header carrying the home address (RFC 6275 sec. 6.1.8, 6.4, 9.5.4)."""
    return (IPv6(src=src, dst=coa, hlim=64)
            / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa])
            / MIP6MH_BA(**ba))


def bu_packet(coa, dst, hoa, **bu):
    """A Binding Update from the care-of address with the Home Address
    destination option (RFC 6275 sec. 6.1.7, 6.3, 11.7.1)."""
    return (IPv6(src=coa, dst=dst, hlim=64)
            / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)])
            / MIP6MH_BU(**bu))


class HomeAgent(Actor):
    def __init__(self, args):
        self.cache = {}  # hoa -> {"coa","seq","lifetime","expires","prefixes"}
        self.nemo = dict(x.split("=") for x in args.nemo)  # MR hoa -> prefix
        super().__init__(args)
        self.log("start", address=args.addr, mac=self.mac)

    def ip(self, *cmd):
        subprocess.run(["ip", "-6", *cmd], check=False, stderr=subprocess.DEVNULL)

    def handle(self, p):
        if p.dst == self.args.addr and p.nh == 41 and IPv6 in p.payload:
            return self.reverse_tunnel(p, p.payload)
        if p.dst == self.args.addr and MIP6MH_BU in p and HAO in p:
            return self.binding_update(p)
        # Intercepted on the home link (proxy ND) or routed to a mobile
        # network prefix: tunnel to the care-of address (RFC 6275 sec. 10.4.2),
        # except Neighbor Discovery for the home address (the kernel's).
        if p.nh == 58 and bytes(p.payload)[:1] and bytes(p.payload)[0] in range(133, 138):
            return
        for hoa, b in self.cache.items():
            if p.dst == hoa or any(in_prefix(p.dst, pfx) for pfx in b["prefixes"]):
                inner = p.copy()
                inner.hlim -= 1
                self.send(IPv6(src=self.args.addr, dst=b["coa"], hlim=64) / inner)
                self.log("tunnel", hoa=hoa, coa=b["coa"], inner_src=p.src, inner_dst=p.dst)
                return

    def reverse_tunnel(self, outer, inner):
        for hoa, b in self.cache.items():
            ok_src = inner.src == hoa or any(in_prefix(inner.src, x) for x in b["prefixes"])
            if b["coa"] == outer.src and ok_src:
                inner = inner.copy()
                inner.hlim -= 1
                self.send(inner)
                self.log("reverse_tunnel", hoa=hoa, coa=outer.src, inner_src=inner.src, inner_dst=inner.dst)
                return
        self.log("tunnel_drop", outer_src=outer.src, inner_src=inner.src)

    def binding_update(self, p):
        bu, hoa, coa = p[MIP6MH_BU], p[HAO].hoa, p.src
        flags = str(bu.flags)
        old = self.cache.get(hoa)
        status, seq_back, lifetime, rflag = 0, bu.seq, min(bu.mhtime, HA_MAX_LIFETIME), "R" in flags
        prefixes = [f"{o.prefix}/{o.plen}" for o in bu.options if isinstance(o, MIP6OptMobNetPrefix)]
        if "H" not in flags:
            status = 131  # home registration not supported (not an H BU)
        elif old is not None and not seq_greater(bu.seq, old["seq"]):
            status, seq_back, lifetime = 135, old["seq"], 0  # sec. 9.5.1
        elif rflag and (hoa not in self.nemo or any(x != self.nemo[hoa] for x in prefixes)):
            status, lifetime = 142, 0  # RFC 3963 sec. 6.6: not authorized for prefix
        elif rflag and not prefixes:
            status, prefixes, lifetime = 0, [self.nemo.get(hoa)], lifetime  # implicit mode
        kind = "rejected"
        if status < 128:
            if bu.mhtime == 0:
                kind = "deregistered"
                self.unbind(hoa)
            else:
                kind = "refreshed" if old is not None and old["coa"] == coa else "registered"
                self.bind(hoa, coa, bu.seq, lifetime, prefixes if rflag else [])
        opts = []
        if status < 128 and lifetime > 0:
            opts = [MIP6OptBRAdvice(rinter=HA_REFRESH_ADVICE)]
        ba = ba_packet(self.args.addr, coa, hoa, status=status, flags="R" if rflag and status < 128 else 0,
                       seq=seq_back, mhtime=lifetime, options=opts)
        self.send(ba)
        self.log("bu", hoa=hoa, coa=coa, seq=bu.seq, flags=flags, lifetime=bu.mhtime,
                 prefixes=prefixes, status=status, ba_seq=seq_back, ba_lifetime=lifetime, result=kind)

    def bind(self, hoa, coa, seq, lifetime, prefixes):
        new = hoa not in self.cache
        self.cache[hoa] = {"coa": coa, "seq": seq, "lifetime": lifetime,
                           "expires": time.time() + 4 * lifetime, "prefixes": prefixes}
        if new:
            # The kernel answers NS for the home address on the home link
            # (RFC 6275 sec. 10.4.1) and drops what it would otherwise
            # forward: the HA tunnels it from here.
            self.ip("neigh", "add", "proxy", hoa, "dev", self.iface)
            self.ip("route", "add", "blackhole", hoa + "/128")
            for pfx in prefixes:
                self.ip("route", "add", "blackhole", pfx)

    def unbind(self, hoa):
        b = self.cache.pop(hoa, None)
        if b is None:
            return
        self.ip("neigh", "del", "proxy", hoa, "dev", self.iface)
        self.ip("route", "del", "blackhole", hoa + "/128")
        for pfx in b["prefixes"]:
            self.ip("route", "del", "blackhole", pfx)

    def finish(self):
        self.log("cache", bindings=self.cache)


def in_prefix(addr, prefix):
    import ipaddress
    try:
        return ipaddress.IPv6Address(addr) in ipaddress.IPv6Network(prefix, strict=False)
    except ValueError:
        return False


class Correspondent(Actor):
    def __init__(self, args):
        self.kcn = os.urandom(20)  # RFC 6275 sec. 5.2.1: 20 octets
        self.nonces = {}  # index -> (nonce, created)
        self.nonce_index = int.from_bytes(os.urandom(2), "big") & 0x0FFF | 0x0100
        self.cache = {}  # hoa -> {"coa","seq","expires","used","brr","kbm"}
        super().__init__(args)
        self.new_nonce()
        self.log("start", address=args.addr, kcn=self.kcn.hex(), mac=self.mac)

    def new_nonce(self):
        self.nonce_index = (self.nonce_index + 1) & 0xFFFF
        self.nonces[self.nonce_index] = (os.urandom(8), time.time())
        for old in sorted(self.nonces)[:-CN_NONCES_KEPT]:
            del self.nonces[old]
        self.log("nonce", index=self.nonce_index, nonce=self.nonces[self.nonce_index][0].hex())

    def tick(self):
        if time.time() - self.nonces[self.nonce_index][1] > CN_NONCE_PERIOD:
            self.new_nonce()
        now = time.time()
        for hoa, b in self.cache.items():
            # RFC 6275 sec. 9.5.5: a binding in active use that is about to
            # expire may be refreshed by asking for it.
            if b["used"] and not b["brr"] and b["expires"] - now < BRR_BEFORE:
                b["brr"] = True
                self.send(IPv6(src=self.args.addr, dst=b["coa"], hlim=64)
                          / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa])
                          / MIP6MH_BRR())
                self.log("brr", hoa=hoa, coa=b["coa"], remaining=round(b["expires"] - now, 3))

    def handle(self, p):
        if p.dst != self.args.addr:
            return
        if MIP6MH_HoTI in p and type(p[MIP6MH_HoTI]) is MIP6MH_HoTI:
            return self.test_init(p, p[MIP6MH_HoTI], 0)
        if MIP6MH_CoTI in p:
            return self.test_init(p, p[MIP6MH_CoTI], 1)
        if MIP6MH_BU in p:
            return self.binding_update(p)
        if HAO in p:
            return self.home_address_data(p)

    def test_init(self, p, ti, which):
        nonce, _ = self.nonces[self.nonce_index]
        token = keygen_token(self.kcn, p.src, nonce, which)
        cls = MIP6MH_CoT if which else MIP6MH_HoT
        self.send(IPv6(src=self.args.addr, dst=p.src, hlim=64)
                  / cls(index=self.nonce_index, cookie=ti.cookie, token=token))
        self.log("cot" if which else "hot", to=p.src, index=self.nonce_index,
                 nonce=nonce.hex(), cookie=bytes(ti.cookie).hex(), token=token.hex())

    def binding_update(self, p):
        bu, coa = p[MIP6MH_BU], p.src
        if HAO not in p:
            return self.log("bu_drop", reason="no Home Address option")
        hoa = p[HAO].hoa
        ni = [o for o in bu.options if isinstance(o, MIP6OptNonceIndices)]
        if not ni:
            return self.log("bu_drop", reason="no Nonce Indices")
        hni, coni = ni[0].hni, ni[0].coni
        status = 0
        if hni not in self.nonces and coni not in self.nonces:
            status = 138
        elif hni not in self.nonces:
            status = 136
        elif coni not in self.nonces and bu.mhtime != 0:
            status = 137
        kbm, auth_coa = None, coa
        dereg = is_deregistration(bu.mhtime, coa, hoa)
        if status == 0:
            htok = keygen_token(self.kcn, hoa, self.nonces[hni][0], 0)
            ctok = None if dereg else keygen_token(self.kcn, coa, self.nonces[coni][0], 1)
            kbm, auth_coa = auth_inputs(htok, ctok, coa, hoa, dereg)
            if not check_bad(bu, kbm, auth_coa, self.args.addr):
                # sec. 9.5.1: an authenticator that does not verify: drop.
                return self.log("bu_drop", reason="authenticator does not verify", hoa=hoa, seq=bu.seq)
            old = self.cache.get(hoa)
            if old is not None and not seq_greater(bu.seq, old["seq"]):
                status = 135
        lifetime, seq_back, result = 0, bu.seq, "rejected"
        if status == 0:
            if bu.mhtime == 0:
                self.cache.pop(hoa, None)
                result = "deregistered"
            else:
                lifetime = min(bu.mhtime, CN_MAX_LIFETIME)
                result = "refreshed" if hoa in self.cache else "registered"
                self.cache[hoa] = {"coa": coa, "seq": bu.seq, "expires": time.time() + 4 * lifetime,
                                   "used": False, "brr": False}
        elif status == 135:
            seq_back = self.cache[hoa]["seq"]
        self.log("bu", hoa=hoa, coa=coa, seq=bu.seq, lifetime=bu.mhtime, hni=hni, coni=coni,
                 status=status, ba_lifetime=lifetime, result=result, deregistration=dereg,
                 kbm=kbm.hex() if kbm else None, auth_coa=auth_coa,
                 authenticator=bytes(bu.options[-1])[2:].hex())
        if "A" in str(bu.flags) or status >= 128:
            ba = MIP6MH_BA(status=status, flags=0, seq=seq_back, mhtime=lifetime,
                           options=[MIP6OptBindingAuthData(olen=12)] if kbm else [])
            auth = b""
            if kbm:
                ba, auth = with_bad(ba, kbm, auth_coa, self.args.addr)
            self.send(IPv6(src=self.args.addr, dst=coa, hlim=64)
                      / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa]) / ba)
            self.log("ba", hoa=hoa, coa=coa, status=status, seq=seq_back, lifetime=lifetime,
                     authenticator=auth.hex())

    def home_address_data(self, p):
        hoa, coa = p[HAO].hoa, p.src
        b = self.cache.get(hoa)
        if b is None or b["coa"] != coa:
            # RFC 6275 sec. 9.3.1: no binding for this Home Address option.
            self.send(IPv6(src=self.args.addr, dst=coa, hlim=64) / MIP6MH_BE(status=1, ha=hoa))
            return self.log("be", hoa=hoa, coa=coa, status=1)
        b["used"] = True
        if ICMPv6EchoRequest in p:
            q = p[ICMPv6EchoRequest]
            self.send(IPv6(src=self.args.addr, dst=coa, hlim=64)
                      / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa])
                      / ICMPv6EchoReply(id=q.id, seq=q.seq, data=q.data))
            self.log("echo_reply", hoa=hoa, coa=coa, id=q.id, seq=q.seq)

    def finish(self):
        self.log("cache", bindings={h: {k: v for k, v in b.items() if k != "kbm"} for h, b in self.cache.items()})


class Mobile(Actor):
    """Mobile node or mobile router: sends and waits, step by step."""

    def __init__(self, args):
        super().__init__(args)
        self.hoa, self.coa, self.ha, self.cn = args.hoa, args.coa, args.ha, args.cn
        self.log("start", hoa=self.hoa, coa=self.coa, ha=self.ha, cn=self.cn, mac=self.mac)

    def handle(self, p):
        pass

    def expect(self, what, pred, timeout=3.0):
        """Waits for a packet for which pred(ipv6) is true; others are logged."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            p = self.recv(deadline - time.time())
            if p is None:
                break
            p = p[IPv6]
            if pred(p):
                return p
            self.log("ignored", summary=p.summary())
        raise SystemExit(f"{self.args.role}: no {what} within {timeout} s")

    def home_bu(self, seq, lifetime, flags="AH", options=(), note=""):
        self.send(bu_packet(self.coa, self.ha, self.hoa, seq=seq, flags=flags, mhtime=lifetime,
                            options=list(options)))
        ba = self.expect("BA from HA", lambda p: MIP6MH_BA in p and p.src == self.ha)
        b = ba[MIP6MH_BA]
        self.log("home_ba", seq_sent=seq, lifetime_asked=lifetime, status=b.status, seq=b.seq,
                 lifetime=b.mhtime, flags=str(b.flags), note=note,
                 rh2=ba[IPv6ExtHdrRouting].addresses if IPv6ExtHdrRouting in ba else None)
        return b

    def tunnel(self, inner):
        """Reverse tunnel through the home agent (RFC 6275 sec. 11.3.1)."""
        return self.send(IPv6(src=self.coa, dst=self.ha, hlim=64) / inner)


def from_tunnel(p, ha):
    return p.src == ha and p.nh == 41 and IPv6 in p.payload


class MobileNode(Mobile):
    def run(self):
        a = self.args
        # 1. Home registration (RFC 6275 sec. 11.7.1): A and H set, K clear
        # (no IPsec here, see the README), a lifetime of 120 s asked for.
        seq = a.seq
        self.home_bu(seq, 30, note="home registration")
        # 2. Reverse-tunnelled ping to the CN; the CN's kernel answers, the
        # HA intercepts the reply on the home link and tunnels it back.
        self.tunnel(IPv6(src=self.hoa, dst=self.cn, hlim=64) / ICMPv6EchoRequest(id=0x4d4e, seq=1, data=b"via home agent"))
        self.expect("tunnelled echo reply", lambda p: from_tunnel(p, self.ha) and ICMPv6EchoReply in p)
        self.log("echo_reply", path="tunnel")
        time.sleep(0.2)
        # 3. Return routability: HoTI through the tunnel, CoTI direct.
        hc, cc = os.urandom(8), os.urandom(8)
        self.tunnel(IPv6(src=self.hoa, dst=self.cn, hlim=64) / MIP6MH_HoTI(cookie=hc))
        self.send(IPv6(src=self.coa, dst=self.cn, hlim=64) / MIP6MH_CoTI(cookie=cc))
        got = {}
        while len(got) < 2:
            p = self.expect("HoT and CoT", lambda p: MIP6MH_HoT in p or MIP6MH_CoT in p)
            if MIP6MH_CoT in p and bytes(p[MIP6MH_CoT].cookie) == cc:
                got["cot"] = p[MIP6MH_CoT]
            elif MIP6MH_HoT in p and type(p[MIP6MH_HoT]) is MIP6MH_HoT and bytes(p[MIP6MH_HoT].cookie) == hc:
                if not from_tunnel(p, self.ha):
                    self.log("warning", msg="HoT not received through the tunnel")
                got["hot"] = p[MIP6MH_HoT]
        hot, cot = got["hot"], got["cot"]
        tokens = (bytes(hot.token), bytes(cot.token))
        kbm = binding_key(*tokens)
        self.log("rr_complete", home_cookie=hc.hex(), careof_cookie=cc.hex(), hni=hot.index, coni=cot.index,
                 home_token=tokens[0].hex(), careof_token=tokens[1].hex(), kbm=kbm.hex(),
                 kbm_deregistration=binding_key(tokens[0], None).hex())
        # 4. Route optimisation: BU to the CN, authorised by Kbm.
        cseq = a.cn_seq
        self.cn_bu(cseq, 30, tokens, hot.index, cot.index, "route optimisation")
        # 5. A route-optimised echo: HAO out, type 2 routing header back.
        self.send(IPv6(src=self.coa, dst=self.cn, hlim=64) / IPv6ExtHdrDestOpt(options=[HAO(hoa=self.hoa)])
                  / ICMPv6EchoRequest(id=0x4d4e, seq=2, data=b"route optimised"))
        self.expect("route-optimised echo reply", lambda p: ICMPv6EchoReply in p and IPv6ExtHdrRouting in p)
        self.log("echo_reply", path="route optimised")
        # 6. Home refresh when the Binding Refresh Advice says so (4 s).
        time.sleep(4 * HA_REFRESH_ADVICE - 1.0)
        seq += 1
        self.home_bu(seq, 30, note="refresh (Binding Refresh Advice)")
        # 7. The CN asks for a refresh before its short binding expires.
        self.expect("BRR from CN", lambda p: MIP6MH_BRR in p and p.src == self.cn, timeout=8)
        self.log("brr_received")
        cseq += 1
        self.cn_bu(cseq, 30, tokens, hot.index, cot.index, "refresh after BRR")
        # 8. The MN's mobility daemon restarts and forgets its sequence
        # number: the HA rejects the BU (135) and says the last one it took.
        time.sleep(0.3)
        b = self.home_bu(a.restart_seq, 30, note="after restart, stale sequence number")
        seq = (b.seq + 1) & 0xFFFF
        self.home_bu(seq, 30, note="retry with the HA's last accepted sequence number + 1")
        # 9. Deregistration with the CN (lifetime 0), authorised by
        # SHA1(home keygen token) over the home address (sec. 5.2.6, 6.2.7).
        time.sleep(0.3)
        cseq += 1
        self.cn_bu(cseq, 0, tokens, hot.index, cot.index, "deregistration")
        # 10. A stale route-optimised packet: the CN has no binding any more.
        self.send(IPv6(src=self.coa, dst=self.cn, hlim=64) / IPv6ExtHdrDestOpt(options=[HAO(hoa=self.hoa)])
                  / ICMPv6EchoRequest(id=0x4d4e, seq=3, data=b"stale binding"))
        be = self.expect("Binding Error", lambda p: MIP6MH_BE in p)
        self.log("be_received", status=be[MIP6MH_BE].status, hoa=be[MIP6MH_BE].ha)
        # 11. Deregistration with the HA.
        time.sleep(0.3)
        seq += 1
        self.home_bu(seq, 0, note="deregistration")

    def cn_bu(self, seq, lifetime, tokens, hni, coni, note):
        """A BU to the CN. The Nonce Indices keep the care-of index even
        when deregistering: the CN ignores it then (sec. 6.2.6, 9.5.1)."""
        dereg = is_deregistration(lifetime, self.coa, self.hoa)
        kbm, auth_coa = auth_inputs(*tokens, self.coa, self.hoa, dereg)
        mh = MIP6MH_BU(seq=seq, flags="A", mhtime=lifetime,
                       options=[MIP6OptNonceIndices(olen=4, hni=hni, coni=coni), MIP6OptBindingAuthData(olen=12)])
        mh, auth = with_bad(mh, kbm, auth_coa, self.cn)
        self.send(IPv6(src=self.coa, dst=self.cn, hlim=64) / IPv6ExtHdrDestOpt(options=[HAO(hoa=self.hoa)]) / mh)
        ba = self.expect("BA from CN", lambda p: MIP6MH_BA in p and p.src == self.cn)
        b = ba[MIP6MH_BA]
        ok = check_bad(b, kbm, auth_coa, self.cn) if b.options else None
        self.log("cn_ba", seq_sent=seq, lifetime_asked=lifetime, status=b.status, seq=b.seq, lifetime=b.mhtime,
                 deregistration=dereg, kbm=kbm.hex(), auth_coa=auth_coa,
                 authenticator_sent=auth.hex(), ba_authenticator_ok=ok, note=note)
        if ok is False:
            raise SystemExit(f"{self.args.role}: the CN's BA authenticator does not verify ({note})")
        return b


class MobileRouter(Mobile):
    def run(self):
        a = self.args
        pfx, plen = a.prefix.split("/")
        self.home_bu(a.seq, 30, flags="AHR", note="NEMO registration, explicit mode",
                     options=[MIP6OptMobNetPrefix(plen=int(plen), prefix=pfx)])
        # A host of the mobile network pings the CN through the MR-HA tunnel.
        self.tunnel(IPv6(src=a.mnn, dst=self.cn, hlim=63) / ICMPv6EchoRequest(id=0x4d52, seq=1, data=b"from the mobile network"))
        self.expect("tunnelled echo reply", lambda p: from_tunnel(p, self.ha) and ICMPv6EchoReply in p)
        self.log("echo_reply", path="tunnel", to=a.mnn)


def mh_checksum_ok(ip6):
    """Recomputes a Mobility Header checksum on our own (RFC 6275 sec. 6.1.1,
    RFC 8200 sec. 8.1): the pseudo-header takes the home address from a
    Home Address option and the final destination from a type 2 routing
    header."""
    src, dst = ip6.src, ip6.dst
    layer, mh = ip6.payload, None
    while layer is not None and not isinstance(layer, (bytes, type(None))):
        if isinstance(layer, HAO):
            src = layer.hoa
        if isinstance(layer, IPv6ExtHdrDestOpt):
            for o in layer.options:
                if isinstance(o, HAO):
                    src = o.hoa
        if isinstance(layer, IPv6ExtHdrRouting) and layer.type == 2:
            dst = layer.addresses[-1]
        if getattr(layer, "overload_fields", {}).get(IPv6, {}).get("nh") == MH and hasattr(layer, "mhtype"):
            mh = layer
            break
        layer = layer.payload if layer.payload else None
    data = bytearray(bytes(mh))
    want = int.from_bytes(data[4:6], "big")
    data[4:6] = b"\0\0"
    pseudo = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
              + len(data).to_bytes(4, "big") + b"\0\0\0" + bytes([MH]))
    buf = pseudo + bytes(data) + (b"\0" if len(data) % 2 else b"")
    total = sum(int.from_bytes(buf[i:i + 2], "big") for i in range(0, len(buf), 2))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    got = (~total) & 0xFFFF
    return got == want, want, got


def verify(pcap, logs):
    """Checks the capture against the actors' logs: every MH checksum, the
    keygen tokens in HoT/CoT (from Kcn and the nonces), and the
    authenticators of the BUs and BAs exchanged with the CN."""
    from scapy.utils import rdpcap
    events = [json.loads(line) for f in logs for line in open(f)]
    kcn = bytes.fromhex(next(e["kcn"] for e in events if e["event"] == "start" and e["role"] == "cn"))
    nonces = {e["index"]: bytes.fromhex(e["nonce"]) for e in events if e["event"] == "nonce"}
    cn_addr = next(e["address"] for e in events if e["event"] == "start" and e["role"] == "cn")
    tokens, failures, n = {}, [], 0
    last_bu = None  # (kbm, care-of address) of the last BU to the CN: its BA uses the same
    for i, frame in enumerate(rdpcap(pcap), 1):
        if IPv6 not in frame:
            continue
        ip6 = frame[IPv6]
        if ip6.nh == 41 and IPv6 in ip6.payload:
            ip6 = ip6.payload  # tunnelled: the inner packet carries the MH
        if not any(c in ip6 for c in (MIP6MH_BU, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_HoTI, MIP6MH_CoTI, MIP6MH_HoT, MIP6MH_CoT)):
            continue
        n += 1
        ok, want, got = mh_checksum_ok(ip6)
        if not ok:
            failures.append(f"frame {i}: MH checksum 0x{want:04x}, computed 0x{got:04x}")
        for cls, which, addr in ((MIP6MH_HoT, 0, ip6.dst), (MIP6MH_CoT, 1, ip6.dst)):
            if cls in ip6 and type(ip6[cls]) is cls:
                m = ip6[cls]
                tok = keygen_token(kcn, addr, nonces[m.index], which)
                tokens[which] = (tok, m.index)
                if tok != bytes(m.token):
                    failures.append(f"frame {i}: keygen token {bytes(m.token).hex()}, computed {tok.hex()}")
        for cls in (MIP6MH_BU, MIP6MH_BA):
            if cls in ip6 and ip6[cls].options and isinstance(ip6[cls].options[-1], MIP6OptBindingAuthData):
                if 0 not in tokens or 1 not in tokens:
                    failures.append(f"frame {i}: Binding Authorization Data before return routability")
                    continue
                m = ip6[cls]
                if cls is MIP6MH_BU:
                    # RFC 6275 sec. 5.2.6, 6.2.7: a deregistration is keyed
                    # by the home keygen token alone, over the home address.
                    hoa = ip6[HAO].hoa
                    dereg = is_deregistration(m.mhtime, ip6.src, hoa)
                    kbm, coa = auth_inputs(tokens[0][0], tokens[1][0], ip6.src, hoa, dereg)
                    last_bu = (kbm, coa)
                    what = "deregistration BU" if dereg else "BU"
                elif last_bu is None:
                    failures.append(f"frame {i}: BA with Binding Authorization Data and no BU before it")
                    continue
                else:
                    kbm, coa = last_bu
                    what = "BA"
                if not check_bad(m, kbm, coa, cn_addr):
                    failures.append(f"frame {i}: {what} authenticator does not verify (Kbm {kbm.hex()}, care-of address {coa})")
                elif cls is MIP6MH_BU and dereg:
                    # The old, non-RFC way (full Kbm over the care-of
                    # address) must not verify too, or the check is void.
                    full = binding_key(tokens[0][0], tokens[1][0])
                    if check_bad(m, full, ip6.src, cn_addr):
                        failures.append(f"frame {i}: deregistration BU verifies with the full Kbm over the care-of address")
    for f in failures:
        print("verify:", f, file=sys.stderr)
    print(f"verify: {n} Mobility Header frames, checksums, keygen tokens and authenticators "
          f"{'all correct' if not failures else 'WRONG'}", file=sys.stderr)
    return not failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("role", choices=["ha", "cn", "mn", "mr", "verify"])
    ap.add_argument("--pcap", help="verify: the capture to check")
    ap.add_argument("--iface", default="eth0")
    ap.add_argument("--state", required=True, help="directory for ROLE.log")
    ap.add_argument("--addr", help="ha/cn: own address")
    ap.add_argument("--nemo", action="append", default=[], help="ha: MR_HOA=PREFIX/LEN it may register")
    ap.add_argument("--duration", type=float, default=30, help="ha/cn: seconds to run")
    ap.add_argument("--hoa")
    ap.add_argument("--coa")
    ap.add_argument("--ha")
    ap.add_argument("--cn")
    ap.add_argument("--seq", type=int, default=1000)
    ap.add_argument("--cn-seq", type=int, default=2000)
    ap.add_argument("--restart-seq", type=int, default=1)
    ap.add_argument("--prefix", help="mr: mobile network prefix")
    ap.add_argument("--mnn", help="mr: a host address in the mobile network")
    args = ap.parse_args()
    if args.role == "verify":
        logs = [os.path.join(args.state, f) for f in sorted(os.listdir(args.state)) if f.endswith(".log")]
        sys.exit(0 if verify(args.pcap, logs) else 1)
    cls = {"ha": HomeAgent, "cn": Correspondent, "mn": MobileNode, "mr": MobileRouter}[args.role]
    actor = cls(args)
    if args.role in ("ha", "cn"):
        ready = os.path.join(args.state, args.role + ".ready")
        open(ready, "w").close()
        actor.run_until(time.time() + args.duration)
        actor.finish()
    else:
        actor.run()
        actor.log("done")
    actor.sniffer.stop(join=False)


if __name__ == "__main__":
    main()
