package tsharkdiff

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
)

// RequirePeersEnv is the environment variable that turns the skips of
// [Require] and [Corpus] into failures when set to "1". CI sets it after
// installing tshark and checking out the corpus.
const RequirePeersEnv = "V6SCOPE_REQUIRE_PEERS"

// needTshark is the skip message when tshark is missing or not 4.0.
const needTshark = "needs tshark 4.0 (apt-get install tshark)"

// Require skips the test when tshark 4.0 is not installed, or fails it when
// V6SCOPE_REQUIRE_PEERS=1, and returns the path of tshark. The binary is
// $V6SCOPE_TSHARK when set, else tshark on $PATH. Another tshark version
// counts as missing: field names and formatting change between versions,
// and the diffs would be noise.
func Require(t testing.TB) string {
	t.Helper()
	path, err := tsharkPath()
	if err != nil {
		skipOrFail(t, "%s: %v", needTshark, err)
		return ""
	}
	v, err := tsharkVersion(path)
	if err != nil {
		skipOrFail(t, "%s: %v", needTshark, err)
		return ""
	}
	if !is40(v) {
		skipOrFail(t, "%s: %s is version %s; install 4.0 or point V6SCOPE_TSHARK at one", needTshark, path, v)
		return ""
	}
	return path
}

var (
	versionRE    = regexp.MustCompile(`TShark \(Wireshark\) (\d+\.\d+\.\d+)`)
	version40RE  = regexp.MustCompile(`^4\.0\.\d+$`)
	versionMu    sync.Mutex
	versionCache = map[string]string{}
)

// tsharkVersion runs `path --version` once per path and returns its version,
// e.g. "4.0.17".
func tsharkVersion(path string) (string, error) {
	versionMu.Lock()
	defer versionMu.Unlock()
	if v, ok := versionCache[path]; ok {
		return v, nil
	}
	cmd := exec.Command(path, "--version")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", path, err)
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("%s --version printed no \"TShark (Wireshark) X.Y.Z\" line: %.80q", path, out)
	}
	versionCache[path] = string(m[1])
	return string(m[1]), nil
}

// is40 reports whether version v is a 4.0.x release.
func is40(v string) bool {
	return version40RE.MatchString(v)
}

// Corpus returns the absolute path of the public capture corpus,
// ../shared/corpus beside the module root (the directory holding go.mod,
// found by walking up from the working directory). It skips the test when
// the corpus is absent, or fails it when V6SCOPE_REQUIRE_PEERS=1.
func Corpus(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("tsharkdiff: finding the corpus: %v", err)
	}
	root, err := moduleRoot(wd)
	if err != nil {
		t.Fatalf("tsharkdiff: finding the corpus: %v", err)
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "corpus")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		skipOrFail(t, "needs the public capture corpus at %s (../shared/corpus beside the module root; see its SOURCES.md)", dir)
		return ""
	}
	return dir
}

// moduleRoot returns the nearest directory at or above dir that holds a
// go.mod file.
func moduleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if fi, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !fi.IsDir() {
			return d, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", fmt.Errorf("no go.mod in %s or any directory above it; run the tests inside the v6scope module", dir)
		}
		d = up
	}
}

// skipOrFail skips the test with the message, or fails it when
// V6SCOPE_REQUIRE_PEERS=1.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(RequirePeersEnv) == "1" {
		t.Fatalf("%s (failing rather than skipping because %s=1)", msg, RequirePeersEnv)
		return
	}
	t.Skip(msg)
}
