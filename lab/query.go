package lab

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Query computes one answer from the capture. Exactly one of Count, Field,
// Sessions, Transitions and Anomalies is set.
//
//	count: FILTER                  number of frames the display filter matches
//	field: NAME, where: FILTER     values of field NAME in the frames FILTER
//	                               matches (every frame without where), then pick
//	sessions: {…}                  the analysis engine's sessions at the end of
//	                               the capture, selected, then value/attr and pick
//	transitions: {…}               state transitions, selected, then value and pick
//	anomalies: {…}                 anomalies, selected, then value and pick
//
// Display filters may use the analysis fields (v6scope.state,
// v6scope.anomaly, …).
type Query struct {
	// Capture optionally runs the query on another capture of pcaps/
	// than the lab's (with the lab's keys): a lab about two captures.
	Capture string `yaml:"capture,omitempty"`

	Count string `yaml:"count,omitempty"`

	Field string `yaml:"field,omitempty"`
	Where string `yaml:"where,omitempty"`

	Sessions    *SessionSel    `yaml:"sessions,omitempty"`
	Transitions *TransitionSel `yaml:"transitions,omitempty"`
	Anomalies   *AnomalySel    `yaml:"anomalies,omitempty"`
	// Value is what to take from each selected record: for sessions
	// state (default), id, first_frame, last_frame, transitions (how many),
	// path (the states it went through, "A → B") or frames (the frames
	// that touched it, those Where matches when it is given); for transitions to
	// (default), from, frame, reason, basis or session; for anomalies
	// code (default), frame, severity, session or message. count is the
	// number of records selected, for all three.
	Value string `yaml:"value,omitempty"`
	// Attr takes a session attribute instead of Value (querier, nat,
	// mapped_port, sources, …: v6scope analyze --json shows them).
	Attr string `yaml:"attr,omitempty"`

	// Pick reduces the values to the answer: first (default for single
	// answers), last, all (default for sets: every distinct value), min,
	// max, sum, count (how many values), or count-distinct.
	Pick string `yaml:"pick,omitempty"`
	// Map translates computed values ("true" → "yes") before grading.
	Map map[string]string `yaml:"map,omitempty"`
}

// SessionSel selects sessions; every field set must match.
type SessionSel struct {
	Proto string `yaml:"proto"`          // nd, mld, teredo, mip6, ikev2
	Kind  string `yaml:"kind,omitempty"` // neighbor, address, router, prefix, group, querier, client, path, binding, rr, …
	// ID is a regular expression on the session id.
	ID    string `yaml:"id,omitempty"`
	State string `yaml:"state,omitempty"` // final state, exact
	// Attrs maps an attribute to a regular expression its value must
	// match (lists: one element must).
	Attrs map[string]string `yaml:"attrs,omitempty"`
	// TouchedBy is a display filter: the session must have been touched
	// by a frame it matches.
	TouchedBy string `yaml:"touched_by,omitempty"`
}

// TransitionSel selects transitions; the session fields select the
// sessions they belong to.
type TransitionSel struct {
	SessionSel `yaml:",inline"`
	From       string `yaml:"from,omitempty"`
	To         string `yaml:"to,omitempty"`
	// Reason is a regular expression on the reason code.
	Reason string `yaml:"reason,omitempty"`
	// In is a display filter the transition's frame must match.
	In string `yaml:"in,omitempty"`
}

// AnomalySel selects anomalies.
type AnomalySel struct {
	Proto string `yaml:"proto,omitempty"`
	// Code is a regular expression on the code (nd.cache_poisoning).
	Code     string `yaml:"code,omitempty"`
	Severity string `yaml:"severity,omitempty"`
	// In is a display filter the anomaly's frame must match.
	In string `yaml:"in,omitempty"`
}

var picks = []string{"", "first", "last", "all", "min", "max", "sum", "count", "count-distinct"}

func (q *Query) kinds() int {
	n := 0
	for _, set := range []bool{q.Count != "", q.Field != "", q.Sessions != nil, q.Transitions != nil, q.Anomalies != nil} {
		if set {
			n++
		}
	}
	return n
}

func (q *Query) check() error {
	if q.kinds() != 1 {
		return errors.New("give exactly one of count, field, sessions, transitions, anomalies")
	}
	if q.Where != "" && q.Field == "" && !(q.Sessions != nil && q.Value == "frames") {
		return errors.New("where goes with field, or with sessions and value frames")
	}
	if !contains(picks, q.Pick) {
		return fmt.Errorf("pick %q: use one of %s", q.Pick, strings.Join(picks[1:], ", "))
	}
	if q.Count != "" && (q.Pick != "" || q.Value != "" || q.Attr != "") {
		return errors.New("count takes no pick, value or attr")
	}
	if q.Attr != "" && q.Sessions == nil {
		return errors.New("attr goes with sessions")
	}
	if q.Attr != "" && q.Value != "" {
		return errors.New("give value or attr, not both")
	}
	var values []string
	switch {
	case q.Sessions != nil:
		values = []string{"state", "id", "first_frame", "last_frame", "transitions", "path", "frames"}
	case q.Transitions != nil:
		values = []string{"to", "from", "frame", "reason", "basis", "session"}
	case q.Anomalies != nil:
		values = []string{"code", "frame", "severity", "session", "message"}
	}
	if q.Value != "" && (values == nil || q.Value != "count" && !contains(values, q.Value)) {
		if values == nil {
			return errors.New("value goes with sessions, transitions or anomalies")
		}
		return fmt.Errorf("value %q: use count or one of %s", q.Value, strings.Join(values, ", "))
	}
	for _, re := range q.regexps() {
		if _, err := regexp.Compile(re); err != nil {
			return fmt.Errorf("regular expression %q: %v", re, err)
		}
	}
	return nil
}

func (q *Query) regexps() []string {
	var out []string
	add := func(s *SessionSel) {
		if s == nil {
			return
		}
		if s.ID != "" {
			out = append(out, s.ID)
		}
		for _, v := range s.Attrs {
			out = append(out, v)
		}
	}
	add(q.Sessions)
	if q.Transitions != nil {
		add(&q.Transitions.SessionSel)
		if q.Transitions.Reason != "" {
			out = append(out, q.Transitions.Reason)
		}
	}
	if q.Anomalies != nil && q.Anomalies.Code != "" {
		out = append(out, q.Anomalies.Code)
	}
	return out
}

// Filters lists the display filters the query uses, for checking.
func (q *Query) Filters() []string {
	var out []string
	for _, f := range []string{q.Count, q.Where} { // Where: with field, or sessions' frames
		if f != "" {
			out = append(out, f)
		}
	}
	if q.Sessions != nil && q.Sessions.TouchedBy != "" {
		out = append(out, q.Sessions.TouchedBy)
	}
	if t := q.Transitions; t != nil {
		if t.TouchedBy != "" {
			out = append(out, t.TouchedBy)
		}
		if t.In != "" {
			out = append(out, t.In)
		}
	}
	if q.Anomalies != nil && q.Anomalies.In != "" {
		out = append(out, q.Anomalies.In)
	}
	return out
}

// Describe says in words what the query computes (for the instructor's
// view of the key).
func (q *Query) Describe(typ string) string {
	pick := q.Pick
	if pick == "" {
		pick = "first"
		if typ == TypeSet {
			pick = "all"
		}
	}
	in := ""
	if q.Capture != "" {
		in = " in " + q.Capture
	}
	switch {
	case q.Count != "":
		return fmt.Sprintf("frames matching %q%s", q.Count, in)
	case q.Field != "":
		w := "every frame"
		if q.Where != "" {
			w = fmt.Sprintf("frames matching %q", q.Where)
		}
		return fmt.Sprintf("%s of %s%s (%s)", q.Field, w, in, pick)
	case q.Sessions != nil:
		v := q.Value
		if q.Attr != "" {
			v = "attribute " + q.Attr
		} else if v == "" {
			v = "state"
		}
		return fmt.Sprintf("%s of %s sessions %s%s (%s)", v, q.Sessions.Proto, q.Sessions.describe(), in, pick)
	case q.Transitions != nil:
		v := q.Value
		if v == "" {
			v = "to"
		}
		t := q.Transitions
		return fmt.Sprintf("%s of %s transitions %s from=%s to=%s reason=%s in=%s (%s)", v, t.Proto, t.describe(), t.From, t.To, t.Reason, t.In, pick)
	case q.Anomalies != nil:
		v := q.Value
		if v == "" {
			v = "code"
		}
		a := q.Anomalies
		return fmt.Sprintf("%s of anomalies proto=%s code=%s severity=%s in=%s (%s)", v, a.Proto, a.Code, a.Severity, a.In, pick)
	}
	return "?"
}

func (s *SessionSel) describe() string {
	var parts []string
	if s.Kind != "" {
		parts = append(parts, "kind="+s.Kind)
	}
	if s.ID != "" {
		parts = append(parts, "id~"+s.ID)
	}
	if s.State != "" {
		parts = append(parts, "state="+s.State)
	}
	keys := make([]string, 0, len(s.Attrs))
	for k := range s.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+"~"+s.Attrs[k])
	}
	if s.TouchedBy != "" {
		parts = append(parts, fmt.Sprintf("touched by %q", s.TouchedBy))
	}
	return strings.Join(parts, " ")
}

// ErrEmpty is returned when a query for a single value matches nothing.
var ErrEmpty = errors.New("the query matched nothing")

// reduce applies pick to the values, for an answer of type typ.
func (q *Query) reduce(vals []string, typ string) ([]string, error) {
	pick := q.Pick
	if pick == "" {
		pick = "first"
		if typ == TypeSet {
			pick = "all"
		}
	}
	if q.Map != nil {
		for i, v := range vals {
			if m, ok := q.Map[v]; ok {
				vals[i] = m
			}
		}
	}
	switch pick {
	case "all":
		seen := map[string]bool{}
		var out []string
		for _, v := range vals {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return out, nil
	case "count":
		return []string{strconv.Itoa(len(vals))}, nil
	case "count-distinct":
		seen := map[string]bool{}
		for _, v := range vals {
			seen[v] = true
		}
		return []string{strconv.Itoa(len(seen))}, nil
	}
	if len(vals) == 0 {
		if pick == "sum" {
			return []string{"0"}, nil
		}
		return nil, ErrEmpty
	}
	switch pick {
	case "first":
		return vals[:1], nil
	case "last":
		return vals[len(vals)-1:], nil
	}
	nums := make([]float64, len(vals))
	for i, v := range vals {
		f, ok := parseNumber(v)
		if !ok {
			return nil, fmt.Errorf("pick %s: %q is not a number", pick, v)
		}
		nums[i] = f
	}
	r := nums[0]
	for _, f := range nums[1:] {
		switch pick {
		case "min":
			r = math.Min(r, f)
		case "max":
			r = math.Max(r, f)
		case "sum":
			r += f
		}
	}
	return []string{formatNumber(r)}, nil
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
