package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTUINeedsATerminal(t *testing.T) {
	out, errs, code := cli(t, nil, "tui", bundled)
	if code != exitUsage || out != "" || !strings.Contains(errs, "needs a terminal") {
		t.Errorf("tui without a terminal: exit %d, stdout %q, stderr %q; want exit %d and a message", code, out, errs, exitUsage)
	}
	if _, errs, code := cli(t, nil, "tui", "-t", "xyz", bundled); code == exitOK || errs == "" {
		t.Errorf("tui -t xyz: exit %d, %q", code, errs)
	}
}

// tmux runs a tmux command for the smoke test.
func tmux(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestTUISmokeInTmux runs the real binary in a tmux pane, types keys and
// reads the screen back.
func TestTUISmokeInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("V6SCOPE_REQUIRE_PEERS") == "1" {
			t.Fatalf("needs tmux (apt-get install tmux), and V6SCOPE_REQUIRE_PEERS=1")
		}
		t.Skip("needs tmux (apt-get install tmux)")
	}
	bin := filepath.Join(t.TempDir(), "v6scope")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	capFile, _ := filepath.Abs(bundled)
	session := "v6scope-smoke-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	tmux(t, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", bin, "tui", capFile)
	defer exec.Command("tmux", "kill-session", "-t", session).Run()
	screen := func(want string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var s string
		for time.Now().Before(deadline) {
			s = tmux(t, "capture-pane", "-p", "-t", session)
			if strings.Contains(s, want) {
				return s
			}
			<-tick.C
		}
		t.Fatalf("the screen never showed %q:\n%s", want, s)
		return ""
	}
	screen("Multicast Listener Report Message v2")
	screen("Fields of frame 1")
	tmux(t, "send-keys", "-t", session, "G")
	screen("Fields of frame 52")
	tmux(t, "send-keys", "-t", session, "/", "icmpv6.type == 134", "Enter")
	screen("shown 6")
	tmux(t, "send-keys", "-t", session, "?")
	screen("v6scope terminal UI — keys")
	tmux(t, "send-keys", "-t", session, "Escape")
	tmux(t, "resize-window", "-t", session, "-x", "100", "-y", "30")
	screen("Router Advertisement")
	tmux(t, "send-keys", "-t", session, "q")
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if exec.Command("tmux", "has-session", "-t", session).Run() != nil {
			return // q quit, and the session closed with it
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("q did not quit")
}
