// Package explaintest checks that v6scope explains itself: every field of
// the five protocols (ND, MLD, Teredo and the tunnels, Mobile IPv6 and
// NEMO, IKEv2) and of the IP and ICMP layers they ride on, every value of
// the enumerations a student meets, and every state the analysis trackers
// report has a plain-language explanation with its RFC section.
package explaintest

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/v6scope/v6scope/analyze"
	anikev2 "github.com/v6scope/v6scope/analyze/ikev2"
	"github.com/v6scope/v6scope/analyze/mip6"
	"github.com/v6scope/v6scope/analyze/mld"
	"github.com/v6scope/v6scope/analyze/nd"
	"github.com/v6scope/v6scope/analyze/teredo"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/icmp"
	"github.com/v6scope/v6scope/decode/ikev2"
	"github.com/v6scope/v6scope/decode/ip"
	decmip6 "github.com/v6scope/v6scope/decode/mip6"
	decmld "github.com/v6scope/v6scope/decode/mld"
	decnd "github.com/v6scope/v6scope/decode/nd"
	decteredo "github.com/v6scope/v6scope/decode/teredo"
	"github.com/v6scope/v6scope/decode/tunnel"
	"github.com/v6scope/v6scope/tui/model"
)

// rfcRef is a reference of a recognised form: "RFC 4861 §4.3",
// "RFC 4861 §7.3.2, §7.3.3; RFC 7048 §3", "RFC 8106" … It must start with
// an RFC number; every further part is an RFC, a section or a range.
var rfcRef = regexp.MustCompile(`^RFC \d{3,4}( §[0-9A-Z][0-9A-Za-z.]*(–§?[0-9.]+)?)?(,? ?(§[0-9A-Z][0-9A-Za-z.]*(–§?[0-9.]+)?|\([A-Za-z ]+\)|[A-Za-z() ]+)|[;,] RFC \d{3,4}( §[0-9A-Z][0-9A-Za-z.]*(–§?[0-9.]+)?)?)*$`)

func TestRFCRefForm(t *testing.T) {
	for _, ok := range []string{"RFC 4861 §4.3", "RFC 4861 §7.3.2, §7.3.3; RFC 7048 §3", "RFC 4862 §5.4.3–§5.4.5", "RFC 8106", "RFC 7296 §2.21, §2.4", "RFC 6275 §9–11, RFC 4380 §5.2"} {
		if !rfcRef.MatchString(ok) {
			t.Errorf("%q should be a recognised reference", ok)
		}
	}
	for _, bad := range []string{"", "docs/analyze.md", "see the RFC", "RFC", "IEEE 802.3 §3.2"} {
		if rfcRef.MatchString(bad) {
			t.Errorf("%q should not be", bad)
		}
	}
}

// TestEveryFieldExplained checks every field the protocol decoders and the
// analysis engine register.
func TestEveryFieldExplained(t *testing.T) {
	sets := map[string][]*dissect.FieldInfo{
		"icmp": icmp.Fields(), "ip": ip.Fields(), "nd": decnd.Fields(), "mld": decmld.Fields(),
		"teredo": decteredo.Fields(), "tunnel": tunnel.Fields(), "mip6": decmip6.Fields(),
		"ikev2": ikev2.Fields(), "analyze": analyze.Fields(),
	}
	n := 0
	for pkg, fields := range sets {
		if len(fields) == 0 {
			t.Errorf("%s registers no fields", pkg)
		}
		for _, f := range fields {
			n++
			if f.Explain == "" {
				t.Errorf("%s: %s has no explanation", pkg, f.Name)
			}
			if !rfcRef.MatchString(f.RFC) {
				t.Errorf("%s: %s has RFC reference %q, not of a recognised form", pkg, f.Name, f.RFC)
			}
		}
	}
	t.Logf("%d fields explained", n)
}

func span(from, to uint64) []uint64 {
	var out []uint64
	for v := from; v <= to; v++ {
		out = append(out, v)
	}
	return out
}

func cat(lists ...[]uint64) []uint64 {
	var out []uint64
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// mustExplain lists, per field, the values that must have an explanation:
// the message types, option types, record types, status codes, exchange,
// payload, notify and transform types of the five protocols.
var mustExplain = map[string][]uint64{
	// ICMPv6 errors and echo, ND (133-137), MLD (130-132, 143), Mobile IPv6 (144-147).
	"icmpv6.type": cat(span(1, 4), span(128, 137), []uint64{143}, span(144, 147)),
	// ND options of RFC 4861, 6275, 3971 (SEND), 4191, 8106, 5175, 8910, 8781.
	"icmpv6.opt.type":             cat(span(1, 5), span(7, 16), []uint64{24, 25, 26, 31, 37, 38}),
	"icmpv6.mldr.mar.record_type": span(1, 6),
	// RFC 6275 message types, and the later ones seen in NEMO/FMIPv6 setups.
	"mip6.mhtype": cat(span(0, 9), []uint64{12, 13, 16}),
	// RFC 6275 and RFC 3963 status codes.
	"mip6.ba.status":        cat([]uint64{0, 1}, span(128, 143)),
	"mip6.be.status":        {1, 2},
	"isakmp.exchangetype":   {34, 35, 36, 37, 43},
	"isakmp.nextpayload":    cat([]uint64{0, 2, 3}, span(33, 48), []uint64{53}),
	"isakmp.typepayload":    cat(span(33, 48), []uint64{53}),
	"isakmp.tf.type":        span(1, 5),
	"isakmp.notify.msgtype": {1, 4, 5, 7, 9, 11, 14, 17, 24, 34, 35, 36, 37, 38, 39, 43, 44, 16384, 16385, 16386, 16387, 16388, 16389, 16390, 16391, 16393, 16394, 16395, 16396, 16400, 16404, 16406, 16407, 16430, 16431, 16438},
}

func TestEveryValueExplained(t *testing.T) {
	s := decode.NewSchema()
	for name, values := range mustExplain {
		f, ok := s.Lookup(name)
		if !ok {
			t.Errorf("no field %s", name)
			continue
		}
		for _, v := range values {
			vt, ok := f.ExplainValue(v)
			switch {
			case !ok || vt.Text == "":
				t.Errorf("%s = %d (%s): no explanation", name, v, f.ValueName(v))
			case !rfcRef.MatchString(vt.RFC):
				t.Errorf("%s = %d: RFC reference %q not of a recognised form", name, v, vt.RFC)
			}
		}
	}
	// Every explained value of every field is one the field names, and
	// cites its RFC: a table cannot drift from the codepoints.
	for _, f := range s.Fields() {
		for v, vt := range f.Texts {
			if f.ValueName(v) == "" {
				t.Errorf("%s: value %d is explained but has no name", f.Name, v)
			}
			if vt.Text == "" || !rfcRef.MatchString(vt.RFC) {
				t.Errorf("%s = %d: explanation %q [%q] incomplete", f.Name, v, vt.Text, vt.RFC)
			}
		}
	}
}

// names walks a state enum from its first value after "none" until String
// returns "" or panics (the enums index a name array).
func names(str func(i int) string) (out []string) {
	for i := 1; i < 256; i++ {
		s := func() (s string) {
			defer func() {
				if recover() != nil {
					s = ""
				}
			}()
			return str(i)
		}()
		if s == "" {
			break
		}
		out = append(out, s)
	}
	return out
}

// trackerStates are the states each tracker declares, by protocol and
// session kind, walked from the enums themselves.
func trackerStates() map[[2]string][]string {
	return map[[2]string][]string{
		{"nd", "neighbor"}:    names(func(i int) string { return nd.NeighborState(i).String() }),
		{"nd", "address"}:     names(func(i int) string { return nd.AddressState(i).String() }),
		{"nd", "router"}:      names(func(i int) string { return nd.RouterState(i).String() }),
		{"nd", "prefix"}:      names(func(i int) string { return nd.RouterState(i).String() }),
		{"mld", "group"}:      names(func(i int) string { return mld.GroupState(i).String() }),
		{"mld", "querier"}:    names(func(i int) string { return mld.QuerierState(i).String() }),
		{"teredo", "client"}:  names(func(i int) string { return teredo.ClientState(i).String() }),
		{"teredo", "path"}:    names(func(i int) string { return teredo.PathState(i).String() }),
		{"mip6", "binding"}:   names(func(i int) string { return mip6.BindingState(i).String() }),
		{"mip6", "rr"}:        names(func(i int) string { return mip6.RRState(i).String() }),
		{"ikev2", "ike_sa"}:   names(func(i int) string { return anikev2.SAState(i).String() }),
		{"ikev2", "child_sa"}: names(func(i int) string { return anikev2.ChildState(i).String() }),
	}
}

func TestEveryStateExplained(t *testing.T) {
	walked := map[string]bool{}
	for k, states := range trackerStates() {
		if len(states) < 2 {
			t.Errorf("%s/%s: only %v walked", k[0], k[1], states)
		}
		for _, st := range states {
			walked[k[0]+"/"+k[1]+"/"+st] = true
			e, ok := analyze.ExplainState(k[0], k[1], st)
			if !ok || e.Text == "" {
				t.Errorf("%s/%s state %s: no explanation", k[0], k[1], st)
				continue
			}
			if !rfcRef.MatchString(e.RFC) {
				t.Errorf("%s/%s state %s: RFC reference %q not of a recognised form", k[0], k[1], st, e.RFC)
			}
		}
	}
	seen := map[string]bool{}
	for _, e := range analyze.StateTexts {
		key := e.Proto + "/" + e.Kind + "/" + e.State
		if seen[key] {
			t.Errorf("%s explained twice", key)
		}
		seen[key] = true
		if e.Text == "" || !rfcRef.MatchString(e.RFC) {
			t.Errorf("%s: explanation %q [%q] incomplete", key, e.Text, e.RFC)
		}
		if !walked[key] {
			t.Errorf("%s is explained but no tracker declares it", key)
		}
	}
}

// TestEveryMessageHasStudentText checks the TUI's per-message table
// (what, why, what the receiver does) covers every message type of the
// five protocols.
func TestEveryMessageHasStudentText(t *testing.T) {
	var keys []string
	for _, typ := range cat(span(130, 137), []uint64{143}) {
		keys = append(keys, "icmpv6."+strconv.FormatUint(typ, 10))
	}
	for typ := 0; typ <= 7; typ++ {
		keys = append(keys, fmt.Sprintf("mip6.%d", typ))
	}
	for x := 34; x <= 37; x++ {
		keys = append(keys, fmt.Sprintf("ikev2.%d.req", x), fmt.Sprintf("ikev2.%d.resp", x))
	}
	keys = append(keys, "teredo.bubble", "teredo.rs", "teredo.ra", "teredo.data", "6in4", "esp", "nat-keepalive")
	for _, k := range keys {
		e, ok := model.ExplanationFor(k)
		if !ok {
			t.Errorf("%s: no student explanation in tui/model", k)
			continue
		}
		if !rfcRef.MatchString(e.RFC) {
			t.Errorf("%s: RFC reference %q not of a recognised form", k, e.RFC)
		}
	}
}
