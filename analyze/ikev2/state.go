package ikev2

import "strconv"

// SAState is the state of an IKE SA as a passive observer sees it
// (RFC 7296 §1.2, §1.3.2, §1.4.1, §2.6).
type SAState uint8

const (
	// SANone: not seen yet.
	SANone SAState = iota
	// InitSent: the initiator sent IKE_SA_INIT and awaits the answer
	// (RFC 7296 §1.2).
	InitSent
	// InitRetry: the responder answered IKE_SA_INIT with COOKIE (RFC 7296
	// §2.6) or INVALID_KE_PAYLOAD (§1.2, §3.10.1): the initiator must start
	// again with the cookie or the group asked for.
	InitRetry
	// InitDone: IKE_SA_INIT completed; keys are derived but nobody is
	// authenticated yet (RFC 7296 §1.2, §2.14). A session left here is
	// half-open.
	InitDone
	// AuthSent: the initiator sent IKE_AUTH (RFC 7296 §1.2).
	AuthSent
	// Established: IKE_AUTH completed, both peers are authenticated
	// (RFC 7296 §1.2), or the SA was created by a rekey (§1.3.2).
	Established
	// Rekeying: a CREATE_CHILD_SA exchange is rekeying this IKE SA
	// (RFC 7296 §1.3.2, §2.18).
	Rekeying
	// Deleted: an INFORMATIONAL exchange deleted the SA (RFC 7296 §1.4.1),
	// after a rekey or on its own.
	Deleted
	// Failed: an error notification ended the SA (RFC 7296 §2.21), or the
	// peer stopped answering (§2.4).
	Failed
)

var saStateNames = [...]string{"", "INIT_SENT", "INIT_RETRY", "INIT_DONE", "AUTH_SENT", "ESTABLISHED", "REKEYING", "DELETED", "FAILED"}

func (s SAState) String() string { return saStateNames[s] }

// halfOpen reports a state an IKE SA is in between IKE_SA_INIT and a
// completed IKE_AUTH (RFC 7296 §2.6 "half-open").
func (s SAState) halfOpen() bool { return s >= InitSent && s <= AuthSent }

// ChildState is the state of a Child SA (RFC 7296 §1.3, §2.8, §1.4.1).
type ChildState uint8

const (
	// ChildNone: not seen yet.
	ChildNone ChildState = iota
	// Creating: a request proposing it was seen (IKE_AUTH or
	// CREATE_CHILD_SA, RFC 7296 §1.3.1).
	Creating
	// Installed: the response accepted it (or ESP with its SPI was seen);
	// both peers use it.
	Installed
	// Rekeyed: a CREATE_CHILD_SA with REKEY_SA replaced it (RFC 7296
	// §1.3.3, §2.8); the old SA is deleted afterwards, which leaves it here.
	Rekeyed
	// ChildDeleted: an INFORMATIONAL Delete named it, or its IKE SA was
	// deleted (RFC 7296 §1.4.1).
	ChildDeleted
)

var childStateNames = [...]string{"", "CREATING", "INSTALLED", "REKEYED", "DELETED"}

func (s ChildState) String() string { return childStateNames[s] }

// Reason is why a session changed state; its String is a stable code.
type Reason uint8

// Reasons.
const (
	ReasonInitRequest   Reason = iota + 1 // IKE_SA_INIT request
	ReasonCookie                          // IKE_SA_INIT answered with COOKIE
	ReasonInvalidKE                       // IKE_SA_INIT answered with INVALID_KE_PAYLOAD
	ReasonRetry                           // IKE_SA_INIT sent again after a retry notify
	ReasonInitResponse                    // IKE_SA_INIT response with SA and KE
	ReasonAuthRequest                     // IKE_AUTH request
	ReasonAuthResponse                    // IKE_AUTH response accepting
	ReasonErrorNotify                     // an error notification
	ReasonRekeyRequest                    // CREATE_CHILD_SA rekeying the IKE SA
	ReasonRekeyed                         // created by an IKE SA rekey
	ReasonDelete                          // INFORMATIONAL Delete
	ReasonUnresponsive                    // requests retransmitted, never answered
	ReasonMidSession                      // first seen after its IKE_AUTH
	ReasonChildRequest                    // proposed in a request
	ReasonChildResponse                   // accepted in a response
	ReasonChildRekey                      // replaced by CREATE_CHILD_SA with REKEY_SA
	ReasonESP                             // ESP with a new SPI
	ReasonParentDeleted                   // its IKE SA was deleted
	ReasonShortResponse                   // IKE_AUTH response too short to accept
	ReasonMidSetup                        // first seen between IKE_SA_INIT and the end of IKE_AUTH
)

var reasonCodes = [...]string{"",
	"init_request", "cookie", "invalid_ke", "init_retry", "init_response",
	"auth_request", "auth_response", "error_notify", "rekey_request", "rekeyed",
	"delete", "unresponsive", "mid_session", "child_request", "child_response",
	"child_rekey", "esp_seen", "parent_deleted", "short_auth_response",
	"mid_setup",
}

var reasonText = [...]string{"",
	"the initiator sent an IKE_SA_INIT request (RFC 7296 §1.2)",
	"the responder answered with a COOKIE: the initiator must repeat IKE_SA_INIT with it (RFC 7296 §2.6)",
	"the responder answered with INVALID_KE_PAYLOAD, naming the Diffie-Hellman group it wants (RFC 7296 §1.2, §3.10.1)",
	"the initiator sent IKE_SA_INIT again, with the cookie or the group asked for (RFC 7296 §2.6, §1.2)",
	"the responder accepted IKE_SA_INIT with its SA, KE and Nonce (RFC 7296 §1.2)",
	"the initiator sent IKE_AUTH (RFC 7296 §1.2)",
	"the responder answered IKE_AUTH: both peers are authenticated (RFC 7296 §1.2)",
	"an error notification ended it (RFC 7296 §2.21, §3.10.1)",
	"a CREATE_CHILD_SA request rekeys this IKE SA (RFC 7296 §1.3.2)",
	"created by a CREATE_CHILD_SA that rekeyed an IKE SA; its Child SAs move to it (RFC 7296 §1.3.2, §2.18)",
	"an INFORMATIONAL exchange with a Delete payload removed it (RFC 7296 §1.4.1)",
	"a request was retransmitted and never answered: the peer is considered dead (RFC 7296 §2.4)",
	"first seen at an exchange that comes after IKE_AUTH (the capture began later): assumed established (RFC 7296 §1.2, §1.3, §1.4)",
	"a request proposed this Child SA (RFC 7296 §1.3.1)",
	"the response accepted this Child SA (RFC 7296 §1.3.1)",
	"a CREATE_CHILD_SA with REKEY_SA replaced it (RFC 7296 §1.3.3)",
	"ESP with a new SPI between the IKE SA's peers (RFC 4303 §2.1)",
	"its IKE SA was deleted, which closes its Child SAs (RFC 7296 §1.4.1)",
	"the IKE_AUTH response is too short to carry IDr, AUTH, SA, TSi and TSr: an error notification (RFC 7296 §2.21.2)",
	"first seen at an IKE_AUTH or IKE_INTERMEDIATE exchange (the capture began after IKE_SA_INIT): keys exist but nobody is authenticated yet (RFC 7296 §1.2; RFC 9242 §3)",
}

// ViaHeader marks a reason whose keyless inference rests on the clear
// header of an Encrypted payload: its Next Payload names the first
// payload inside (RFC 7296 §3.14; RFC 7383 §2.5 for fragment 1), which
// shows what kind of message it is but none of that payload's contents.
// The code stays the base reason's (scripts match on it); the
// explanation says what the header showed.
const ViaHeader Reason = 0x80

const viaHeaderText = "; without keys, settled by an Encrypted payload's Next Payload, which is sent in the clear and names the first payload inside (RFC 7296 §3.14)"

// Base returns r without ViaHeader.
func (r Reason) Base() Reason { return r &^ ViaHeader }

func (r Reason) String() string {
	if b := r.Base(); int(b) < len(reasonCodes) {
		return reasonCodes[b]
	}
	return "reason_" + strconv.Itoa(int(r))
}

// Explain says in a sentence what the reason means.
func (r Reason) Explain() string {
	b := r.Base()
	if int(b) >= len(reasonText) {
		return ""
	}
	if r&ViaHeader != 0 {
		return reasonText[b] + viaHeaderText
	}
	return reasonText[b]
}
