package tsharkdiff

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeTB records how a helper ended a test: Skip or Fatal stop the calling
// goroutine, as the real ones do, after noting the message.
type fakeTB struct {
	testing.TB
	ended string // "skip: …" or "fatal: …"
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.ended = "skip: " + fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.ended = "fatal: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls fn with a fakeTB on its own goroutine and returns how it ended
// ("" when it returned normally) and fn's result.
func run(t *testing.T, fn func(testing.TB) string) (ended, result string) {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		result = fn(f)
	}()
	<-done
	return f.ended, result
}

func TestRequireWithoutTshark(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("V6SCOPE_TSHARK", "")

	t.Setenv(RequirePeersEnv, "")
	ended, _ := run(t, Require)
	if !strings.HasPrefix(ended, "skip: needs tshark 4.0 (apt-get install tshark)") {
		t.Errorf("without tshark Require ended with %q, want a skip saying what to install", ended)
	}

	t.Setenv(RequirePeersEnv, "1")
	ended, _ = run(t, Require)
	if !strings.HasPrefix(ended, "fatal: needs tshark 4.0 (apt-get install tshark)") || !strings.Contains(ended, RequirePeersEnv+"=1") {
		t.Errorf("without tshark and with %s=1 Require ended with %q, want a failure", RequirePeersEnv, ended)
	}
}

func TestRequireWrongVersion(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as a fake tshark")
	}
	fake := filepath.Join(t.TempDir(), "tshark")
	script := "#!/bin/sh\necho 'TShark (Wireshark) 4.2.5 (Git v4.2.5 packaged as 4.2.5-1).'\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("V6SCOPE_TSHARK", fake)
	t.Setenv(RequirePeersEnv, "")
	ended, _ := run(t, Require)
	if !strings.HasPrefix(ended, "skip: needs tshark 4.0") || !strings.Contains(ended, "version 4.2.5") {
		t.Errorf("with tshark 4.2.5 Require ended with %q, want a skip naming the version found", ended)
	}
}

func TestIs40(t *testing.T) {
	for v, want := range map[string]bool{"4.0.0": true, "4.0.17": true, "4.0": false, "4.2.5": false, "3.6.2": false, "14.0.1": false} {
		if got := is40(v); got != want {
			t.Errorf("is40(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestModuleRoot(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(filepath.Join(deep, "go.mod"), 0o755); err != nil { // a directory named go.mod does not count
		t.Fatal(err)
	}
	got, err := moduleRoot(deep)
	if err != nil || got != root {
		t.Errorf("moduleRoot(%s) = %q, %v; want %q", deep, got, err, root)
	}
	if _, err := moduleRoot(string(filepath.Separator)); err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Errorf("moduleRoot(/) error = %v, want one saying no go.mod was found", err)
	}
}

func TestCorpusAbsent(t *testing.T) {
	root := filepath.Join(t.TempDir(), "main")
	if err := os.MkdirAll(filepath.Join(root, "internal"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(root, "internal"))

	t.Setenv(RequirePeersEnv, "")
	ended, _ := run(t, Corpus)
	if !strings.HasPrefix(ended, "skip: needs the public capture corpus at "+filepath.Join(filepath.Dir(root), "shared", "corpus")) {
		t.Errorf("without a corpus Corpus ended with %q, want a skip naming the path", ended)
	}
	t.Setenv(RequirePeersEnv, "1")
	if ended, _ := run(t, Corpus); !strings.HasPrefix(ended, "fatal: needs the public capture corpus") {
		t.Errorf("without a corpus and with %s=1 Corpus ended with %q, want a failure", RequirePeersEnv, ended)
	}

	if err := os.MkdirAll(filepath.Join(filepath.Dir(root), "shared", "corpus"), 0o755); err != nil {
		t.Fatal(err)
	}
	ended, got := run(t, Corpus)
	if want := filepath.Join(filepath.Dir(root), "shared", "corpus"); ended != "" || got != want {
		t.Errorf("with a corpus Corpus = %q (ended %q), want %q", got, ended, want)
	}
}

// TestCaptures: the list holds every bundled capture, after the corpus's,
// by absolute path, and nothing that is not a capture file.
func TestCaptures(t *testing.T) {
	files := Captures(t)
	bundled := 0
	for i, f := range files {
		if !filepath.IsAbs(f) {
			t.Errorf("%s is not absolute", f)
		}
		switch filepath.Ext(f) {
		case ".pcap", ".pcapng", ".cap":
		default:
			t.Errorf("%s is not a capture file", f)
		}
		if filepath.Base(filepath.Dir(f)) == "pcaps" {
			bundled++
		} else if bundled > 0 {
			t.Errorf("corpus file %s (#%d) after the bundled ones", f, i+1)
		}
	}
	want, _ := filepath.Glob(filepath.Join("..", "..", "pcaps", "*.pcapng"))
	if bundled != len(want) || bundled == 0 {
		t.Errorf("%d bundled captures listed, pcaps/ holds %d", bundled, len(want))
	}
	if len(files) == bundled {
		t.Error("no corpus capture listed")
	}
}
