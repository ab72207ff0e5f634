package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/lab"
	"github.com/v6scope/v6scope/pcaps"
)

// TestLabList lists every bundled lab.
func TestLabList(t *testing.T) {
	out, errOut, code := cli(t, nil, "lab", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	labs, err := lab.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range labs {
		if !strings.Contains(out, l.Title) || !strings.Contains(out, l.Capture) {
			t.Errorf("lab list lacks lab %d (%s):\n%s", l.Number, l.Title, out)
		}
	}
}

// TestLabCheckScripted runs lab check as a script would: the key that
// lab key computes scores full marks (exit 0), and a file with one answer
// changed does not (exit 6), for every lab.
func TestLabCheckScripted(t *testing.T) {
	labs, err := lab.All()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, l := range labs {
		n := l.Slug
		keyOut, errOut, code := cli(t, nil, "lab", "key", n)
		if code != 0 {
			t.Fatalf("lab key %s: exit %d: %s", n, code, errOut)
		}
		right := filepath.Join(dir, n+"-right.json")
		if err := os.WriteFile(right, []byte(keyOut), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := cli(t, nil, "lab", "check", n, right)
		if code != 0 || !strings.Contains(out, "score") || strings.Contains(out, "✗") {
			t.Errorf("lab check %s with the key: exit %d\n%s%s", n, code, out, errOut)
		}

		var answers map[string]any
		if err := json.Unmarshal([]byte(keyOut), &answers); err != nil {
			t.Fatal(err)
		}
		q := l.Questions[0]
		answers[q.ID] = "surely wrong"
		if q.Type == lab.TypeNumber {
			answers[q.ID] = -1
		}
		b, _ := json.Marshal(answers)
		wrongFile := filepath.Join(dir, n+"-wrong.json")
		if err := os.WriteFile(wrongFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, _, code = cli(t, nil, "lab", "check", "--json", n, wrongFile)
		var rep lab.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("lab check --json: %v\n%s", err, out)
		}
		if code != exitMarks || rep.Score != rep.Max-q.MaxPoints() || rep.Results[0].Correct {
			t.Errorf("lab check %s with %s wrong: exit %d, score %d/%d", n, q.ID, code, rep.Score, rep.Max)
		}
	}
}

func TestLabErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("[1,2]"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"lab", "check", "99", bad}, exitUsage, "no lab \"99\""},
		{[]string{"lab", "check", "1", filepath.Join(dir, "missing.json")}, exitInput, "missing.json"},
		{[]string{"lab", "check", "1", bad}, exitInput, "JSON object"},
		{[]string{"lab", "key", filepath.Join(dir, "none.yaml")}, exitInput, "none.yaml"},
	} {
		_, errOut, code := cli(t, nil, c.args...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.msg)
		}
	}
	// Standard input.
	out, _, code := cli(t, strings.NewReader(`{}`), "lab", "check", "1", "-")
	if code != exitMarks || !strings.Contains(out, "no answer") {
		t.Errorf("lab check - with {}: exit %d\n%s", code, out)
	}
}

// TestLabShow prints the lab's page, which is the file in docs/labs.
func TestLabShow(t *testing.T) {
	out, _, code := cli(t, nil, "lab", "show", "1")
	want, err := os.ReadFile(filepath.Join("..", "..", "docs", "labs", "01-router-discovery.md"))
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || out != string(want) {
		t.Errorf("lab show 1 differs from docs/labs/01-router-discovery.md (exit %d)", code)
	}
}

// TestLabFile computes the key of a lab file of one's own whose capture
// sits beside it.
func TestLabFile(t *testing.T) {
	dir := t.TempDir()
	capData, err := os.ReadFile(filepath.Join("..", "..", "pcaps", "kernel-nd-mld.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "mine.pcapng"), capData, 0o644)
	src := `number: 1
slug: mine
title: Mine
capture: mine.pcapng
duration: 5 min
summary: s
background: b
objectives: [o]
steps: [{title: a, tui: b, cli: "v6scope read {capture}"}]
questions:
  - {id: ns, ask: 'How many NS?', type: number, hint: h, explain: e, answer: {count: 'icmpv6.type == 135'}}
`
	path := filepath.Join(dir, "mine.yaml")
	os.WriteFile(path, []byte(src), 0o644)
	out, errOut, code := cli(t, nil, "lab", "key", "-v", path)
	if code != 0 || !strings.Contains(out, "ns") {
		t.Errorf("lab key -v mine.yaml: exit %d\n%s%s", code, out, errOut)
	}
}

// TestLabTask is what the UI's lab screen sees of a lab: its questions,
// and a grader that marks the computed key right and a changed answer
// wrong, with the hint.
func TestLabTask(t *testing.T) {
	labs, err := lab.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range labs {
		k, err := labKey(l, pcaps.FS)
		if err != nil {
			t.Fatal(err)
		}
		task := labTask{k}
		if !strings.Contains(task.Title(), l.Title) || len(task.Questions()) != len(l.Questions) {
			t.Errorf("lab %d: task %q with %d questions", l.Number, task.Title(), len(task.Questions()))
		}
		for _, q := range task.Questions() {
			if fb := task.Check(q.ID, k.Display(q.ID)); !fb.Correct {
				t.Errorf("lab %d %s: the key %q is marked wrong: %s", l.Number, q.ID, k.Display(q.ID), fb.Text)
			}
			if fb := task.Check(q.ID, "-1"); fb.Correct || !strings.Contains(fb.Text, "Hint") && !strings.Contains(fb.Text, "Not quite") {
				t.Errorf("lab %d %s: -1 gets %v %q", l.Number, q.ID, fb.Correct, fb.Text)
			}
		}
	}
}
