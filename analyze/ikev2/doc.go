// Package ikev2 is the IKEv2 tracker of the analysis engine: it rebuilds,
// from the messages and ESP packets of a capture, what each peer believed
// about its IKE SAs and Child SAs (RFC 7296 §1, §2; RFC 7383 fragments;
// RFC 3948 UDP encapsulation).
//
// Per IKE SA, keyed by the initiator's SPI (RFC 7296 §2.6: the SPIs name
// the SA; SPIi is the half known from the first message on), requests and
// responses are paired by Message ID and the I and R flags (§2.2),
// retransmissions are told from new requests (§2.1) and from frames the
// capture recorded twice, IKE_SA_INIT retries
// after COOKIE or INVALID_KE_PAYLOAD are followed (§2.6, §1.2), NAT
// detection is evaluated by recomputing the NAT_DETECTION_*_IP hashes
// (§2.23), IKE_INTERMEDIATE exchanges are counted (RFC 9242 §3), the last
// IKE_AUTH response establishes the SA (with EAP, IKE_AUTH takes several
// rounds, §2.16), CREATE_CHILD_SA and INFORMATIONAL exchanges are told
// apart (§1.3, §1.4), and Child SAs are followed by their ESP (RFC 4303)
// or AH (RFC 4302) SPIs.
//
// With the IKE SA's keys (decode.Decoder.SetIKEv2Keys) the tracker reads
// the encrypted payloads and its beliefs rest on what the messages say.
// Without them it infers from what stays visible — the Encrypted
// payload's Next Payload, sent in the clear, which names the first
// payload inside (§3.14), sizes, timing, which SPIs appear next, ESP
// traffic — and labels every such transition with analyze.BasisInferred. docs/analyze.md lists the states, the inferences
// and their limits, and the anomaly codes.
package ikev2
