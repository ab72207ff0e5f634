//go:build linux

package replay

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/netns"
)

var update = flag.Bool("update", false, "rewrite docs/scripts/ns.pcapng")

// nsFrame builds the Neighbor Solicitation of docs/scripts/ns.pcapng:
// fe80::a (02:76:36:00:00:0a) asks for fe80::b, to its solicited-node
// group, with a Source Link-Layer Address option (RFC 4861 §4.3).
func nsFrame(t *testing.T) []byte {
	t.Helper()
	srcMAC := net.HardwareAddr{2, 0x76, 0x36, 0, 0, 0x0a}
	eth := &layers.Ethernet{SrcMAC: srcMAC, DstMAC: net.HardwareAddr{0x33, 0x33, 0xff, 0, 0, 0x0b}, EthernetType: layers.EthernetTypeIPv6}
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: 255, SrcIP: net.ParseIP("fe80::a"), DstIP: net.ParseIP("ff02::1:ff00:b")}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborSolicitation, 0)}
	_ = icmp.SetNetworkLayerForChecksum(ip)
	ns := &layers.ICMPv6NeighborSolicitation{TargetAddress: net.ParseIP("fe80::b"),
		Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptSourceAddress, Data: srcMAC}}}
	return serialize(t, eth, ip, icmp, ns)
}

// TestNSCapture keeps docs/scripts/ns.pcapng what nsFrame builds
// (go test -run TestNSCapture -update rewrites it).
func TestNSCapture(t *testing.T) {
	path := filepath.Join("..", "docs", "scripts", "ns.pcapng")
	want := nsFrame(t)
	if *update {
		var buf bytes.Buffer
		w, err := capture.NewPcapngWriter(&buf, "A Neighbor Solicitation from fe80::a for fe80::b, made by replay's TestNSCapture", []capture.Interface{{Name: "lab", LinkType: capture.LinkEthernet, TSResolution: time.Microsecond}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteFrame(&capture.Frame{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Data: want}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var f capture.Frame
	if err := r.Next(&f); err != nil || !bytes.Equal(f.Data, want) {
		t.Fatalf("%s: %v; regenerate with go test -run TestNSCapture -update", path, err)
	}
}

// kernelPeer makes a veth whose B end is a Linux host with the addresses
// docs/scripts/ns-na.v6s expects (fe80::b, 02:76:36:00:00:0b) and whose A
// end is ours (IPv6 off, so its kernel stays quiet).
func kernelPeer(t *testing.T) (*netns.Pair, ScriptEnv) {
	t.Helper()
	netns.Require(t, "replay script tests need root and iproute2 (apt-get install iproute2)", "ip", "sysctl")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	for _, c := range [][]string{
		{"link", "set", p.If, "address", "02:76:36:00:00:0a"},
	} {
		if _, err := p.A.IP(ctx, c...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.B.IP(ctx, "link", "set", p.If, "address", "02:76:36:00:00:0b"); err != nil {
		t.Fatal(err)
	}
	if err := p.B.Sysctl(ctx, "net.ipv6.conf."+p.If+".addr_gen_mode", "1"); err != nil { // no link-local of its own
		t.Fatal(err)
	}
	if err := p.B.Sysctl(ctx, "net.ipv6.conf."+p.If+".disable_ipv6", "0"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.B.IP(ctx, "addr", "add", "fe80::b/64", "dev", p.If, "nodad"); err != nil {
		t.Fatal(err)
	}
	env := ScriptEnv{
		Dir: filepath.Join("..", "docs", "scripts"),
		OpenInterface: func(name string) (o Output, err error) {
			err = inNS(p.A.Name, func() error { o, err = OpenInterface(name, InterfaceOptions{}); return err })
			return o, err
		},
		Listen: func(name string) (c Capturer, err error) {
			err = inNS(p.A.Name, func() error { c, err = Listen(name); return err })
			return c, err
		},
	}
	return p, env
}

func runScript(t *testing.T, env ScriptEnv, path string) (string, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ParseScript(f, filepath.Base(path), decode.NewSchema())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env.Out = &out
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = s.Run(ctx, env)
	return out.String(), err
}

// TestScriptNSNA replays an NS at a real Linux kernel and expects its NA:
// docs/scripts/ns-na.v6s, as shipped.
func TestScriptNSNA(t *testing.T) {
	_, env := kernelPeer(t)
	out, err := runScript(t, env, filepath.Join("..", "docs", "scripts", "ns-na.v6s"))
	t.Log("\n" + out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "matched") {
		t.Errorf("no match reported:\n%s", out)
	}
}

// TestScriptExpectFails: an expectation nothing meets fails, naming the
// line, the filter, the time waited and what did arrive.
func TestScriptExpectFails(t *testing.T) {
	_, env := kernelPeer(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "never.v6s")
	ns, _ := filepath.Abs(filepath.Join("..", "docs", "scripts", "ns.pcapng"))
	if err := os.WriteFile(script, []byte("interface v6s0\nopen "+ns+"\nsend\n# an echo reply nobody asked for\nexpect icmpv6.type == 129 within 300ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runScript(t, env, script)
	var se *ScriptError
	if !errors.As(err, &se) || !errors.Is(err, ErrExpect) || se.Line != 5 ||
		!strings.Contains(err.Error(), "never.v6s:5: expectation not met: expect icmpv6.type == 129: nothing matched within 300ms (") ||
		!strings.Contains(err.Error(), "received since the last send, none matching)") {
		t.Fatalf("error %v", err)
	}
}
