#!/usr/bin/env python3
"""Hold IPv6 multicast memberships and change their source filters on command.

Used by pcaps/regen/mld-querier.sh inside a host's network namespace: the
kernel turns every change below into the MLD messages RFC 3810 (or RFC 2710
when the interface is forced to MLDv1) says it must send, so the capture
shows the kernel's own reports, not ones we composed.

Usage: mcast-filter.py IFNAME   (commands on stdin, one per line)

  join GROUP                  any-source join: EXCLUDE {}        (RFC 3678 MCAST_JOIN_GROUP)
  leave GROUP                 leave, whatever the filter was    (MCAST_LEAVE_GROUP)
  join-source GROUP SRC       INCLUDE {..., SRC}                (MCAST_JOIN_SOURCE_GROUP)
  leave-source GROUP SRC      INCLUDE {...} minus SRC           (MCAST_LEAVE_SOURCE_GROUP)
  block GROUP SRC             EXCLUDE {..., SRC}                (MCAST_BLOCK_SOURCE)
  unblock GROUP SRC           EXCLUDE {...} minus SRC           (MCAST_UNBLOCK_SOURCE)
  filter GROUP include|exclude [SRC ...]   set the whole filter (MCAST_MSFILTER)
  quit

Each command's outcome is printed on stdout ("ok CMD" or "error CMD: why").
The socket API is RFC 3678 §5 (protocol-independent), as Linux implements
it in include/uapi/linux/in.h; the structures are packed by hand because
Python's socket module names none of these options.
"""

import socket
import struct
import sys

IPPROTO_IPV6 = 41
MCAST_JOIN_GROUP = 42
MCAST_BLOCK_SOURCE = 43
MCAST_UNBLOCK_SOURCE = 44
MCAST_LEAVE_GROUP = 45
MCAST_JOIN_SOURCE_GROUP = 46
MCAST_LEAVE_SOURCE_GROUP = 47
MCAST_MSFILTER = 48
MCAST_EXCLUDE = 0
MCAST_INCLUDE = 1

# struct sockaddr_storage is 128 bytes and 8-byte aligned on Linux, so a
# 4-byte interface index is followed by 4 bytes of padding.
SS_SIZE = 128


def sockaddr_in6(addr):
    """struct sockaddr_in6 (family, port, flowinfo, addr, scope), padded
    to a sockaddr_storage."""
    packed = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0,
                         socket.inet_pton(socket.AF_INET6, addr), 0)
    return packed.ljust(SS_SIZE, b"\0")


def group_req(ifindex, group):
    return struct.pack("=I4x", ifindex) + sockaddr_in6(group)


def group_source_req(ifindex, group, source):
    return struct.pack("=I4x", ifindex) + sockaddr_in6(group) + sockaddr_in6(source)


def group_filter(ifindex, group, mode, sources):
    body = struct.pack("=I4x", ifindex) + sockaddr_in6(group)
    body += struct.pack("=II", mode, len(sources))
    for s in sources:
        body += sockaddr_in6(s)
    if not sources:
        # The kernel reads a header of GROUP_FILTER_SIZE(0) bytes, which
        # still covers one (unused) gf_slist entry.
        body += b"\0" * SS_SIZE
    return body


def run(sock, ifindex, words):
    op, args = words[0], words[1:]
    if op == "join":
        sock.setsockopt(IPPROTO_IPV6, MCAST_JOIN_GROUP, group_req(ifindex, args[0]))
    elif op == "leave":
        sock.setsockopt(IPPROTO_IPV6, MCAST_LEAVE_GROUP, group_req(ifindex, args[0]))
    elif op == "join-source":
        sock.setsockopt(IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP, group_source_req(ifindex, args[0], args[1]))
    elif op == "leave-source":
        sock.setsockopt(IPPROTO_IPV6, MCAST_LEAVE_SOURCE_GROUP, group_source_req(ifindex, args[0], args[1]))
    elif op == "block":
        sock.setsockopt(IPPROTO_IPV6, MCAST_BLOCK_SOURCE, group_source_req(ifindex, args[0], args[1]))
    elif op == "unblock":
        sock.setsockopt(IPPROTO_IPV6, MCAST_UNBLOCK_SOURCE, group_source_req(ifindex, args[0], args[1]))
    elif op == "filter":
        modes = {"include": MCAST_INCLUDE, "exclude": MCAST_EXCLUDE}
        sock.setsockopt(IPPROTO_IPV6, MCAST_MSFILTER,
                        group_filter(ifindex, args[0], modes[args[1]], args[2:]))
    else:
        raise ValueError("unknown command " + op)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mcast-filter.py IFNAME < commands")
    ifindex = socket.if_nametoindex(sys.argv[1])
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        try:
            run(sock, ifindex, words)
            print("ok", line.strip(), flush=True)
        except (OSError, ValueError, IndexError, KeyError) as err:
            print("error", line.strip() + ":", err, flush=True)
    sock.close()


if __name__ == "__main__":
    main()
