package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Key is a lab's answer key, computed from its capture.
type Key struct {
	Lab *Lab
	// Answers holds each question's computed answer: one value, or the
	// members of a set.
	Answers map[string][]string
	// Mistakes holds, per question, the computed value of each of its
	// Mistakes (nil where one matched nothing).
	Mistakes map[string][][]string
}

// Compute runs every question's query on the capture and checks that the
// answer fits the question: a single value (a set may be empty only if
// it says so), a number where a number is asked, an address, one of the
// choices. All problems are reported together.
func (l *Lab) Compute(e *Env) (*Key, error) {
	k := &Key{Lab: l, Answers: map[string][]string{}, Mistakes: map[string][][]string{}}
	var errs []error
	for i := range l.Questions {
		q := &l.Questions[i]
		vals, err := e.Eval(&q.Answer, q.Type)
		if err == nil {
			err = q.fits(vals)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("lab %d question %s: %s: %w", l.Number, q.ID, q.Answer.Describe(q.Type), err))
			continue
		}
		k.Answers[q.ID] = vals
		for j := range q.Mistakes {
			mv, err := e.Eval(&q.Mistakes[j].Answer, q.Type)
			if err != nil && !errors.Is(err, ErrEmpty) {
				errs = append(errs, fmt.Errorf("lab %d question %s mistake %d: %w", l.Number, q.ID, j, err))
			}
			k.Mistakes[q.ID] = append(k.Mistakes[q.ID], mv)
		}
	}
	return k, errors.Join(errs...)
}

// fits checks a computed answer against the question's type.
func (q *Question) fits(vals []string) error {
	if q.Type == TypeSet {
		if len(vals) == 0 {
			return errors.New("the set is empty: the query matched nothing")
		}
		return nil
	}
	if len(vals) != 1 {
		return fmt.Errorf("%d values for a single answer", len(vals))
	}
	_, err := q.normalize(vals[0])
	if err != nil {
		return fmt.Errorf("computed answer %q: %w", vals[0], err)
	}
	return nil
}

// Display is the key's answer to q as a student would write it.
func (k *Key) Display(id string) string {
	vals := k.Answers[id]
	q := k.Lab.Question(id)
	if q != nil && q.Type == TypeSet {
		items := append([]string(nil), vals...)
		sort.Strings(items)
		return strings.Join(items, ", ")
	}
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}

// AnswersJSON returns the key as an answers file: full marks.
func (k *Key) AnswersJSON() map[string]any {
	out := map[string]any{}
	for _, q := range k.Lab.Questions {
		vals := k.Answers[q.ID]
		switch {
		case q.Type == TypeSet:
			out[q.ID] = append([]string{}, vals...)
		case q.Type == TypeNumber && len(vals) == 1:
			if f, ok := parseNumber(vals[0]); ok {
				out[q.ID] = json.Number(formatNumber(f))
				continue
			}
			fallthrough
		case len(vals) == 1:
			out[q.ID] = vals[0]
		}
	}
	return out
}

// Result is the grade of one answer.
type Result struct {
	ID       string `json:"id"`
	Answered bool   `json:"answered"`
	Given    string `json:"given,omitempty"`
	Correct  bool   `json:"correct"`
	Points   int    `json:"points"`
	Max      int    `json:"max"`
	// Feedback says why: the explanation after a right answer, a hint
	// after a wrong one.
	Feedback string `json:"feedback"`
}

// Grade grades one answer to question id.
func (k *Key) Grade(id, given string) Result {
	q := k.Lab.Question(id)
	if q == nil {
		return Result{ID: id, Given: given, Feedback: "no such question"}
	}
	r := Result{ID: id, Given: given, Max: q.MaxPoints(), Answered: strings.TrimSpace(given) != ""}
	if !r.Answered {
		r.Feedback = "not answered. Hint: " + q.Hint
		return r
	}
	got, err := q.normalize(given)
	if err != nil {
		r.Feedback = err.Error() + ". Hint: " + q.Hint
		return r
	}
	want, err := q.normalizeKey(k.Answers[id])
	if err != nil {
		r.Feedback = "the answer key could not be computed: " + err.Error()
		return r
	}
	if q.equal(got, want) {
		r.Correct, r.Points = true, r.Max
		r.Feedback = "Correct. " + q.Explain
		return r
	}
	for j, mv := range k.Mistakes[id] {
		if mv == nil {
			continue
		}
		m, err := q.normalizeKey(mv)
		if err == nil && q.equal(got, m) && !q.equal(m, want) {
			r.Feedback = "Not quite. " + q.Mistakes[j].Hint
			return r
		}
	}
	r.Feedback = "Not quite. Hint: " + q.Hint
	return r
}

// Report is a graded answers file.
type Report struct {
	Lab     int      `json:"lab"`
	Title   string   `json:"title"`
	Score   int      `json:"score"`
	Max     int      `json:"max"`
	Results []Result `json:"results"`
	// Unknown lists answer ids the lab does not ask.
	Unknown []string `json:"unknown,omitempty"`
}

// Full reports full marks.
func (r *Report) Full() bool { return r.Score == r.Max && len(r.Unknown) == 0 }

// Check grades an answers file: a JSON object mapping question ids to
// answers (a string, a number, or an array for a set).
func (k *Key) Check(answers map[string]any) *Report {
	rep := &Report{Lab: k.Lab.Number, Title: k.Lab.Title}
	for _, q := range k.Lab.Questions {
		given := ""
		if v, ok := answers[q.ID]; ok {
			given = AnswerString(v)
		}
		r := k.Grade(q.ID, given)
		rep.Score += r.Points
		rep.Max += r.Max
		rep.Results = append(rep.Results, r)
	}
	for id := range answers {
		if k.Lab.Question(id) == nil {
			rep.Unknown = append(rep.Unknown, id)
		}
	}
	sort.Strings(rep.Unknown)
	return rep
}

// ParseAnswers reads an answers file.
func ParseAnswers(data []byte) (map[string]any, error) {
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("answers: expected a JSON object of question id → answer, e.g. {\"ra-count\": 6}: %w", err)
	}
	return m, nil
}

// AnswerString turns one JSON answer into the text the grader reads.
func AnswerString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return formatNumber(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = AnswerString(e)
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Normalisation.

// norm is a normalised answer: a number, or text (one canonical string,
// or a sorted list for a set).
type norm struct {
	num   float64
	isNum bool
	text  string
}

func (q *Question) normalize(s string) (norm, error) {
	s = strings.TrimSpace(s)
	switch q.Type {
	case TypeNumber:
		f, ok := parseNumber(s)
		if !ok {
			return norm{}, fmt.Errorf("%q is not a number", s)
		}
		return norm{num: f, isNum: true}, nil
	case TypeAddress:
		a, ok := normAddress(s)
		if !ok {
			return norm{}, fmt.Errorf("%q is not an address (an IPv6 or IPv4 address, a prefix, address:port or a MAC address)", s)
		}
		return norm{text: a}, nil
	case TypeString:
		return norm{text: normText(s)}, nil
	case TypeChoice:
		c, ok := q.choice(s)
		if !ok {
			return norm{}, fmt.Errorf("%q is not one of the choices (%s)", s, strings.Join(q.Choices, ", "))
		}
		return norm{text: c}, nil
	case TypeSet:
		return norm{text: strings.Join(normSet(splitSet(s)), ",")}, nil
	}
	return norm{}, fmt.Errorf("unknown type %q", q.Type)
}

func (q *Question) normalizeKey(vals []string) (norm, error) {
	if q.Type == TypeSet {
		return norm{text: strings.Join(normSet(vals), ",")}, nil
	}
	if len(vals) != 1 {
		return norm{}, fmt.Errorf("%d values", len(vals))
	}
	return q.normalize(vals[0])
}

func (q *Question) equal(a, b norm) bool {
	if a.isNum || b.isNum {
		return a.isNum && b.isNum && math.Abs(a.num-b.num) <= q.Tolerance+1e-9
	}
	return a.text == b.text
}

// choice finds s among the choices: by text, letter or number.
func (q *Question) choice(s string) (string, bool) {
	t := normText(s)
	for i, c := range q.Choices {
		if t == normText(c) {
			return normText(c), true
		}
		if t == string(rune('a'+i)) || t == string(rune('a'+i))+")" || t == strconv.Itoa(i+1) {
			return normText(c), true
		}
	}
	return "", false
}

var numRE = regexp.MustCompile(`^([-+]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zA-Z%]*)$`)

// parseNumber reads a decimal or 0x hex number, allowing a unit after it
// ("12 s", "1480 bytes").
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	m := numRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n := m[1]
	if strings.HasPrefix(strings.TrimLeft(n, "+-"), "0x") || strings.HasPrefix(strings.TrimLeft(n, "+-"), "0X") {
		neg := strings.HasPrefix(n, "-")
		u, err := strconv.ParseUint(strings.TrimLeft(n, "+-")[2:], 16, 64)
		if err != nil {
			return 0, false
		}
		f := float64(u)
		if neg {
			f = -f
		}
		return f, true
	}
	f, err := strconv.ParseFloat(n, 64)
	return f, err == nil
}

// normAddress canonicalises an address, prefix, address:port or MAC.
func normAddress(s string) (string, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"'`)
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.Unmap().String(), true
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()).Masked().String(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String(), true
	}
	if hw, err := net.ParseMAC(s); err == nil {
		return hw.String(), true
	}
	return "", false
}

var spaceRE = regexp.MustCompile(`\s+`)

// normText lower-cases and collapses spaces; quotes and a final full stop
// are dropped.
func normText(s string) string {
	s = strings.Trim(strings.TrimSpace(s), `"'`)
	s = strings.TrimSuffix(s, ".")
	return strings.ToLower(spaceRE.ReplaceAllString(strings.TrimSpace(s), " "))
}

// splitSet splits a set answer on commas, semicolons or new lines, or on
// spaces when it has none of those.
func splitSet(s string) []string {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "{}[]"))
	if s == "" {
		return nil
	}
	var parts []string
	if strings.ContainsAny(s, ",;\n") {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	} else {
		parts = strings.Fields(s)
	}
	return parts
}

// normSet normalises each member (as an address when it is one, a number
// when it is one, else as text), drops duplicates and sorts.
func normSet(items []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			continue
		}
		var n string
		if a, ok := normAddress(it); ok {
			n = a
		} else if f, ok := parseNumber(it); ok {
			n = formatNumber(f)
		} else {
			n = normText(it)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
