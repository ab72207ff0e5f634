//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/internal/netns"
)

// TestTUILiveErrors: tui -i refuses what capture refuses, with the same
// messages, before it needs a terminal.
func TestTUILiveErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"tui", "-i", "lo", bundled}, exitUsage, "not both"},
		{[]string{"tui", "-w", "x.pcapng", bundled}, exitUsage, "give -i IFACE too"},
		{[]string{"tui", "-i", "lo", "-a", "packets:3"}, exitUsage, "duration:SEC"},
		{[]string{"tui", "-i", "lo", "-Y", "icmpv6.nonesuch == 1"}, exitUsage, "display filter"},
		{[]string{"tui", "-i", "v6s-nonesuch0"}, exitInput, `no such interface "v6s-nonesuch0"; the interfaces here are: lo`},
		{[]string{"tui", "-i", "lo"}, exitUsage, "needs a terminal"},
	} {
		if os.Geteuid() != 0 && c.code == exitInput {
			c.msg = "CAP_NET_RAW" // the socket cannot even be opened
		}
		if os.Geteuid() != 0 && c.msg == "needs a terminal" {
			c.code, c.msg = exitInput, "CAP_NET_RAW"
		}
		_, stderr, code := cli(t, nil, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.msg)
		}
	}
}

// TestTUILiveInterfaceDown: a down interface is refused as capture
// refuses it.
func TestTUILiveInterfaceDown(t *testing.T) {
	netns.Require(t, "live capture needs root and iproute2", "ip")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	if _, err := p.A.IP(ctx, "link", "set", p.If, "down"); err != nil {
		t.Fatal(err)
	}
	var stderr string
	var code int
	if err := p.A.Do(func() error { _, stderr, code = cli(t, nil, "tui", "-i", p.If); return nil }); err != nil {
		t.Fatal(err)
	}
	if code != exitInput || !strings.Contains(stderr, "interface "+p.If+" is down") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestTUILiveInTmux runs the real binary's live UI in a tmux pane, inside
// a namespace of a veth pair, while the kernels do ND and MLD and one
// pings the other: the rows arrive, A pauses, q quits, and the -w file
// holds exactly the frames reported captured; the sessions screen shows
// the analysis made live.
func TestTUILiveInTmux(t *testing.T) {
	netns.Require(t, "the live TUI test needs root, iproute2, ping and tmux", "ip", "ping", "tmux")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "v6scope")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	p := netns.NewPair(ctx, t)
	file, errFile := filepath.Join(dir, "live.pcapng"), filepath.Join(dir, "stderr")
	session := "v6scope-live-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	tmux(t, "new-session", "-d", "-s", session, "-x", "140", "-y", "40",
		fmt.Sprintf("ip netns exec %s %s tui -i %s -w %s 2>%s", p.A.Name, bin, p.If, file, errFile))
	defer exec.Command("tmux", "kill-session", "-t", session).Run()
	screen := func(want string) {
		t.Helper()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var s string
		for ctx.Err() == nil {
			s = tmux(t, "capture-pane", "-p", "-t", session)
			if strings.Contains(s, want) {
				return
			}
			<-tick.C
		}
		errs, _ := os.ReadFile(errFile)
		t.Fatalf("the screen never showed %q:\n%s\nstderr: %s", want, s, errs)
	}
	screen("live: " + p.If)
	if err := p.EnableIPv6(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*netns.NS{p.A, p.B} {
		if err := n.WaitDAD(ctx, p.If); err != nil {
			t.Fatal(err)
		}
	}
	peer, err := p.B.LinkLocal(ctx, p.If)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := p.A.Exec(ctx, "ping", "-6", "-n", "-c", "1", "-W", "2", peer.String()+"%"+p.If); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	screen("Neighbor Advertisement")
	screen("auto-scroll (A)")
	// The analysis runs live: the addresses' DAD and the neighbors.
	tmux(t, "send-keys", "-t", session, "2")
	screen("nd/address/")
	screen("nd/neighbor/")
	tmux(t, "send-keys", "-t", session, "1")
	tmux(t, "send-keys", "-t", session, "A")
	screen("paused (A follows)")
	tmux(t, "send-keys", "-t", session, "q")
	for exec.Command("tmux", "has-session", "-t", session).Run() == nil {
		if ctx.Err() != nil {
			t.Fatal("q did not quit")
		}
		time.Sleep(50 * time.Millisecond)
	}
	errs, _ := os.ReadFile(errFile)
	m := regexp.MustCompile(`(?m)^(\d+) packets captured$`).FindStringSubmatch(string(errs))
	if m == nil || !strings.Contains(string(errs), "packets written to "+file) {
		t.Fatalf("stderr:\n%s", errs)
	}
	captured, _ := strconv.Atoi(m[1])
	rd, err := capture.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	n := 0
	var f capture.Frame
	for {
		err := rd.Next(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n == 0 || n != captured {
		t.Errorf("%d packets captured reported, %d frames in the file", captured, n)
	}
}
