package live

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/v6scope/v6scope/capture"
	"golang.org/x/net/bpf"
)

// ErrNoPcapCompiler is wrapped by the error CompileFilter returns when no
// pcap-filter compiler is available.
var ErrNoPcapCompiler = errors.New("no pcap-filter compiler")

// CompileFilter returns a FilterFunc for a pcap-filter(7) expression in
// tcpdump's syntax ("udp port 500 or icmp6"), checking it once for
// Ethernet so that a syntax error is reported before any capture starts.
//
// No maintained pure-Go compiler of that language exists (the one candidate
// on the Go module proxy, github.com/packetcap/go-pcap/filter, compiles
// "icmp6" to a program that keeps every packet), and libpcap's is the
// reference. So the expression goes to libpcap's pcap_compile: in a build
// with -tags libpcap (cgo) in process; otherwise through tcpdump -ddd,
// which prints the program libpcap compiled and needs no privilege. When
// neither is there, the error wraps ErrNoPcapCompiler and says how to get
// one. PcapCompiler names the compiler in use.
func CompileFilter(expr string) (FilterFunc, error) {
	if strings.TrimSpace(expr) == "" {
		return AllFrames, nil
	}
	f := func(link capture.LinkType, snapLen int) ([]bpf.RawInstruction, error) {
		if snapLen <= 0 {
			snapLen = DefaultSnapLen
		}
		return pcapCompile(expr, link, snapLen)
	}
	if _, err := f(capture.LinkEthernet, DefaultSnapLen); err != nil {
		return nil, err
	}
	return f, nil
}

// dltName is tcpdump's -y name for a link type.
func dltName(link capture.LinkType) (string, error) {
	switch link {
	case capture.LinkEthernet:
		return "EN10MB", nil
	case capture.LinkRaw:
		return "RAW", nil
	}
	return "", fmt.Errorf("no pcap-filter compilation for link type %s", link)
}

// tcpdumpPaths are where tcpdump lives when it is not in PATH (Debian puts
// it in /usr/bin, others in /usr/sbin, which a user's PATH may lack).
var tcpdumpPaths = []string{"/usr/bin/tcpdump", "/usr/sbin/tcpdump", "/sbin/tcpdump", "/usr/local/sbin/tcpdump"}

func findTcpdump() string {
	if p, err := exec.LookPath("tcpdump"); err == nil {
		return p
	}
	for _, p := range tcpdumpPaths {
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	return ""
}

// tcpdumpCompile runs tcpdump -ddd: libpcap's compiler, its program
// printed in decimal ("count", then "code jt jf k" per line).
func tcpdumpCompile(expr string, link capture.LinkType, snapLen int) ([]bpf.RawInstruction, error) {
	tcpdump := findTcpdump()
	if tcpdump == "" {
		return nil, fmt.Errorf("-f %q: %w: this v6scope was built without libpcap (no cgo) and tcpdump is not installed; "+
			"install tcpdump (apt-get install tcpdump), whose compiler v6scope then uses, "+
			"or build v6scope with: CGO_ENABLED=1 go build -tags libpcap (needs libpcap-dev)", expr, ErrNoPcapCompiler)
	}
	dlt, err := dltName(link)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tcpdump, "-ddd", "-y", dlt, "-s", strconv.Itoa(snapLen), "--", expr)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		msg = strings.TrimPrefix(msg, "tcpdump: ")
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("capture filter %q: %s", expr, msg)
	}
	return parseDecimalProgram(out)
}

// parseDecimalProgram reads tcpdump -ddd output.
func parseDecimalProgram(out []byte) ([]bpf.RawInstruction, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	var prog []bpf.RawInstruction
	n := -1
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if n < 0 {
			v, err := strconv.Atoi(f[0])
			if err != nil || len(f) != 1 || v <= 0 || v > 4096 {
				return nil, fmt.Errorf("tcpdump -ddd: unexpected first line %q", sc.Text())
			}
			n = v
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("tcpdump -ddd: unexpected line %q", sc.Text())
		}
		var v [4]uint64
		for i, s := range f {
			x, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("tcpdump -ddd: unexpected line %q", sc.Text())
			}
			v[i] = x
		}
		if v[0] > 0xFFFF || v[1] > 0xFF || v[2] > 0xFF {
			return nil, fmt.Errorf("tcpdump -ddd: unexpected line %q", sc.Text())
		}
		prog = append(prog, bpf.RawInstruction{Op: uint16(v[0]), Jt: uint8(v[1]), Jf: uint8(v[2]), K: uint32(v[3])})
	}
	if n < 0 || len(prog) != n {
		return nil, fmt.Errorf("tcpdump -ddd: %d instructions announced, %d read", n, len(prog))
	}
	return prog, nil
}
