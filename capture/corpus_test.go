package capture

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// needTshark returns tshark's path, skipping (or failing under
// V6SCOPE_REQUIRE_PEERS=1) when it is not installed.
func needTshark(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("tshark")
	if err != nil {
		if requirePeers() {
			t.Fatalf("tshark not found and V6SCOPE_REQUIRE_PEERS=1: %v", err)
		}
		t.Skip("tshark not installed; skipping the differential test")
	}
	return p
}

// epoch formats a time as tshark 4.0 prints frame.time_epoch.
func epoch(t time.Time) string {
	return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
}

// shortTsharkSet is compared with tshark under -short: tshark takes a
// third of a second per file just to start.
var shortTsharkSet = map[string]bool{
	"nd/wiki_v6.pcap": true, "teredo/wiki_test.pcapng": true, "ikev2/wiki_ipsec.cap": true,
	"ikev2/td_isakmp-3948-oobr-2.pcap": true, "mipv6/td_mobility_opt_asan.pcap": true,
	"mipv6/td_ipv6_mobility_1.pcap": true, "ikev2/openswan_nattR1.pcap": true, "mld/ppp_ipv6_options.pcap": true,
}

// Every corpus capture reads to a clean end, frame for frame as tshark
// reads it: count, timestamp, wire and captured length, interface.
func TestCorpusMatchesTshark(t *testing.T) {
	files := corpusCaptures(t)
	tshark := needTshark(t)
	for _, path := range files {
		rel, _ := filepath.Rel(corpusDir, path)
		if testing.Short() && !shortTsharkSet[filepath.ToSlash(rel)] {
			continue
		}
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			frames, r, err := readFile(t, path)
			if err != nil {
				t.Fatalf("reading: %v", err)
			}
			out, err := exec.Command(tshark, "-r", path, "-T", "fields",
				"-e", "frame.number", "-e", "frame.time_epoch", "-e", "frame.len",
				"-e", "frame.cap_len", "-e", "frame.interface_id").Output()
			if err != nil {
				t.Fatalf("tshark: %v", err)
			}
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if len(lines) == 1 && lines[0] == "" {
				lines = nil
			}
			if len(frames) != len(lines) {
				t.Fatalf("%d frames, tshark reads %d", len(frames), len(lines))
			}
			for i, f := range frames {
				iface := ""
				if r.ng {
					iface = fmt.Sprint(f.Interface)
				}
				got := fmt.Sprintf("%d\t%s\t%d\t%d\t%s", f.Number, epoch(f.Time), f.OrigLen, f.CapLen, iface)
				if got != lines[i] {
					t.Errorf("frame %d:\n ours   %q\n tshark %q", i+1, got, lines[i])
				}
			}
		})
	}
}

// Facts about particular corpus files, checked by hand with capinfos.
func TestCorpusKnownFiles(t *testing.T) {
	cases := []struct {
		file     string
		format   string
		frames   int
		link     LinkType
		ifs      []Interface // nil: not checked
		comments []string
		check    func(t *testing.T, frames []Frame)
	}{
		{file: "nd/wiki_v6.pcap", format: "pcap", frames: 161, link: LinkEthernet,
			check: func(t *testing.T, fr []Frame) {
				if got := epoch(fr[0].Time); got != "921159902.141757000" || fr[0].OrigLen != 90 || fr[1].OrigLen != 510 {
					t.Errorf("frame 1 at %s, %d bytes; frame 2 %d bytes", got, fr[0].OrigLen, fr[1].OrigLen)
				}
				if fr[1].Offset != 24+16+90 {
					t.Errorf("frame 2 offset %d, want %d", fr[1].Offset, 24+16+90)
				}
			}},
		{file: "teredo/wiki_test.pcapng", format: "pcapng", frames: 5898, link: LinkEthernet,
			ifs: []Interface{{Name: "eth1", LinkType: LinkEthernet, SnapLen: 262144, TSResolution: time.Nanosecond}},
			check: func(t *testing.T, fr []Frame) {
				if got := epoch(fr[len(fr)-1].Time); got != "1506885398.126674489" {
					t.Errorf("last frame at %s", got)
				}
			}},
		{file: "ikev2/wiki_ipsec_ikev2_natt/capture.pcapng", format: "pcapng", frames: 54, link: LinkEthernet,
			ifs: []Interface{{Name: "ens160", LinkType: LinkEthernet, SnapLen: 262144, TSResolution: time.Nanosecond}}},
		// All timestamps are zero: 1970-01-01T00:00:00Z, not a missing time.
		{file: "ikev2/td_isakmp4500.pcap", format: "pcap", frames: 35, link: LinkEthernet,
			check: func(t *testing.T, fr []Frame) {
				for _, f := range fr {
					if !f.Time.Equal(time.Unix(0, 0)) {
						t.Errorf("frame %d at %v, want the epoch", f.Number, f.Time)
					}
				}
			}},
		// Named .pcap, but pcapng inside.
		{file: "tunnels/wiki_6in4.pcap", format: "pcapng", frames: 20, link: LinkEthernet},
		{file: "mld/ppp_ipv6_options.pcap", format: "pcapng", frames: 6, link: LinkEthernet,
			comments: []string{"File created by merging: \nFile1: ah_opt.pcap \nFile2: dest_opt.pcap \nFile3: hopbyhop_opt.pcap \nFile4: multiple_opt.pcap \nFile5: routing_opt.pcap \n"}},
		{file: "ikev2/td_isakmp-no-none-np.pcapng", format: "pcapng", frames: 1, link: LinkEthernet},
		{file: "ikev2/td_ikev2pI2-segfault.pcapng", format: "pcapng", frames: 1, link: LinkNull},
		{file: "ikev2/openswan_parentR1notify.pcap", format: "pcap", frames: 2, link: LinkNull},
		{file: "ikev2/sv_IKEv2_SA_INIT_2-8-weak.pcap", format: "pcap", frames: 1, link: LinkRaw},
		{file: "mipv6/td_ipv6_mobility_1.pcap", format: "pcap", frames: 16, link: LinkIPv6},
		// LinkType field 0x30000001: FCS bits above ETHERNET.
		{file: "ikev2/td_isakmp-3948-oobr-2.pcap", format: "pcap", frames: 1, link: LinkEthernet},
		// The corpus's only big-endian file.
		{file: "ikev2/wiki_ipsec.cap", format: "pcap", frames: 346, link: LinkEthernet},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			frames, r, err := readFile(t, corpusFile(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if r.Format() != c.format || len(frames) != c.frames {
				t.Errorf("%s with %d frames, want %s with %d", r.Format(), len(frames), c.format, c.frames)
			}
			for _, f := range frames {
				if f.LinkType != c.link {
					t.Fatalf("frame %d link type %v, want %v", f.Number, f.LinkType, c.link)
				}
			}
			if c.ifs != nil && !reflect.DeepEqual(r.Interfaces(), c.ifs) {
				t.Errorf("Interfaces() = %+v, want %+v", r.Interfaces(), c.ifs)
			}
			if c.comments != nil && !reflect.DeepEqual(r.SectionComments(), c.comments) {
				t.Errorf("SectionComments() = %q, want %q", r.SectionComments(), c.comments)
			}
			if c.check != nil {
				c.check(t, frames)
			}
		})
	}
}

// ReadFrame(n) through the index equals the n-th frame from Next, for
// every frame of every corpus file, read in reverse order.
func TestCorpusIndex(t *testing.T) {
	for _, path := range corpusCaptures(t) {
		rel, _ := filepath.Rel(corpusDir, path)
		t.Run(rel, func(t *testing.T) {
			want, _, err := readFile(t, path)
			if err != nil {
				t.Fatal(err)
			}
			ix, err := BuildIndex(path)
			if err != nil {
				t.Fatal(err)
			}
			checkIndex(t, ix, path, want)
		})
	}
}

// checkIndex reads every frame through ix, last first, with one reused
// Frame, and compares it with want.
func checkIndex(t *testing.T, ix *Index, path string, want []Frame) {
	t.Helper()
	if len(ix.Entries) != len(want) {
		t.Fatalf("index has %d entries, Next read %d frames", len(ix.Entries), len(want))
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	got := make([]Frame, len(want))
	var f Frame
	for n := len(want); n >= 1; n-- {
		if err := ix.ReadFrame(fh, n, &f); err != nil {
			t.Fatalf("ReadFrame(%d): %v", n, err)
		}
		got[n-1] = frameCopy(&f)
	}
	equalFrames(t, got, want)
}
