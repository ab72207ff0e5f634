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
func TestReplayDamaged(t *testing.T) {
	in := filepath.Join("..", "..", "pcaps", "kernel-nd-mld.pcapng")
	data := readFile(t, in)
	cut := filepath.Join(t.TempDir(), "cut.pcapng")
	writeFile(t, cut, data[:len(data)-50])
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
