package decode_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/decodetest"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
)

// headerFields are the fields of the protocols decoded so far (issue 2:
// frame, link layers, IPv4, IPv6 and its extension headers, UDP, TCP and the
// ICMPv6 header), which v6scope must print exactly as tshark 4.0 does.
var headerFields = []string{
	"frame.number", "frame.len", "frame.cap_len", "frame.time_epoch", "frame.time_relative", "frame.time_delta",
	"eth.src", "eth.dst", "eth.addr", "eth.type", "vlan.priority", "vlan.id", "vlan.etype",
	"sll.pkttype", "sll.hatype", "sll.halen", "sll.etype", "null.family",
	"ip.version", "ip.hdr_len", "ip.dsfield", "ip.dsfield.dscp", "ip.dsfield.ecn", "ip.len", "ip.id",
	"ip.flags", "ip.flags.rb", "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.ttl", "ip.proto",
	"ip.checksum", "ip.src", "ip.dst", "ip.addr",
	"ipv6.version", "ipv6.tclass", "ipv6.tclass.dscp", "ipv6.tclass.ecn", "ipv6.flow", "ipv6.plen",
	"ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst", "ipv6.addr",
	"ipv6.hopopts.nxt", "ipv6.hopopts.len", "ipv6.hopopts.len_oct", "ipv6.dstopts.nxt", "ipv6.dstopts.len",
	"ipv6.opt.type", "ipv6.opt.type.action", "ipv6.opt.type.change", "ipv6.opt.type.rest", "ipv6.opt.length",
	"ipv6.opt.router_alert", "ipv6.opt.padn", "ipv6.opt.mipv6.home_address",
	"ipv6.routing.nxt", "ipv6.routing.len", "ipv6.routing.type", "ipv6.routing.segleft", "ipv6.routing.mipv6.home_address",
	"ipv6.fraghdr.nxt", "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
	"udp.srcport", "udp.dstport", "udp.port", "udp.length", "udp.checksum",
	"tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.flags.syn",
	"tcp.flags.ack", "tcp.window_size_value", "tcp.checksum", "tcp.urgent_pointer",
	"icmpv6.type", "icmpv6.code", "icmpv6.checksum", "icmpv6.checksum.status",
	"icmpv6.echo.identifier", "icmpv6.echo.sequence_number", "icmpv6.mtu", "icmpv6.pointer",
	"icmp.type", "icmp.code", "icmp.checksum",
}

// decoded are the protocols (by Wireshark's names) whose header fields
// v6scope decodes so far. A frame is compared with tshark only when every
// protocol in tshark's frame.protocols, up to the last one of these, is one
// of these: otherwise tshark went through an encapsulation v6scope does not
// decode yet (AYIYA, AH, PPPoE, Cisco ISL, GTP, …) and found headers
// inside that v6scope shows as data. The set grows as decoders land.
var decoded = map[string]bool{
	"eth": true, "ethertype": true, "vlan": true, "sll": true, "null": true,
	"ip": true, "ipv6": true, "ipv6.hopopts": true, "ipv6.routing": true, "ipv6.fraghdr": true, "ipv6.dstopts": true,
	"udp": true, "tcp": true, "icmp": true, "icmpv6": true, "data": true,
	"teredo": true, "mipv6": true,
	"isakmp": true, "udpencap": true, "esp": true,
}

// comparable reports whether tshark's protocol chain for a frame stays
// within what v6scope decodes, in the sense described at decoded.
func comparable(protocols string) bool {
	chain := strings.Split(protocols, ":")
	last := -1
	for i, p := range chain {
		if decoded[p] {
			last = i
		}
	}
	for i, p := range chain[:last+1] {
		if !decoded[p] {
			return false
		}
		if i > 0 {
			switch prev := chain[i-1]; {
			case prev == "eth" && p == "eth":
				// Cisco ISL: tshark recognises it by its multicast
				// destination 01:00:0c:00:00:00; v6scope does not decode ISL.
				return false
			case prev == "udp" && (p == "ip" || p == "ipv6"):
				// IP carried in UDP on a port tshark knows and v6scope does
				// not decode yet (AYIYA-like and VXLAN-GPE-like tunnels).
				return false
			}
		}
	}
	return true
}

// teredoHeuristic turns on tshark's Teredo heuristic, which v6scope has on
// by default (docs/teredo.md): Teredo between a client and a relay or peer
// runs on neither side's port 3544.
var teredoHeuristic = []string{"-o", "teredo.heuristic_teredo:TRUE"}

// reassembled marks frames where tshark reassembled IP fragments and
// decoded the whole packet; v6scope does not reassemble, so it shows the
// last fragment's own bytes as data (docs/differences.md).
var reassembled = []string{"ipv6.reassembled.in", "ip.reassembled_in"}

func TestFieldsMatchTshark(t *testing.T) {
	tsharkdiff.Require(t)
	files := tsharkdiff.Captures(t)
	if len(files) == 0 {
		t.Fatal("no captures found")
	}
	for _, file := range files {
		name, _ := filepath.Rel(filepath.Dir(filepath.Dir(file)), file)
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			want, err := tsharkdiff.Tshark(ctx, file, headerFields, teredoHeuristic...)
			if want == nil {
				t.Skipf("tshark cannot read it: %v", err)
			}
			skip, err := tsharkdiff.Tshark(ctx, file, append([]string{"frame.protocols", "icmpv6.type"}, reassembled...), teredoHeuristic...)
			if skip == nil {
				t.Fatalf("tshark: %v", err)
			}
			got := ours(t, file, headerFields)
			var diffs []tsharkdiff.Diff
			for _, d := range tsharkdiff.Compare(want, got) {
				if d.Frame > 0 && d.Frame <= len(skip.Rows) {
					row := skip.Rows[d.Frame-1]
					if !comparable(row[0]) || row[2] != "" || row[3] != "" {
						continue
					}
					if why := knownDifference(name, d); why != "" {
						t.Logf("frame %d %s: known difference: %s", d.Frame, d.Field, why)
						continue
					}
				}
				diffs = append(diffs, d)
			}
			if len(diffs) > 0 {
				t.Errorf("%d disagreements with tshark:\n%s", len(diffs), tsharkdiff.Report(diffs, 3))
			}
		})
	}
}

// knownDifferences are places where v6scope deliberately prints something
// else than tshark 4.0, each explained in docs/differences.md.
var knownDifferences = []struct {
	file   string
	frame  int
	field  string
	reason string
}{
	{"mipv6/zeek_ipv6-mobility-dst-opts.pcap", 3, "ipv6.opt.mipv6.home_address",
		"the Home Address option says it holds 1 byte; tshark reads 16 anyway and shows an address, v6scope flags the option as malformed (RFC 6275 §6.3: Option Length 16)"},
}

func knownDifference(file string, d tsharkdiff.Diff) string {
	for _, k := range knownDifferences {
		if k.file == file && k.frame == d.Frame && k.field == d.Field {
			return k.reason
		}
	}
	return ""
}

// ours prints fields with v6scope as `read -T fields -E occurrence=a` does.
func ours(t testing.TB, file string, fields []string) *tsharkdiff.Table {
	return decodetest.Table(t, file, decode.New(), fields, nil)
}
