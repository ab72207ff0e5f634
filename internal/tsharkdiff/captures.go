package tsharkdiff

import (
	"os"
	"path/filepath"
	"testing"
)

// Captures lists, by absolute path, every capture file (.pcap, .pcapng,
// .cap) of the public corpus ([Corpus]) and then of the module's pcaps/
// directory, each in lexical order: the inputs of the differential tests.
// It skips or fails the test as Corpus does when the corpus is absent.
func Captures(t testing.TB) []string {
	t.Helper()
	corpus := Corpus(t)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("tsharkdiff: finding the bundled captures: %v", err)
	}
	root, err := moduleRoot(wd)
	if err != nil {
		t.Fatalf("tsharkdiff: finding the bundled captures: %v", err)
	}
	var files []string
	for _, dir := range []string{corpus, filepath.Join(root, "pcaps")} {
		err := filepath.WalkDir(dir, func(path string, de os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch filepath.Ext(path) {
			case ".pcap", ".pcapng", ".cap":
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("tsharkdiff: listing captures under %s: %v", dir, err)
		}
	}
	return files
}
