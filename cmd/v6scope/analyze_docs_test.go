package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/pcaps"
)

// TestAnalyzeVocabularyDocumented runs analyze --json on every bundled
// capture (with its IKEv2 keys where it has them) and requires every
// session kind, state, transition reason, anomaly code and session
// attribute the engine writes to appear, in backquotes, in docs/json.md,
// docs/analyze.md or docs/fields.md: a script author must find what each
// word means.
func TestAnalyzeVocabularyDocumented(t *testing.T) {
	var docs strings.Builder
	for _, name := range []string{"json.md", "analyze.md", "fields.md"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "docs", name))
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	text := docs.String()
	seen := map[string]string{} // word → where it was first seen
	note := func(word, where string) {
		if _, ok := seen[word]; !ok && word != "" {
			seen[word] = where
		}
	}
	for _, name := range pcaps.Captures() {
		var args []string
		keys := strings.TrimSuffix(name, ".pcapng") + ".ikev2_decryption_table"
		if _, err := os.Stat(filepath.Join("..", "..", "pcaps", keys)); err == nil {
			args = append(args, "--ikev2-keys", filepath.Join("..", "..", "pcaps", keys))
		}
		for _, r := range analyzeJSON(t, name, args...) {
			where := name + " " + r.Type + " " + r.Session + r.ID
			switch r.Type {
			case "transition":
				note(r.Kind, where)
				note(r.To, where)
				note(r.Reason, where)
			case "anomaly":
				note(r.Code, where)
			case "session":
				note(r.Kind, where)
				note(r.State, where)
				for k := range r.Attrs {
					note(k, where)
				}
			}
		}
	}
	var missing []string
	for word, where := range seen {
		if !strings.Contains(text, "`"+word+"`") {
			missing = append(missing, word+" ("+where+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("not documented in docs/json.md, docs/analyze.md or docs/fields.md: %s", m)
	}
	if len(seen) < 50 {
		t.Errorf("only %d words seen: did analyze run?", len(seen))
	}
}
