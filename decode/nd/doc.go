// Package nd decodes the Neighbor Discovery messages of ICMPv6 (RFC 4861
// §4): Router Solicitation and Advertisement, Neighbor Solicitation and
// Advertisement and Redirect, with the packet a Redirected Header option
// carries decoded as a packet, and the ND options of RFC 4861 §4.6 and of
// its companions: Advertisement Interval and Home Agent Information
// (RFC 6275 §7.3, §7.4), Route Information (RFC 4191 §2.3), RDNSS and DNSSL
// (RFC 8106 §5), the RA Flags Extension (RFC 5175 §4), the SEND options
// (RFC 3971 §5, §6.4), Captive Portal (RFC 8910 §2.3) and PREF64
// (RFC 8781 §4).
//
// It checks what RFC 4861 §6.1 and §7.1 ask a receiver to check (hop limit
// 255, code 0, length, options of non-zero length, no source link-layer
// address from the unspecified address, target not multicast, …) and what
// the option RFCs say of their lengths, and reports each breach as an
// expert note with its RFC section; it drops nothing.
//
// Field names and values are Wireshark 4.0's (icmpv6.nd.*, icmpv6.opt.*);
// the ICMPv6 header itself is dissected by package icmp, through
// icmp.ICMPv6.Open.
package nd

import "github.com/v6scope/v6scope/decode/dissect"

var fields dissect.FieldList

// Fields lists every field this package defines.
func Fields() []*dissect.FieldInfo { return fields }
