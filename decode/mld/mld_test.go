package mld_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/mld"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
)

func TestMaxResponseDelay(t *testing.T) {
	// RFC 3810 §5.1.3: the code itself below 32768, else
	// (mant | 0x1000) << (exp+3).
	for _, tc := range []struct {
		code uint16
		want uint32
	}{
		{0, 0},
		{10000, 10000},
		{32767, 32767},  // the largest linear value
		{0x8000, 32768}, // exp 0, mant 0: 0x1000 << 3, continuous with the linear range
		{0x8001, 32776},
		{0x9234, 74560}, // exp 1, mant 0x234: 0x1234 << 4
		{0xf000, 0x1000 << 10},
		{0xffff, 8387584}, // exp 7, mant 0xfff: 0x1fff << 10
	} {
		if got := mld.MaxResponseDelay(tc.code); got != tc.want {
			t.Errorf("MaxResponseDelay(%#04x) = %d, want %d", tc.code, got, tc.want)
		}
	}
}

func TestQueryInterval(t *testing.T) {
	// RFC 3810 §5.1.9: the code itself below 128, else
	// (mant | 0x10) << (exp + 3).
	for _, tc := range []struct {
		code uint8
		want uint32
	}{
		{0, 0},
		{125, 125}, // the default Query Interval (RFC 3810 §9.2)
		{127, 127},
		{0x80, 128}, // exp 0, mant 0: 0x10 << 3
		{0x81, 136},
		{0x9a, 416}, // exp 1, mant 0xa: 0x1a << 4
		{0xff, 31744},
	} {
		if got := mld.QueryInterval(tc.code); got != tc.want {
			t.Errorf("QueryInterval(%#02x) = %d, want %d", tc.code, got, tc.want)
		}
	}
}

// edgeCase is one hand-built MLD message, with the fields and the mld.*
// expert notes v6scope must give it.
type edgeCase struct {
	name  string
	h     ip6
	msg   []byte
	want  map[string]string // field → every occurrence, comma-joined
	notes []string          // the mld.* note codes, in order
	// tsharkDiffers says why tshark 4.0 prints other values for this
	// message (docs/differences.md, "MLD"); such a case is left out of
	// TestEdgeCasesMatchTshark.
	tsharkDiffers string
}

var (
	allNodes   = "ff02::1"
	group      = "ff02::1:ff00:2"
	globalSrc  = "2001:db8::9"
	sourceA    = "2001:db8::a"
	sourceB    = "2001:db8::b"
	auxWord    = []byte{0xde, 0xad, 0xbe, 0xef}
	generalQv1 = v1(130, 0, 10000, "::")
)

var edgeCases = []edgeCase{
	// Well-formed messages of every kind: no notes.
	{name: "MLDv1 General Query", msg: generalQv1,
		want: map[string]string{"v6scope.mld.version": "1", "icmpv6.mld.maximum_response_delay": "10000", "icmpv6.mld.multicast_address": "::", "icmpv6.reserved": "0000"}},
	{name: "MLDv1 Report", h: ip6{dst: group}, msg: v1(131, 0, 0, group),
		want: map[string]string{"v6scope.mld.version": "1", "icmpv6.mld.multicast_address": group}},
	{name: "MLDv1 Done", h: ip6{dst: "ff02::2"}, msg: v1(132, 0, 0, group),
		want: map[string]string{"v6scope.mld.version": "1", "icmpv6.mld.multicast_address": group}},
	{name: "MLDv2 General Query", msg: query2(10000, "::", 0x02, 125),
		want: map[string]string{"v6scope.mld.version": "2", "icmpv6.mld.maximum_response_code": "10000", "icmpv6.mld.flag": "0x02", "icmpv6.mld.flag.qrv": "2", "icmpv6.mld.qqi": "125", "icmpv6.mld.nb_sources": "0", "icmpv6.mld.maximum_response_delay": ""}},
	{name: "MLDv2 Source Specific Query", msg: query2(1000, group, 0x0a, 60, sourceA, sourceB),
		want: map[string]string{"icmpv6.mld.flag.s": "1", "icmpv6.mld.flag.qrv": "2", "icmpv6.mld.nb_sources": "2", "icmpv6.mld.source_address": sourceA + "," + sourceB}},
	{name: "MLDv2 Report, all six record types", h: ip6{dst: "ff02::16"},
		msg: report2(6, rec(1, "ff0e::1", nil, sourceA), rec(2, "ff0e::2", nil), rec(3, "ff0e::3", nil, sourceA, sourceB),
			rec(4, "ff0e::4", nil), rec(5, "ff0e::5", nil, sourceB), rec(6, "ff0e::6", auxWord, sourceA)),
		want: map[string]string{"icmpv6.mldr.nb_mcast_records": "6", "icmpv6.mldr.mar": "1,1,1,1,1,1",
			"icmpv6.mldr.mar.record_type": "1,2,3,4,5,6", "icmpv6.mldr.mar.nb_sources": "1,0,2,0,1,1",
			"icmpv6.mldr.mar.aux_data_len": "0,0,0,0,0,1", "icmpv6.mldr.mar.auxiliary_data": "deadbeef",
			"icmpv6.mldr.mar.multicast_address": "ff0e::1,ff0e::2,ff0e::3,ff0e::4,ff0e::5,ff0e::6",
			"icmpv6.mldr.mar.source_address":    sourceA + "," + sourceA + "," + sourceB + "," + sourceB + "," + sourceA}},
	{name: "MLDv2 Report with no records", h: ip6{dst: "ff02::16"}, msg: report2(0),
		want: map[string]string{"icmpv6.mldr.nb_mcast_records": "0", "icmpv6.mldr.mar": ""}},

	// Maximum Response Code and QQIC in their exponential forms
	// (RFC 3810 §5.1.3, §5.1.9).
	{name: "MRC 32767, the largest linear code", msg: query2(32767, "::", 0x02, 127),
		want: map[string]string{"icmpv6.mld.maximum_response_code": "32767", "v6scope.mld.mrc": "0x7fff", "icmpv6.mld.qqi": "127", "v6scope.mld.qqic": "0x7f"}},
	{name: "MRC 0x8000 and QQIC 0x80, the smallest exponential codes", msg: query2(0x8000, "::", 0x02, 0x80),
		want: map[string]string{"icmpv6.mld.maximum_response_code": "32768", "v6scope.mld.mrc": "0x8000", "icmpv6.mld.qqi": "128", "v6scope.mld.qqic": "0x80"}},
	{name: "MRC 0x9234 and QQIC 0x9a", msg: query2(0x9234, "::", 0x02, 0x9a),
		want: map[string]string{"icmpv6.mld.maximum_response_code": "74560", "icmpv6.mld.qqi": "416"}},
	{name: "MRC 0xffff and QQIC 0xff, the largest codes", msg: query2(0xffff, "::", 0x02, 0xff),
		want: map[string]string{"icmpv6.mld.maximum_response_code": "8387584", "icmpv6.mld.qqi": "31744"}},
	{name: "flags octet: reserved bits and S set, QRV 0", msg: query2(100, "::", 0xf8, 125),
		want: map[string]string{"icmpv6.mld.flag": "0xf8", "icmpv6.mld.flag.s": "1", "icmpv6.mld.flag.qrv": "0", "icmpv6.mld.flag.reserved": "15"}},

	// RFC 2710 §3, RFC 3810 §5: Hop Limit 1, Router Alert.
	{name: "Hop Limit 255", h: ip6{hopLimit: 255}, msg: generalQv1, notes: []string{mld.NoteHopLimit}},
	{name: "no Hop-by-Hop header", h: ip6{noHBH: true}, msg: generalQv1, notes: []string{mld.NoteNoRouterAlert}},
	{name: "Hop-by-Hop header without Router Alert", h: ip6{noRA: true}, msg: generalQv1, notes: []string{mld.NoteNoRouterAlert}},
	{name: "Router Alert value 1 (RSVP)", h: ip6{raValue: 1}, msg: generalQv1, notes: []string{mld.NoteRouterAlertValue}},

	// Source addresses.
	{name: "MLDv2 Query from a global address", h: ip6{src: globalSrc}, msg: query2(100, "::", 2, 125), notes: []string{mld.NoteSource}},
	{name: "MLDv2 Query from ::", h: ip6{src: "::"}, msg: query2(100, "::", 2, 125), notes: []string{mld.NoteSource}},
	{name: "MLDv1 Query from a global address", h: ip6{src: globalSrc}, msg: generalQv1, notes: []string{mld.NoteSource}},
	{name: "MLDv2 Report from :: (RFC 3810 §5.2.13)", h: ip6{src: "::", dst: "ff02::16"}, msg: report2(1, rec(4, group, nil))},
	{name: "MLDv2 Report from a global address", h: ip6{src: globalSrc, dst: "ff02::16"}, msg: report2(1, rec(4, group, nil)), notes: []string{mld.NoteSource}},
	{name: "MLDv1 Report from :: (RFC 3590 §4)", h: ip6{src: "::", dst: group}, msg: v1(131, 0, 0, group)},
	{name: "MLDv1 Done from ::", h: ip6{src: "::", dst: "ff02::2"}, msg: v1(132, 0, 0, group), notes: []string{mld.NoteSource}},

	// Multicast Address fields.
	{name: "MLDv1 Report of a unicast address", h: ip6{dst: sourceA}, msg: v1(131, 0, 0, sourceA), notes: []string{mld.NoteGroup}},
	{name: "MLDv1 Done of ::", h: ip6{dst: "ff02::2"}, msg: v1(132, 0, 0, "::"), notes: []string{mld.NoteGroup}},
	{name: "MLDv2 Query for a unicast address", msg: query2(100, sourceA, 2, 125), notes: []string{mld.NoteGroup}},
	{name: "MLDv2 record for a unicast address", h: ip6{dst: "ff02::16"}, msg: report2(1, rec(1, sourceA, nil)), notes: []string{mld.NoteGroup}},
	{name: "MLDv1 Report sent to another address (RFC 2710 §8)", h: ip6{dst: "ff02::1:ff00:1"}, msg: v1(131, 0, 0, group), notes: []string{mld.NoteReportDst}},

	// Code and reserved octet.
	{name: "MLDv1 Report with Code 5", h: ip6{dst: group}, msg: v1(131, 5, 0, group), notes: []string{mld.NoteCode},
		want: map[string]string{"icmpv6.code": "5"}},
	{name: "MLDv2 Report with its reserved octet set", h: ip6{dst: "ff02::16"}, msg: append([]byte{143, 7}, report2(0)[2:]...), notes: []string{mld.NoteCode}},

	// Lengths.
	{name: "MLDv1 Done of 20 octets", h: ip6{dst: "ff02::2"}, msg: v1(132, 0, 0, group)[:20], notes: []string{mld.NoteShort},
		want: map[string]string{"icmpv6.mld.maximum_response_delay": "0", "icmpv6.mld.multicast_address": ""}},
	{name: "Query of 26 octets: neither version (RFC 3810 §8.1)", msg: append(v1(130, 0, 1000, "::"), 0, 0), notes: []string{mld.NoteQueryLength},
		want: map[string]string{"v6scope.mld.version": "1", "icmpv6.mld.maximum_response_delay": "1000"}},
	{name: "Query of 10 octets", msg: v1(130, 0, 1000, "::")[:10], notes: []string{mld.NoteShort},
		want: map[string]string{"v6scope.mld.version": ""}},
	{name: "MLDv2 Query with fewer sources than it counts", msg: query2(100, group, 2, 125, sourceA, sourceB)[:44], notes: []string{mld.NoteShort},
		want: map[string]string{"icmpv6.mld.nb_sources": "2", "icmpv6.mld.source_address": sourceA}},
	{name: "MLDv2 Report header of 6 octets", h: ip6{dst: "ff02::16"}, msg: report2(0)[:6], notes: []string{mld.NoteShort},
		want: map[string]string{"icmpv6.reserved": "0000", "icmpv6.mldr.nb_mcast_records": ""}},
	{name: "MLDv2 Report with fewer records than it counts", h: ip6{dst: "ff02::16"}, msg: report2(2, rec(1, "ff0e::1", nil)), notes: []string{mld.NoteShort},
		want: map[string]string{"icmpv6.mldr.nb_mcast_records": "2", "icmpv6.mldr.mar": "1"}},
	{name: "MLDv2 record with fewer sources than it counts", h: ip6{dst: "ff02::16"}, msg: report2(1, rec(1, "ff0e::1", nil, sourceA, sourceB))[:8+20+16+4], notes: []string{mld.NoteShort},
		want: map[string]string{"icmpv6.mldr.mar.nb_sources": "2", "icmpv6.mldr.mar.source_address": sourceA}},
	{name: "MLDv2 record whose auxiliary data is cut", h: ip6{dst: "ff02::16"}, msg: report2(1, rec(1, "ff0e::1", append(auxWord, auxWord...)))[:8+20+4], notes: []string{mld.NoteShort},
		want: map[string]string{"icmpv6.mldr.mar.aux_data_len": "2", "icmpv6.mldr.mar.auxiliary_data": ""}},
	{name: "MLDv2 record header cut", h: ip6{dst: "ff02::16"}, msg: report2(1, rec(1, "ff0e::1", nil))[:8+10], notes: []string{mld.NoteShort},
		want: map[string]string{"icmpv6.mldr.mar": "1", "icmpv6.mldr.mar.record_type": "1", "icmpv6.mldr.mar.nb_sources": "0", "icmpv6.mldr.mar.multicast_address": ""}},
	{name: "MLDv2 Report cut by the capture", h: ip6{dst: "ff02::16", captureCut: 10}, msg: report2(1, rec(1, "ff0e::1", nil, sourceA)), notes: []string{mld.NoteTruncated},
		want: map[string]string{"icmpv6.mldr.mar.multicast_address": "ff0e::1", "icmpv6.mldr.mar.source_address": "", "icmpv6.checksum.status": "2"}},
	{name: "MLDv1 Report with 16 octets more (RFC 2710 §3.7)", h: ip6{dst: group}, msg: append(v1(131, 0, 0, group), make([]byte, 16)...), notes: []string{mld.NoteAdditional},
		want: map[string]string{"v6scope.mld.additional_data": "00000000000000000000000000000000"}},
	{name: "MLDv2 Query with 2 octets more (RFC 3810 §5.1.12)", msg: append(query2(100, "::", 2, 125), 0xaa, 0xbb), notes: []string{mld.NoteAdditional},
		want: map[string]string{"v6scope.mld.additional_data": "aabb"}},
	{name: "MLDv2 Report with more records than it counts (RFC 3810 §5.2.11)", h: ip6{dst: "ff02::16"},
		msg: report2(1, rec(1, "ff0e::1", nil), rec(2, "ff0e::2", nil)), notes: []string{mld.NoteAdditional},
		want:          map[string]string{"icmpv6.mldr.mar.multicast_address": "ff0e::1"},
		tsharkDiffers: "tshark walks records to the end of the message whatever Nr of Mcast Address Records says"},
	{name: "unknown record type 7 (RFC 3810 §5.2.12)", h: ip6{dst: "ff02::16"}, msg: report2(1, rec(7, "ff0e::7", nil)), notes: []string{mld.NoteRecordType},
		want: map[string]string{"icmpv6.mldr.mar.record_type": "7"}},
	{name: "bad checksum still decoded", h: ip6{dst: group, checksumBad: true}, msg: v1(131, 0, 0, group),
		want: map[string]string{"icmpv6.checksum.status": "0", "icmpv6.mld.multicast_address": group}},
}

func TestEdgeCases(t *testing.T) {
	for _, tc := range edgeCases {
		t.Run(tc.name, func(t *testing.T) {
			var p decode.Packet
			decode.New().Decode(frame(tc.h, tc.msg), &p)
			if got := noteCodes(&p, "mld."); !slices.Equal(got, tc.notes) {
				t.Errorf("notes %q, want %q\n%s", got, tc.notes, render(&p))
			}
			for name, want := range tc.want {
				if got := values(&p, name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if !slices.Contains(p.Layers, decodeLayerMLD) {
				t.Errorf("layers %v hold no MLD", p.Layers)
			}
		})
	}
}

// TestEdgeCasesMatchTshark writes the edge cases to a capture and holds
// their fields to tshark's, as TestFieldsMatchTshark does for real
// captures.
func TestEdgeCasesMatchTshark(t *testing.T) {
	tsharkdiff.Require(t)
	file := filepath.Join(t.TempDir(), "edge.pcapng")
	fh, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w, err := capture.NewPcapngWriter(fh, "v6scope MLD edge cases", []capture.Interface{{Name: "eth0", LinkType: capture.LinkEthernet, TSResolution: time.Nanosecond}})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range edgeCases {
		f := frame(tc.h, tc.msg)
		f.Number, f.Time = i+1, epoch.Add(time.Duration(i)*time.Second)
		if err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	want, err := tsharkdiff.Tshark(ctx, file, mldFields)
	if want == nil {
		t.Fatalf("tshark: %v", err)
	}
	got := ours(t, file, mldFields)
	for _, d := range tsharkdiff.Compare(want, got) {
		if d.Frame > 0 {
			if tc := edgeCases[d.Frame-1]; tc.tsharkDiffers != "" {
				t.Logf("%s: %s: known difference: %s", tc.name, d, tc.tsharkDiffers)
				continue
			}
			t.Errorf("%s: %s", edgeCases[d.Frame-1].name, d)
			continue
		}
		t.Error(d)
	}
}
