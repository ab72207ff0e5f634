#!/usr/bin/python3
"""IPv6-in-IPv4 endpoints for pcaps/regen/tunnels-scapy.sh, in user space.

The recording kernel has no sit driver, so each tunnel endpoint is this
process: it owns a TUN device that carries the node's IPv6 addresses (the
kernel's IPv6 stack answers on it for real: echo replies, UDP, ICMPv6
errors) and an IPv4 raw socket for protocol 41 (RFC 4213 sec. 3.5: the
kernel builds the IPv4 header, routes and resolves with ARP).

  relay  encapsulates what the kernel sends out of the TUN device and
         decapsulates protocol-41 packets into it. The IPv4 destination is
         taken from the IPv6 destination: a 6to4 address (2002:V4ADDR::/48,
         RFC 3056 sec. 2), an ISATAP interface identifier
         (::0:5efe:V4ADDR or ::200:5efe:V4ADDR, RFC 5214 sec. 6.1), or else
         the configured tunnel's remote end (RFC 4213 sec. 3). On the way
         in it checks that the IPv4 source agrees with the IPv6 source
         (RFC 3964 sec. 5 for 6to4, RFC 5214 sec. 7.3 for ISATAP, RFC 4213
         sec. 3.6 for a configured tunnel) and drops, and logs, what does not.
  spoof  sends one 6to4 packet whose IPv6 source names another IPv4
         address than the one it comes from (built with scapy).
  udp    a UDP echo service on a kernel socket.
"""

import argparse
import fcntl
import ipaddress
import json
import os
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


def log(state, role, event, **kw):
    kw = {"t": round(time.time(), 6), "role": role, "event": event, **kw}
    line = json.dumps(kw, sort_keys=True)
    with open(os.path.join(state, role + ".log"), "a") as f:
        f.write(line + "\n")
    print(line, file=sys.stderr)


def embedded_ipv4(addr):
    """The IPv4 address a 6to4 or ISATAP IPv6 address carries, and which."""
    a = ipaddress.IPv6Address(addr)
    b = a.packed
    if a in SIX_TO_FOUR:
        return "6to4", str(ipaddress.IPv4Address(b[2:6]))
    # RFC 5214 sec. 6.1: interface identifier 0000:5efe or 0200:5efe (the
    # u bit says the IPv4 address is globally unique), then the address.
    if b[8:12] in (b"\x00\x00\x5e\xfe", b"\x02\x00\x5e\xfe"):
        return "isatap", str(ipaddress.IPv4Address(b[12:16]))
    return None, None


def relay(args):
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", args.tun.encode(), IFF_TUN | IFF_NO_PI))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, 41)
    open(os.path.join(args.state, args.role + "." + args.node + ".ready"), "w").close()
    role = "relay-" + args.node
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    deadline = time.time() + args.duration
    log(args.state, role, "start", local=args.local, remote=args.remote, tun=args.tun)
    while not stop and time.time() < deadline:
        try:
            ready, _, _ = select.select([tun, raw], [], [], 0.2)
        except InterruptedError:
            continue
        for fd in ready:
            if fd == tun:
                pkt = os.read(tun, 65535)
                if len(pkt) < 40 or pkt[0] >> 4 != 6:
                    continue
                src = socket.inet_ntop(socket.AF_INET6, pkt[8:24])
                dst = socket.inet_ntop(socket.AF_INET6, pkt[24:40])
                kind, v4 = embedded_ipv4(dst)
                if v4 is None:
                    kind, v4 = "6in4", args.remote
                if v4 is None or ipaddress.IPv6Address(dst).is_multicast:
                    log(args.state, role, "no_route", src=src, dst=dst)
                    continue
                raw.sendto(pkt, (v4, 0))
                log(args.state, role, "encap", kind=kind, src=src, dst=dst, outer_dst=v4)
            else:
                data, (outer_src, _) = raw.recvfrom(65535)
                ihl = (data[0] & 0x0F) * 4
                inner = data[ihl:]
                if len(inner) < 40 or inner[0] >> 4 != 6:
                    continue
                src = socket.inet_ntop(socket.AF_INET6, inner[8:24])
                dst = socket.inet_ntop(socket.AF_INET6, inner[24:40])
                kind, v4 = embedded_ipv4(src)
                ok = v4 == outer_src if v4 is not None else outer_src == args.remote
                if not ok:
                    log(args.state, role, "drop", reason=f"{kind or '6in4'} source does not match the outer IPv4 source",
                        src=src, dst=dst, outer_src=outer_src, embedded=v4)
                    continue
                os.write(tun, inner)
                log(args.state, role, "decap", kind=kind or "6in4", src=src, dst=dst, outer_src=outer_src)
    log(args.state, role, "stop")


def spoof(args):
    from scapy.config import conf
    conf.verb = 0
    from scapy.layers.inet import IP
    from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest
    pkt = (IP(src=args.local, dst=args.remote, ttl=64)
           / IPv6(src=args.src6, dst=args.dst6, hlim=64)
           / ICMPv6EchoRequest(id=0x5350, seq=1, data=b"spoofed 6to4 source"))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.sendto(bytes(pkt), (args.remote, 0))
    log(args.state, "spoof", "sent", outer_src=args.local, outer_dst=args.remote, src=args.src6, dst=args.dst6)


def udp(args):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(("::", args.port))
    s.settimeout(0.2)
    open(os.path.join(args.state, "udp." + args.node + ".ready"), "w").close()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    deadline = time.time() + args.duration
    while not stop and time.time() < deadline:
        try:
            data, peer = s.recvfrom(2048)
        except (socket.timeout, InterruptedError):
            continue
        s.sendto(data.upper(), peer)
        log(args.state, "udp-" + args.node, "echo", peer=peer[0], port=peer[1], size=len(data))


def udp_client(args):
    """Sends one datagram and waits for the answer (or an ICMPv6 error)."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((args.dst6, args.port))  # connected: ICMPv6 errors reach us
    s.send(args.message.encode())
    try:
        data, _ = s.recvfrom(2048)
        log(args.state, "udp-client", "answer", dst=args.dst6, port=args.port, data=data.decode(errors="replace"))
    except OSError as e:  # ECONNREFUSED: the ICMPv6 port unreachable came back
        log(args.state, "udp-client", "error", dst=args.dst6, port=args.port, error=e.strerror or str(e))
        if not args.expect_error:
            sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("role", choices=["relay", "spoof", "udp", "udp-client"])
    ap.add_argument("--state", required=True)
    ap.add_argument("--node", default="")
    ap.add_argument("--tun", default="tun6")
    ap.add_argument("--local", help="own IPv4 address")
    ap.add_argument("--remote", help="relay: configured tunnel's remote IPv4; spoof: target")
    ap.add_argument("--src6")
    ap.add_argument("--dst6")
    ap.add_argument("--port", type=int, default=7)
    ap.add_argument("--message", default="hello over 6in4")
    ap.add_argument("--expect-error", action="store_true")
    ap.add_argument("--duration", type=float, default=60)
    args = ap.parse_args()
    {"relay": relay, "spoof": spoof, "udp": udp, "udp-client": udp_client}[args.role](args)


if __name__ == "__main__":
    main()
