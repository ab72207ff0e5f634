// Package pcaps holds sample captures recorded from real IPv6 stacks, each
// with NAME.expect.json beside it: the facts a reader should find in it.
//
// The captures and the scripts that regenerate them are described in
// pcaps/README.md and pcaps/regen/README.md.
package pcaps

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/v6scope/v6scope/pcaps/expect"
)

// FS holds every bundled capture and its expectation file.
//
//go:embed *.pcapng *.expect.json
var FS embed.FS

// Default is the capture to open when none is named.
const Default = "kernel-nd-mld.pcapng"

// ExpectSuffix replaces ".pcapng" in a capture's name to name its
// expectation file.
const ExpectSuffix = ".expect.json"

// Re-exported from package expect.
type (
	Expectation  = expect.Expectation
	KeyFrame     = expect.KeyFrame
	Host         = expect.Host
	Address      = expect.Address
	Neighbor     = expect.Neighbor
	NUDTrace     = expect.NUDTrace
	TeredoClient = expect.TeredoClient
	IKESA        = expect.IKESA
	ChildSA      = expect.ChildSA
	MLDState     = expect.MLDState
	MLDQuerier   = expect.MLDQuerier
	MLDGroup     = expect.MLDGroup
	MLDListener  = expect.MLDListener
	Part         = expect.Part
)

// Captures lists the bundled captures' file names, sorted.
func Captures() []string {
	names, _ := fs.Glob(FS, "*.pcapng") // the pattern is valid
	sort.Strings(names)
	return names
}

// ExpectName is the expectation file's name for a capture: "x.pcapng",
// "x" and "x.expect.json" all give "x.expect.json".
func ExpectName(name string) string {
	name = path.Base(name)
	if strings.HasSuffix(name, ExpectSuffix) {
		return name
	}
	return strings.TrimSuffix(name, ".pcapng") + ExpectSuffix
}

// Expect reads and checks the expectation file for the named capture
// (see ExpectName for the names it accepts).
func Expect(name string) (*Expectation, error) {
	data, err := FS.ReadFile(ExpectName(name))
	if err != nil {
		return nil, err
	}
	return expect.Parse(data)
}
