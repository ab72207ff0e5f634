package filter_test

import (
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
	"github.com/v6scope/v6scope/pcaps"
)

// tsharkFilters are run by v6scope and by tshark 4.0 -Y on real captures;
// both must select the same frames. They use only syntax tshark 4.0 accepts
// (commas in sets, lower-case keywords, no exponents in times) and fields
// the decoders fill as Wireshark does.
var tsharkFilters = []string{
	// Precedence: "and" binds tighter than "or", "not" tighter than both.
	"frame.number == 1 and frame.number == 2 or frame.number == 3",
	"frame.number == 3 or frame.number == 1 and frame.number == 2",
	"frame.number == 1 && frame.number == 2 || frame.number == 3",
	"not frame.number == 1 and frame.number == 1",
	"!(frame.number == 1) || frame.number == 1 && frame.number == 2",
	// == and the any/all forms over several occurrences.
	"ipv6.addr == ff02::16", "ipv6.addr != ff02::16", "ipv6.addr ~= ff02::16", "ipv6.addr !== ff02::16",
	"ipv6.dst === ff02::16", "ipv6.addr === ff02::16", "ipv6.addr eq ff02::1", "ipv6.addr ne ff02::1",
	"ip.addr == 10.0.0.1", "ip.addr != 10.0.0.1", "ip.src != ip.dst", "ipv6.src == ipv6.dst",
	// Absent fields.
	"udp.port != 53", "not udp.port == 53", "tcp.port ~= 80", "ipv6.hlim != 255",
	// Prefixes and address ordering.
	"ipv6.addr == ff02::/16", "ipv6.src != fe80::/10", "ipv6.src == ::", "ipv6.src > fe80::1",
	"ipv6.src == fe80::/10 and ipv6.dst == ff02::/16", "ip.src == 0.0.0.0/0", "ip.dst < 128.0.0.0",
	// Integers.
	"ipv6.hlim == 1", "ipv6.hlim == 0x1", "ipv6.hlim == 01", "ipv6.hlim == '\\x01'", "ipv6.hlim > 64",
	"ipv6.hlim le 64", "ipv6.plen >= 32", "frame.number >= 40 and frame.number < 0x2d", "frame.len > 90",
	"icmpv6.type in {133..137, 143}", "ipv6.hlim in {1, 255}", "ipv6.hlim not in {1}", "ipv6.plen in {20..40}",
	"frame.number & 1", "frame.number & 3 == 2", "ipv6.nxt == 58 || ipv6.nxt == 0 && ipv6.hlim == 1",
	"ipv6.tclass & 0x1", "eth.type == 0x86dd", "icmpv6.code == 0", "icmpv6.type == 135",
	// Times.
	"frame.time_relative > 5.5", "frame.time_relative <= 1", "frame.time_delta > 0.5", "frame.time_delta == 0",
	"frame.time_relative in {1..2}", "frame.time_epoch > 1",
	// MAC addresses and slices.
	"eth.src[0:3] == 02:76:36", "eth.dst[0:2] == 33:33", "eth.dst[0:2] == 33.33", "eth.dst[-1] == 16",
	"eth.dst[2-3] == 00:00", "eth.dst[1:] == 33:00:00:00:16", "eth.dst == 33-33-00-00-00-16",
	"eth.dst == 3333.0000.0016", "eth.addr == 33:33:00:00:00:16", "eth.src > 02:76:36:00:00:0a",
	"eth.dst contains 00:16", "eth.dst[0:2] == \"33\"", "eth.src matches \"^\\\\x02\"", "eth.src matches \"^02\"",
	// Protocols as bytes.
	"ipv6[0] == 0x60", "ipv6[0:1] == 60", "icmpv6 contains 02:76:36", "icmpv6[0] == 0x8f",
	"frame contains \"\\x86\\xdd\"", "frame[12:2] == 86:dd", "eth contains 86:dd",
	// Strings.
	"frame.interface_name == \"v6s-br0\"", "frame.interface_name == v6s-br0",
	"frame.interface_name matches \"V6S\"", "frame.interface_name matches \"(?-i)V6S\"",
	"frame.interface_name ~ \"br0$\"", "frame.interface_name contains \"br\"", "frame.interface_name contains \"BR\"",
	"frame.interface_name[0:3] == \"v6s\"", "frame.interface_name[1] == 36", "frame.interface_name > \"a\"",
	"frame.interface_name in {\"x\", \"v6s-br0\"}", "frame.interface_name == r\"v6s-br0\"",
	"frame.interface_name[0:3] contains 36:73", "frame.protocols contains \"ipv6.hopopts\"",
}

// tunnelFilters are run on corpus captures with tunnels, where every IP
// field occurs twice (one tshark run per filter and file costs half a
// second, so the list is short).
var tunnelFilters = []string{
	"ip.addr == 192.168.1.1", "ipv6.src != ipv6.dst", "ip.src ~= 10.0.0.1", "ip.addr != 10.0.0.1",
	"ipv6.addr == 2001::/16 and not ip.dst == 10.0.0.0/8", "ip.ttl > 63 or ipv6.hlim < 64 and ip",
	"ip.proto == 41", "ipv6.nxt in {6, 17, 58}", "ip[9] == 29", "ipv6.addr ~= ::1", "ip.src === ip.src",
	"ip.len > ipv6.plen", "ip.dsfield & 0xfc",
}

// TestAgainstTshark checks that v6scope selects the frames tshark 4.0
// selects: every filter on the bundled capture and, when the corpus is
// present, tunnel filters on captures with two IP layers.
func TestAgainstTshark(t *testing.T) {
	tsharkdiff.Require(t)
	if testing.Short() {
		t.Skip("runs tshark once per filter (about a minute); not in -short mode")
	}
	schema := decode.NewSchema()
	t.Run(pcaps.Default, func(t *testing.T) {
		t.Parallel()
		compareWithTshark(t, schema, filepath.Join("..", "..", "pcaps", pcaps.Default), tsharkFilters)
	})
	t.Run("corpus", func(t *testing.T) {
		dir := tsharkdiff.Corpus(t)
		for _, f := range []string{"tunnels/zeek_6in4.pcap", "tunnels/ndpi_6in4tunnel.pcap", "tunnels/zeek_4in6.pcap",
			"tunnels/sv_ipv6_over_ipv4.pcap", "nd/wiki_v6.pcap"} {
			t.Run(filepath.Base(f), func(t *testing.T) {
				t.Parallel()
				compareWithTshark(t, schema, filepath.Join(dir, f), tunnelFilters)
			})
		}
	})
}

func compareWithTshark(t *testing.T, schema filter.Schema, file string, exprs []string) {
	filters := make([]*filter.Filter, len(exprs))
	for i, expr := range exprs {
		f, err := filter.Compile(expr, schema)
		if err != nil {
			t.Fatalf("Compile(%q): %v", expr, err)
		}
		filters[i] = f
	}
	ours := matchFile(t, file, filters)
	for i, expr := range exprs {
		tab, err := tsharkdiff.Tshark(t.Context(), file, []string{"frame.number"}, "-Y", expr)
		if err != nil {
			t.Fatalf("tshark -Y %q: %v", expr, err)
		}
		var theirs []string
		for _, row := range tab.Rows {
			theirs = append(theirs, row[0])
		}
		if !slices.Equal(ours[i], theirs) {
			t.Errorf("%s: %q\n  tshark:  %s\n  v6scope: %s", filepath.Base(file), expr,
				strings.Join(theirs, " "), strings.Join(ours[i], " "))
		}
	}
}

// matchFile decodes every frame of file once and returns, for each filter,
// the numbers of the frames it matches.
func matchFile(t *testing.T, file string, filters []*filter.Filter) [][]string {
	r, err := capture.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d := decode.New()
	d.InterfaceName = func(i int) string {
		if ifs := r.Interfaces(); i < len(ifs) {
			return ifs[i].Name
		}
		return ""
	}
	out := make([][]string, len(filters))
	var (
		f capture.Frame
		p decode.Packet
	)
	for {
		if err := r.Next(&f); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("%s: %v", file, err)
			}
			return out
		}
		d.Decode(&f, &p)
		for i, flt := range filters {
			if flt.Match(&p.Tree) {
				out[i] = append(out[i], strconv.Itoa(f.Number))
			}
		}
	}
}
