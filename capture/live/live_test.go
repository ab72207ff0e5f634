//go:build linux

package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	amld "github.com/v6scope/v6scope/analyze/mld"
	andd "github.com/v6scope/v6scope/analyze/nd"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/internal/netns"
	"golang.org/x/sys/unix"
)

// openIn opens a live capture inside the namespace n.
func openIn(t *testing.T, n *netns.NS, o Options) *Capture {
	t.Helper()
	var c *Capture
	if err := n.Do(func() (err error) { c, err = Open(o); return err }); err != nil {
		t.Fatalf("live.Open in %s: %v", n.Name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// frame is a copy of a captured frame.
type frame struct {
	capture.Frame
	data []byte
}

// collector reads a capture in the background until it ends.
type collector struct {
	mu     sync.Mutex
	frames []frame
	err    error
	done   chan struct{}
}

// collect reads c in a goroutine; slow, when not zero, is slept after
// each of the first slowN frames (a reader that does not keep up).
func collect(c *Capture, delayFirst time.Duration) *collector {
	col := &collector{done: make(chan struct{})}
	go func() {
		defer close(col.done)
		if delayFirst > 0 {
			time.Sleep(delayFirst)
		}
		var f capture.Frame
		for {
			err := c.Next(&f)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					col.mu.Lock()
					col.err = err
					col.mu.Unlock()
				}
				return
			}
			col.mu.Lock()
			col.frames = append(col.frames, frame{Frame: f, data: slices.Clone(f.Data)})
			col.mu.Unlock()
		}
	}()
	return col
}

// wait stops the capture and waits for the collector to drain it.
func (col *collector) stop(t *testing.T, c *Capture) []frame {
	t.Helper()
	c.Stop()
	select {
	case <-col.done:
	case <-time.After(10 * time.Second):
		t.Fatal("Next did not return io.EOF within 10s of Stop")
	}
	if col.err != nil {
		t.Fatalf("Next: %v", col.err)
	}
	return col.frames
}

func (col *collector) count(match func(p *decode.Packet) bool) int {
	col.mu.Lock()
	frames := slices.Clone(col.frames)
	col.mu.Unlock()
	d := decode.New()
	n := 0
	var p decode.Packet
	for _, f := range frames {
		f.Data = f.data
		d.Decode(&f.Frame, &p)
		if match(&p) {
			n++
		}
	}
	return n
}

func waitFor(ctx context.Context, cond func() bool) bool {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}

func hasLayer(p *decode.Packet, l gopacket.LayerType) bool { return slices.Contains(p.Layers, l) }

func icmpv6Type(p *decode.Packet) string {
	if n := p.Tree.Find("icmpv6.type"); n != nil {
		return n.Value()
	}
	return ""
}

// recorder keeps the transitions an engine emits.
type recorder struct{ to []string }

func (r *recorder) Transition(t *analyze.Transition) {
	r.to = append(r.to, t.Proto+" "+t.Kind+" "+t.To)
}
func (r *recorder) Anomaly(*analyze.Anomaly) {}
func (r *recorder) Session(*analyze.Session) {}

// TestLiveKernelNDMLD captures, with v6scope's own socket and the built-in
// filter, what the kernels of two namespaces say when IPv6 comes up on a
// veth between them and one pings the other: DAD, MLDv2 reports behind a
// Hop-by-Hop header, NS/NA. The frames are decoded and fed to the
// analysis engine, which must reach the states those exchanges lead to.
func TestLiveKernelNDMLD(t *testing.T) {
	netns.Require(t, "live capture needs root, iproute2 and ping (iputils-ping)", "ip", "ping")
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	c := openIn(t, p.A, Options{Interfaces: []string{p.If}})
	if ifs := c.Interfaces(); len(ifs) != 1 || ifs[0].Name != p.If || ifs[0].LinkType != capture.LinkEthernet {
		t.Fatalf("Interfaces() = %+v", ifs)
	}
	col := collect(c, 0)

	if err := p.EnableIPv6(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*netns.NS{p.A, p.B} {
		if err := n.WaitDAD(ctx, p.If); err != nil {
			t.Fatal(err)
		}
	}
	peer, err := p.B.LinkLocal(ctx, p.If)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := p.A.Exec(ctx, "ping", "-6", "-n", "-c", "2", "-i", "0.5", "-W", "2", peer.String()+"%"+p.If); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	// Stop must hand over the frames still in the kernel's open block:
	// the echo reply came a moment ago.
	frames := col.stop(t, c)
	st, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d frames; kernel: %d received, %d dropped", len(frames), st.Received, st.Dropped)
	if st.Captured != uint64(len(frames)) || st.Received-st.Dropped != st.Captured || st.Dropped != 0 {
		t.Errorf("stats %+v, %d frames read", st, len(frames))
	}

	d := decode.New()
	rec := &recorder{}
	eng := analyze.New(rec)
	eng.Add(andd.New(eng, andd.Config{}))
	eng.Add(amld.New(eng, amld.Config{}))
	seen := map[string]int{}
	var pk decode.Packet
	decoded := make([]gopacket.LayerType, 0, 16)
	var prev time.Time
	for i, f := range frames {
		f.Data = f.data
		if f.Number != i+1 {
			t.Errorf("frame %d has number %d", i+1, f.Number)
		}
		if f.Time.Before(prev) || time.Since(f.Time) > time.Minute {
			t.Errorf("frame %d: time %v (previous %v)", f.Number, f.Time, prev)
		}
		prev = f.Time
		d.Decode(&f.Frame, &pk)
		if !hasLayer(&pk, dissect.LayerICMPv6) {
			t.Errorf("frame %d is not ICMPv6 (%s: %s): the built-in filter should have dropped it", f.Number, pk.Summary.Protocol, pk.Summary.Info)
		}
		seen[icmpv6Type(&pk)]++
		if hasLayer(&pk, dissect.LayerHopByHop) {
			seen["hbh/"+icmpv6Type(&pk)]++
		}
		_ = d.Fast(&f.Frame, &decoded)
		eng.Observe(&f.Frame, decoded, d)
	}
	eng.Finish()
	for typ, what := range map[string]string{"135": "Neighbor Solicitation", "136": "Neighbor Advertisement",
		"hbh/143": "MLDv2 report behind a Hop-by-Hop header", "128": "echo request", "129": "echo reply"} {
		if seen[typ] == 0 {
			t.Errorf("no %s captured; ICMPv6 types seen: %v", what, seen)
		}
	}
	for _, want := range []string{"nd address TENTATIVE", "nd address PREFERRED", "nd neighbor REACHABLE"} {
		if !slices.Contains(rec.to, want) {
			t.Errorf("the engine never reached %q; transitions: %v", want, rec.to)
		}
	}
}

// sender opens a packet socket inside n to send raw frames on ifname.
func sender(t *testing.T, n *netns.NS, ifname string) func(frame []byte) error {
	t.Helper()
	var fd, ifindex int
	err := n.Do(func() error {
		ifc, err := net.InterfaceByName(ifname)
		if err != nil {
			return err
		}
		ifindex = ifc.Index
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		return err
	})
	if err != nil {
		t.Fatalf("raw sender in %s: %v", n.Name, err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	sa := &unix.SockaddrLinklayer{Ifindex: ifindex, Halen: 6}
	return func(frame []byte) error { return unix.Sendto(fd, frame, 0, sa) }
}

// TestLiveFilter sends frames the built-in filter must keep and frames it
// must drop across the veth, marked by a byte at their end, and checks
// what the kernel let through.
func TestLiveFilter(t *testing.T) {
	netns.Require(t, "live capture needs root and iproute2", "ip")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t) // IPv6 stays off: only our frames cross
	c := openIn(t, p.A, Options{Interfaces: []string{p.If}})
	col := collect(c, 0)
	send := sender(t, p.B, p.If)

	hbh := func(next byte) []byte { return []byte{next, 0, 5, 2, 0, 0, 1, 0} } // Router Alert
	icmp := []byte{128, 0, 0, 0, 0, 1, 0, 1}
	bubble := ip6Packet(59, nil)
	cases := []struct {
		name  string
		frame []byte
		keep  bool
	}{
		{"ARP", ethFrame(0x0806, make([]byte, 28)), false},
		{"IPv4 TCP", ethFrame(etherTypeIPv4, ip4Packet(6, tcpSegment())), false},
		{"IPv6 TCP", ethFrame(etherTypeIPv6, ip6Packet(6, tcpSegment())), false},
		{"IPv6 TCP behind Hop-by-Hop", ethFrame(etherTypeIPv6, ip6Packet(0, append(hbh(6), tcpSegment()...))), false},
		{"IPv6 UDP 53", ethFrame(etherTypeIPv6, ip6Packet(17, udpDatagram(53000, 53, make([]byte, 20)))), false},
		{"ICMPv6 echo", ethFrame(etherTypeIPv6, ip6Packet(58, icmp)), true},
		{"ICMPv6 behind Hop-by-Hop", ethFrame(etherTypeIPv6, ip6Packet(0, append(hbh(58), icmp...))), true},
		{"IPv6 UDP 500", ethFrame(etherTypeIPv6, ip6Packet(17, udpDatagram(500, 500, make([]byte, 28)))), true},
		{"IPv4 UDP 4500", ethFrame(etherTypeIPv4, ip4Packet(17, udpDatagram(4500, 4500, make([]byte, 28)))), true},
		{"IPv4 protocol 41", ethFrame(etherTypeIPv4, ip4Packet(41, ip6Packet(58, icmp))), true},
		{"Teredo bubble on ports 40001/40002", ethFrame(etherTypeIPv4, ip4Packet(17, udpDatagram(40001, 40002, bubble))), true},
		{"Mobility Header", ethFrame(etherTypeIPv6, ip6Packet(135, make([]byte, 16))), true},
		{"802.1Q ICMPv6", tag(ethFrame(etherTypeIPv6, ip6Packet(58, icmp)), 42), true},
		{"802.1Q IPv6 TCP", tag(ethFrame(etherTypeIPv6, ip6Packet(6, tcpSegment())), 42), false},
	}
	for i, cs := range cases {
		// Mark each frame with its index in a trailing byte: Ethernet
		// padding the decoders ignore.
		cs.frame = append(cs.frame, 0xA0, byte(i))
		cases[i] = cs
		if err := send(cs.frame); err != nil {
			t.Fatalf("send %s: %v", cs.name, err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	frames := col.stop(t, c)
	got := map[int]frame{}
	for _, f := range frames {
		if n := len(f.data); n >= 2 && f.data[n-2] == 0xA0 {
			got[int(f.data[n-1])] = f
		}
	}
	for i, cs := range cases {
		f, kept := got[i]
		if kept != cs.keep {
			t.Errorf("%s: kept=%v, want %v", cs.name, kept, cs.keep)
			continue
		}
		if kept && !slices.Equal(f.data, cs.frame) {
			t.Errorf("%s: captured\n% x\nsent\n% x", cs.name, f.data, cs.frame)
		}
	}
	if len(frames) != len(got) {
		t.Errorf("%d frames captured, %d of them ours", len(frames), len(got))
	}
}

// TestLiveDropsCounted sends a burst of a few seconds at a reader that
// starts late, into a small ring: the kernel must drop frames, the drops
// must be counted, and the file written from what Next handed out must
// hold exactly the frames the counters say were captured.
func TestLiveDropsCounted(t *testing.T) {
	netns.Require(t, "live capture needs root and iproute2", "ip")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	c := openIn(t, p.A, Options{Interfaces: []string{p.If}, BufferSize: 2 * blockSize})

	file := filepath.Join(t.TempDir(), "burst.pcapng")
	out, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w, err := capture.NewPcapngWriter(out, "", c.Interfaces())
	if err != nil {
		t.Fatal(err)
	}
	var (
		written int
		wErr    error
		done    = make(chan struct{})
	)
	go func() {
		defer close(done)
		time.Sleep(time.Second) // the reader is late: the ring fills
		var f capture.Frame
		for {
			if err := c.Next(&f); err != nil {
				if !errors.Is(err, io.EOF) {
					wErr = err
				}
				return
			}
			if err := w.WriteFrame(&f); err != nil {
				wErr = err
				return
			}
			written++
		}
	}()

	send := sender(t, p.B, p.If)
	frame := ethFrame(etherTypeIPv6, ip6Packet(17, udpDatagram(500, 500, make([]byte, 64))))
	sent := 0
	const maxFrames = 300000
	deadline := time.Now().Add(2 * time.Second)
	for sent < maxFrames && time.Now().Before(deadline) {
		if err := send(frame); err != nil {
			if errors.Is(err, unix.ENOBUFS) {
				continue
			}
			t.Fatalf("send: %v", err)
		}
		sent++
	}
	time.Sleep(200 * time.Millisecond)
	c.Stop()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the reader did not finish within 20s of Stop")
	}
	if wErr != nil {
		t.Fatal(wErr)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	st, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sent %d; kernel: %d received, %d dropped; %d captured, %d written", sent, st.Received, st.Dropped, st.Captured, written)
	if st.Dropped == 0 {
		t.Errorf("no drops counted for a burst of %d frames into a %d-byte ring read 1s late", sent, 2*blockSize)
	}
	if st.Captured != uint64(written) || st.Received-st.Dropped != st.Captured {
		t.Errorf("counters do not add up: %+v, %d written", st, written)
	}
	if st.Received > uint64(sent) {
		t.Errorf("kernel received %d frames, more than the %d sent", st.Received, sent)
	}
	r, err := capture.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	var f capture.Frame
	for {
		err := r.Next(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		n++
		if !slices.Equal(f.Data, frame) {
			t.Fatalf("frame %d of the file differs from what was sent", f.Number)
		}
	}
	if n != written {
		t.Errorf("file holds %d frames, %d were written", n, written)
	}
}

// TestOpenErrors checks the errors a user meets most.
func TestOpenErrors(t *testing.T) {
	netns.Require(t, "live capture needs root and iproute2", "ip")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)

	var nsi *NoSuchInterfaceError
	err := p.A.Do(func() error { _, err := Open(Options{Interfaces: []string{"v6s-nonesuch"}}); return err })
	if !errors.As(err, &nsi) || !slices.Contains(nsi.Existing, p.If) || !slices.Contains(nsi.Existing, "lo") {
		t.Errorf("unknown interface: %v", err)
	} else if !strings.Contains(err.Error(), p.If) {
		t.Errorf("message does not list %s: %v", p.If, err)
	}

	if _, err := p.A.IP(ctx, "link", "set", p.If, "down"); err != nil {
		t.Fatal(err)
	}
	var down *InterfaceDownError
	err = p.A.Do(func() error { _, err := Open(Options{Interfaces: []string{p.If}}); return err })
	if !errors.As(err, &down) || !strings.Contains(err.Error(), "ip link set "+p.If+" up") {
		t.Errorf("interface down: %v", err)
	}

	msg := (&PermissionError{Interface: "eth0", Err: unix.EPERM}).Error()
	for _, want := range []string{"CAP_NET_RAW", GrantHint} {
		if !strings.Contains(msg, want) {
			t.Errorf("permission message lacks %q: %s", want, msg)
		}
	}
	if !errors.Is(&PermissionError{Err: unix.EPERM}, unix.EPERM) {
		t.Error("PermissionError does not unwrap")
	}
}

// TestLiveTwoInterfaces captures on both ends of a second veth in one
// namespace and checks that frames carry the interface they came from.
func TestLiveTwoInterfaces(t *testing.T) {
	netns.Require(t, "live capture needs root and iproute2", "ip")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n := netns.New(ctx, t, "two")
	if _, err := n.IP(ctx, "link", "add", "v6sx", "type", "veth", "peer", "name", "v6sy"); err != nil {
		t.Fatal(err)
	}
	for _, ifc := range []string{"v6sx", "v6sy"} {
		if err := n.Sysctl(ctx, "net.ipv6.conf."+ifc+".disable_ipv6", "1"); err != nil {
			t.Fatal(err)
		}
		if _, err := n.IP(ctx, "link", "set", ifc, "up"); err != nil {
			t.Fatal(err)
		}
	}
	c := openIn(t, n, Options{Interfaces: []string{"v6sx", "v6sy"}})
	col := collect(c, 0)
	send := sender(t, n, "v6sx")
	for i := range 5 {
		if err := send(ethFrame(etherTypeIPv6, ip6Packet(58, []byte{128, 0, 0, 0, 0, 1, 0, byte(i)}))); err != nil {
			t.Fatal(err)
		}
	}
	ok := waitFor(ctx, func() bool { return col.count(func(*decode.Packet) bool { return true }) >= 10 })
	frames := col.stop(t, c)
	if !ok {
		t.Fatalf("captured %d frames, want 10 (5 sent on v6sx, 5 received on v6sy)", len(frames))
	}
	per := map[int]int{}
	for _, f := range frames {
		per[f.Interface]++
	}
	if per[0] != 5 || per[1] != 5 {
		t.Errorf("frames per interface: %v, want 5 and 5", per)
	}
	if got := fmt.Sprint(c.Interfaces()[0].Name, c.Interfaces()[1].Name); got != "v6sxv6sy" {
		t.Errorf("interfaces %s", got)
	}
}

// TestCloseWhileReading closes a capture from another goroutine while a
// reader is blocked in Next (the way a test cleanup or a signal handler
// does): the reader must end with an error, not a crash on the unmapped
// ring, and Close must return.
func TestCloseWhileReading(t *testing.T) {
	netns.Require(t, "live capture needs root and iproute2", "ip")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n := netns.New(ctx, t, "close")
	if _, err := n.IP(ctx, "link", "add", "v6sc", "type", "veth", "peer", "name", "v6sd"); err != nil {
		t.Fatal(err)
	}
	for _, ifc := range []string{"v6sc", "v6sd"} {
		if _, err := n.IP(ctx, "link", "set", ifc, "up"); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 3 {
		var c *Capture
		if err := n.Do(func() (err error) { c, err = Open(Options{Interfaces: []string{"v6sc"}}); return err }); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			var f capture.Frame
			for {
				if err := c.Next(&f); err != nil {
					done <- err
					return
				}
			}
		}()
		if round > 0 {
			send := sender(t, n, "v6sd")
			for i := range 20 {
				_ = send(ethFrame(etherTypeIPv6, ip6Packet(58, []byte{128, 0, 0, 0, 0, 1, 0, byte(i)})))
			}
		}
		closed := make(chan error, 1)
		go func() { closed <- c.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Fatalf("round %d: Close: %v", round, err)
			}
		case <-ctx.Done():
			t.Fatalf("round %d: Close did not return while Next was blocked", round)
		}
		select {
		case err := <-done:
			if err == nil {
				t.Fatalf("round %d: reader ended without an error", round)
			}
		case <-ctx.Done():
			t.Fatalf("round %d: reader still in Next after Close", round)
		}
	}
}
