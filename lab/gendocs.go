//go:build ignore

// gendocs writes docs/labs/NN-slug.md for every lab in lab/labs and the
// table of labs in docs/labs/README.md. Run it with go generate ./lab;
// TestDocsUpToDate fails when they are stale.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/v6scope/v6scope/lab"
)

func main() {
	labs, err := lab.All()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dir := filepath.Join("..", lab.DocsDir)
	for _, l := range labs {
		if err := os.WriteFile(filepath.Join(dir, l.Name()+".md"), []byte(l.Markdown()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	readme := filepath.Join(dir, "README.md")
	old, err := os.ReadFile(readme)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	updated, err := lab.SpliceIndex(string(old), labs)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", readme, err)
		os.Exit(1)
	}
	if err := os.WriteFile(readme, []byte(updated), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
