// Package analyze rebuilds protocol state from a capture: the analysis
// engine, its virtual clock, and the records it produces (transitions,
// anomalies, sessions, a summary).
//
// Packets are fed in capture order. Time comes only from their timestamps:
// before a packet is handed to the trackers, the virtual Clock advances to
// its time and fires every timer that fell due, in deadline order, so that
// protocol timers (RFC 4861 §7.3.3 ReachableTime, RFC 3810 §7.4 listener
// intervals, …) fire deterministically whether the packets come from a file
// or a live interface.
//
// One Tracker per protocol (analyze/nd, analyze/mld, …) holds state
// machines keyed by session. Each transition records the time, the frame,
// the states before and after, a typed reason and the evidence frames, and
// says on what basis a passive observer believes it: a packet that shows
// it, a timer on the virtual clock, or an inference. Tables are bounded:
// when one is full its least recently used session is evicted, counted and
// reported; memory grows with live sessions, never with packets.
package analyze
