package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Edge is one transition of a protocol machine.
type Edge struct {
	From, To string
	Label    string // what moves it, in a few words
}

// Machine is a protocol's state machine as the analysis engine runs it
// (the vocabulary of docs/architecture.md).
type Machine struct {
	Proto, Kind string
	Title       string
	RFC         string
	States      []string
	Edges       []Edge
}

// Machines are the state machines the sessions pane draws, one per
// protocol and session kind.
var Machines = []Machine{
	{"nd", "neighbor", "Neighbor Unreachability Detection", "RFC 4861 §7.3.2",
		[]string{"INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "UNREACHABLE"},
		[]Edge{
			{"", "INCOMPLETE", "NS sent to resolve"},
			{"", "STALE", "unsolicited NA/RS/RA/NS with link addr"},
			{"INCOMPLETE", "REACHABLE", "solicited NA"},
			{"INCOMPLETE", "STALE", "unsolicited NA"},
			{"INCOMPLETE", "UNREACHABLE", "no answer to MAX_MULTICAST_SOLICIT NS"},
			{"REACHABLE", "STALE", "ReachableTime ran out"},
			{"STALE", "DELAY", "packet sent to it"},
			{"DELAY", "REACHABLE", "upper-layer confirmation"},
			{"DELAY", "PROBE", "DELAY_FIRST_PROBE_TIME ran out"},
			{"PROBE", "REACHABLE", "solicited NA"},
			{"PROBE", "UNREACHABLE", "no answer to MAX_UNICAST_SOLICIT NS"},
			{"STALE", "REACHABLE", "solicited NA"},
			{"REACHABLE", "STALE", "NA with a different link addr"},
		}},
	{"nd", "address", "Duplicate Address Detection", "RFC 4862 §5.4",
		[]string{"TENTATIVE", "PREFERRED", "DUPLICATE"},
		[]Edge{
			{"", "TENTATIVE", "DAD NS from ::"},
			{"TENTATIVE", "PREFERRED", "no answer within RetransTimer"},
			{"TENTATIVE", "DUPLICATE", "NA for it, or another DAD NS"},
		}},
	{"nd", "router", "Default router list", "RFC 4861 §6.3.4",
		[]string{"ADVERTISING", "EXPIRED"},
		[]Edge{
			{"", "ADVERTISING", "RA with lifetime > 0"},
			{"ADVERTISING", "ADVERTISING", "RA refreshes lifetime"},
			{"ADVERTISING", "EXPIRED", "router lifetime ran out, or RA lifetime 0"},
			{"EXPIRED", "ADVERTISING", "RA with lifetime > 0"},
		}},
	{"mld", "group", "Multicast listener state", "RFC 3810 §7.4",
		[]string{"NO_LISTENERS", "INCLUDE", "EXCLUDE"},
		[]Edge{
			{"", "INCLUDE", "report with sources (ALLOW/IS_IN)"},
			{"", "EXCLUDE", "report IS_EX/TO_EX (or v1 report)"},
			{"INCLUDE", "EXCLUDE", "TO_EX report"},
			{"EXCLUDE", "INCLUDE", "group timer ran out with sources left"},
			{"INCLUDE", "NO_LISTENERS", "source timers ran out"},
			{"EXCLUDE", "NO_LISTENERS", "Done/TO_IN{} and no answer to query"},
			{"NO_LISTENERS", "EXCLUDE", "report IS_EX/TO_EX"},
		}},
	{"mld", "querier", "Querier election", "RFC 3810 §7.6.2",
		[]string{"QUERIER", "OTHER_QUERIER_PRESENT"},
		[]Edge{
			{"", "QUERIER", "first query heard"},
			{"QUERIER", "OTHER_QUERIER_PRESENT", "query from a lower address"},
			{"OTHER_QUERIER_PRESENT", "QUERIER", "Other Querier Present Timeout"},
		}},
	{"mip6", "binding", "Binding registration", "RFC 6275 §11.7",
		[]string{"REGISTERING", "BOUND", "REFRESHING", "REJECTED", "DEREGISTERING", "DEREGISTERED", "EXPIRED"},
		[]Edge{
			{"", "REGISTERING", "Binding Update"},
			{"REGISTERING", "BOUND", "Binding Ack status < 128"},
			{"REGISTERING", "REJECTED", "Binding Ack status ≥ 128"},
			{"BOUND", "REFRESHING", "Binding Update before lifetime ends"},
			{"REFRESHING", "BOUND", "Binding Ack accepted"},
			{"BOUND", "DEREGISTERING", "BU with lifetime 0 (back home)"},
			{"DEREGISTERING", "DEREGISTERED", "Binding Ack accepted"},
			{"BOUND", "EXPIRED", "binding lifetime ran out"},
			{"REJECTED", "REGISTERING", "new Binding Update"},
		}},
	{"mip6", "return_routability", "Return routability", "RFC 6275 §5.2.5",
		[]string{"HOTI_SENT", "COTI_SENT", "COMPLETE"},
		[]Edge{
			{"", "HOTI_SENT", "HoTI (via the home agent)"},
			{"HOTI_SENT", "COTI_SENT", "CoTI (direct)"},
			{"COTI_SENT", "COMPLETE", "HoT and CoT received"},
		}},
	{"ikev2", "ike_sa", "IKE SA", "RFC 7296 §1.2",
		[]string{"INIT_SENT", "INIT_RETRY", "INIT_DONE", "AUTH_SENT", "ESTABLISHED", "REKEYING", "DELETED", "FAILED"},
		[]Edge{
			{"", "INIT_SENT", "IKE_SA_INIT request"},
			{"INIT_SENT", "INIT_RETRY", "COOKIE or INVALID_KE_PAYLOAD"},
			{"INIT_RETRY", "INIT_SENT", "IKE_SA_INIT request again"},
			{"INIT_SENT", "INIT_DONE", "IKE_SA_INIT response"},
			{"INIT_DONE", "AUTH_SENT", "IKE_AUTH request"},
			{"AUTH_SENT", "ESTABLISHED", "IKE_AUTH response"},
			{"AUTH_SENT", "FAILED", "AUTHENTICATION_FAILED"},
			{"ESTABLISHED", "REKEYING", "CREATE_CHILD_SA for the IKE SA"},
			{"REKEYING", "ESTABLISHED", "rekey response"},
			{"ESTABLISHED", "DELETED", "INFORMATIONAL Delete"},
		}},
	{"ikev2", "child_sa", "Child SA", "RFC 7296 §1.3",
		[]string{"CREATING", "INSTALLED", "REKEYED", "DELETED"},
		[]Edge{
			{"", "CREATING", "IKE_AUTH or CREATE_CHILD_SA request"},
			{"CREATING", "INSTALLED", "response with SA and TS"},
			{"INSTALLED", "REKEYED", "CREATE_CHILD_SA with REKEY_SA"},
			{"INSTALLED", "DELETED", "Delete payload"},
			{"REKEYED", "DELETED", "Delete payload for the old SA"},
		}},
	{"teredo", "client", "Teredo qualification", "RFC 4380 §5.2.1",
		[]string{"QUALIFYING", "QUALIFIED", "FAILED"},
		[]Edge{
			{"", "QUALIFYING", "RS to the server"},
			{"QUALIFYING", "QUALIFIED", "RA with origin indication"},
			{"QUALIFYING", "FAILED", "no RA after retries"},
		}},
	{"teredo", "peer", "Teredo peer path", "RFC 4380 §5.2.4",
		[]string{"BUBBLE_SENT", "DIRECT", "VIA_RELAY"},
		[]Edge{
			{"", "BUBBLE_SENT", "bubble to open the NAT"},
			{"BUBBLE_SENT", "DIRECT", "bubble or packet from the peer"},
			{"BUBBLE_SENT", "VIA_RELAY", "native peer reached through a relay"},
		}},
}

// MachineFor returns the machine of a session's protocol and kind. An
// unknown one gives a machine made of the states the session went through.
func MachineFor(s *Session) Machine {
	for _, m := range Machines {
		if m.Proto == s.Proto && m.Kind == s.Kind {
			return m
		}
	}
	m := Machine{Proto: s.Proto, Kind: s.Kind, Title: s.Proto + " " + s.Kind}
	seen := map[string]bool{}
	add := func(st string) {
		if st != "" && !seen[st] {
			seen[st] = true
			m.States = append(m.States, st)
		}
	}
	for _, t := range s.Transitions {
		add(t.From)
		add(t.To)
		m.Edges = append(m.Edges, Edge{t.From, t.To, t.Reason})
	}
	add(s.State)
	return m
}

// DrawMachine draws m as text: every state as a box (double lines for
// where the session is now, a tick for states it went through), the
// machine's transitions with the ones this session took marked and their
// frames, and the path taken.
func DrawMachine(m Machine, s *Session) []string {
	visits := map[string][]int{}
	taken := map[[2]string][]int{}
	for _, t := range s.Transitions {
		visits[t.To] = append(visits[t.To], t.Frame)
		taken[[2]string{t.From, t.To}] = append(taken[[2]string{t.From, t.To}], t.Frame)
	}
	var out []string
	out = append(out, fmt.Sprintf("%s %s — %s (%s)", m.Proto, m.Kind, m.Title, m.RFC))
	out = append(out, "")
	w := 0
	for _, st := range m.States {
		w = max(w, utf8.RuneCountInString(st))
	}
	w += 2
	for i, st := range m.States {
		tl, h, tr, v, bl, br := "┌", "─", "┐", "│", "└", "┘"
		note := ""
		switch {
		case st == s.State:
			tl, h, tr, v, bl, br = "╔", "═", "╗", "║", "╚", "╝"
			note = "◄ now"
		case len(visits[st]) > 0:
			note = "✓ visited"
		}
		if f := visits[st]; len(f) > 0 {
			note += " (frames " + joinInts(f, 6) + ")"
		}
		pad := w - utf8.RuneCountInString(st)
		out = append(out,
			"  "+tl+strings.Repeat(h, w+2)+tr,
			"  "+v+" "+st+strings.Repeat(" ", pad)+" "+v+"  "+note,
			"  "+bl+strings.Repeat(h, w+2)+br)
		if i < len(m.States)-1 {
			arrow := "│"
			if len(taken[[2]string{st, m.States[i+1]}]) > 0 {
				arrow = "┃"
			}
			out = append(out, "  "+strings.Repeat(" ", (w+4)/2)+arrow)
		}
	}
	out = append(out, "", "Transitions (* = taken by this session):")
	for _, e := range m.Edges {
		from := e.From
		if from == "" {
			from = "(start)"
		}
		mark, frames := " ", ""
		if f := taken[[2]string{e.From, e.To}]; len(f) > 0 {
			mark, frames = "*", "  frames "+joinInts(f, 6)
		}
		out = append(out, fmt.Sprintf(" %s %s → %s: %s%s", mark, from, e.To, e.Label, frames))
	}
	for k, f := range taken {
		known := false
		for _, e := range m.Edges {
			if e.From == k[0] && e.To == k[1] {
				known = true
			}
		}
		if !known {
			out = append(out, fmt.Sprintf(" * %s → %s: (not in the drawing)  frames %s", orStart(k[0]), k[1], joinInts(f, 6)))
		}
	}
	out = append(out, "", "Path: "+Path(s))
	return out
}

func orStart(s string) string {
	if s == "" {
		return "(start)"
	}
	return s
}

// Path writes the states a session went through with the frames that
// moved it: "INCOMPLETE ─#3→ REACHABLE ─#40→ STALE (now)".
func Path(s *Session) string {
	var b strings.Builder
	for i, t := range s.Transitions {
		if i == 0 {
			if t.From != "" {
				b.WriteString(t.From)
				b.WriteString(" ")
			} else {
				b.WriteString("(start) ")
			}
		} else {
			b.WriteString(" ")
		}
		b.WriteString("─#" + strconv.Itoa(t.Frame) + "→ " + t.To)
	}
	if len(s.Transitions) == 0 {
		b.WriteString(s.State)
	}
	b.WriteString(" (now)")
	return b.String()
}

func joinInts(v []int, max int) string {
	var parts []string
	for i, n := range v {
		if i == max {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ", ")
}

// LadderEvent is one packet of a ladder diagram.
type LadderEvent struct {
	Frame    int
	Rel      time.Duration // since the session's first packet
	Src, Dst string
	Label    string
}

// ladderCol is the width of one host's column.
const ladderCol = 26

// DrawLadder draws a sequence chart: one column per host (in order of
// first appearance), one arrow per packet with its time, label and frame.
func DrawLadder(evs []LadderEvent) []string {
	var hosts []string
	idx := map[string]int{}
	for _, e := range evs {
		for _, h := range []string{e.Src, e.Dst} {
			if _, ok := idx[h]; !ok {
				idx[h] = len(hosts)
				hosts = append(hosts, h)
			}
		}
	}
	const tw = 12 // time column
	pos := func(i int) int { return tw + i*ladderCol + ladderCol/2 }
	width := tw + len(hosts)*ladderCol
	line := func() []rune {
		r := []rune(strings.Repeat(" ", width))
		for i := range hosts {
			r[pos(i)] = '│'
		}
		return r
	}
	var out []string
	head := []rune(strings.Repeat(" ", width))
	for i, h := range hosts {
		hr := []rune(h)
		if len(hr) > ladderCol-2 {
			hr = append(hr[:ladderCol-3], '…')
		}
		start := max(pos(i)-len(hr)/2, 0)
		copy(head[start:], hr)
	}
	out = append(out, strings.TrimRight(string(head), " "), strings.TrimRight(string(line()), " "))
	for _, e := range evs {
		a, b := idx[e.Src], idx[e.Dst]
		l := line()
		ts := []rune(fmt.Sprintf("%.6f", e.Rel.Seconds()))
		copy(l, ts)
		label := []rune(e.Label)
		if a == b {
			l[pos(a)] = '↻'
			rest := []rune(" " + e.Label)
			copy(l[min(pos(a)+1, len(l)):], rest[:min(len(rest), len(l)-pos(a)-1)])
		} else {
			lo, hi := min(pos(a), pos(b)), max(pos(a), pos(b))
			for x := lo + 1; x < hi; x++ {
				l[x] = '─'
			}
			if a < b {
				l[hi-1] = '►'
			} else {
				l[lo+1] = '◄'
			}
			room := hi - lo - 4
			if len(label) > room {
				if room > 1 {
					label = append(label[:room-1], '…')
				} else {
					label = nil
				}
			}
			copy(l[lo+2:], label)
		}
		out = append(out, strings.TrimRight(string(l), " ")+"  #"+strconv.Itoa(e.Frame))
	}
	return out
}
