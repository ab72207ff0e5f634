package fieldsdoc

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestFieldsDocIsCurrent fails when docs/fields.md differs from what the
// code generates: a field, an explanation or a state changed without the
// reference being regenerated.
func TestFieldsDocIsCurrent(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "fields.md")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go generate ./internal/fieldsdoc", err)
	}
	if want := Render(); !bytes.Equal(got, want) {
		t.Errorf("docs/fields.md is stale; run go generate ./internal/fieldsdoc")
	}
}
