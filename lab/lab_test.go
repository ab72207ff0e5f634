package lab

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/pcaps"
)

// keys computes every bundled lab's key once per test binary.
var keyCache = map[int]*Key{}

func loadAll(t *testing.T) []*Lab {
	t.Helper()
	labs, err := All()
	if err != nil {
		t.Fatal(err)
	}
	return labs
}

func keyOf(t *testing.T, l *Lab) *Key {
	t.Helper()
	if k, ok := keyCache[l.Number]; ok {
		return k
	}
	e, err := Open(l)
	if err != nil {
		t.Fatal(err)
	}
	k, err := l.Compute(e)
	if err != nil {
		t.Fatal(err)
	}
	keyCache[l.Number] = k
	return k
}

func TestLabsLoad(t *testing.T) {
	labs := loadAll(t)
	if len(labs) == 0 {
		t.Fatal("no labs")
	}
	for i, l := range labs {
		if l.Number != i+1 {
			t.Errorf("%s: labs are numbered 1, 2, … without gaps; this is %d at place %d", l.File(), l.Number, i+1)
		}
		if n := len(l.Questions); n < 5 || n > 8 {
			t.Errorf("%s: %d questions, want 5 to 8", l.File(), n)
		}
		if !contains(pcaps.Captures(), l.Capture) {
			t.Errorf("%s: capture %s is not in pcaps/", l.File(), l.Capture)
		}
		if len(l.RFCs) == 0 {
			t.Errorf("%s: no RFCs", l.File())
		}
	}
}

// TestAnswersDeriveFromCapture computes every key from its capture and
// checks each answer is sensible for its question.
func TestAnswersDeriveFromCapture(t *testing.T) {
	for _, l := range loadAll(t) {
		t.Run(l.Name(), func(t *testing.T) {
			k := keyOf(t, l)
			for _, q := range l.Questions {
				vals := k.Answers[q.ID]
				if len(vals) == 0 {
					t.Errorf("%s: empty answer", q.ID)
					continue
				}
				for _, v := range vals {
					if strings.TrimSpace(v) == "" {
						t.Errorf("%s: blank value in %q", q.ID, vals)
					}
				}
				if q.Type == TypeNumber {
					if f, _ := parseNumber(vals[0]); f < 0 {
						t.Errorf("%s: negative number %s", q.ID, vals[0])
					}
				}
				// A mistake that equals the answer would never be shown.
				for j, mv := range k.Mistakes[q.ID] {
					a, _ := q.normalizeKey(vals)
					if m, err := q.normalizeKey(mv); err == nil && q.equal(a, m) {
						t.Errorf("%s: mistake %d computes the right answer %q", q.ID, j, vals)
					}
				}
				t.Logf("%s = %s", q.ID, k.Display(q.ID))
			}
		})
	}
}

var (
	filterArgRE = regexp.MustCompile(`-Y '([^']*)'`)
	fieldArgRE  = regexp.MustCompile(`-e ([a-z0-9_.]+)`)
)

// TestStepCommands checks the steps' commands: they run v6scope, and
// every display filter in them compiles.
func TestStepCommands(t *testing.T) {
	for _, l := range loadAll(t) {
		e, err := Open(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range l.Commands() {
			if !strings.HasPrefix(cmd, "v6scope ") {
				t.Errorf("%s: step command %q does not run v6scope", l.File(), cmd)
			}
			if strings.Contains(cmd, "{") && !strings.Contains(cmd, "{\"") {
				t.Errorf("%s: unexpanded placeholder in %q", l.File(), cmd)
			}
			for _, m := range fieldArgRE.FindAllStringSubmatch(cmd, -1) {
				if _, ok := e.schema.Lookup(m[1]); !ok {
					t.Errorf("%s: step command %q: unknown field %s", l.File(), cmd, m[1])
				}
			}
			for _, m := range filterArgRE.FindAllStringSubmatch(cmd, -1) {
				if _, err := e.Compile(m[1]); err != nil {
					t.Errorf("%s: step command %q: %v", l.File(), cmd, err)
				}
			}
		}
	}
}

// TestFullMarks grades the computed key as an answers file (through
// JSON, as lab check reads it): full marks.
func TestFullMarks(t *testing.T) {
	for _, l := range loadAll(t) {
		k := keyOf(t, l)
		data, err := json.Marshal(k.AnswersJSON())
		if err != nil {
			t.Fatal(err)
		}
		answers, err := ParseAnswers(data)
		if err != nil {
			t.Fatal(err)
		}
		rep := k.Check(answers)
		if !rep.Full() {
			t.Errorf("lab %d: the key scores %d/%d: %+v", l.Number, rep.Score, rep.Max, rep.Results)
		}
	}
}

// wrong returns a wrong answer to q, derived from the right one.
func wrong(q *Question, vals []string) string {
	switch q.Type {
	case TypeNumber:
		f, _ := parseNumber(vals[0])
		return formatNumber(f + q.Tolerance + 1)
	case TypeAddress:
		a, ok := normAddress(vals[0])
		if !ok {
			return "::"
		}
		if a == "::1" {
			return "::2"
		}
		return "::1"
	case TypeChoice:
		got, _ := q.choice(vals[0])
		for _, c := range q.Choices {
			if normText(c) != got {
				return c
			}
		}
	case TypeSet:
		if len(vals) > 1 {
			return strings.Join(vals[1:], ", ")
		}
		return vals[0] + ", 192.0.2.254"
	}
	return "certainly not " + vals[0]
}

// TestWrongAnswers changes every answer of the key in turn: that question
// loses its points, with its hint as feedback, and the others keep theirs.
func TestWrongAnswers(t *testing.T) {
	for _, l := range loadAll(t) {
		k := keyOf(t, l)
		for _, q := range l.Questions {
			answers := k.AnswersJSON()
			answers[q.ID] = wrong(&q, k.Answers[q.ID])
			rep := k.Check(answers)
			if rep.Full() || rep.Score != rep.Max-q.MaxPoints() {
				t.Errorf("lab %d: %s wrong (%v): score %d/%d", l.Number, q.ID, answers[q.ID], rep.Score, rep.Max)
			}
			for _, r := range rep.Results {
				if r.ID == q.ID && (r.Correct || !strings.Contains(r.Feedback, "Not quite") && !strings.Contains(r.Feedback, "Hint")) {
					t.Errorf("lab %d: %s: feedback %q", l.Number, q.ID, r.Feedback)
				}
			}
		}
		if rep := k.Check(map[string]any{}); rep.Score != 0 || rep.Full() {
			t.Errorf("lab %d: no answers score %d", l.Number, rep.Score)
		}
	}
}

// rewrite writes the frames of the capture e holds to a new pcapng file,
// each passed through edit (nil drops the frame), and loads it.
func rewrite(t *testing.T, l *Lab, edit func(f *capture.Frame) *capture.Frame) *Env {
	t.Helper()
	data, err := pcaps.FS.ReadFile(l.Capture)
	if err != nil {
		t.Fatal(err)
	}
	r, err := capture.NewReader(bytes.NewReader(data), l.Capture)
	if err != nil {
		t.Fatal(err)
	}
	var frames []capture.Frame
	for {
		var f capture.Frame
		if err := r.Next(&f); err != nil {
			break
		}
		f.Data = bytes.Clone(f.Data)
		frames = append(frames, f)
	}
	var buf bytes.Buffer
	w, err := capture.NewPcapngWriter(&buf, "modified by lab_test", r.Interfaces())
	if err != nil {
		t.Fatal(err)
	}
	for i := range frames {
		if f := edit(&frames[i]); f != nil {
			if err := w.WriteFrame(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), l.Capture)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := NewEnv(f, l.Capture, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Keys != "" {
		ke, err := Open(l)
		if err != nil {
			t.Fatal(err)
		}
		e.keys = ke.keys
	}
	return e
}

// TestKeyFollowsCapture proves the answers are not literals: change the
// capture and the key changes with it. Two changes per lab: every
// address the key holds is rewritten in the frames' bytes (its answer
// becomes the new address), and the first frame each count question
// matches is dropped (its count goes down by one).
func TestKeyFollowsCapture(t *testing.T) {
	for _, l := range loadAll(t) {
		t.Run(l.Name(), func(t *testing.T) {
			k := keyOf(t, l)
			orig, err := Open(l)
			if err != nil {
				t.Fatal(err)
			}

			// Rewrite addresses.
			rewritten, followed := 0, 0
			for _, q := range l.Questions {
				if q.Type != TypeAddress || q.Answer.Capture != "" {
					continue
				}
				old, err := netip.ParseAddr(k.Answers[q.ID][0])
				if err != nil {
					continue // a prefix, address:port or MAC
				}
				repl := replacement(old)
				from, to := old.AsSlice(), repl.AsSlice()
				e := rewrite(t, l, func(f *capture.Frame) *capture.Frame {
					f.Data = bytes.ReplaceAll(f.Data, from, to)
					return f
				})
				got, err := e.Eval(&q.Answer, q.Type)
				if err != nil {
					t.Errorf("%s after rewriting %s to %s: %v", q.ID, old, repl, err)
					continue
				}
				// Usually the answer is the new address; where the
				// address takes part in the protocol's logic (a querier
				// election, a Teredo mapping) it may be another one, but
				// never the old one.
				if len(got) != 1 || got[0] == old.String() {
					t.Errorf("%s: after rewriting %s to %s in the capture the key is still %q", q.ID, old, repl, got)
				}
				if got[0] == repl.String() {
					followed++
				}
				rewritten++
			}

			// Drop frames.
			dropped := 0
			for _, q := range l.Questions {
				if q.Answer.Count == "" || q.Answer.Capture != "" {
					continue
				}
				m, err := orig.matching(q.Answer.Count)
				if err != nil || len(m) == 0 {
					t.Fatalf("%s: %v %v", q.ID, m, err)
				}
				first := 1 << 30
				for n := range m {
					first = min(first, n)
				}
				e := rewrite(t, l, func(f *capture.Frame) *capture.Frame {
					if f.Number == first {
						return nil
					}
					return f
				})
				got, err := e.Eval(&q.Answer, q.Type)
				if err != nil {
					t.Fatal(err)
				}
				if want := strconv.Itoa(len(m) - 1); got[0] != want {
					t.Errorf("%s: after dropping frame %d the key is %s, want %s", q.ID, first, got[0], want)
				}
				dropped++
			}

			// Every question depends on the capture: without its second
			// half, the key is not the same.
			half := orig.Frames() / 2
			e := rewrite(t, l, func(f *capture.Frame) *capture.Frame {
				if f.Number > half {
					return nil
				}
				return f
			})
			k2, _ := l.Compute(e)
			same := true
			for _, q := range l.Questions {
				if fmt.Sprint(k2.Answers[q.ID]) != fmt.Sprint(k.Answers[q.ID]) {
					same = false
				}
			}
			if same {
				t.Errorf("the first half of the capture gives the same key")
			}
			if rewritten > 0 && followed == 0 {
				t.Errorf("no address answer became the rewritten address")
			}
			if rewritten+dropped == 0 {
				t.Errorf("no address or count question to show the key follows the capture")
			}
		})
	}
}

// replacement is a documentation address of the same family.
func replacement(a netip.Addr) netip.Addr {
	if a.Is4() {
		return netip.MustParseAddr("192.0.2.199")
	}
	b := a.As16()
	b[14] ^= 0x0a
	return netip.AddrFrom16(b)
}

// TestDocsUpToDate keeps docs/labs/ equal to what go generate ./lab
// writes.
func TestDocsUpToDate(t *testing.T) {
	labs := loadAll(t)
	dir := filepath.Join("..", DocsDir)
	for _, l := range labs {
		got, err := os.ReadFile(filepath.Join(dir, l.Name()+".md"))
		if err != nil || string(got) != l.Markdown() {
			t.Errorf("%s/%s.md is stale or missing: run go generate ./lab", DocsDir, l.Name())
		}
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := SpliceIndex(string(readme), labs)
	if err != nil || want != string(readme) {
		t.Errorf("%s/README.md: the table of labs is stale (%v): run go generate ./lab", DocsDir, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		name := strings.TrimSuffix(en.Name(), ".md")
		if name == en.Name() || name == "README" {
			continue
		}
		found := false
		for _, l := range labs {
			found = found || l.Name() == name
		}
		if !found {
			t.Errorf("%s/%s has no lab file", DocsDir, en.Name())
		}
	}
}

// TestReadmeExample checks the example lab in docs/labs/README.md parses
// and computes.
func TestReadmeExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", DocsDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("no yaml example")
	}
	src := strings.Replace(string(m[1]), "keys: ikev2-strongswan.ikev2_decryption_table", "", 1)
	l, err := Parse("07-my-first-lab.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Open(l)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Compute(e); err != nil {
		t.Fatal(err)
	}
}
