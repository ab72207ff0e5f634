// Package tunnel decodes what IPv6 transition mechanisms put in IPv6
// addresses and the IPv6-in-IP encapsulation that carries them:
//
//   - the address anatomy tshark 4.0 shows under an IPv6 header: Teredo
//     addresses (RFC 4380 §4, flags as updated by RFC 5991), 6to4 addresses
//     (RFC 3056 §2) and ISATAP interface identifiers (RFC 5214 §6.1), with
//     Wireshark's ipv6.src_ts_ipv4 … field names;
//   - IPv6 in IPv4 and IPv6 in IPv6, IP protocol 41 (6in4 as RFC 4213 §3
//     calls it, 6to4, ISATAP, RFC 2473 tunnels): the IPinIP layer names
//     the kind of tunnel and stops nested tunnels past MaxDepth.
//
// Teredo's own UDP encapsulation is in decode/teredo, which uses this
// package's address parsing.
package tunnel
