package teredo_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/decodetest"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
)

// teredoFields are every teredo.* field of tshark 4.0 (`tshark -G fields |
// grep -P '\tteredo'`) and every IPv6 address-detail field of the
// transition mechanisms (ipv6.{src_,dst_,}{ts_ipv4,tc_port,tc_ipv4,
// 6to4_gw_ipv4,6to4_sla_id,isatap_ipv4}), with the fields that show the
// packet inside was decoded on.
var teredoFields = []string{
	"teredo.auth", "teredo.auth.idlen", "teredo.auth.aulen", "teredo.auth.id", "teredo.auth.value",
	"teredo.auth.nonce", "teredo.auth.conf", "teredo.orig", "teredo.orig.port", "teredo.orig.addr",
	"ipv6.src_ts_ipv4", "ipv6.src_tc_port", "ipv6.src_tc_ipv4", "ipv6.dst_ts_ipv4", "ipv6.dst_tc_port", "ipv6.dst_tc_ipv4",
	"ipv6.ts_ipv4", "ipv6.tc_port", "ipv6.tc_ipv4",
	"ipv6.src_6to4_gw_ipv4", "ipv6.src_6to4_sla_id", "ipv6.dst_6to4_gw_ipv4", "ipv6.dst_6to4_sla_id",
	"ipv6.6to4_gw_ipv4", "ipv6.6to4_sla_id",
	"ipv6.src_isatap_ipv4", "ipv6.dst_isatap_ipv4", "ipv6.isatap_ipv4",
	"ip.src", "ip.proto", "udp.srcport", "udp.dstport",
	"ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.plen", "icmpv6.type", "icmpv6.code",
	"tcp.srcport", "tcp.dstport",
}

// decodedProtocols are tshark's names of the protocols v6scope decodes. A
// frame is compared when every protocol of its chain, up to the last IPv6
// header, is one of these; others (IPv6 inside GTP, AYIYA, PPPoE) are
// counted as left out.
var decodedProtocols = map[string]bool{
	"eth": true, "ethertype": true, "vlan": true, "sll": true, "null": true, "raw": true,
	"ip": true, "ipv6": true, "ipv6.hopopts": true, "ipv6.routing": true, "ipv6.fraghdr": true, "ipv6.dstopts": true,
	"udp": true, "teredo": true, "icmpv6": true,
}

func reachable(protocols string) bool {
	chain := strings.Split(protocols, ":")
	last := -1
	for i, p := range chain {
		if decodedProtocols[p] {
			last = i
		}
	}
	for i, p := range chain[:last+1] {
		if !decodedProtocols[p] {
			return false
		}
		if i > 0 && chain[i-1] == "udp" && (p == "ip" || p == "ipv6" || p == "eth") {
			return false // IP in UDP on a port v6scope does not decode (AYIYA, VXLAN)
		}
	}
	return true
}

var heuristicOn = []string{"-o", "teredo.heuristic_teredo:TRUE"}

// TestFieldsMatchTshark compares every Teredo and address-detail field of
// every frame of the bundled captures and the public corpus with tshark 4.0,
// both with the Teredo heuristic on (v6scope's default) and, on the Teredo
// captures, off (`read --teredo-heuristic=false`, tshark's default).
func TestFieldsMatchTshark(t *testing.T) {
	tsharkdiff.Require(t)
	files := tsharkdiff.Captures(t)
	var frames, teredoFrames, cells, skipped atomic.Int64
	t.Run("files", func(t *testing.T) {
		for _, file := range files {
			name, _ := filepath.Rel(filepath.Dir(filepath.Dir(file)), file)
			name = filepath.ToSlash(name)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				compareFile(t, file, true, &frames, &teredoFrames, &cells, &skipped)
				if strings.Contains(name, "teredo") {
					var f, tf, c, s atomic.Int64
					compareFile(t, file, false, &f, &tf, &c, &s)
				}
			})
		}
	})
	t.Logf("compared %d frames of %d captures, %d of them Teredo, %d non-empty tshark cells over %d fields; %d frames with IPv6 inside encapsulations v6scope does not decode were left out",
		frames.Load(), len(files), teredoFrames.Load(), cells.Load(), len(teredoFields), skipped.Load())
	if teredoFrames.Load() == 0 {
		t.Fatal("no Teredo frame compared")
	}
}

func compareFile(t *testing.T, file string, heuristic bool, frames, teredoFrames, cells, skipped *atomic.Int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	columns := append(slices.Clone(teredoFields), "frame.protocols")
	var extra []string
	if heuristic {
		extra = heuristicOn
	}
	want, err := tsharkdiff.Tshark(ctx, file, columns, extra...)
	if want == nil {
		t.Skipf("tshark cannot read it: %v", err)
	}
	got := ours(t, file, teredoFields, heuristic)
	if len(got.Rows) != len(want.Rows) {
		t.Errorf("heuristic %v: tshark reads %d frames, v6scope %d", heuristic, len(want.Rows), len(got.Rows))
		return
	}
	protos := len(teredoFields)
	for i, row := range want.Rows {
		if !reachable(row[protos]) {
			skipped.Add(1)
			continue
		}
		frames.Add(1)
		if strings.Contains(row[protos], "teredo") {
			teredoFrames.Add(1)
		}
		for c, name := range teredoFields {
			if row[c] != "" {
				cells.Add(1)
			}
			if row[c] != got.Rows[i][c] {
				t.Errorf("heuristic %v: frame %d %s: tshark %q, v6scope %q (%s)", heuristic, i+1, name, row[c], got.Rows[i][c], row[protos])
			}
		}
	}
}

// ours prints fields with v6scope as `read -T fields -E occurrence=a` does.
func ours(t *testing.T, file string, fields []string, heuristic bool) *tsharkdiff.Table {
	d := decode.New()
	if !d.SetHeuristic("teredo", heuristic) {
		t.Fatal(`SetHeuristic("teredo"): no such heuristic`)
	}
	return decodetest.Table(t, file, d, fields, nil)
}
