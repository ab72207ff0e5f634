// Package live captures frames from network interfaces on Linux, without
// libpcap and without cgo, and hands them out as a [capture.Source], so
// that read's printer, the analysis engine and the TUI take a live
// interface exactly as they take a file.
//
// It uses packet sockets (packet(7)) with the TPACKET_V3 memory-mapped
// receive ring (Documentation/networking/packet_mmap.rst in the Linux
// source): the kernel writes frames into blocks of a ring shared with the
// process, which reads them in place and hands each block back when done,
// so a frame is never copied between kernel and user space. One socket is
// opened per interface, bound to its index; frames of several interfaces
// are merged in timestamp order as far as the ring's blocks allow.
//
// Kernel filtering: [Program] builds the built-in classic BPF program
// (golang.org/x/net/bpf) that keeps only the protocols v6scope decodes;
// [CompileFilter] compiles a pcap-filter(7) expression (tcpdump syntax)
// when a compiler is available (see its doc). The filter is attached before
// the socket is bound to its interface, so no unfiltered frame is ever
// captured.
//
// Nothing is lost silently: the kernel's counters (PACKET_STATISTICS:
// packets that passed the filter, packets dropped because the ring was
// full) are read with [Capture.Stats], beside the frames handed out.
// [Capture.Stop] ends a capture cleanly: it stops new frames from entering
// the ring, waits for the kernel to hand over its partly filled block, and
// lets Next return everything captured before it returns io.EOF.
package live
