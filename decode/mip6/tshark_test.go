package mip6_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/mip6"
	"github.com/v6scope/v6scope/internal/decodetest"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
)

// hoaRoutingFields are the Home Address option and routing header fields
// the Mobile IPv6 frames carry (RFC 6275 §6.3, §6.4).
var hoaRoutingFields = []string{
	"ipv6.dstopts.nxt", "ipv6.opt.type", "ipv6.opt.length", "ipv6.opt.mipv6.home_address",
	"ipv6.routing.nxt", "ipv6.routing.len", "ipv6.routing.type", "ipv6.routing.segleft",
	"ipv6.routing.mipv6.reserved", "ipv6.routing.mipv6.home_address",
}

// compared returns every field package mip6 defines that tshark has too
// (all but the v6scope.* ones and the protocol node), then the HAO and
// routing header fields.
func compared() []string {
	var out []string
	for _, f := range mip6.Fields() {
		if !strings.HasPrefix(f.Name, "v6scope.") && f.Kind != dissect.Protocol && !slices.Contains(out, f.Name) {
			out = append(out, f.Name)
		}
	}
	return append(out, hoaRoutingFields...)
}

// TestFieldNamesAreWiresharks keeps the field names honest: every mip6.*
// name v6scope uses is one tshark 4.0 knows (`tshark -G fields`).
func TestFieldNamesAreWiresharks(t *testing.T) {
	path := tsharkdiff.Require(t)
	out, err := exec.Command(path, "-G", "fields").Output()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if cols := strings.Split(line, "\t"); len(cols) > 2 {
			known[cols[2]] = true
		}
	}
	for _, name := range compared() {
		if !known[name] {
			t.Errorf("%s is not a tshark 4.0 field: use Wireshark's name or the v6scope. prefix", name)
		}
	}
}

// knownDifferences are the frames where v6scope deliberately prints
// something else than tshark 4.0, each explained in docs/differences.md,
// section "Mobile IPv6".
var knownDifferences = []struct {
	file   string
	fields []string
	reason string
}{
	// tshark stops at an option whose length is wrong only after reading
	// its fields past the option's end; v6scope shows the bytes.
	{"synthetic/bu-badlen", []string{"mip6.ni.hni", "mip6.ni.cni"}, "option of the wrong length: tshark reads its fields past its end (docs/differences.md)"},
	// tshark reports the type of an option running past the header at the
	// wrong offset and stops; v6scope notes it.
	{"synthetic/bu-overrun", []string{"mip6.mobility_opt.len", "mip6.options.padn"}, "option running past the header (docs/differences.md)"},
	{"synthetic/bu-unknownopt", []string{"mip6.mobility_opt.len"}, "tshark reads an unknown option's length from the wrong byte (docs/differences.md)"},
	// RFC 6275 §6.4: a type 2 routing header holds one address; v6scope
	// shows every address a wrong one holds (and notes it), tshark the first.
	{"synthetic/rh2-two", []string{"ipv6.routing.mipv6.home_address"}, "type 2 routing header with two addresses (docs/differences.md)"},
	// tshark starts a Home Agent Switch's options after its first address.
	{"synthetic/has", []string{"mip6.options.pad1"}, "Home Agent Switch with two addresses (docs/differences.md)"},
	// A Home Address option of length 1: tshark reads 16 bytes anyway
	// (RFC 6275 §6.3: Option Length 16); see decode/tshark_test.go.
	{"mipv6/zeek_ipv6-mobility-dst-opts.pcap", []string{"ipv6.opt.mipv6.home_address"}, "Home Address option of length 1 (docs/differences.md)"},
}

func knownDifference(file string, d tsharkdiff.Diff) string {
	for _, k := range knownDifferences {
		if k.file == file && slices.Contains(k.fields, d.Field) {
			return k.reason
		}
	}
	return ""
}

// TestFieldsMatchTshark compares every mip6.* field and the Home Address
// option and type 2 routing header fields of every frame that has any of
// them, in pcaps/ and the public corpus, with what tshark 4.0 prints.
func TestFieldsMatchTshark(t *testing.T) {
	tsharkdiff.Require(t)
	files := tsharkdiff.Captures(t)
	var frames, mh, cells atomic.Int64
	fields := compared()
	t.Run("files", func(t *testing.T) {
		for _, file := range files {
			name, _ := filepath.Rel(filepath.Dir(filepath.Dir(file)), file)
			name = filepath.ToSlash(name)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				n, m, c := compareFile(t, file, name, fields, nil)
				frames.Add(n)
				mh.Add(m)
				cells.Add(c)
			})
		}
	})
	t.Logf("compared %d frames (%d with a Mobility Header) over %d fields: %d non-empty tshark cells", frames.Load(), mh.Load(), len(fields), cells.Load())
	if mh.Load() == 0 {
		t.Fatal("no Mobility Header frames found to compare")
	}
}

// TestSyntheticMatchesTshark compares the frames built to cover what the
// captures lack.
func TestSyntheticMatchesTshark(t *testing.T) {
	tsharkdiff.Require(t)
	file, names := writePcap(t, syntheticFrames())
	n, m, c := compareFile(t, file, "synthetic", compared(), names)
	t.Logf("compared %d synthetic frames (%d with a Mobility Header): %d non-empty tshark cells", n, m, c)
}

// compareFile compares the Mobile IPv6 frames of one capture; names, when
// set, names its frames (synthetic captures).
func compareFile(t *testing.T, file, name string, fields []string, names []string) (frames, withMH, cells int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	all := append([]string{"frame.protocols"}, fields...)
	hoaColumn, rtTypeColumn := slices.Index(all, "ipv6.opt.mipv6.home_address"), slices.Index(all, "ipv6.routing.type")
	want, err := tsharkdiff.Tshark(ctx, file, all)
	if want == nil {
		t.Skipf("tshark cannot read it: %v", err)
	}
	got, reached := ours(t, file, append([]string{"frame.protocols"}, fields...))
	var keepT, keepO tsharkdiff.Table
	keepT.Fields, keepO.Fields = fields, fields
	var numbers []int
	for i, row := range want.Rows {
		isMH := strings.Contains(row[0]+":", ":mipv6:")
		// Frames with a Mobility Header, a Home Address option or a type 2
		// routing header; others (options inside tunnels v6scope does not
		// decode, such as AYIYA) belong to the generic header test.
		if !isMH && row[hoaColumn] == "" && !slices.Contains(strings.Split(row[rtTypeColumn], ","), "2") {
			continue
		}
		frame := name
		if names != nil {
			frame = "synthetic/" + names[i]
		}
		if i >= len(got.Rows) {
			t.Errorf("%s frame %d: v6scope has no such frame", frame, i+1)
			continue
		}
		if isMH {
			withMH++
			if !reached[i] {
				t.Errorf("%s frame %d: tshark decodes a Mobility Header (%s), v6scope does not reach it", frame, i+1, row[0])
				continue
			}
		}
		keepT.Rows = append(keepT.Rows, row[1:])
		keepO.Rows = append(keepO.Rows, got.Rows[i][1:])
		numbers = append(numbers, i+1)
	}
	for _, row := range keepT.Rows {
		for _, c := range row {
			if c != "" {
				cells++
			}
		}
	}
	var diffs []tsharkdiff.Diff
	for _, d := range tsharkdiff.Compare(&keepT, &keepO) {
		if d.Frame > 0 {
			d.Frame = numbers[d.Frame-1]
			where := name
			if names != nil {
				where = "synthetic/" + names[d.Frame-1]
				d.Field += " (" + names[d.Frame-1] + ")"
			}
			if why := knownDifference(where, tsharkdiff.Diff{Field: strings.Split(d.Field, " ")[0]}); why != "" {
				t.Logf("frame %d %s: known difference: %s", d.Frame, d.Field, why)
				continue
			}
		}
		diffs = append(diffs, d)
	}
	if len(diffs) > 0 {
		t.Errorf("%d disagreements with tshark:\n%s", len(diffs), tsharkdiff.Report(diffs, 5))
	}
	return int64(len(numbers)), withMH, cells
}

// ours decodes file with v6scope and prints fields as tshark's `-T fields
// -E occurrence=a -E aggregator=,` does; reached[i] tells whether frame i+1
// went through a Mobility Header layer.
func ours(t *testing.T, file string, fields []string) (*tsharkdiff.Table, []bool) {
	var reached []bool
	tab := decodetest.Table(t, file, decode.New(), fields, func(p *decode.Packet) {
		reached = append(reached, slices.Contains(p.Layers, dissect.LayerMobility) || slices.Contains(p.Layers, dissect.LayerMobilityOld))
	})
	return tab, reached
}
