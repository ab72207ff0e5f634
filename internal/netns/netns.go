// Package netns builds throwaway Linux network namespaces for tests that
// need real peers: the kernel's own ND and MLD, daemons such as radvd or
// miredo, live capture and replay.
//
// Everything goes through iproute2's `ip` (os/exec), so the package needs
// no cgo and no netlink library. Namespaces are named
// "v6s-<pid>-<seq>-<role>" and veth pairs are created directly inside
// them, so a test never adds an interface to, or sends a packet on, the
// host's own network. Every namespace is deleted by t.Cleanup, after the
// processes still running inside it are killed.
//
// Tests that cannot run here (not root, a tool missing) skip with a
// message naming what to install, or fail instead when the environment
// sets V6SCOPE_REQUIRE_PEERS=1 (CI does, after installing them).
package netns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// RequirePeersEnv names the environment variable that turns skips into
// failures.
const RequirePeersEnv = "V6SCOPE_REQUIRE_PEERS"

// Prefix starts every namespace name this package makes.
const Prefix = "v6s-"

var seq atomic.Uint32

// Missing reports which of the requirements are not met here: "root"
// when not running as uid 0, then each tool not found in PATH.
func Missing(tools ...string) []string {
	var miss []string
	if os.Geteuid() != 0 {
		miss = append(miss, "root")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			miss = append(miss, tool)
		}
	}
	return miss
}

// Require skips the test, or fails it under V6SCOPE_REQUIRE_PEERS=1,
// when any of root or tools is missing. why says what the test needs and
// how to get it, e.g. "needs root, iproute2 and dumpcap (apt-get install
// tshark)".
func Require(t testing.TB, why string, tools ...string) {
	t.Helper()
	miss := Missing(tools...)
	if len(miss) == 0 {
		return
	}
	msg := fmt.Sprintf("%s; missing: %s", why, strings.Join(miss, ", "))
	if os.Getenv(RequirePeersEnv) == "1" {
		t.Fatalf("%s (%s=1)", msg, RequirePeersEnv)
	}
	t.Skip(msg)
}

// NS is one network namespace made for a test.
type NS struct {
	t    testing.TB
	Name string
}

// New creates a namespace whose name ends in role, brings its loopback
// up, and deletes it when the test ends.
func New(ctx context.Context, t testing.TB, role string) *NS {
	t.Helper()
	name := fmt.Sprintf("%s%d-%d-%s", Prefix, os.Getpid(), seq.Add(1), role)
	if _, err := run(ctx, "ip", "netns", "add", name); err != nil {
		t.Fatalf("netns: %v", err)
	}
	n := &NS{t: t, Name: name}
	t.Cleanup(n.destroy)
	if _, err := n.IP(ctx, "link", "set", "lo", "up"); err != nil {
		t.Fatalf("netns: %v", err)
	}
	return n
}

// destroy kills whatever still runs inside the namespace, then deletes it.
func (n *NS) destroy() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := run(ctx, "ip", "netns", "pids", n.Name); err == nil {
		for _, f := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	if _, err := run(ctx, "ip", "netns", "del", n.Name); err != nil {
		n.t.Errorf("netns: %v", err)
	}
}

// IP runs `ip -n NAME args…` and returns its standard output.
func (n *NS) IP(ctx context.Context, args ...string) ([]byte, error) {
	return run(ctx, "ip", append([]string{"-n", n.Name}, args...)...)
}

// Exec runs a command inside the namespace and returns its standard output.
func (n *NS) Exec(ctx context.Context, name string, args ...string) ([]byte, error) {
	return run(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Sysctl sets key=value inside the namespace ("net.ipv6.conf.v6s0.disable_ipv6", "1").
func (n *NS) Sysctl(ctx context.Context, key, value string) error {
	_, err := n.Exec(ctx, "sysctl", "-qw", key+"="+value)
	return err
}

// Proc is a long-running command started in a namespace by Start.
type Proc struct {
	Cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's result, set before done is closed
}

// Start starts a long-running command inside the namespace (dumpcap,
// a daemon). The process is killed when ctx ends or the test ends; stop
// it earlier with Stop.
func (n *NS) Start(ctx context.Context, stdout, stderr io.Writer, name string, args ...string) (*Proc, error) {
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s in %s: %w", name, n.Name, err)
	}
	p := &Proc{Cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	n.t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p, nil
}

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Stop sends SIGTERM and waits for the process to exit, killing it if it
// has not within grace. `ip netns exec` execs the command, so the signal
// reaches it directly. An exit caused by the signal is not an error.
func (p *Proc) Stop(grace time.Duration) error {
	select {
	case <-p.done:
		return p.exitErr()
	default:
	}
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.exitErr()
	case <-time.After(grace):
		_ = p.Cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not stop within %v", strings.Join(p.Cmd.Args, " "), grace)
	}
}

func (p *Proc) exitErr() error {
	var exit *exec.ExitError
	if errors.As(p.err, &exit) && !exit.Exited() {
		return nil // ended by a signal
	}
	return p.err
}

// LinkLocal returns the interface's first link-local address.
func (n *NS) LinkLocal(ctx context.Context, ifname string) (netip.Addr, error) {
	out, err := n.IP(ctx, "-6", "-o", "addr", "show", "dev", ifname, "scope", "link")
	if err != nil {
		return netip.Addr{}, err
	}
	// "2: v6s0    inet6 fe80::…/64 scope link \       valid_lft …"
	f := strings.Fields(string(out))
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "inet6" {
			p, err := netip.ParsePrefix(f[i+1])
			if err != nil {
				return netip.Addr{}, fmt.Errorf("%s %s: %w", n.Name, ifname, err)
			}
			return p.Addr(), nil
		}
	}
	return netip.Addr{}, fmt.Errorf("%s %s: no link-local address", n.Name, ifname)
}

// WaitDAD waits until the interface has a link-local address and no
// tentative one (DAD finished), polling every 50 ms until ctx ends.
func (n *NS) WaitDAD(ctx context.Context, ifname string) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ll, err := n.IP(ctx, "-6", "addr", "show", "dev", ifname, "scope", "link")
		if err != nil {
			return err
		}
		tent, err := n.IP(ctx, "-6", "addr", "show", "dev", ifname, "tentative")
		if err != nil {
			return err
		}
		if bytes.Contains(ll, []byte("inet6")) && len(bytes.TrimSpace(tent)) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s %s: DAD not done: %w", n.Name, ifname, ctx.Err())
		case <-tick.C:
		}
	}
}

// Pair is two namespaces joined by a veth pair, A.If on one side and
// B.If on the other.
type Pair struct {
	A, B *NS
	// If is the veth's name on both sides (each lives in its own
	// namespace, so the names do not clash).
	If string
}

// NewPair makes two namespaces and a veth between them, created inside
// them (never in the host's namespace). Both ends are up with IPv6
// disabled, so nothing is sent until EnableIPv6: start a capture first.
func NewPair(ctx context.Context, t testing.TB) *Pair {
	t.Helper()
	p := &Pair{A: New(ctx, t, "a"), B: New(ctx, t, "b"), If: "v6s0"}
	if _, err := p.A.IP(ctx, "link", "add", p.If, "type", "veth", "peer", "name", p.If, "netns", p.B.Name); err != nil {
		t.Fatalf("netns: %v", err)
	}
	for _, n := range []*NS{p.A, p.B} {
		if err := n.Sysctl(ctx, "net.ipv6.conf."+p.If+".disable_ipv6", "1"); err != nil {
			t.Fatalf("netns: %v", err)
		}
		if _, err := n.IP(ctx, "link", "set", p.If, "up"); err != nil {
			t.Fatalf("netns: %v", err)
		}
	}
	return p
}

// EnableIPv6 turns IPv6 on at both ends: the kernel then joins the
// solicited-node groups (MLDv2 reports) and runs DAD on the link-local
// addresses.
func (p *Pair) EnableIPv6(ctx context.Context) error {
	for _, n := range []*NS{p.A, p.B} {
		if err := n.Sysctl(ctx, "net.ipv6.conf."+p.If+".disable_ipv6", "0"); err != nil {
			return err
		}
	}
	return nil
}

// run runs a command to completion; errors carry its standard error.
func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}
