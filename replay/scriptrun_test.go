package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/capture/live/livetest"
	"github.com/v6scope/v6scope/decode"
)

// newFakeCapture is a Capturer fed by the test.
func newFakeCapture() *livetest.Fake { return livetest.New(16) }

// answering is an Output that records what happens, and for each frame
// sent puts answer (if any) into the capture at once, as a fast peer does.
type answering struct {
	log    *[]string
	cap    *livetest.Fake
	answer []byte
}

func (a *answering) Name() string          { return "interface fake0" }
func (a *answering) MTU() int              { return 0 }
func (a *answering) Paced() bool           { return true }
func (a *answering) Start(time.Time) error { return nil }
func (a *answering) Close() error          { return nil }

// An answering output is an Ethernet interface, as a replay.Interface.
func (a *answering) LinkType() capture.LinkType { return capture.LinkEthernet }
func (a *answering) HardwareAddr() net.HardwareAddr {
	return net.HardwareAddr{2, 0x76, 0x36, 0, 0, 0x0a}
}
func (a *answering) Send(b []Packet) (int, error) {
	for _, p := range b {
		*a.log = append(*a.log, fmt.Sprintf("send %s % x", p.Frame.LinkType, p.Frame.Data[:min(14, len(p.Frame.Data))]))
		if a.answer != nil {
			a.cap.Push(capture.Frame{Time: time.Now(), LinkType: capture.LinkEthernet, Data: a.answer, CapLen: len(a.answer), OrigLen: len(a.answer)})
		}
	}
	return len(b), nil
}

// naFrame is fe80::b's solicited Neighbor Advertisement to fe80::a
// (RFC 4861 §4.4, §7.2.4).
func naFrame(t *testing.T) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0x76, 0x36, 0, 0, 0x0b}, DstMAC: net.HardwareAddr{2, 0x76, 0x36, 0, 0, 0x0a}, EthernetType: layers.EthernetTypeIPv6}
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: 255, SrcIP: net.ParseIP("fe80::b"), DstIP: net.ParseIP("fe80::a")}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborAdvertisement, 0)}
	_ = icmp.SetNetworkLayerForChecksum(ip)
	na := &layers.ICMPv6NeighborAdvertisement{Flags: 0x60, TargetAddress: net.ParseIP("fe80::b")}
	return serialize(t, eth, ip, icmp, na)
}

// fakeScript runs script text against a fake interface whose capture c
// gets answer for every frame sent.
func fakeScript(t *testing.T, text string, c *livetest.Fake, answer []byte) (log []string, out string, err error) {
	t.Helper()
	s, err := ParseScript(strings.NewReader(text), "fake.v6s", decode.NewSchema())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	env := ScriptEnv{
		Dir: filepath.Join("..", "docs", "scripts"),
		Out: &b,
		OpenInterface: func(name string) (Output, error) {
			log = append(log, "open "+name)
			return &answering{log: &log, cap: c, answer: answer}, nil
		},
		Listen: func(name string) (Capturer, error) {
			log = append(log, "listen "+name)
			return c, nil
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = s.Run(ctx, env)
	return log, b.String(), err
}

// TestExpectCaptureOpenBeforeSend: the capture starts at the interface
// line, so an answer that arrives while the send is still going is
// matched; the capture is released at the end.
func TestExpectCaptureOpenBeforeSend(t *testing.T) {
	c := newFakeCapture()
	log, out, err := fakeScript(t, "interface fake0\nopen ns.pcapng\nsend\nexpect icmpv6.type == 136 and icmpv6.nd.na.target_address == fe80::b within 2s\n", c, naFrame(t))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "open fake0,listen fake0,send ETHERNET 33 33 ff 00 00 0b 02 76 36 00 00 0a 86 dd"; strings.Join(log, ",") != want {
		t.Errorf("order %v, want %s", log, want)
	}
	if !strings.Contains(out, "line 4: expect icmpv6.type == 136") || !strings.Contains(out, "matched") || !strings.Contains(out, "fe80::b → fe80::a") {
		t.Errorf("output:\n%s", out)
	}
	if !c.Closed() {
		t.Error("the capture was not closed")
	}
}

// TestExpectOldFramesIgnored: a frame received before the last send is no
// answer to it, and an expect-none that sees nothing passes.
func TestExpectOldFramesIgnored(t *testing.T) {
	c := newFakeCapture()
	na := naFrame(t)
	c.Push(capture.Frame{Time: time.Now().Add(-time.Second), LinkType: capture.LinkEthernet, Data: na, CapLen: len(na), OrigLen: len(na)})
	_, out, err := fakeScript(t, "interface fake0\nopen ns.pcapng\nsend\nexpect-none icmpv6.type == 136 within 50ms\n", c, nil)
	if err != nil || !strings.Contains(out, "line 4: expect-none icmpv6.type == 136: nothing matched in 50ms") {
		t.Fatalf("%v\n%s", err, out)
	}
}

// TestExpectTimeoutMessage: what the user reads when nothing matched.
func TestExpectTimeoutMessage(t *testing.T) {
	c := newFakeCapture()
	_, _, err := fakeScript(t, "interface fake0\nopen ns.pcapng\nsend\nexpect icmpv6.type == 129 within 50ms\n", c, naFrame(t))
	var se *ScriptError
	if !errors.As(err, &se) || !errors.Is(err, ErrExpect) || se.Line != 4 ||
		err.Error() != "fake.v6s:4: expectation not met: expect icmpv6.type == 129: nothing matched within 50ms (1 frame received since the last send, none matching)" {
		t.Fatalf("error %v", err)
	}
}

// TestExpectCaptureFails: a capture that ends with an error (the interface
// went away) fails the expect with that error, not with a timeout.
func TestExpectCaptureFails(t *testing.T) {
	c := newFakeCapture()
	c.Fail(errors.New("capturing on fake0: the interface went away"))
	_, _, err := fakeScript(t, "interface fake0\nopen ns.pcapng\nsend\nexpect icmpv6.type == 136 within 5s\n", c, nil)
	if err == nil || errors.Is(err, ErrExpect) || !strings.Contains(err.Error(), "fake.v6s:4: capturing on fake0 for expect: capturing on fake0: the interface went away") {
		t.Fatalf("error %v", err)
	}
}

// TestScriptRawOntoEthernet: a script sending a raw IP capture on an
// Ethernet interface puts an Ethernet header in front (the interface's
// MAC as source, rewrite dst-mac as destination), and without dst-mac
// says which line to add.
func TestScriptRawOntoEthernet(t *testing.T) {
	ns, err := os.ReadFile(filepath.Join("..", "docs", "scripts", "ns.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := capture.NewReader(bytes.NewReader(ns), "ns.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	var f capture.Frame
	if err := r.Next(&f); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := capture.NewPcapngWriter(&buf, "", []capture.Interface{{Name: "tun0", LinkType: capture.LinkRaw, TSResolution: time.Microsecond}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrame(&capture.Frame{Time: f.Time, Data: f.Data[ethHeaderLen:]}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "raw.pcapng")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	log, out, err := fakeScript(t, "interface fake0\nopen "+path+"\nrewrite dst-mac 02:00:00:00:00:0b\nsend\n", newFakeCapture(), nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "send ETHERNET 02 00 00 00 00 0b 02 76 36 00 00 0a 86 dd"; len(log) != 3 || log[2] != want {
		t.Errorf("sent %q, want %q", log, want)
	}
	_, _, err = fakeScript(t, "interface fake0\nopen "+path+"\nsend\n", newFakeCapture(), nil)
	if !errors.Is(err, ErrNoDstMAC) || !strings.Contains(err.Error(), "fake.v6s:3: frame 1 (link type RAW): an Ethernet header needs a destination MAC address, and none was given; give the destination with a line before the send: rewrite dst-mac MAC") {
		t.Errorf("error %v", err)
	}
}
