package nd

import "github.com/v6scope/v6scope/decode/dissect"

// optionTexts explain the Neighbor Discovery option types: what each
// carries, who puts it in which message, and what the receiver does with
// it. They show under icmpv6.opt.type in `read -V --explain` and the TUI.
var optionTexts = dissect.ValueTexts{
	OptSourceLinkAddr: {Text: "The sender's link-layer (MAC) address, in RS, RA and NS. The receiver can create or update a neighbor cache entry for the sender (STALE) without resolving it first.", RFC: rfcLLA},
	OptTargetLinkAddr: {Text: "The target's link-layer address, in NA and Redirect: the answer address resolution waits for. The receiver fills in or updates its cache entry for the target.", RFC: rfcLLA},
	OptPrefixInfo:     {Text: "A prefix in a Router Advertisement, with flags and lifetimes: L says it is on-link, A that hosts may build addresses from it (SLAAC). Hosts add it to their prefix list and autoconfigure, or with valid lifetime 0 retire it.", RFC: rfcPrefix + "; RFC 4862 §5.5.3"},
	OptRedirectedHdr:  {Text: "As much of the packet that triggered a Redirect as fits, so the host can tell which flow the Redirect is about.", RFC: rfcRedirHdr},
	OptMTU:            {Text: "The link's MTU, in a Router Advertisement, for links where it varies. Hosts use it as the link MTU for their packets.", RFC: rfcMTU},
	OptNBMA:           {Text: "NBMA shortcut limit, an early option for non-broadcast links; rarely seen. Receivers that do not know it skip it.", RFC: rfcNBMA},
	OptAdvInterval:    {Text: "Mobile IPv6: the largest time between the router's unsolicited RAs. A mobile node uses it to notice quickly that it lost the router, that is, that it moved.", RFC: rfcAdvIval},
	OptHomeAgentInfo:  {Text: "Mobile IPv6: the router is a home agent; gives its preference and lifetime as one. Home agents on a link learn of each other from it.", RFC: rfcHAInfo},
	OptSourceAddrList: {Text: "Inverse Neighbor Discovery: the sender's IPv6 addresses, when only its link-layer address is known.", RFC: rfcAddrList},
	OptTargetAddrList: {Text: "Inverse Neighbor Discovery: the target's IPv6 addresses, in answer to an inverse solicitation.", RFC: rfcAddrList},
	OptCGA:            {Text: "SEND: the parameters that bind the sender's address to its public key (Cryptographically Generated Address). A SEND receiver recomputes the address from them to check the sender owns it.", RFC: rfcCGA},
	OptRSASignature:   {Text: "SEND: a signature over the message with the key the CGA option names. A SEND receiver drops the message if it does not verify.", RFC: rfcRSA},
	OptTimestamp:      {Text: "SEND: when the message was made, against replays. A SEND receiver drops messages too far from its clock or older than the last one seen.", RFC: rfcTS},
	OptNonce:          {Text: "A random value pairing a solicitation with its advertisement (SEND); also used in DAD by RFC 7527 to tell a looped-back own NS from another node's.", RFC: rfcNonce},
	OptTrustAnchor:    {Text: "SEND: names a trust anchor the host accepts, in a Certification Path Solicitation.", RFC: rfcTA},
	OptCertificate:    {Text: "SEND: a certificate of the router's authorization chain, in a Certification Path Advertisement.", RFC: rfcCert},
	OptRouteInfo:      {Text: "A more specific route through this router, with its preference and lifetime. Hosts that support it add the route to their routing table.", RFC: rfcRoute},
	OptRDNSS:          {Text: "Recursive DNS server addresses, with a lifetime, in a Router Advertisement: hosts can find DNS servers without DHCPv6.", RFC: rfcRDNSS},
	OptFlagsExtension: {Text: "More RA flag bits, for flags that no longer fit in the RA header.", RFC: rfcFlagsExt},
	OptDNSSL:          {Text: "DNS search domains, with a lifetime, in a Router Advertisement; hosts append them to short names.", RFC: rfcDNSSL},
	OptCaptivePortal:  {Text: "The URI of the network's captive portal API, so a host can learn it must log in before it gets through.", RFC: rfcCapPort},
	OptPREF64:         {Text: "The NAT64 prefix of the network, so hosts can build IPv6 addresses for IPv4-only destinations themselves.", RFC: "RFC 8781 §4"},
}
