//go:build linux

package netns

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Need is one thing a test needs from a Debian package: a command looked
// up in PATH, or a file given by its absolute path (a daemon outside PATH
// such as /usr/lib/ipsec/charon, a plugin).
type Need struct {
	Path    string // "miredo", "/usr/lib/ipsec/charon"
	Package string // the Debian package that installs it
}

// MissingPackages reports the packages (each once, in order) of the needs
// not met here.
func MissingPackages(needs ...Need) []string {
	var pkgs []string
	for _, n := range needs {
		var err error
		if filepath.IsAbs(n.Path) {
			_, err = os.Stat(n.Path)
		} else {
			_, err = exec.LookPath(n.Path)
		}
		if err != nil && !contains(pkgs, n.Package) {
			pkgs = append(pkgs, n.Package)
		}
	}
	return pkgs
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// RequirePackages is Require for daemons: it skips the test, or fails it
// under V6SCOPE_REQUIRE_PEERS=1, when not root or when a need is not met,
// naming the Debian packages to install.
func RequirePackages(t testing.TB, why string, needs ...Need) {
	t.Helper()
	var miss []string
	if os.Geteuid() != 0 {
		miss = append(miss, "root")
	}
	pkgs := MissingPackages(needs...)
	if len(miss) == 0 && len(pkgs) == 0 {
		return
	}
	msg := why + "; missing: " + strings.Join(append(miss, pkgs...), ", ")
	if len(pkgs) > 0 {
		msg += " (apt-get install " + strings.Join(pkgs, " ") + ")"
	}
	if os.Getenv(RequirePeersEnv) == "1" {
		t.Fatalf("%s (%s=1)", msg, RequirePeersEnv)
	}
	t.Skip(msg)
}

// EnsureTUN makes sure /dev/net/tun exists, creating the node (misc
// device 10:200) when a container left it out. miredo and strongSwan's
// kernel-libipsec open it for their tunnel interfaces.
func EnsureTUN() error {
	const dev = "/dev/net/tun"
	if fi, err := os.Stat(dev); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return nil
	}
	if err := os.MkdirAll("/dev/net", 0o755); err != nil {
		return fmt.Errorf("netns: %w", err)
	}
	if err := unix.Mknod(dev, unix.S_IFCHR|0o666, int(unix.Mkdev(10, 200))); err != nil {
		return fmt.Errorf("netns: creating %s: %w", dev, err)
	}
	return nil
}
