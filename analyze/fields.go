package analyze

import (
	"strings"

	"github.com/v6scope/v6scope/decode/dissect"
)

// The v6scope.* fields read adds to each packet's tree from the engine's
// Marks and Codes: what the packet did to the protocols' state machines.
// Wireshark has no such fields; they carry the v6scope. prefix
// (DESIGN.md, "Field names").
var fieldList dissect.FieldList

// rfcStates names where the state machines the fields report are defined.
const rfcStates = "RFC 4861 §7.3.2, RFC 4862 §5.4, RFC 3810 §7.2, RFC 6275 §9–11, RFC 4380 §5.2, RFC 7296 §2"

var (
	// FieldSession is the id of a session the packet touched (one
	// occurrence per session).
	FieldSession = fieldList.Add(dissect.Of("v6scope.session", "Session",
		dissect.String, "A session of the analysis engine this packet concerned (neighbor, address, router, group, binding, Teredo client, …), by its id as v6scope analyze --json prints it; one occurrence per session.", rfcStates))
	// FieldState is that session's state after the packet, in the same
	// order as FieldSession.
	FieldState = fieldList.Add(dissect.Of("v6scope.state", "State after this packet",
		dissect.String, "The state the session was in once this packet was taken into account (REACHABLE, EXCLUDE, BOUND, QUALIFIED, …; docs/analyze.md); one occurrence per v6scope.session, in the same order.", rfcStates))
	// FieldProto is the protocol of that session ("nd", "mld", …).
	FieldProto = fieldList.Add(dissect.Of("v6scope.proto", "Analyzer",
		dissect.String, "The protocol tracker the session belongs to: nd, mld, teredo, mip6; one occurrence per v6scope.session, in the same order.", rfcStates))
	// FieldAnomaly is the code of an anomaly the packet raised.
	FieldAnomaly = fieldList.Add(dissect.Of("v6scope.anomaly", "Anomaly",
		dissect.String, "The stable code of an anomaly this packet raised (nd.cache_poisoning, mip6.bu_without_ba, …): something that breaks its protocol or smells of an attack; docs/analyze.md lists them with their RFC sections.", rfcStates))
)

// Fields returns the v6scope.* analysis fields, for decode.NewSchemaWith:
// display filters and -T fields accept them.
func Fields() []*dissect.FieldInfo { return fieldList }

// Uses reports whether a display filter expression or a field list names
// one of the analysis fields, so that read runs the engine only then.
func Uses(filterExpr string, names []string) bool {
	for _, f := range fieldList {
		if strings.Contains(filterExpr, f.Name) {
			return true
		}
		for _, n := range names {
			if n == f.Name {
				return true
			}
		}
	}
	return false
}

// AppendFields adds the analysis of one packet to its tree: a "v6scope
// analysis" group holding, for every session in marks, its id, protocol
// and state, then every anomaly code. It appends the nodes directly, so a
// tree that records only some fields (Tree.Keep) still gets them; nothing
// is added when marks and codes are empty.
func AppendFields(t *dissect.Tree, marks []Mark, codes []string) {
	if len(marks) == 0 && len(codes) == 0 {
		return
	}
	t.Fields = append(t.Fields, dissect.Field{Label: "v6scope analysis"})
	for i := range marks {
		m := &marks[i]
		t.Fields = append(t.Fields,
			dissect.Field{Info: FieldSession, Depth: 1, S: m.Session},
			dissect.Field{Info: FieldProto, Depth: 1, S: m.Proto},
			dissect.Field{Info: FieldState, Depth: 1, S: m.State})
	}
	for _, c := range codes {
		t.Fields = append(t.Fields, dissect.Field{Info: FieldAnomaly, Depth: 1, S: c})
	}
}
