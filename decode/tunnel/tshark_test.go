package tunnel_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	dt "github.com/v6scope/v6scope/internal/decodetest"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
	"github.com/v6scope/v6scope/output"
)

// detailFields are tshark 4.0's address-detail fields of the transition
// mechanisms.
var detailFields = []string{
	"ipv6.src_ts_ipv4", "ipv6.src_tc_port", "ipv6.src_tc_ipv4", "ipv6.dst_ts_ipv4", "ipv6.dst_tc_port", "ipv6.dst_tc_ipv4",
	"ipv6.ts_ipv4", "ipv6.tc_port", "ipv6.tc_ipv4",
	"ipv6.src_6to4_gw_ipv4", "ipv6.src_6to4_sla_id", "ipv6.dst_6to4_gw_ipv4", "ipv6.dst_6to4_sla_id",
	"ipv6.6to4_gw_ipv4", "ipv6.6to4_sla_id",
	"ipv6.src_isatap_ipv4", "ipv6.dst_isatap_ipv4", "ipv6.isatap_ipv4",
	"ipv6.src", "ipv6.dst",
}

// addressPairs are the boundary cases of the three address formats: both
// kinds in one address, the edges of 2001::/32 and 2002::/16, every state of
// the ISATAP identifier's first octet that matters, and tunnels around them.
var addressPairs = [][2]string{
	{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "2002:c000:201:5::1"},
	{"fe80::5efe:c0a8:101", "fe80::200:5efe:c0a8:102"},
	{"2001:db8::300:5efe:102:304", "fe80::100:5efe:102:304"},
	{"2002:c000:201:1:0:5efe:c0a8:101", "2001:0:1:2:0:5efe:c0a8:101"},
	{"2001::1", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff"},
	{"2002::", "2001:1::1"},
	{"fe80::4:5efe:102:304", "fe80::8:5efe:102:304"},
	{"fe80::201:5efe:102:304", "fe80::1:5efe:102:304"},
	{"fe80::fd00:5efe:102:304", "fe80::ff00:5efe:102:304"},
	{"2001:0:cb00:7101:429:63bd:34ff:8ee9", "2001:0:cb00:7101:202f:11b6:34ff:8ef4"},
	{"2002:ffff:ffff:ffff::1", "2001:0:0:0:ffff::"},
}

// TestAddressDetailsMatchTshark writes a capture of the address boundary
// cases, bare and inside a 6in4 tunnel, and compares every detail field
// with tshark 4.0.
func TestAddressDetailsMatchTshark(t *testing.T) {
	tsharkdiff.Require(t)
	file := filepath.Join(t.TempDir(), "addresses.pcapng")
	var frames []capture.Frame
	for i, a := range addressPairs {
		v6 := dt.IPv6(a[0], a[1], 59, 64, nil)
		for j, data := range [][]byte{v6, dt.IPv4("192.0.2.1", "198.51.100.1", 41, 64, v6)} {
			frames = append(frames, capture.Frame{Number: 2*i + j + 1, Time: dt.Epoch.Add(time.Duration(2*i+j) * time.Second), LinkType: capture.LinkRaw, Data: data, CapLen: len(data), OrigLen: len(data)})
		}
	}
	var buf bytes.Buffer
	w, err := capture.NewPcapngWriter(&buf, "", []capture.Interface{{Name: "raw", LinkType: capture.LinkRaw, TSResolution: time.Nanosecond}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range frames {
		if err := w.WriteFrame(&frames[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := tsharkdiff.Tshark(t.Context(), file, detailFields)
	if err != nil {
		t.Fatal(err)
	}
	d := decode.New()
	ff := output.NewFieldsFormat(detailFields)
	var p decode.Packet
	var rows []byte
	for i := range frames {
		d.Decode(&frames[i], &p)
		rows = ff.AppendRow(rows, &p)
	}
	got, err := tsharkdiff.Parse(bytes.NewReader(rows), detailFields)
	if err != nil {
		t.Fatal(err)
	}
	if diffs := tsharkdiff.Compare(want, got); len(diffs) > 0 {
		t.Errorf("%s", tsharkdiff.Report(diffs, 5))
	}
}
