// Package lab is v6scope's classroom lab mode: lab definitions written as
// YAML data files (embedded from labs/), the answer key computed from each
// lab's capture, and the grader.
//
// A lab names a capture from pcaps/ and asks questions about it. A
// question's answer is never written down: it is a query on the capture —
// a display filter count, the value of a field in the frames a filter
// matches, or a question to the analysis engine (a session's final state
// or attribute, the anomaly codes raised, the transitions taken) — so the
// key follows the capture when it is re-recorded. docs/labs/README.md
// describes the file format for instructors; docs/labs/NN-*.md are the
// student pages, generated from the files (go generate ./lab).
package lab

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Files holds the bundled lab definitions.
//
//go:embed labs/*.yaml
var Files embed.FS

// Lab is one lab definition (a labs/NN-slug.yaml file).
type Lab struct {
	// Number orders the labs and names them on the command line
	// (v6scope lab start 1).
	Number int `yaml:"number"`
	// Slug is the short name: the file is labs/NN-slug.yaml and the page
	// docs/labs/NN-slug.md.
	Slug  string `yaml:"slug"`
	Title string `yaml:"title"`
	// Capture is the file in pcaps/ the lab is about.
	Capture string `yaml:"capture"`
	// Keys optionally names an IKEv2 key table in pcaps/ (Wireshark's
	// ikev2_decryption_table format) used to decrypt while computing
	// the answers.
	Keys string `yaml:"keys,omitempty"`
	// Duration is how long the lab takes, for the page ("45 min").
	Duration string `yaml:"duration"`
	// Summary is one paragraph under the title.
	Summary    string   `yaml:"summary"`
	Objectives []string `yaml:"objectives"`
	// Background is Markdown: the protocol in our own words, with RFC
	// sections.
	Background string   `yaml:"background"`
	RFCs       []string `yaml:"rfcs"`
	Steps      []Step   `yaml:"steps"`
	// Questions are asked in this order; 5 to 8 per lab.
	Questions []Question `yaml:"questions"`
	// Further is optional Markdown: things to try after the lab.
	Further string `yaml:"further,omitempty"`

	file string // the file the lab was loaded from
}

// Step is one thing the student does, shown both ways.
type Step struct {
	Title string `yaml:"title"`
	// TUI says how to do it in the terminal UI (v6scope lab start N).
	TUI string `yaml:"tui"`
	// CLI is one or more shell commands, one per line; {capture} stands
	// for the capture's path (pcaps/NAME) and {keys} for the key table's.
	CLI string `yaml:"cli"`
	// Note is optional Markdown shown after the commands: what to look for.
	Note string `yaml:"note,omitempty"`
}

// Answer types.
const (
	TypeNumber  = "number"  // an integer or decimal; Tolerance allows a margin
	TypeAddress = "address" // an IPv6 or IPv4 address, a prefix, address:port or a MAC, compared canonically
	TypeString  = "string"  // text, compared case-insensitively with spaces collapsed
	TypeChoice  = "choice"  // one of Choices: by its text, letter (a, b, …) or number (1, 2, …)
	TypeSet     = "set"     // several values in any order, each compared as an address or text
)

var types = []string{TypeNumber, TypeAddress, TypeString, TypeChoice, TypeSet}

// Question is one question and the query that computes its answer.
type Question struct {
	// ID names the question in an answers file ({"ra-count": 6}).
	ID string `yaml:"id"`
	// Ask is the question, Markdown.
	Ask  string `yaml:"ask"`
	Type string `yaml:"type"`
	// Choices lists the options of a choice question; the computed answer
	// must be one of them.
	Choices []string `yaml:"choices,omitempty"`
	// Tolerance is the margin a number answer may be off by.
	Tolerance float64 `yaml:"tolerance,omitempty"`
	// Points a correct answer earns (default 1).
	Points int `yaml:"points,omitempty"`
	// Hint is shown after a wrong answer.
	Hint string `yaml:"hint"`
	// Explain is shown after a right one: why it is right.
	Explain string `yaml:"explain"`
	// Answer computes the key from the capture.
	Answer Query `yaml:"answer"`
	// Mistakes are the usual wrong answers, each computed from the
	// capture too, with a hint for that mistake.
	Mistakes []Mistake `yaml:"mistakes,omitempty"`
}

// Mistake is a likely wrong answer and what to say about it.
type Mistake struct {
	Answer Query  `yaml:"answer"`
	Hint   string `yaml:"hint"`
}

// MaxPoints is the question's worth.
func (q *Question) MaxPoints() int {
	if q.Points <= 0 {
		return 1
	}
	return q.Points
}

// File is the name of the file the lab was loaded from.
func (l *Lab) File() string { return l.file }

// Name is the lab's file stem: "01-router-discovery".
func (l *Lab) Name() string { return fmt.Sprintf("%02d-%s", l.Number, l.Slug) }

// Question returns the question with the given ID, or nil.
func (l *Lab) Question(id string) *Question {
	for i := range l.Questions {
		if l.Questions[i].ID == id {
			return &l.Questions[i]
		}
	}
	return nil
}

// Parse reads one lab file. name is used in errors and must be the file's
// base name (NN-slug.yaml) for a bundled lab.
func Parse(name string, data []byte) (*Lab, error) {
	var l Lab
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	l.file = name
	if err := l.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &l, nil
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	idRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// check validates the lab's shape (not its queries: Compute does that on
// the capture).
func (l *Lab) check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if l.Number < 1 {
		bad("number: give the lab a number from 1")
	}
	if !slugRE.MatchString(l.Slug) {
		bad("slug %q: use lower-case words joined by '-'", l.Slug)
	}
	for what, v := range map[string]string{"title": l.Title, "capture": l.Capture, "summary": l.Summary, "background": l.Background} {
		if strings.TrimSpace(v) == "" {
			bad("%s: missing", what)
		}
	}
	if len(l.Objectives) == 0 {
		bad("objectives: list what the student will learn")
	}
	if len(l.Steps) == 0 {
		bad("steps: give at least one")
	}
	for i, s := range l.Steps {
		if s.Title == "" || s.TUI == "" || s.CLI == "" {
			bad("steps[%d]: a step needs a title, tui and cli", i)
		}
	}
	if len(l.Questions) == 0 {
		bad("questions: give at least one")
	}
	seen := map[string]bool{}
	for i := range l.Questions {
		q := &l.Questions[i]
		where := fmt.Sprintf("questions[%d] (%s)", i, q.ID)
		if !idRE.MatchString(q.ID) {
			bad("%s: id: use lower-case words joined by '-'", where)
		}
		if seen[q.ID] {
			bad("%s: id used twice", where)
		}
		seen[q.ID] = true
		if strings.TrimSpace(q.Ask) == "" {
			bad("%s: ask: missing", where)
		}
		if !contains(types, q.Type) {
			bad("%s: type %q: use one of %s", where, q.Type, strings.Join(types, ", "))
		}
		if (q.Type == TypeChoice) != (len(q.Choices) > 0) {
			bad("%s: choices are for (and required by) type choice", where)
		}
		if q.Hint == "" || q.Explain == "" {
			bad("%s: give a hint (after a wrong answer) and an explain (after a right one)", where)
		}
		if err := q.Answer.check(); err != nil {
			bad("%s: answer: %v", where, err)
		}
		for j := range q.Mistakes {
			if err := q.Mistakes[j].Answer.check(); err != nil {
				bad("%s: mistakes[%d]: %v", where, j, err)
			}
			if q.Mistakes[j].Hint == "" {
				bad("%s: mistakes[%d]: hint: missing", where, j)
			}
		}
	}
	return errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// All loads every bundled lab, in number order.
func All() ([]*Lab, error) { return LoadFS(Files, "labs") }

// LoadFS loads every *.yaml file of dir in fsys, in number order.
func LoadFS(fsys fs.FS, dir string) ([]*Lab, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var labs []*Lab
	var errs []error
	numbers := map[int]string{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		l, err := Parse(path.Base(n), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if want := l.Name() + ".yaml"; path.Base(n) != want {
			errs = append(errs, fmt.Errorf("%s: number %d and slug %q name the file %s", path.Base(n), l.Number, l.Slug, want))
		}
		if other, ok := numbers[l.Number]; ok {
			errs = append(errs, fmt.Errorf("%s: number %d is taken by %s", path.Base(n), l.Number, other))
		}
		numbers[l.Number] = path.Base(n)
		labs = append(labs, l)
	}
	sort.Slice(labs, func(i, j int) bool { return labs[i].Number < labs[j].Number })
	return labs, errors.Join(errs...)
}

// Find returns the bundled lab named by its number ("1", "01") or slug
// ("router-discovery", "01-router-discovery").
func Find(name string) (*Lab, error) {
	labs, err := All()
	if err != nil {
		return nil, err
	}
	return find(labs, name)
}

func find(labs []*Lab, name string) (*Lab, error) {
	n, nerr := strconv.Atoi(name)
	for _, l := range labs {
		if nerr == nil && l.Number == n || name == l.Slug || name == l.Name() {
			return l, nil
		}
	}
	var have []string
	for _, l := range labs {
		have = append(have, fmt.Sprintf("%d (%s)", l.Number, l.Slug))
	}
	return nil, fmt.Errorf("no lab %q: there are %s (v6scope lab list)", name, strings.Join(have, ", "))
}
