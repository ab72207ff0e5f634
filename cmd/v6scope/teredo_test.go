package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/pcaps"
)

// TestTeredoHeuristicFlag reads the miredo capture, whose clients and relay
// talk on ports other than 3544, with the content heuristic on (the default)
// and off: with it off only port-3544 datagrams may be Teredo, and fewer
// frames are.
func TestTeredoHeuristicFlag(t *testing.T) {
	file := filepath.Join("..", "..", "pcaps", "teredo-miredo.pcapng")
	if _, err := pcaps.FS.Open("teredo-miredo.pcapng"); err != nil {
		t.Skipf("no bundled Teredo capture: %v", err)
	}
	count := func(args ...string) int {
		t.Helper()
		out, errs, code := cli(t, nil, append([]string{"read", "-T", "fields", "-e", "frame.number", "-e", "udp.port"}, append(args, file)...)...)
		if code != 0 {
			t.Fatalf("read %v: exit %d: %s", args, code, errs)
		}
		n := 0
		for _, l := range lines(out) {
			cols := strings.Split(l, "\t")
			if len(cols) != 2 {
				t.Fatalf("line %q: want 2 columns", l)
			}
			if args[len(args)-1] == "--teredo-heuristic=false" && !strings.Contains(cols[1], "3544") {
				t.Errorf("frame %s: Teredo on ports %s with the heuristic off", cols[0], cols[1])
			}
			n++
		}
		return n
	}
	on := count("-Y", "teredo")
	off := count("-Y", "teredo", "--teredo-heuristic=false")
	if on == 0 || off == 0 {
		t.Fatalf("Teredo frames: %d with the heuristic, %d without; want both > 0", on, off)
	}
	if off >= on {
		t.Errorf("Teredo frames: %d with the heuristic, %d without; the relay and peer traffic on other ports should need it", on, off)
	}
	t.Log("Teredo frames with heuristic " + strconv.Itoa(on) + ", without " + strconv.Itoa(off))
}
