package ikev2

import "github.com/v6scope/v6scope/decode/dissect"

// Explanations of the IKEv2 codepoints a student meets: what each
// exchange, payload, notification and transform type is for and what the
// receiver does with it. They show under the fields in `read -V --explain`
// and in the TUI's explain pane.

var exchangeTexts = dissect.ValueTexts{
	34: {Text: "The first exchange: the peers agree on algorithms, swap Diffie-Hellman values and nonces, and test for NATs. Afterwards both derive the keys that protect everything else; nobody is authenticated yet.", RFC: "RFC 7296 §1.2"},
	35: {Text: "The second exchange, encrypted: each side proves its identity over the keys just agreed, and the first Child SA (the IPsec SA that carries traffic) is set up with it.", RFC: "RFC 7296 §1.2"},
	36: {Text: "Makes another Child SA, or rekeys a Child SA or the IKE SA itself before its lifetime runs out. The old SA is deleted afterwards with an INFORMATIONAL exchange.", RFC: "RFC 7296 §1.3"},
	37: {Text: "Deletes SAs, reports errors, or, empty, checks the peer is alive (dead peer detection). The peer must always answer, even with an empty message.", RFC: "RFC 7296 §1.4"},
	43: {Text: "Optional exchanges between IKE_SA_INIT and IKE_AUTH, for data too large for IKE_SA_INIT (extra key exchanges, for instance); IKE_AUTH then authenticates them too.", RFC: "RFC 9242 §3"},
}

var payloadTexts = dissect.ValueTexts{
	PayloadNone:     {Text: "No next payload: this is the last payload of the chain.", RFC: rfcGeneric},
	PayloadProposal: {Text: "A proposal inside an SA payload: one protocol (IKE, ESP, AH) with a set of transforms the sender would accept together.", RFC: rfcProposal},
	PayloadXform:    {Text: "A transform inside a proposal: one algorithm (cipher, PRF, integrity, DH group, ESN).", RFC: rfcXform},
	PayloadSA:       {Text: "Security Association: the initiator's proposals, most preferred first; in a response, the single proposal the responder chose.", RFC: rfcSA},
	PayloadKE:       {Text: "Key Exchange: the sender's Diffie-Hellman public value for the named group. Both sides combine the two values into a shared secret.", RFC: rfcKE},
	PayloadIDi:      {Text: "The initiator's identity (an address, a name, a key ID …), which the responder checks against its policy and the AUTH payload.", RFC: rfcID},
	PayloadIDr:      {Text: "The responder's identity; in a request, the identity the initiator wants to talk to.", RFC: rfcID},
	PayloadCERT:     {Text: "A certificate (or a link to one) the sender's AUTH payload can be checked with.", RFC: rfcCert},
	PayloadCERTREQ:  {Text: "Names the certification authorities the sender trusts, asking the peer for a certificate it can verify.", RFC: rfcCertReq},
	PayloadAUTH:     {Text: "Authentication data: a signature or shared-key MAC over the IKE_SA_INIT messages and the identity. The receiver verifies it; failure ends the exchange with AUTHENTICATION_FAILED.", RFC: rfcAuth},
	PayloadNonce:    {Text: "A fresh random value; nonces feed the key derivation and make every exchange unique.", RFC: rfcNonce},
	PayloadNotify:   {Text: "A notification: an error (the request failed) or status information (NAT detection, cookies, capabilities). The Notify Message Type says which.", RFC: rfcNotify},
	PayloadDelete:   {Text: "Asks the peer to delete SAs, named by SPI (or the IKE SA itself). The peer deletes them and answers with its own Delete for the paired SAs.", RFC: rfcDelete},
	PayloadVendor:   {Text: "An opaque vendor ID, announcing an implementation or an extension it supports; receivers that do not know it ignore it.", RFC: rfcVendor},
	PayloadTSi:      {Text: "Traffic selectors of the initiator's side: which addresses, ports and protocols the Child SA should protect.", RFC: rfcTS},
	PayloadTSr:      {Text: "Traffic selectors of the responder's side; the responder may narrow both to what its policy allows.", RFC: rfcTS},
	PayloadSK:       {Text: "Encrypted and Authenticated: every payload after IKE_SA_INIT travels inside this one, encrypted and integrity-protected with the IKE SA's keys.", RFC: rfcSK},
	PayloadCP:       {Text: "Configuration: a remote-access client asks for an internal address, DNS servers and the like, and the gateway answers.", RFC: rfcCP},
	PayloadEAP:      {Text: "An EAP message: the initiator authenticates with EAP (passwords, SIM cards …) carried inside IKE_AUTH.", RFC: rfcEAP},
	PayloadSKF:      {Text: "Encrypted fragment: one piece of an encrypted message too large for one UDP datagram; the receiver reassembles all fragments before decrypting.", RFC: rfcSKF},
}

var notifyTexts = dissect.ValueTexts{
	1:     {Text: "Error: the peer met a payload with the critical bit set that it does not understand, and refused the message.", RFC: "RFC 7296 §2.5, §3.10.1"},
	4:     {Text: "Error: the message named an IKE SA the receiver does not have (it restarted, or the SA was deleted).", RFC: rfcNotifyT},
	5:     {Text: "Error: the receiver does not speak this major version of IKE.", RFC: rfcNotifyT},
	7:     {Text: "Error: the message was malformed.", RFC: rfcNotifyT},
	9:     {Text: "Error: the message ID was outside the receiver's window.", RFC: rfcNotifyT},
	11:    {Text: "Error: a packet arrived for an IPsec SA (by SPI) the receiver does not have.", RFC: rfcNotifyT},
	14:    {Text: "Error: none of the proposed algorithm sets is acceptable; the exchange fails.", RFC: rfcNotifyT},
	17:    {Text: "Error: the Key Exchange used a Diffie-Hellman group the responder does not want; the notify names the group to use, and the initiator starts IKE_SA_INIT again with it.", RFC: "RFC 7296 §1.2, §3.10.1"},
	24:    {Text: "Error: authentication failed (wrong signature, shared key or identity). The IKE SA is not created.", RFC: rfcNotifyT},
	34:    {Text: "Error: the responder accepts only one pair of traffic selectors, not the set proposed.", RFC: rfcNotifyT},
	35:    {Text: "Error: the responder will not create more Child SAs on this IKE SA.", RFC: rfcNotifyT},
	36:    {Text: "Error: the responder could not give the client an internal address it asked for.", RFC: rfcNotifyT},
	37:    {Text: "Error: the responder requires a Configuration payload that was not sent.", RFC: rfcNotifyT},
	38:    {Text: "Error: the proposed traffic selectors are not acceptable to the responder's policy.", RFC: rfcNotifyT},
	39:    {Text: "Error: an IPsec packet arrived whose addresses do not match its SA's selectors.", RFC: rfcNotifyT},
	43:    {Text: "Error: temporary; the responder is busy (a rekey collision, for example) and the request may be retried later.", RFC: "RFC 7296 §2.25"},
	44:    {Text: "Error: the Child SA to rekey does not exist (any more).", RFC: "RFC 7296 §2.25"},
	16384: {Text: "Status: this is the only IKE SA the sender has with the peer; the peer may delete older SAs left from before a restart.", RFC: rfcNotifyT},
	16385: {Text: "Status: how many requests the sender lets the peer have outstanding at once.", RFC: "RFC 7296 §2.3"},
	16386: {Text: "Status: the responder narrowed the traffic selectors; another Child SA could cover the rest.", RFC: rfcNotifyT},
	16387: {Text: "Status: the sender supports IP compression for the Child SA.", RFC: "RFC 7296 §2.22"},
	16388: {Text: "NAT detection: a hash of the sender's own address and port. If the receiver's hash of the address and port it saw differs, a NAT is in front of the sender: both switch to UDP 4500 and encapsulate ESP.", RFC: "RFC 7296 §2.23"},
	16389: {Text: "NAT detection: a hash of the address and port the sender sent to. A mismatch shows a NAT in front of the receiver.", RFC: "RFC 7296 §2.23"},
	16390: {Text: "Cookie: a responder under load answers IKE_SA_INIT with only a cookie; the initiator must repeat its request with the cookie, proving its address is real before the responder keeps any state.", RFC: "RFC 7296 §2.6"},
	16391: {Text: "Status: the sender asks for a transport-mode Child SA instead of tunnel mode.", RFC: rfcNotifyT},
	16393: {Text: "This CREATE_CHILD_SA replaces the Child SA whose SPI the notify names; the old one is deleted afterwards.", RFC: "RFC 7296 §1.3.3, §3.10.1"},
	16394: {Text: "Status: the sender does not accept traffic flow confidentiality padding in ESP.", RFC: rfcNotifyT},
	16395: {Text: "Status: non-first fragments may be sent on this Child SA too.", RFC: rfcNotifyT},
	16396: {Text: "MOBIKE: the sender supports moving the IKE SA to other addresses without rekeying.", RFC: "RFC 4555 §3.1"},
	16400: {Text: "MOBIKE: the sender's addresses changed; the peer updates the SAs to the addresses this message came from.", RFC: "RFC 4555 §3.5"},
	16404: {Text: "Status: the sender can authenticate several times in one IKE_AUTH (a machine certificate then a user password, say).", RFC: "RFC 4739 §3.1"},
	16406: {Text: "Status: the initiator can be redirected to another gateway.", RFC: "RFC 5685 §9"},
	16407: {Text: "Redirect: the gateway sends the initiator to another gateway, named in the notify.", RFC: "RFC 5685 §9"},
	16430: {Text: "Status: the sender can fragment and reassemble IKE messages itself (Encrypted Fragment payloads), so large IKE_AUTH messages need no IP fragmentation.", RFC: "RFC 7383 §2.3"},
	16431: {Text: "Status: the hash algorithms the sender accepts in signatures.", RFC: "RFC 7427 §4"},
	16438: {Text: "Status: the sender supports IKE_INTERMEDIATE exchanges.", RFC: "RFC 9242 §3"},
}

var transformTypeTexts = dissect.ValueTexts{
	xformENCR: {Text: "Encryption algorithm: the cipher that keeps the IKE or ESP payload secret.", RFC: rfcXform},
	xformPRF:  {Text: "Pseudo-random function: how IKE derives its keys from the Diffie-Hellman secret and nonces (IKE SAs only).", RFC: rfcXform},
	xformINTG: {Text: "Integrity algorithm: the MAC that detects tampering; not needed with combined-mode ciphers such as AES-GCM.", RFC: rfcXform},
	xformDH:   {Text: "Diffie-Hellman group: the key exchange the KE payload uses; for a Child SA, asks for perfect forward secrecy.", RFC: rfcXform},
	xformESN:  {Text: "Extended Sequence Numbers: whether ESP uses 64-bit sequence numbers (Child SAs only).", RFC: rfcXform},
}
