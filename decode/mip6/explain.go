package mip6

import "github.com/v6scope/v6scope/decode/dissect"

// typeTexts explain the Mobility Header message types: what each message
// is, why it is sent and what the receiver does.
var typeTexts = dissect.ValueTexts{
	TypeBRR:   {Text: "A correspondent or home agent asks the mobile node for a fresh Binding Update because a binding it still uses is about to expire. The mobile node answers with a Binding Update.", RFC: rfcBRR},
	TypeHoTI:  {Text: "The mobile node starts return routability towards a correspondent, sending a random cookie from its home address through the home agent. The correspondent answers with a Home Test to the home address.", RFC: rfcHoTI + "; RFC 6275 §5.2.5"},
	TypeCoTI:  {Text: "The other half of return routability, sent straight from the care-of address with its own cookie. The correspondent answers with a Care-of Test to the care-of address.", RFC: rfcCoTI + "; RFC 6275 §5.2.5"},
	TypeHoT:   {Text: "The correspondent's answer to a HoTI, sent to the home address, with the cookie echoed and a home keygen token. It proves the mobile node receives mail at its home address.", RFC: rfcHoT},
	TypeCoT:   {Text: "The correspondent's answer to a CoTI, sent to the care-of address, with a care-of keygen token. With both tokens the mobile node computes the key (Kbm) that signs its Binding Update to the correspondent.", RFC: rfcCoT},
	TypeBU:    {Text: "A mobile node (or NEMO mobile router) says where it is now: its care-of address for its home address, with a sequence number and a lifetime; lifetime 0 means it came home. The home agent or correspondent updates its binding cache and, if asked (A flag), answers with a Binding Acknowledgement.", RFC: rfcBU + "; RFC 3963 §5.1"},
	TypeBA:    {Text: "The answer to a Binding Update, with a status (below 128 accepted) and the lifetime granted. The mobile node's binding becomes BOUND, or REJECTED with the reason.", RFC: rfcBA},
	TypeBE:    {Text: "A correspondent received mobility signalling or a Home Address option it cannot use (no binding, unknown message type). The mobile node should set the binding up again or stop route optimisation with it.", RFC: rfcBE},
	TypeFBU:   {Text: "FMIPv6: before or just after a handover, the mobile node asks its previous access router to forward its traffic to the new care-of address.", RFC: rfcFBU},
	TypeFBack: {Text: "FMIPv6: the previous access router's answer to a Fast Binding Update.", RFC: rfcFBack},
	TypeHAS:   {Text: "A home agent asks the mobile node to register with another home agent, for load sharing or maintenance.", RFC: rfcHAS},
	TypeHB:    {Text: "A peer checks the other side of a mobility session is still alive; the other side answers with a heartbeat response.", RFC: rfcHB},
	TypeBRev:  {Text: "A home agent (or local mobility anchor) tells the mobile node, or its gateway, that its binding is ended.", RFC: "RFC 5846 §6.1"},
}

// baStatusTexts explain the Binding Acknowledgement status codes of
// Mobile IPv6 and NEMO.
var baStatusTexts = dissect.ValueTexts{
	0:   {Text: "Accepted: the binding is created or refreshed for the lifetime the BA gives.", RFC: rfcBA},
	1:   {Text: "Accepted, but the home prefix is changing: the mobile node should ask for the new prefixes with a Mobile Prefix Solicitation.", RFC: rfcBA + "; RFC 6275 §11.4.3"},
	128: {Text: "Rejected, no reason given.", RFC: rfcBA},
	129: {Text: "Rejected: policy forbids this binding.", RFC: rfcBA},
	130: {Text: "Rejected: the home agent or correspondent has no room for another binding.", RFC: rfcBA},
	131: {Text: "Rejected: this node does not act as a home agent (an H-flag Binding Update sent to a node that is not one).", RFC: rfcBA},
	132: {Text: "Rejected: the home address is not on this home agent's home link.", RFC: rfcBA},
	133: {Text: "Rejected: this home agent does not serve the mobile node; it should find its own home agent (dynamic home agent discovery).", RFC: rfcBA},
	134: {Text: "Rejected: Duplicate Address Detection for the home address on the home link failed; another node uses it.", RFC: rfcBA},
	135: {Text: "Rejected: the sequence number is out of window (not newer than the last accepted). The BA carries the last accepted number: the mobile node retries with a higher one.", RFC: rfcBA + ", §9.5.1"},
	136: {Text: "Rejected: the home nonce index is too old; the mobile node must redo the home test of return routability.", RFC: rfcBA + ", §5.2.7"},
	137: {Text: "Rejected: the care-of nonce index is too old; the mobile node must redo the care-of test.", RFC: rfcBA + ", §5.2.7"},
	138: {Text: "Rejected: both nonce indices are too old; the mobile node must redo return routability.", RFC: rfcBA + ", §5.2.7"},
	139: {Text: "Rejected: a home registration cannot be turned into a correspondent registration (or back) without deregistering first.", RFC: rfcBA},
	140: {Text: "NEMO: rejected, the home agent does not let this node act as a mobile router.", RFC: "RFC 3963 §6.6"},
	141: {Text: "NEMO: rejected, a mobile network prefix in the Binding Update is malformed.", RFC: "RFC 3963 §6.6"},
	142: {Text: "NEMO: rejected, the mobile router is not authorized for one of the prefixes it registers.", RFC: "RFC 3963 §6.6"},
	143: {Text: "NEMO: rejected, the home agent could not set up forwarding because it knows no mobile network prefix for the mobile router.", RFC: "RFC 3963 §6.6"},
}

// beStatusTexts explain the Binding Error status codes.
var beStatusTexts = dissect.ValueTexts{
	1: {Text: "A packet arrived with a Home Address option, but the receiver has no binding for that home address: the mobile node must register (again) before using it.", RFC: rfcBE + ", §9.3.1"},
	2: {Text: "The receiver does not know the Mobility Header type it was sent.", RFC: rfcBE + ", §9.2"},
}
