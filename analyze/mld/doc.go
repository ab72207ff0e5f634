// Package mld rebuilds the router side of Multicast Listener Discovery from
// a capture: per (link, multicast address) the filter mode, the source
// records and their timers, the Multicast Address Listening Interval from
// the querier's QRV, QI and QRI, and the MLDv1 compatibility mode
// (RFC 3810 §7, §8; RFC 2710); and per link the querier election, lowest
// address wins, with the Other Querier Present timer (RFC 3810 §7.6.2).
//
// A passive observer on the link hears every report and query, so it can
// keep the state a router on that link keeps. It cannot hear what a router
// decided without saying it: timers run on the virtual clock with the
// values the queries advertised, or RFC 3810 §9's defaults before any.
package mld
