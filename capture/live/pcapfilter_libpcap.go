//go:build libpcap && cgo

package live

import (
	"fmt"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"
	"github.com/v6scope/v6scope/capture"
	"golang.org/x/net/bpf"
)

// PcapCompiler names the pcap-filter compiler this build uses.
const PcapCompiler = "libpcap's pcap_compile, linked in (-tags libpcap)"

// pcapCompile compiles with libpcap's pcap_compile (pcap_compile(3PCAP)).
func pcapCompile(expr string, link capture.LinkType, snapLen int) ([]bpf.RawInstruction, error) {
	ins, err := pcap.CompileBPFFilter(layers.LinkType(link), snapLen, expr)
	if err != nil {
		return nil, fmt.Errorf("capture filter %q: %v", expr, err)
	}
	prog := make([]bpf.RawInstruction, len(ins))
	for i, in := range ins {
		prog[i] = bpf.RawInstruction{Op: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return prog, nil
}
