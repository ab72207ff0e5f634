package lab

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	choice := &Question{Type: TypeChoice, Choices: []string{"ADVERTISING", "EXPIRED"}}
	for _, c := range []struct {
		name  string
		q     *Question
		given string
		key   []string
		ok    bool
	}{
		{"number", &Question{Type: TypeNumber}, "12", []string{"12"}, true},
		{"number with unit", &Question{Type: TypeNumber}, "12 s", []string{"12"}, true},
		{"number hex", &Question{Type: TypeNumber}, "0x0c", []string{"12"}, true},
		{"number thousands", &Question{Type: TypeNumber}, "1,480", []string{"1480"}, true},
		{"number off", &Question{Type: TypeNumber}, "13", []string{"12"}, false},
		{"number tolerance", &Question{Type: TypeNumber, Tolerance: 0.5}, "12.4", []string{"12"}, true},
		{"number not", &Question{Type: TypeNumber}, "twelve", []string{"12"}, false},
		{"ipv6 canonical", &Question{Type: TypeAddress}, "FE80:0:0::76:36FF:FE00:1", []string{"fe80::76:36ff:fe00:1"}, true},
		{"ipv6 brackets", &Question{Type: TypeAddress}, "[2001:db8::1]", []string{"2001:db8::1"}, true},
		{"ipv6 other", &Question{Type: TypeAddress}, "fe80::1", []string{"fe80::2"}, false},
		{"ipv4", &Question{Type: TypeAddress}, "203.0.113.11", []string{"203.0.113.11"}, true},
		{"mapped", &Question{Type: TypeAddress}, "::ffff:203.0.113.11", []string{"203.0.113.11"}, true},
		{"prefix masked", &Question{Type: TypeAddress}, "2001:db8:6:1::1/64", []string{"2001:db8:6:1::/64"}, true},
		{"prefix length", &Question{Type: TypeAddress}, "2001:db8:6:1::/48", []string{"2001:db8:6:1::/64"}, false},
		{"addrport", &Question{Type: TypeAddress}, "203.0.113.011:61001", []string{"203.0.113.11:61001"}, false},
		{"addrport ok", &Question{Type: TypeAddress}, " 203.0.113.11:61001 ", []string{"203.0.113.11:61001"}, true},
		{"mac", &Question{Type: TypeAddress}, "02-76-36-00-00-0A", []string{"02:76:36:00:00:0a"}, true},
		{"not address", &Question{Type: TypeAddress}, "the router", []string{"fe80::1"}, false},
		{"string case", &Question{Type: TypeString}, "  Lab.V6scope.Example ", []string{"lab.v6scope.example"}, true},
		{"string spaces", &Question{Type: TypeString}, "no   listeners.", []string{"No listeners"}, true},
		{"choice text", choice, "expired", []string{"EXPIRED"}, true},
		{"choice letter", choice, "b", []string{"EXPIRED"}, true},
		{"choice number", choice, "2", []string{"EXPIRED"}, true},
		{"choice wrong", choice, "a", []string{"EXPIRED"}, false},
		{"choice unknown", choice, "gone", []string{"EXPIRED"}, false},
		{"set order", &Question{Type: TypeSet}, "fe80::B, FE80::a", []string{"fe80::a", "fe80::b"}, true},
		{"set spaces", &Question{Type: TypeSet}, "fe80::b fe80::a fe80::a", []string{"fe80::a", "fe80::b"}, true},
		{"set brackets", &Question{Type: TypeSet}, "{nd.cache_poisoning, ND.new_router}", []string{"nd.new_router", "nd.cache_poisoning"}, true},
		{"set missing", &Question{Type: TypeSet}, "fe80::a", []string{"fe80::a", "fe80::b"}, false},
		{"set extra", &Question{Type: TypeSet}, "fe80::a, fe80::b, fe80::c", []string{"fe80::a", "fe80::b"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.q.ID, c.q.Hint, c.q.Explain = "q", "hint", "explain"
			k := &Key{Lab: &Lab{Questions: []Question{*c.q}}, Answers: map[string][]string{"q": c.key}}
			r := k.Grade("q", c.given)
			if r.Correct != c.ok {
				t.Errorf("%q against %q: correct=%v, want %v (%s)", c.given, c.key, r.Correct, c.ok, r.Feedback)
			}
		})
	}
}

func TestAnswerString(t *testing.T) {
	m, err := ParseAnswers([]byte(`{"a": 6, "b": "x", "c": ["p", "q"], "d": null, "e": true, "f": 1.5}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "6", "b": "x", "c": "p, q", "d": "", "e": "true", "f": "1.5"}
	for k, w := range want {
		if got := AnswerString(m[k]); got != w {
			t.Errorf("%s: %q, want %q", k, got, w)
		}
	}
	if _, err := ParseAnswers([]byte(`[1, 2]`)); err == nil {
		t.Errorf("an array was taken for an answers file")
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"unknown key", "number: 1\nslug: x\ntitel: y\n", "titel"},
		{"no questions", "number: 1\nslug: x\ntitle: t\ncapture: c\nsummary: s\nbackground: b\nobjectives: [o]\nsteps: [{title: a, tui: b, cli: c}]\n", "questions"},
		{"two queries", "number: 1\nslug: x\ntitle: t\ncapture: c\nsummary: s\nbackground: b\nobjectives: [o]\nsteps: [{title: a, tui: b, cli: c}]\nquestions: [{id: q, ask: a, type: number, hint: h, explain: e, answer: {count: 'ipv6', field: ipv6.src}}]\n", "exactly one"},
		{"bad type", "number: 1\nslug: x\ntitle: t\ncapture: c\nsummary: s\nbackground: b\nobjectives: [o]\nsteps: [{title: a, tui: b, cli: c}]\nquestions: [{id: q, ask: a, type: integer, hint: h, explain: e, answer: {count: 'ipv6'}}]\n", "type \"integer\""},
		{"bad value", "number: 1\nslug: x\ntitle: t\ncapture: c\nsummary: s\nbackground: b\nobjectives: [o]\nsteps: [{title: a, tui: b, cli: c}]\nquestions: [{id: q, ask: a, type: string, hint: h, explain: e, answer: {sessions: {proto: nd}, value: colour}}]\n", "value \"colour\""},
	} {
		_, err := Parse("x.yaml", []byte(c.src))
		if err == nil || !regexpMatch(c.want, err.Error()) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func regexpMatch(sub, s string) bool { return strings.Contains(s, sub) }
