package main

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

func framesOf(t *testing.T, path string) []capture.Frame {
	t.Helper()
	r, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []capture.Frame
	for {
		var f capture.Frame
		err := r.Next(&f)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		f.Data = append([]byte(nil), f.Data...)
		out = append(out, f)
	}
}

// TestReplayWriteTimestamps: -w stamps every frame with the time its
// pacing mode gives it, to the nanosecond.
func TestReplayWriteTimestamps(t *testing.T) {
	in := filepath.Join("..", "..", "pcaps", "kernel-nd-mld.pcapng")
	src := framesOf(t, in)
	t0 := src[0].Time
	n := len(src)
	for _, tc := range []struct {
		name string
		args []string
		want func(i int) time.Time // i counts frames written, across loops
	}{
		{"original", nil, func(i int) time.Time { return src[i].Time }},
		{"multiplier", []string{"--multiplier", "4"}, func(i int) time.Time {
			return t0.Add(time.Duration(math.Round(float64(src[i].Time.Sub(t0)) / 4)))
		}},
		{"pps", []string{"--pps", "1000", "--loop", "2", "--loop-delay", "1s"}, func(i int) time.Time {
			d := time.Duration(i) * time.Millisecond
			if i >= n {
				d += time.Second
			}
			return t0.Add(d)
		}},
		{"mbps", []string{"--mbps", "8"}, func(i int) time.Time {
			bytes := 0
			for _, f := range src[:i] {
				bytes += len(f.Data)
			}
			return t0.Add(time.Duration(bytes) * time.Microsecond) // 8 Mbit/s: one byte a microsecond
		}},
		{"topspeed", []string{"--topspeed"}, func(int) time.Time { return t0 }},
		{"original looped", []string{"--loop", "2"}, func(i int) time.Time {
			if i < n {
				return src[i].Time
			}
			return src[n-1].Time.Add(src[i-n].Time.Sub(t0))
		}},
	} {
		out := filepath.Join(t.TempDir(), "out.pcapng")
		var stdout, stderr bytes.Buffer
		args := append([]string{"replay", in, "-w", out}, tc.args...)
		if code := run(args, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.name, code, stderr.String())
		}
		got := framesOf(t, out)
		loops := 1
		if strings.Contains(strings.Join(tc.args, " "), "--loop 2") {
			loops = 2
		}
		if len(got) != loops*n {
			t.Fatalf("%s: %d frames, want %d", tc.name, len(got), loops*n)
		}
		for i, f := range got {
			if want := tc.want(i); !f.Time.Equal(want) {
				t.Fatalf("%s: frame %d at %s, want %s", tc.name, i+1, f.Time.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
			}
			if !bytes.Equal(f.Data, src[i%n].Data) {
				t.Fatalf("%s: frame %d data differs", tc.name, i+1)
			}
		}
		if !strings.Contains(stdout.String(), "Actual: ") {
			t.Errorf("%s: no report: %s", tc.name, stdout.String())
		}
	}
}

func TestReplaySelectAndLimit(t *testing.T) {
	in := filepath.Join("..", "..", "pcaps", "kernel-nd-mld.pcapng")
	out := filepath.Join(t.TempDir(), "out.pcapng")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"replay", in, "-w", out, "-Y", "icmpv6.type == 135", "--limit", "3", "--json"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := framesOf(t, out)
	if len(got) != 3 {
		t.Fatalf("%d frames", len(got))
	}
	for _, f := range got {
		if f.Data[14+40] != 135 {
			t.Errorf("frame of ICMPv6 type %d", f.Data[14+40])
		}
	}
	if !strings.Contains(stdout.String(), `"packets":3`) || !strings.Contains(stdout.String(), `"stopped":"--limit"`) {
		t.Errorf("json: %s", stdout.String())
	}
}

func TestReplayUsage(t *testing.T) {
	in := filepath.Join("..", "..", "pcaps", "kernel-nd-mld.pcapng")
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"replay", in}, exitUsage, "-i IFACE"},
		{[]string{"replay", in, "-i", "x", "-w", "y"}, exitUsage, "one of them"},
		{[]string{"replay", in, "-w", "y", "--pps", "1", "--topspeed"}, exitUsage, "choose one"},
		{[]string{"replay", in, "-w", "y", "--pps", "0"}, exitUsage, "positive"},
		{[]string{"replay", in, "-w", "y", "--loop", "0"}, exitUsage, "needs --limit or --duration"},
		{[]string{"replay", in, "-w", "y", "--map-ip", "1.2.3.4"}, exitUsage, "OLD=NEW"},
		{[]string{"replay", in, "-w", "y", "--src-mac", "nope"}, exitUsage, "not a MAC"},
		{[]string{"replay", in, "-w", "y", "-Y", "icmpv6.tpye == 1"}, exitUsage, "-Y"},
		{[]string{"replay", in, "-w", "y", "--proto", "gopher"}, exitUsage, "unknown"},
		{[]string{"replay", in, "-w", "y", "--on-oversize", "maybe"}, exitUsage, "skip or stop"},
		{[]string{"replay", "nosuch.pcap", "-w", "y"}, exitInput, "nosuch.pcap"},
		{[]string{"replay", in, "-i", "nosuch0"}, exitSend, `no such interface "nosuch0"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, nil, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.msg)
		}
	}
}

// TestReplayDamaged: a capture cut short replays the frames before the
// damage and stops with exit code 3, naming where.
// cutCapture writes kernel-nd-mld.pcapng without its last 50 bytes (its
// last frame cut short) and returns the original's path and the cut one's.
func cutCapture(t *testing.T) (in, cut string) {
	t.Helper()
	in = filepath.Join("..", "..", "pcaps", "kernel-nd-mld.pcapng")
	data := readFile(t, in)
	cut = filepath.Join(t.TempDir(), "cut.pcapng")
	writeFile(t, cut, data[:len(data)-50])
	return in, cut
}

func TestReplayDamaged(t *testing.T) {
	_, cut := cutCapture(t)
	out := filepath.Join(t.TempDir(), "out.pcapng")
	var stdout, stderr bytes.Buffer
	code := run([]string{"replay", cut, "-w", out, "--topspeed", "--loop", "3"}, nil, &stdout, &stderr)
	if code != exitDamaged || !strings.Contains(stderr.String(), "cut short") || !strings.Contains(stderr.String(), "were replayed, once") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := framesOf(t, out); len(got) == 0 || len(got) >= 52 {
		t.Errorf("%d frames written", len(got))
	}
	if !strings.Contains(stdout.String(), "Stopped: damaged capture") {
		t.Errorf("report: %s", stdout.String())
	}
}

// TestReplayLimitReadsNoFurther: with --limit N the capture is read only
// as far as its N-th selected frame, so damage after it is never reached,
// and loops still send N frames in all.
func TestReplayLimitReadsNoFurther(t *testing.T) {
	in, cut := cutCapture(t)
	out := filepath.Join(t.TempDir(), "out.pcapng")
	var stdout, stderr bytes.Buffer
	code := run([]string{"replay", cut, "-w", out, "--topspeed", "--loop", "3", "--limit", "10"}, nil, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := framesOf(t, out)
	if len(got) != 10 {
		t.Fatalf("%d frames written, want 10", len(got))
	}
	orig := framesOf(t, in)
	for i := range got {
		if !bytes.Equal(got[i].Data, orig[i].Data) {
			t.Errorf("frame %d differs from the capture's frame %d", i+1, i+1)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplaySession replays the frames of one analyze session.
func TestReplaySession(t *testing.T) {
	in := filepath.Join("..", "..", "pcaps", "kernel-nd-mld.pcapng")
	var stdout, stderr bytes.Buffer
	code := run([]string{"replay", in, "--dry-run", "--session", "nd/neighbor/if0/02:76:36:00:00:01/fe80::76:36ff:fe00:b"}, nil, &stdout, &stderr)
	if code != 0 || !strings.HasPrefix(stdout.String(), "frame 20\tat +0.000000000 s") || strings.Contains(stdout.String(), "frame 1\t") {
		t.Errorf("exit %d: %s%s", code, stdout.String(), stderr.String())
	}
}

// rawCapture writes the IP packets of a bundled Ethernet capture, their
// Ethernet headers taken off, as a capture of link type RAW (what tcpdump
// writes on a tun device).
func rawCapture(t *testing.T, name string) (string, []capture.Frame) {
	t.Helper()
	src := framesOf(t, filepath.Join("..", "..", "pcaps", name))
	var buf bytes.Buffer
	w, err := capture.NewPcapngWriter(&buf, "", []capture.Interface{{Name: "tun0", LinkType: capture.LinkRaw, TSResolution: time.Nanosecond}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range src {
		if f.LinkType != capture.LinkEthernet || len(f.Data) < 14 {
			t.Fatalf("%s frame %d is not Ethernet", name, f.Number)
		}
		raw := capture.Frame{Time: f.Time, Data: f.Data[14:], CapLen: len(f.Data) - 14, OrigLen: len(f.Data) - 14}
		if err := w.WriteFrame(&raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tun.pcapng")
	writeFile(t, path, buf.Bytes())
	return path, src
}

// TestReplayRawToEthernet: a raw IP capture written with --dst-mac and
// --src-mac comes out as Ethernet frames, and with --map-ip it is byte
// for byte what replaying the original Ethernet capture with the same
// flags gives (whose MAC and address rewriting the replay package tests),
// every checksum right by the decoder.
func TestReplayRawToEthernet(t *testing.T) {
	const name = "kernel-nd-mld.pcapng"
	raw, src := rawCapture(t, name)
	flags := []string{"--topspeed", "--dst-mac", "02:dd:00:00:00:01", "--src-mac", "02:55:00:00:00:02", "--map-ip", "fe80::/64=fe80:0:0:99::/64"}
	dir := t.TempDir()
	fromRaw, fromEth := filepath.Join(dir, "raw.pcapng"), filepath.Join(dir, "eth.pcapng")
	for _, c := range [][]string{{raw, "-w", fromRaw}, {filepath.Join("..", "..", "pcaps", name), "-w", fromEth}} {
		var stdout, stderr bytes.Buffer
		if code := run(append(append([]string{"replay"}, c...), flags...), nil, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", c, code, stderr.String())
		}
	}
	got, want := framesOf(t, fromRaw), framesOf(t, fromEth)
	if len(got) != len(src) || len(want) != len(src) {
		t.Fatalf("%d and %d frames written, want %d", len(got), len(want), len(src))
	}
	d := decode.New()
	changed := 0
	for i, f := range got {
		if f.LinkType != capture.LinkEthernet {
			t.Fatalf("frame %d written as %s", i+1, f.LinkType)
		}
		if !bytes.Equal(f.Data, want[i].Data) {
			t.Fatalf("frame %d:\n% x\nwant\n% x", i+1, f.Data, want[i].Data)
		}
		if !bytes.Equal(f.Data[14:], src[i].Data[14:]) {
			changed++
		}
		var p decode.Packet
		d.Decode(&f, &p)
		for _, n := range p.Notes() {
			if strings.Contains(n.Code, "checksum") {
				t.Errorf("frame %d: %s: %s", i+1, n.Code, n.Message)
			}
		}
	}
	if changed == 0 {
		t.Error("no address was mapped")
	}
}

// TestReplayRawNeedsMACs: a raw capture needs --dst-mac to go onto an
// Ethernet interface, and --src-mac too into a file, each error naming
// the flag.
func TestReplayRawNeedsMACs(t *testing.T) {
	raw, _ := rawCapture(t, "kernel-nd-mld.pcapng")
	out := filepath.Join(t.TempDir(), "out.pcapng")
	var stdout, stderr bytes.Buffer
	code := run([]string{"replay", raw, "-w", out, "--dst-mac", "02:dd:00:00:00:01"}, nil, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "frame 1 (link type RAW): an Ethernet header needs a source MAC address") || !strings.Contains(stderr.String(), "--src-mac") {
		t.Errorf("-w without --src-mac: exit %d: %s", code, stderr.String())
	}
	// Without --dst-mac, -w writes the frames as they are.
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"replay", raw, "-w", out}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("-w as captured: exit %d: %s", code, stderr.String())
	}
	if got := framesOf(t, out); len(got) == 0 || got[0].LinkType != capture.LinkRaw {
		t.Errorf("-w as captured: %d frames", len(got))
	}
	// Onto the loopback interface (Ethernet on Linux), nothing is sent:
	// the missing --dst-mac stops it first.
	stdout.Reset()
	stderr.Reset()
	code = run([]string{"replay", raw, "-i", "lo"}, nil, &stdout, &stderr)
	if code == exitSend {
		t.Skipf("cannot open lo for sending (needs Linux and CAP_NET_RAW): %s", stderr.String())
	}
	if code != exitUsage || !strings.Contains(stderr.String(), "frame 1 (link type RAW): an Ethernet header needs a destination MAC address") ||
		!strings.Contains(stderr.String(), "to send it on lo, an Ethernet interface, give the Ethernet destination with --dst-mac MAC") {
		t.Errorf("-i lo: exit %d: %s", code, stderr.String())
	}
}

// TestReplayCorpusRawAndNull converts the shared corpus's raw IPv6 (MLDv2)
// and BSD loopback (IKEv2) captures to Ethernet: every frame comes out as
// Ethernet, decodes as the same protocol and keeps right checksums.
func TestReplayCorpusRawAndNull(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("V6SCOPE_REQUIRE_PEERS") == "1" {
			t.Fatalf("corpus %s missing and V6SCOPE_REQUIRE_PEERS=1: %v", dir, err)
		}
		t.Skipf("no shared corpus: %v", err)
	}
	for _, tc := range []struct{ file, proto string }{
		{"mld/zeek_icmp6-mldv2.pcap", "icmpv6"},
		{"ikev2/td_ikev2four.pcap", "isakmp"},
	} {
		in := filepath.Join(dir, tc.file)
		src := framesOf(t, in)
		if len(src) == 0 || src[0].LinkType == capture.LinkEthernet {
			t.Fatalf("%s: not a non-Ethernet capture", tc.file)
		}
		out := filepath.Join(t.TempDir(), "out.pcapng")
		var stdout, stderr bytes.Buffer
		if code := run([]string{"replay", in, "-w", out, "--topspeed", "--dst-mac", "33:33:00:00:00:16", "--src-mac", "02:55:00:00:00:02"}, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.file, code, stderr.String())
		}
		got := framesOf(t, out)
		if len(got) != len(src) {
			t.Fatalf("%s: %d frames written, want %d", tc.file, len(got), len(src))
		}
		d := decode.New()
		for i, f := range got {
			if f.LinkType != capture.LinkEthernet {
				t.Fatalf("%s frame %d written as %s", tc.file, i+1, f.LinkType)
			}
			var ps, pd decode.Packet
			d.Decode(&src[i], &ps)
			d.Decode(&f, &pd)
			if ps.Summary.Protocol != pd.Summary.Protocol || ps.Summary.Src != pd.Summary.Src {
				t.Errorf("%s frame %d: %s %s as captured, %s %s converted", tc.file, i+1, ps.Summary.Protocol, ps.Summary.Src, pd.Summary.Protocol, pd.Summary.Src)
			}
			// Checksums wrong in the capture (td_ikev2four's UDP ones
			// are, as tshark says) stay wrong; no other may be.
			if before, after := checksumNotes(&ps), checksumNotes(&pd); after != before {
				t.Errorf("%s frame %d: checksum notes %q as captured, %q converted", tc.file, i+1, before, after)
			}
		}
	}
}

// checksumNotes lists the checksum expert notes of a packet.
func checksumNotes(p *decode.Packet) string {
	var codes []string
	for _, n := range p.Notes() {
		if strings.Contains(n.Code, "checksum") {
			codes = append(codes, n.Code)
		}
	}
	return strings.Join(codes, ",")
}
