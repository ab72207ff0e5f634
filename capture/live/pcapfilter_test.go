package live

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/internal/netns"
	"golang.org/x/net/bpf"
)

func TestParseDecimalProgram(t *testing.T) {
	prog, err := parseDecimalProgram([]byte("2\n40 0 0 12\n6 0 0 262144\n"))
	if err != nil || len(prog) != 2 || prog[0] != (bpf.RawInstruction{Op: 40, K: 12}) || prog[1].K != 262144 {
		t.Errorf("parse = %v, %v", prog, err)
	}
	for _, bad := range []string{"", "3\n40 0 0 12\n", "1\n40 0 12\n", "1\n40 0 0 x\n", "1\n70000 0 0 1\n", "x\n"} {
		if _, err := parseDecimalProgram([]byte(bad)); err == nil {
			t.Errorf("parse(%q) did not fail", bad)
		}
	}
}

// TestCompileFilter compiles tcpdump expressions with whichever compiler
// this build has and runs them in the BPF VM.
func TestCompileFilter(t *testing.T) {
	if PcapCompiler[:7] == "tcpdump" && findTcpdump() == "" {
		_, err := CompileFilter("icmp6")
		if !errors.Is(err, ErrNoPcapCompiler) || !strings.Contains(err.Error(), "apt-get install tcpdump") {
			t.Errorf("without a compiler: %v", err)
		}
		msg := "-f needs tcpdump (apt-get install tcpdump) or a -tags libpcap build"
		if os.Getenv(netns.RequirePeersEnv) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Logf("compiler: %s", PcapCompiler)
	f, err := CompileFilter("udp port 500 or icmp6")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f(capture.LinkEthernet, 100)
	if err != nil {
		t.Fatal(err)
	}
	ins, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatalf("program has instructions x/net/bpf does not know: %v", raw)
	}
	v, err := bpf.NewVM(ins)
	if err != nil {
		t.Fatal(err)
	}
	long := make([]byte, 300)
	for _, c := range []struct {
		name  string
		frame []byte
		want  int
	}{
		{"IPv6 UDP 500", ethFrame(etherTypeIPv6, ip6Packet(17, udpDatagram(500, 500, long))), 100},
		{"ICMPv6", ethFrame(etherTypeIPv6, ip6Packet(58, []byte{128, 0, 0, 0})), 58},
		{"IPv6 TCP", ethFrame(etherTypeIPv6, ip6Packet(6, tcpSegment())), 0},
		{"ARP", ethFrame(0x0806, make([]byte, 28)), 0},
	} {
		got, err := v.Run(c.frame)
		if err != nil {
			t.Fatal(err)
		}
		if min(got, len(c.frame)) != c.want {
			t.Errorf("%s: kept %d bytes, want %d", c.name, min(got, len(c.frame)), c.want)
		}
	}
	if _, err := CompileFilter("udp port"); err == nil || !strings.Contains(err.Error(), "udp port") {
		t.Errorf("syntax error: %v", err)
	}
	if f, err := CompileFilter("  "); err != nil {
		t.Errorf("empty expression: %v", err)
	} else if p, _ := f(capture.LinkEthernet, 0); len(p) != 1 {
		t.Errorf("empty expression: program %v, want accept-all", p)
	}
}
