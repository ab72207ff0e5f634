// Package mip6 rebuilds Mobile IPv6 (RFC 6275) and NEMO (RFC 3963) from a
// capture: per (home address, home agent or correspondent) the binding a
// mobile node registers — Binding Updates and Acknowledgements paired by
// sequence number, compared modulo 2^16 (RFC 6275 §9.5.1), lifetimes
// counting down on the virtual clock to EXPIRED, refreshes, rejections
// with the status and what the BA tells the mobile node to do,
// deregistration, Binding Refresh Requests and Binding Errors (§9.5,
// §11.7, §9.3.3) — with the mobile network prefixes a mobile router binds
// (RFC 3963 §6); and per (mobile node, correspondent) the return
// routability procedure (RFC 6275 §5.2.5, §11.6): HoTI/HoT and CoTI/CoT
// paired by cookie, COMPLETE once both keygen tokens are known, after
// which the Binding Authorization Data of the BUs and BAs that follow is
// verified with Kbm (§5.2.6, §6.2.7).
//
// A passive observer sees what the mobile node sends and what its peers
// answer, not their caches: a binding's lifetime runs from the BA that
// granted it, and a binding whose BU is rejected keeps its earlier entry
// at the home agent until that lifetime ends.
package mip6
