package pcaps

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
)

// TestCountsMatchV6scope reads every bundled capture through v6scope's
// own reader and decoder and counts, with v6scope's display filters, the
// frames each filter of its expect.json matches. tshark wrote the counts
// (TestCountsMatchTshark checks they still hold); here v6scope must find
// the same numbers. A filter naming a field no v6scope decoder defines
// yet is reported as skipped, by name, so it is checked as soon as its
// decoder lands. A capture whose expect.json "needs" a protocol v6scope
// does not decode yet (Teredo: the IPv6 inside UDP is invisible without
// it, so even "ipv6" counts differ) is read in full, but its count
// differences are logged with the issue that brings the decoder, not
// reported as failures.
func TestCountsMatchV6scope(t *testing.T) {
	schema := decode.NewSchema()
	for _, c := range Captures() {
		t.Run(c, func(t *testing.T) {
			e, err := Expect(c)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{"frame": e.Frames}
			for f, n := range e.Counts {
				want[f] = n
			}
			for _, k := range e.KeyFrames {
				want[fmt.Sprintf("frame.number==%d && (%s)", k.Frame, k.Filter)] = 1
			}
			exprs := make([]string, 0, len(want))
			for f := range want {
				exprs = append(exprs, f)
			}
			sort.Strings(exprs)

			type counted struct {
				expr string
				f    *filter.Filter
				n    int
			}
			// pending: protocols the counts depend on that v6scope does
			// not decode yet, each with the issue that adds it.
			var pending []string
			for proto, issue := range e.Needs {
				if _, err := filter.Compile(proto, schema); err != nil {
					pending = append(pending, proto+" ("+issue+")")
				}
			}
			sort.Strings(pending)
			var filters []*counted
			var unknown []string
			for _, expr := range exprs {
				f, err := filter.Compile(expr, schema)
				var fe *filter.Error
				switch {
				case errors.As(err, &fe) && strings.HasPrefix(fe.Msg, "unknown field"):
					unknown = append(unknown, fmt.Sprintf("%q (%s%s)", expr, fe.Msg, neededBy(expr, e.Needs)))
					continue
				case err != nil:
					t.Errorf("expect.json filter %q does not compile: %v", expr, err)
					continue
				}
				filters = append(filters, &counted{expr: expr, f: f})
			}
			if len(filters) < 2 {
				t.Fatalf("only %d of %d filters compile", len(filters), len(exprs))
			}

			file, err := FS.Open(c)
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			r, err := capture.NewReader(file, c)
			if err != nil {
				t.Fatal(err)
			}
			d := decode.New()
			// Name the interfaces as `v6scope read` does, for
			// frame.interface_name.
			d.InterfaceName = func(i int) string {
				if ifs := r.Interfaces(); i < len(ifs) {
					return ifs[i].Name
				}
				return ""
			}
			var (
				fr capture.Frame
				p  decode.Packet
			)
			frames := 0
			for {
				err := r.Next(&fr)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("after %d frames: %v", frames, err)
				}
				frames++
				d.Decode(&fr, &p)
				for _, cf := range filters {
					if cf.f.Match(&p.Tree) {
						cf.n++
					}
				}
			}
			if frames != e.Frames {
				t.Errorf("read %d frames, expect.json says %d", frames, e.Frames)
			}
			var differ []string
			for _, cf := range filters {
				if cf.n != want[cf.expr] {
					differ = append(differ, fmt.Sprintf("v6scope counts %d frames for %q, expect.json (tshark) says %d", cf.n, cf.expr, want[cf.expr]))
				}
			}
			switch {
			case len(differ) > 0 && len(pending) > 0:
				t.Logf("counts not enforced until v6scope decodes %s; %d of %d differ now:\n  %s",
					strings.Join(pending, ", "), len(differ), len(filters), strings.Join(differ, "\n  "))
			default:
				for _, d := range differ {
					t.Error(d)
				}
			}
			t.Logf("%d filters checked", len(filters))
			if len(unknown) > 0 {
				t.Logf("not checked, their fields have no v6scope decoder yet:\n  %s", strings.Join(unknown, "\n  "))
			}
		})
	}
}

// neededBy names the issue that brings the decoder of a field in expr,
// when expect.json's "needs" lists that field or its protocol.
func neededBy(expr string, needs map[string]string) string {
	words := strings.FieldsFunc(expr, func(r rune) bool {
		return !(r == '.' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	for _, w := range words {
		for name, issue := range needs {
			if w == name || strings.HasPrefix(w, name+".") {
				return "; decoder due in " + issue
			}
		}
	}
	return ""
}

// TestNoBadUDPChecksums decodes every bundled capture with v6scope's
// decoder and fails on any frame with a udp.checksum.bad expert note. A
// capture recorded where the sending interface offloads checksums
// (veths do by default: CHECKSUM_PARTIAL) holds only the pseudo-header
// sum in every UDP checksum field, and readers would take each datagram
// for corrupt; the regen scripts turn offload off (ethtool -K DEV tx off)
// before they capture. A capture meant to show bad checksums says so in
// its expect.json, with a count for "udp.checksum.bad" (taken with
// udp.check_checksum:TRUE in its tshark_prefs): then it must hold exactly
// that many. None does.
func TestNoBadUDPChecksums(t *testing.T) {
	const code = "udp.checksum.bad"
	for _, c := range Captures() {
		t.Run(c, func(t *testing.T) {
			e, err := Expect(c)
			if err != nil {
				t.Fatal(err)
			}
			intended := e.Counts[code]
			file, err := FS.Open(c)
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			r, err := capture.NewReader(file, c)
			if err != nil {
				t.Fatal(err)
			}
			d := decode.New()
			var (
				fr  capture.Frame
				p   decode.Packet
				bad []int
			)
			for frames := 0; ; frames++ {
				err := r.Next(&fr)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("after %d frames: %v", frames, err)
				}
				d.Decode(&fr, &p)
				for _, n := range p.Notes() {
					if n.Code == code {
						bad = append(bad, fr.Number)
						break
					}
				}
			}
			if len(bad) != intended {
				const show = 10
				frames := fmt.Sprint(bad)
				if len(bad) > show {
					frames = fmt.Sprint(bad[:show]) + fmt.Sprintf(" and %d more", len(bad)-show)
				}
				t.Errorf("%d frames with a %s note (frames %s), expect.json intends %d: was the capture recorded with checksum offload on? (see pcaps/regen/README.md)",
					len(bad), code, frames, intended)
			}
		})
	}
}
