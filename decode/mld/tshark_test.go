package mld_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/decodetest"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
)

// mldFields are every field tshark 4.0 prints for MLD messages
// (`tshark -G fields | grep -P '\ticmpv6\.(mld|mldr)'`), with the ICMPv6
// header fields of the same messages. v6scope must print them identically.
var mldFields = []string{
	"icmpv6.type", "icmpv6.code", "icmpv6.checksum", "icmpv6.checksum.status", "icmpv6.reserved",
	"icmpv6.mld.maximum_response_delay", "icmpv6.mld.multicast_address",
	"icmpv6.mld.maximum_response_code", "icmpv6.mld.flag", "icmpv6.mld.flag.s", "icmpv6.mld.flag.qrv",
	"icmpv6.mld.flag.reserved", "icmpv6.mld.qqi", "icmpv6.mld.nb_sources", "icmpv6.mld.source_address",
	"icmpv6.mldr.nb_mcast_records", "icmpv6.mldr.mar", "icmpv6.mldr.mar.record_type",
	"icmpv6.mldr.mar.aux_data_len", "icmpv6.mldr.mar.nb_sources", "icmpv6.mldr.mar.multicast_address",
	"icmpv6.mldr.mar.source_address", "icmpv6.mldr.mar.auxiliary_data",
}

// mldTypes are the ICMPv6 types of MLD messages, as tshark prints them.
var mldTypes = []string{"130", "131", "132", "143"}

// decodedProtocols are tshark's names of the protocols v6scope decodes on
// the way to an MLD message. A frame whose chain holds anything else before
// icmpv6 (AYIYA, Teredo, GRE, …) is left out and counted: v6scope shows
// what is inside such a tunnel as data until its decoder lands.
var decodedProtocols = map[string]bool{
	"eth": true, "ethertype": true, "vlan": true, "sll": true, "null": true,
	"ip": true, "ipv6": true, "ipv6.hopopts": true, "ipv6.routing": true, "ipv6.fraghdr": true, "ipv6.dstopts": true,
	"icmpv6": true,
}

func reachable(protocols string) bool {
	for _, p := range strings.Split(protocols, ":") {
		if p == "icmpv6" {
			return true
		}
		if !decodedProtocols[p] {
			return false
		}
	}
	return false
}

// TestFieldsMatchTshark compares every MLD field of every MLD message in
// the bundled captures and the public corpus with what tshark 4.0 prints.
func TestFieldsMatchTshark(t *testing.T) {
	tsharkdiff.Require(t)
	files := tsharkdiff.Captures(t)
	columns := append(slices.Clone(mldFields), "frame.protocols")
	var frames, cells, skipped int
	for _, file := range files {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		want, err := tsharkdiff.Tshark(ctx, file, columns)
		cancel()
		if want == nil {
			t.Logf("%s: tshark cannot read it, left out: %v", file, err)
			continue
		}
		got := ours(t, file, columns)
		if len(got.Rows) != len(want.Rows) {
			t.Errorf("%s: tshark reads %d frames, v6scope %d", file, len(want.Rows), len(got.Rows))
			continue
		}
		typ := slices.Index(columns, "icmpv6.type")
		protos := slices.Index(columns, "frame.protocols")
		for i, row := range want.Rows {
			if !isMLD(row[typ]) {
				continue
			}
			if !reachable(row[protos]) {
				skipped++
				continue
			}
			frames++
			for c, name := range mldFields {
				if row[c] != "" {
					cells++
				}
				if row[c] != got.Rows[i][c] {
					t.Errorf("%s frame %d %s: tshark %q, v6scope %q", filepath.Base(file), i+1, name, row[c], got.Rows[i][c])
				}
			}
		}
	}
	if frames == 0 {
		t.Fatal("no MLD message compared: the captures hold none, or every one was left out")
	}
	t.Logf("%d MLD messages in %d captures compared with tshark, %d non-empty field cells (%d fields each); %d left out behind tunnels v6scope does not decode yet",
		frames, len(files), cells, len(mldFields), skipped)
}

// isMLD reports whether an icmpv6.type cell holds an MLD type.
func isMLD(types string) bool {
	for _, t := range strings.Split(types, ",") {
		if slices.Contains(mldTypes, t) {
			return true
		}
	}
	return false
}

// ours prints fields with v6scope as `read -T fields -E occurrence=a -E
// aggregator=,` does: every occurrence of a field in tree order, joined
// with commas.
func ours(t *testing.T, file string, fields []string) *tsharkdiff.Table {
	return decodetest.Table(t, file, decode.New(), fields, nil)
}
