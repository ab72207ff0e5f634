// Command fieldsdoc writes docs/fields.md, the field reference generated
// from the code (see package internal/fieldsdoc).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/v6scope/v6scope/internal/fieldsdoc"
)

func main() {
	out := flag.String("o", "docs/fields.md", "file to write")
	flag.Parse()
	if err := os.WriteFile(*out, fieldsdoc.Render(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "fieldsdoc:", err)
		os.Exit(1)
	}
}
