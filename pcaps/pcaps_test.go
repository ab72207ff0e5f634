package pcaps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/pcaps/expect"
)

// maxTotalSize bounds what the bundled captures may weigh together: they
// are embedded in the binary and cloned with every checkout.
const maxTotalSize = 5 << 20

// pcapngMagic is the Section Header Block type every pcapng file starts with.
var pcapngMagic = []byte{0x0a, 0x0d, 0x0d, 0x0a}

func TestEveryCaptureHasExpectation(t *testing.T) {
	caps := Captures()
	if len(caps) == 0 {
		t.Fatal("no *.pcapng embedded")
	}
	for _, c := range caps {
		if _, err := fs.Stat(FS, ExpectName(c)); err != nil {
			t.Errorf("%s has no %s beside it: %v", c, ExpectName(c), err)
		}
	}
}

func TestEveryExpectationHasCapture(t *testing.T) {
	exps, err := fs.Glob(FS, "*"+ExpectSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if len(exps) == 0 {
		t.Fatal("no *.expect.json embedded")
	}
	for _, x := range exps {
		c := strings.TrimSuffix(x, ExpectSuffix) + ".pcapng"
		if _, err := fs.Stat(FS, c); err != nil {
			t.Errorf("%s has no %s beside it: %v", x, c, err)
		}
	}
}

func TestExpectationsParse(t *testing.T) {
	for _, c := range Captures() {
		t.Run(c, func(t *testing.T) {
			e, err := Expect(c)
			if err != nil {
				t.Fatal(err)
			}
			if e.File != c {
				t.Errorf("file = %q, want %q", e.File, c)
			}
			if len(e.Counts) == 0 {
				t.Error("counts are empty")
			}
			if e.Frames <= 0 {
				t.Errorf("frames = %d", e.Frames)
			}
			if len(e.KeyFrames) == 0 {
				t.Error("no key frames")
			}
			for f, n := range e.Counts {
				if n > e.Frames {
					t.Errorf("count %q = %d > %d frames", f, n, e.Frames)
				}
			}
			if len(e.Hosts) == 0 {
				t.Error("no hosts")
			}
			for _, h := range e.Hosts {
				for _, a := range h.Addresses {
					if !a.Prefix.IsValid() || !a.Prefix.Addr().Is6() {
						t.Errorf("host %s: address %v is not IPv6", h.Node, a.Prefix)
					}
				}
			}
			for _, n := range e.Neighbors {
				if !n.Target.IsValid() || n.FinalState == "" {
					t.Errorf("neighbor %+v: no target or state", n)
				}
			}
		})
	}
}

func TestCapturesArePcapng(t *testing.T) {
	for _, c := range Captures() {
		data, err := FS.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, pcapngMagic) {
			t.Errorf("%s does not start with a pcapng Section Header Block", c)
		}
	}
}

func TestTotalSize(t *testing.T) {
	var total int64
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > maxTotalSize {
		t.Errorf("bundled captures weigh %d bytes, more than %d", total, maxTotalSize)
	}
}

func TestDefaultIsBundled(t *testing.T) {
	if _, err := fs.Stat(FS, Default); err != nil {
		t.Fatalf("Default %q: %v", Default, err)
	}
}

func TestExpectName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"kernel-nd-mld.pcapng", "kernel-nd-mld.expect.json"},
		{"kernel-nd-mld", "kernel-nd-mld.expect.json"},
		{"kernel-nd-mld.expect.json", "kernel-nd-mld.expect.json"},
		{"pcaps/kernel-nd-mld.pcapng", "kernel-nd-mld.expect.json"},
	} {
		if got := ExpectName(tc.in); got != tc.want {
			t.Errorf("ExpectName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestExpectMissing(t *testing.T) {
	if _, err := Expect("no-such-capture.pcapng"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Expect(missing) error = %v, want fs.ErrNotExist", err)
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct{ name, json string }{
		{"not json", `{`},
		{"unknown field", `{"file":"x.pcapng","frames":1,"counts":{"ipv6":1},"extra":1}`},
		{"no counts", `{"file":"x.pcapng","frames":1,"counts":{}}`},
		{"no frames", `{"file":"x.pcapng","frames":0,"counts":{"ipv6":0}}`},
		{"count above frames", `{"file":"x.pcapng","frames":1,"counts":{"ipv6":2}}`},
		{"key frame out of range", `{"file":"x.pcapng","frames":1,"counts":{"ipv6":1},"key_frames":[{"frame":2,"kind":"rs","what":"","filter":"icmpv6.type==133"}]}`},
		{"parts short of the frames", `{"file":"x.pcapng","frames":2,"counts":{"ipv6":1},"parts":[{"name":"a","file":"a.pcapng","generator":"","description":"","interfaces":["a/eth0"],"frames":1,"first_frame":1,"last_frame":1,"counts":{"ipv6":1}}]}`},
		{"parts short of a count", `{"file":"x.pcapng","frames":1,"counts":{"ipv6":1},"parts":[{"name":"a","file":"a.pcapng","generator":"","description":"","interfaces":["a/eth0"],"frames":1,"first_frame":1,"last_frame":1}]}`},
		{"part count not in counts", `{"file":"x.pcapng","frames":1,"counts":{"ipv6":1},"parts":[{"name":"a","file":"a.pcapng","generator":"","description":"","interfaces":["a/eth0"],"frames":1,"first_frame":1,"last_frame":1,"counts":{"ipv6":1,"udp":1}}]}`},
		{"bad address", `{"file":"x.pcapng","frames":1,"counts":{"ipv6":1},"neighbors":[{"node":"a","interface":"eth0","target":"fe80::zz","final_state":"STALE"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := expect.Parse([]byte(tc.json)); !errors.Is(err, expect.ErrInvalid) {
				t.Errorf("Parse error = %v, want ErrInvalid", err)
			}
		})
	}
}

// TestCountsMatchTshark checks that each expect.json still describes the
// capture beside it, by asking tshark (the authority for the counts).
func TestCountsMatchTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		if os.Getenv("V6SCOPE_REQUIRE_PEERS") == "1" {
			t.Fatal("needs tshark (apt-get install tshark); V6SCOPE_REQUIRE_PEERS=1")
		}
		t.Skip("needs tshark (apt-get install tshark)")
	}
	for _, c := range Captures() {
		e, err := Expect(c)
		if err != nil {
			t.Fatal(err)
		}
		filters := []string{"frame"}
		want := map[string]int{"frame": e.Frames}
		for f, n := range e.Counts {
			filters = append(filters, f)
			want[f] = n
		}
		for _, k := range e.KeyFrames {
			f := fmt.Sprintf("frame.number==%d && (%s)", k.Frame, k.Filter)
			filters = append(filters, f)
			want[f] = 1
		}
		sort.Strings(filters)
		for _, f := range filters {
			if strings.Contains(f, ",") {
				t.Fatalf("%s: filter %q has a comma, which -z io,stat cannot take", c, f)
			}
		}
		// tshark -z io,stat counts every filter in one pass.
		args := []string{"-r", c}
		for _, p := range e.TsharkPrefs {
			args = append(args, "-o", p)
		}
		args = append(args, "-q", "-z", "io,stat,0,"+strings.Join(quoteAll(filters), ","))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		out, err := exec.CommandContext(ctx, "tshark", args...).Output()
		cancel()
		if err != nil {
			t.Fatalf("%s: tshark: %v", c, err)
		}
		got, err := parseIOStat(out, len(filters))
		if err != nil {
			t.Fatalf("%s: %v\n%s", c, err, out)
		}
		for i, f := range filters {
			if got[i] != want[f] {
				t.Errorf("%s: tshark counts %d frames for %q, expect.json says %d", c, got[i], f, want[f])
			}
		}
	}
}

func quoteAll(filters []string) []string {
	q := make([]string, len(filters))
	for i, f := range filters {
		q[i] = `COUNT(frame)frame&&(` + f + `)`
	}
	return q
}

// parseIOStat reads the single row of `tshark -q -z io,stat,0,F1,F2…`
// with COUNT(frame) columns: "| 0.0 <> 10.2 |  52 |  14 | … |".
func parseIOStat(out []byte, n int) ([]int, error) {
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.Contains(line, "<>") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != n+1 {
			return nil, fmt.Errorf("io,stat row has %d cells, want %d", len(cells), n+1)
		}
		counts := make([]int, n)
		for i, c := range cells[1:] {
			v, err := strconv.Atoi(strings.TrimSpace(c))
			if err != nil {
				return nil, fmt.Errorf("io,stat cell %q: %w", c, err)
			}
			counts[i] = v
		}
		return counts, nil
	}
	return nil, errors.New("no io,stat row")
}
