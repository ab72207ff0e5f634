//go:build !libpcap || !cgo

package live

// pcapCompile compiles with libpcap through tcpdump -ddd: this build has
// no libpcap of its own.
var pcapCompile = tcpdumpCompile

// PcapCompiler names the pcap-filter compiler this build uses.
const PcapCompiler = "tcpdump -ddd (libpcap's compiler, run as a separate program)"
