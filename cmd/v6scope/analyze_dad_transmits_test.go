package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// --dad-transmits takes DupAddrDetectTransmits from 1 to 255 (0 means the
// default); anything else is a usage error that says what to give.
func TestAnalyzeDADTransmitsFlag(t *testing.T) {
	path := filepath.Join("..", "..", "pcaps", "dad-loopback.pcapng")
	for _, c := range []struct {
		val  string
		code int
	}{
		{"-1", exitUsage},
		{"256", exitUsage},
		{"three", exitUsage},
		{"1", 0},
		{"255", 0},
	} {
		_, errs, code := cli(t, nil, "analyze", "--json", "--proto", "nd", "--dad-transmits", c.val, path)
		if code != c.code {
			t.Errorf("--dad-transmits %s: exit %d, want %d: %s", c.val, code, c.code, errs)
		}
		if c.code == exitUsage && !strings.Contains(errs, "--dad-transmits") {
			t.Errorf("--dad-transmits %s: the error does not name the flag: %s", c.val, errs)
		}
	}
}
