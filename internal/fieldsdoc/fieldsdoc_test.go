package fieldsdoc

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
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

// TestEveryReasonListedOnce: each tracker's reasons have distinct codes and
// a sentence that cites an RFC, so the reference has one row per code.
func TestEveryReasonListedOnce(t *testing.T) {
	for _, p := range Trackers() {
		if len(p.Reasons) == 0 {
			t.Errorf("%s: no reasons", p.Name)
		}
		seen := map[string]bool{}
		for _, r := range p.Reasons {
			code := r.String()
			if code == "" || seen[code] {
				t.Errorf("%s: reason code %q empty or repeated", p.Name, code)
			}
			seen[code] = true
			if !strings.Contains(r.Explain(), "RFC ") {
				t.Errorf("%s: reason %s: explanation %q cites no RFC", p.Name, code, r.Explain())
			}
		}
	}
}
