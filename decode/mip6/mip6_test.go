package mip6_test

import (
	"errors"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/mip6"
	"github.com/v6scope/v6scope/internal/decodetest"
)

// TestNotes names an edge case for every expert note: the synthetic frame
// that raises it, and frames that must not.
func TestNotes(t *testing.T) {
	frames := syntheticFrames()
	for _, tc := range []struct {
		note    string
		frame   string
		clean   []string // frames without this note
		malform bool
	}{
		{note: "mip6.bu.no_home_address", frame: "bu-nohoa", clean: []string{"bu-allflags", "bu-acoa"}},
		{note: "mip6.bu.deregistration", frame: "bu-dereg", clean: []string{"bu-allflags", "bu-mnp"}},
		{note: "mip6.checksum.bad", frame: "bu-badsum", clean: []string{"bu-allflags", "ba-ok", "hot", "brr", "obsolete-62"}},
		{note: "mip6.ba.status_unknown", frame: "ba-unknown", clean: []string{"ba-ok", "ba-135"}},
		{note: "mip6.ba.rejected", frame: "ba-135", clean: []string{"ba-ok"}},
		{note: "mip6.be.status_unknown", frame: "be-unknown", clean: []string{"be"}},
		{note: "mip6.opt.alignment", frame: "bu-misaligned", clean: []string{"bu-acoa", "bu-mnp", "bu-pmip", "ba-ok"}},
		{note: "mip6.opt.bad_not_last", frame: "bu-misaligned", clean: []string{"bu-acoa"}},
		{note: "mip6.opt.invalid_len", frame: "bu-badlen", clean: []string{"bu-pmip"}},
		{note: "mip6.opt.overrun", frame: "bu-overrun", clean: []string{"bu-pmip"}, malform: true},
		{note: "mip6.obsolete_proto", frame: "obsolete-62", clean: []string{"bu-allflags"}},
		{note: "mip6.payload_proto", frame: "payload-proto", clean: []string{"bu-allflags"}},
		{note: "mip6.hlen_short", frame: "hlen-short", clean: []string{"hot"}, malform: true},
		{note: "mip6.truncated", frame: "cut", clean: []string{"bu-allflags", "too-long"}},
		{note: "mip6.too_long", frame: "too-long", clean: []string{"bu-allflags", "cut"}, malform: true},
		{note: "ipv6.routing.mipv6.addresses", frame: "rh2-two", clean: []string{"ba-ok"}},
	} {
		t.Run(tc.note, func(t *testing.T) {
			p := decodetest.CheckReuse(t, capture.LinkEthernet, frames["bu-pmip"], frames[tc.frame])
			n := decodetest.Note(p, tc.note)
			if n == nil {
				t.Fatalf("%s: no %s note:\n%s", tc.frame, tc.note, decodetest.Render(p))
			}
			if n.RFC == "" || n.Malformed != tc.malform {
				t.Errorf("%s: note %+v: want an RFC and malformed=%v", tc.frame, n, tc.malform)
			}
			for _, c := range tc.clean {
				if p := decodetest.Decode(capture.LinkEthernet, frames[c]); decodetest.Note(p, tc.note) != nil {
					t.Errorf("%s has a %s note it should not have:\n%s", c, tc.note, decodetest.Render(p))
				}
			}
		})
	}
}

// TestSyntheticFramesDecode: every synthetic frame reaches the Mobility
// Header and its checksum status is what the builder made.
func TestSyntheticFramesDecode(t *testing.T) {
	for name, fr := range syntheticFrames() {
		p := decodetest.Decode(capture.LinkEthernet, fr)
		decodetest.CheckSpans(t, p)
		if !decodetest.HasLayer(p, "MobilityHeader") && !decodetest.HasLayer(p, "MobilityHeaderOld") {
			t.Errorf("%s: no Mobility Header layer: %v", name, p.Layers)
			continue
		}
		want := "Good"
		switch name {
		case "bu-badsum":
			want = "Bad"
		case "cut", "too-long":
			want = ""
		}
		got := ""
		if f := p.Tree.Find("v6scope.mip6.csum.status"); f != nil {
			got = f.Info.ValueName(f.U)
		}
		if got != want {
			t.Errorf("%s: checksum status %q, want %q", name, got, want)
		}
	}
}

// TestValues checks decoded values against the bytes the builders wrote.
func TestValues(t *testing.T) {
	frames := syntheticFrames()
	for _, tc := range []struct {
		frame, field string
		want         []string
	}{
		{"bu-allflags", "mip6.bu.b_flag", []string{"1"}},
		{"bu-allflags", "mip6.bu.lifetime", []string{"10"}},
		{"bu-mnp", "mip6.nemo.mnp.mnp", []string{"2001:db8:10:100::"}},
		{"bu-mnp", "mip6.nemo.mnp.pfl", []string{"56"}},
		{"bu-pmip", "mip6.mnid.identifier", []string{"mn1@example.net"}},
		{"bu-pmip", "mip6.hi", []string{"1"}},
		{"bu-pmip", "mip6.att", []string{"4"}},
		{"bu-pmip", "mip6.lila_lla", []string{"fe80::1"}},
		{"ba-ok", "mip6.nemo.ba.r_flag", []string{"1"}},
		{"ba-ok", "mip6.bra.interval", []string{"1"}},
		{"hot", "mip6.hot.token", []string{"0x0909090909090909"}},
		{"cot", "mip6.cot.nindex", []string{"8"}},
		{"has", "mip6.has.address", []string{"2001:db8::a", "2001:db8::b"}},
		{"be", "mip6.be.haddr", []string{hoa}},
		{"unknown-type", "mip6.unknown_type_data", []string{"0102030405060708090a"}},
	} {
		p := decodetest.Decode(capture.LinkEthernet, frames[tc.frame])
		got := decodetest.Values(p, tc.field)
		if len(got) != len(tc.want) {
			t.Errorf("%s %s = %q, want %q", tc.frame, tc.field, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s %s = %q, want %q", tc.frame, tc.field, got, tc.want)
			}
		}
	}
	// The Timestamp option: 1700000000 s and half a second.
	p := decodetest.Decode(capture.LinkEthernet, frames["bu-pmip"])
	if f := decodetest.Find(t, p, "mip6.timestamp_tmp"); f.Time().UnixNano() != 1700000000_500000000 {
		t.Errorf("timestamp %v", f.Time())
	}
	// The Source column shows the home address, as tshark's does.
	p = decodetest.Decode(capture.LinkEthernet, frames["bu-allflags"])
	if p.Summary.Src.String() != hoa || string(p.Summary.Info) != "Binding Update" || p.Summary.Protocol != "MIPv6" {
		t.Errorf("summary %v %q %q", p.Summary.Src, p.Summary.Protocol, p.Summary.Info)
	}
}

// TestTruncatedHeader: fewer than 6 bytes is an ErrTruncated, and the
// decoder stays usable.
func TestTruncatedHeader(t *testing.T) {
	m := mip6.New(&dissect.Context{Dispatch: dissect.NewDispatch()})
	var df feedback
	if err := m.DecodeFromBytes([]byte{59, 0, 5}, &df); !errors.Is(err, dissect.ErrTruncated) || !df.truncated {
		t.Fatalf("err %v truncated %v", err, df.truncated)
	}
	if err := m.DecodeFromBytes(mh(5, bu(1, 0, 1)), &df); err != nil || m.Type != mip6.TypeBU || m.Sequence != 1 {
		t.Fatalf("after a truncated header: %v %+v", err, m)
	}
	if m.NextLayerType() != gopacket.LayerTypeZero {
		t.Errorf("next %v", m.NextLayerType())
	}
}

type feedback struct{ truncated bool }

func (f *feedback) SetTruncated() { f.truncated = true }
