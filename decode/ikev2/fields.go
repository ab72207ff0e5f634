package ikev2

import "github.com/v6scope/v6scope/decode/dissect"

// RFC sections the fields cite.
const (
	rfcHeader   = "RFC 7296 §3.1"
	rfcGeneric  = "RFC 7296 §3.2"
	rfcSA       = "RFC 7296 §3.3"
	rfcProposal = "RFC 7296 §3.3.1"
	rfcXform    = "RFC 7296 §3.3.2"
	rfcAttr     = "RFC 7296 §3.3.5"
	rfcKE       = "RFC 7296 §3.4"
	rfcID       = "RFC 7296 §3.5"
	rfcCert     = "RFC 7296 §3.6"
	rfcCertReq  = "RFC 7296 §3.7"
	rfcAuth     = "RFC 7296 §3.8"
	rfcNonce    = "RFC 7296 §3.9"
	rfcNotify   = "RFC 7296 §3.10"
	rfcNotifyT  = "RFC 7296 §3.10.1"
	rfcDelete   = "RFC 7296 §3.11"
	rfcVendor   = "RFC 7296 §3.12"
	rfcTS       = "RFC 7296 §3.13"
	rfcTSel     = "RFC 7296 §3.13.1"
	rfcSK       = "RFC 7296 §3.14"
	rfcCP       = "RFC 7296 §3.15"
	rfcCPAttr   = "RFC 7296 §3.15.1"
	rfcEAP      = "RFC 7296 §3.16"
	rfcSKF      = "RFC 7383 §2.5"
	rfcReasm    = "RFC 7383 §2.6"
	rfcNATD     = "RFC 7296 §2.23"
	rfcCookie   = "RFC 7296 §2.6"
	rfcCritical = "RFC 7296 §2.5"
	rfcSigHash  = "RFC 7427 §4"
	rfcRedirect = "RFC 5685 §9"
	rfcUDPEncap = "RFC 3948 §2"
	rfcESP      = "RFC 4303 §2"
	rfcGCM      = "RFC 5282 §3"
	rfcCTR      = "RFC 5930 §2"
	rfcV1       = "RFC 2408 §3.1"
)

var fields dissect.FieldList

// Fields returns the fields of this package.
func Fields() []*dissect.FieldInfo { return fields }

func dec(name, title string, values map[uint64]string, explain, rfc string) *dissect.FieldInfo {
	f := dissect.Dec(name, title, explain, rfc)
	if values != nil {
		f.Values = table(values)
	}
	return fields.Add(f)
}

func of(name, title string, kind dissect.Kind, explain, rfc string) *dissect.FieldInfo {
	return fields.Add(dissect.Of(name, title, kind, explain, rfc))
}

// The ISAKMP header (RFC 7296 §3.1; RFC 2408 §3.1 for IKEv1).
var (
	fISAKMP    = fields.Add(dissect.Proto("isakmp", "Internet Security Association and Key Management Protocol", "IKE: the key exchange that sets up IPsec security associations. IKEv2 messages come in request/response exchanges on UDP 500, or 4500 after NAT detection.", rfcHeader))
	fISPI      = of("isakmp.ispi", "Initiator SPI", dissect.Bytes, "Chosen by the original initiator; with the Responder SPI it names the IKE SA.", rfcHeader)
	fRSPI      = of("isakmp.rspi", "Responder SPI", dissect.Bytes, "Chosen by the responder; zero in the first IKE_SA_INIT request.", rfcHeader)
	fNext      = fields.Add(&dissect.FieldInfo{Name: "isakmp.nextpayload", Title: "Next payload", Kind: dissect.Uint, Values: payloadName, Texts: payloadTexts, Explain: "Type of the payload that follows (0: none). Each payload names the next one: the message is a chain.", RFC: rfcGeneric})
	fVersion   = fields.Add(dissect.Hex("isakmp.version", "Version", 8, "Major and minor version: 0x20 for IKEv2, 0x10 for IKEv1.", rfcHeader))
	fMjVer     = fields.Add(dissect.Hex("isakmp.mjver", "MjVer", 8, "Major version: 2 for IKEv2. A receiver drops messages with a higher major version and answers INVALID_MAJOR_VERSION.", rfcHeader))
	fMnVer     = fields.Add(dissect.Hex("isakmp.mnver", "MnVer", 8, "Minor version: 0; ignored by IKEv2 receivers.", rfcHeader))
	fExchange  = fields.Add(&dissect.FieldInfo{Name: "isakmp.exchangetype", Title: "Exchange type", Kind: dissect.Uint, Values: exchangeName, Texts: exchangeTexts, Explain: "What exchange the message belongs to: IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL …", RFC: rfcHeader})
	fFlags     = fields.Add(dissect.Hex("isakmp.flags", "Flags", 8, "I (sent by the original initiator), V (sender can speak a higher version), R (a response).", rfcHeader))
	fFlagI     = fields.Add(dissect.Flag("isakmp.flag_i", "Initiator", "Set in messages sent by the original initiator of the IKE SA; it picks the SPI and the keys (SK_ei/SK_ai) the message uses.", rfcHeader))
	fFlagV     = fields.Add(dissect.Flag("isakmp.flag_v", "Version", "The sender could speak a higher major version.", rfcHeader))
	fFlagR     = fields.Add(dissect.Flag("isakmp.flag_r", "Response", "The message answers a request with the same Message ID.", rfcHeader))
	fFlagE     = fields.Add(dissect.Flag("isakmp.flag_e", "Encryption", "IKEv1: the payloads after the header are encrypted.", rfcV1))
	fFlagC     = fields.Add(dissect.Flag("isakmp.flag_c", "Commit", "IKEv1: key exchange synchronisation.", rfcV1))
	fFlagA     = fields.Add(dissect.Flag("isakmp.flag_a", "Authentication", "IKEv1: authentication only, no encryption.", rfcV1))
	fMsgID     = fields.Add(dissect.Hex("isakmp.messageid", "Message ID", 32, "Matches a response to its request and orders requests; retransmissions keep it.", rfcHeader))
	fLength    = dec("isakmp.length", "Length", nil, "Bytes in the whole message, header included.", rfcHeader)
	fV1        = fields.Add(dissect.Flag("v6scope.isakmp.ikev1", "IKEv1", "The message is IKEv1 (major version 1, RFC 2409): only its header and payload chain are decoded.", rfcV1))
	fV1Payload = fields.Add(&dissect.FieldInfo{Name: "v6scope.isakmp.v1.payload", Title: "IKEv1 payload", Kind: dissect.Uint, Values: table(payloadNamesV1), Explain: "An IKEv1 payload, by type; its contents are not decoded.", RFC: rfcV1})
)

// The generic payload header (RFC 7296 §3.2).
var (
	fPayload     = fields.Add(&dissect.FieldInfo{Name: "isakmp.typepayload", Title: "Payload", Kind: dissect.Uint, Values: payloadName, Texts: payloadTexts, Explain: "A payload of the chain, by type.", RFC: rfcGeneric})
	fCritical    = fields.Add(dissect.Flag("isakmp.criticalpayload", "Critical Bit", "Set: a receiver that does not know this payload type must reject the whole message (UNSUPPORTED_CRITICAL_PAYLOAD); clear: it skips it.", rfcCritical))
	fReserved7   = fields.Add(dissect.Hex("isakmp.reserved7", "Reserved", 8, "The seven bits after the critical bit; sent as zero.", rfcGeneric))
	fPayloadLen  = dec("isakmp.payloadlength", "Payload length", nil, "Bytes in the payload, its 4-byte header included.", rfcGeneric)
	fReserved    = of("isakmp.reserved", "Reserved", dissect.Bytes, "Sent as zero, ignored on receipt.", rfcGeneric)
	fPayloadData = of("isakmp.datapayload", "Payload data", dissect.Bytes, "The body of a payload v6scope does not decode.", rfcGeneric)
	fExtraData   = of("isakmp.extradata", "Extra data", dissect.Bytes, "Bytes after the payload chain that the message length does not account for.", rfcHeader)
)

// Security Association, Proposal, Transform, Attribute (RFC 7296 §3.3).
var (
	fPropNumber = dec("isakmp.prop.number", "Proposal number", nil, "1 for the first proposal, counting up; the responder's answer names the one it took.", rfcProposal)
	fPropProto  = dec("isakmp.prop.protoid", "Protocol ID", protocolNames, "IKE (1) for the IKE SA, AH (2) or ESP (3) for a Child SA.", rfcProposal)
	fSPISize    = dec("isakmp.spisize", "SPI Size", nil, "Bytes of SPI: 0 in an initial IKE SA proposal, 8 when rekeying an IKE SA, 4 for AH/ESP.", rfcProposal)
	fPropXforms = dec("isakmp.prop.transforms", "Proposal transforms", nil, "Number of transforms in the proposal.", rfcProposal)
	fSPI        = of("isakmp.spi", "SPI", dissect.Bytes, "The sender's SPI for the proposed SA (inbound for it).", rfcProposal)
	fXformType  = dec("isakmp.tf.type", "Transform Type", transformTypeNames, "What the transform chooses: encryption, PRF, integrity, Diffie-Hellman group, ESN.", rfcXform).WithTexts(transformTypeTexts)
	fXformEncr  = dec("isakmp.tf.id.encr", "Transform ID (ENCR)", encrNames, "Encryption algorithm.", rfcXform)
	fXformPRF   = dec("isakmp.tf.id.prf", "Transform ID (PRF)", prfNames, "Pseudo-random function.", rfcXform)
	fXformInteg = dec("isakmp.tf.id.integ", "Transform ID (INTEG)", integNames, "Integrity algorithm.", rfcXform)
	fXformDH    = dec("isakmp.tf.id.dh", "Transform ID (D-H)", dhNames, "Diffie-Hellman group.", rfcXform)
	fXformESN   = dec("isakmp.tf.id.esn", "Transform ID (ESN)", esnNames, "Extended (64-bit) sequence numbers for ESP/AH.", rfcXform)
	fXformID    = dec("isakmp.tf.id", "Transform ID", nil, "Transform ID of a type v6scope does not name.", rfcXform)
	fAttr       = of("isakmp.ike2.attr", "Transform Attribute", dissect.None, "An attribute of a transform; Key Length is the only one defined.", rfcAttr)
	fAttrFormat = fields.Add(dissect.Flag("isakmp.ike2.attr.format", "Format", "Set: Type/Value (2-byte value); clear: Type/Length/Value.", rfcAttr))
	fAttrType   = dec("isakmp.ike2.attr.type", "Type", attrNames, "Attribute type.", rfcAttr)
	fAttrLength = dec("isakmp.ike2.attr.length", "Length", nil, "Bytes of value (TLV attributes).", rfcAttr)
	fAttrValue  = of("isakmp.ike2.attr.value", "Value", dissect.Bytes, "The attribute's value.", rfcAttr)
	fAttrKeyLen = dec("isakmp.ike2.attr.key_length", "Key Length", nil, "Key length in bits for ciphers with a variable key (AES: 128, 192, 256).", rfcAttr)
)

// Key Exchange (§3.4), Identification (§3.5), Certificates (§3.6, §3.7),
// Authentication (§3.8), Nonce (§3.9).
var (
	fKEGroup      = dec("isakmp.key_exchange.dh_group", "DH Group #", dhNames, "The group the public value belongs to; it must be the first group of the chosen proposal, or INVALID_KE_PAYLOAD follows.", rfcKE)
	fKEData       = of("isakmp.key_exchange.data", "Key Exchange Data", dissect.Bytes, "The sender's Diffie-Hellman public value.", rfcKE)
	fIDType       = dec("isakmp.id.type", "ID type", idNames, "How the identity is written.", rfcID)
	fIDData       = of("isakmp.id.data", "Identification Data", dissect.None, "The identity the peer claims; AUTH proves it.", rfcID)
	fIDIPv4       = of("isakmp.id.data.ipv4_addr", "ID_IPV4_ADDR", dissect.IPv4, "An IPv4 address identity.", rfcID)
	fIDIPv6       = of("isakmp.id.data.ipv6_addr", "ID_IPV6_ADDR", dissect.IPv6, "An IPv6 address identity.", rfcID)
	fIDFQDN       = of("isakmp.id.data.fqdn", "ID_FQDN", dissect.String, "A fully qualified domain name, as sent (no terminator).", rfcID)
	fIDRFC822     = of("isakmp.id.data.user_fqdn", "ID_USER_FQDN", dissect.String, "An RFC 822 e-mail address.", rfcID)
	fIDKeyID      = of("isakmp.id.data.key_id", "ID_KEY_ID", dissect.Bytes, "Opaque bytes a vendor may use for proprietary identities.", rfcID)
	fIDDN         = of("v6scope.isakmp.id.dn", "Distinguished Name", dissect.String, "A DER-encoded X.500 distinguished name, shown readable (RFC 4514 order and escaping).", rfcID)
	fIDRaw        = of("v6scope.isakmp.id.raw", "Identification Data", dissect.Bytes, "The identity's bytes, for types v6scope shows as bytes (DER_ASN1_GN, FC_NAME) or cannot parse.", rfcID)
	fCertEncoding = dec("isakmp.cert.encoding", "Certificate Encoding", certNames, "What kind of certificate follows.", rfcCert)
	fCertData     = of("isakmp.cert.data", "Certificate Data", dissect.None, "The certificate (or a hash and URL of it).", rfcCert)
	fCertBytes    = of("v6scope.isakmp.cert.bytes", "Certificate bytes", dissect.Bytes, "The certificate as sent.", rfcCert)
	fCertSubject  = of("v6scope.isakmp.cert.subject", "Subject", dissect.String, "Subject of an X.509 certificate, readable.", rfcCert)
	fCertIssuer   = of("v6scope.isakmp.cert.issuer", "Issuer", dissect.String, "Issuer of an X.509 certificate, readable.", rfcCert)
	fCertHash     = of("isakmp.cert.x509.hash", "Hash", dissect.Bytes, "SHA-1 hash of the certificate (Hash and URL encodings).", rfcCert)
	fCertURL      = of("isakmp.cert.x509.url", "URL", dissect.String, "Where the certificate can be fetched.", rfcCert)
	fCertReqType  = dec("isakmp.certreq.type", "Certificate Type", certNames, "The kind of certificate wanted.", rfcCertReq)
	fCertReqAuth  = of("isakmp.ike.certreq.authority", "Certificate Authority Data", dissect.Bytes, "SHA-1 hash of the public key of a trusted CA.", rfcCertReq)
	fCertReqData  = of("isakmp.ike.certreq.authority.data", "Certificate Authority", dissect.Bytes, "Certification authority data of a type other than X.509.", rfcCertReq)
	fAuthMethod   = dec("isakmp.auth.method", "Authentication Method", authNames, "How AUTH was computed: signature, shared key, NULL, generic digital signature (RFC 7427).", rfcAuth)
	fAuthData     = of("isakmp.auth.data", "Authentication Data", dissect.Bytes, "The signature or MAC over the sender's first message, the peer's nonce and the sender's ID.", rfcAuth)
	fAuthASN1Len  = dec("isakmp.auth.data.sig.asn1.len", "ASN.1 Length", nil, "Length of the signature algorithm identifier (RFC 7427 §3).", "RFC 7427 §3")
	fAuthASN1     = of("isakmp.auth.data.sig.asn1.data", "ASN.1 Data", dissect.Bytes, "The DER AlgorithmIdentifier of the signature (RFC 7427 §3).", "RFC 7427 §3")
	fAuthSig      = of("isakmp.auth.data.sig.value", "Signature Value", dissect.Bytes, "The signature itself (RFC 7427 §3).", "RFC 7427 §3")
	fNonce        = of("isakmp.nonce", "Nonce DATA", dissect.Bytes, "Random data, 16 to 256 bytes; both nonces enter the key derivation.", rfcNonce)
)

// Notify (§3.10), Delete (§3.11), Vendor ID (§3.12).
var (
	fNotifyProto = dec("isakmp.notify.protoid", "Protocol ID", protocolNames, "The SA the notification is about: 0 (or 1) for the IKE SA, AH or ESP with an SPI.", rfcNotify)
	fNotifyType  = fields.Add(&dissect.FieldInfo{Name: "isakmp.notify.msgtype", Title: "Notify Message Type", Kind: dissect.Uint, Values: notifyName, Texts: notifyTexts, Explain: "Below 16384 an error (the request failed), from 16384 a status.", RFC: rfcNotifyT})
	fNotifyData  = of("isakmp.notify.data", "Notification DATA", dissect.Bytes, "The notification's data; its meaning depends on the type.", rfcNotify)

	fNotifyGroup   = dec("isakmp.notify.data.accepted_dh_group", "Accepted DH group number", dhNames, "INVALID_KE_PAYLOAD: the group the responder wants the initiator to retry with.", rfcNotifyT)
	fNotifySigHash = dec("isakmp.notify.data.signature_hash_algorithms", "Supported Signature Hash Algorithm", hashNames, "A hash the sender supports for Digital Signature authentication.", rfcSigHash)
	fNotifyNATHash = of("v6scope.isakmp.notify.nat_hash", "NAT detection hash", dissect.Bytes, "SHA-1 of SPIs, IP address and port as the sender saw them; a mismatch means a NAT is in the way.", rfcNATD)
	fNotifyCookie  = of("v6scope.isakmp.notify.cookie", "Cookie", dissect.Bytes, "The responder's stateless cookie; the initiator repeats IKE_SA_INIT with it first.", rfcCookie)
	fNotifyWindow  = dec("v6scope.isakmp.notify.window_size", "Window size", nil, "SET_WINDOW_SIZE: requests the sender can keep outstanding (RFC 7296 §2.3).", rfcNotifyT)
	fNotifyLife    = dec("isakmp.notify.data.auth_lifetime", "Authentication Lifetime", nil, "AUTH_LIFETIME: seconds until the peer must reauthenticate (RFC 4478 §3).", "RFC 4478 §3")
	fNotifyAddr    = of("v6scope.isakmp.notify.address", "Address", dissect.IPv6, "ADDITIONAL_IP6_ADDRESS (MOBIKE, RFC 4555 §3.6).", "RFC 4555 §3.6")
	fNotifyAddr4   = of("v6scope.isakmp.notify.address4", "Address", dissect.IPv4, "ADDITIONAL_IP4_ADDRESS (MOBIKE, RFC 4555 §3.6).", "RFC 4555 §3.6")
	fRedirType     = dec("isakmp.notify.data.redirect.gw_ident.type", "Gateway Identity Type", gwIdentNames, "How the gateway is named.", rfcRedirect)
	fRedirLen      = dec("isakmp.notify.data.redirect.gw_ident.len", "Gateway Identity Length", nil, "Bytes of gateway identity.", rfcRedirect)
	fRedirNew4     = of("isakmp.notify.data.redirect.new_resp_gw_ident.ipv4", "New Responder Gateway Identity", dissect.IPv4, "REDIRECT: where to go.", rfcRedirect)
	fRedirNew6     = of("isakmp.notify.data.redirect.new_resp_gw_ident.ipv6", "New Responder Gateway Identity", dissect.IPv6, "REDIRECT: where to go.", rfcRedirect)
	fRedirNewFQDN  = of("isakmp.notify.data.redirect.new_resp_gw_ident.fqdn", "New Responder Gateway Identity", dissect.String, "REDIRECT: where to go.", rfcRedirect)
	fRedirNewData  = of("isakmp.notify.data.redirect.new_resp_gw_ident.data", "New Responder Gateway Identity", dissect.Bytes, "REDIRECT: where to go.", rfcRedirect)
	fRedirNonce    = of("isakmp.notify.data.redirect.nonce_data", "Nonce Data", dissect.Bytes, "REDIRECT in IKE_SA_INIT: the initiator's nonce, echoed.", rfcRedirect)
	fRedirOrg4     = of("isakmp.notify.data.redirect.org_resp_gw_ident.ipv4", "Original Responder Gateway Identity", dissect.IPv4, "REDIRECTED_FROM: the gateway that redirected.", rfcRedirect)
	fRedirOrg6     = of("isakmp.notify.data.redirect.org_resp_gw_ident.ipv6", "Original Responder Gateway Identity", dissect.IPv6, "REDIRECTED_FROM: the gateway that redirected.", rfcRedirect)
	fRedirOrgData  = of("isakmp.notify.data.redirect.org_resp_gw_ident.data", "Original Responder Gateway Identity", dissect.Bytes, "REDIRECTED_FROM: the gateway that redirected.", rfcRedirect)
	fDeleteProto   = dec("isakmp.delete.protoid", "Protocol ID", protocolNames, "IKE (1): the IKE SA and all its Child SAs; AH or ESP: the SAs whose SPIs follow.", rfcDelete)
	fSPINum        = dec("isakmp.spinum", "Number of SPIs", nil, "SPIs in the payload.", rfcDelete)
	fDeleteSPI     = of("isakmp.delete.spi", "Delete SPI", dissect.Bytes, "An SPI (the sender's inbound one) of an SA to delete.", rfcDelete)
	fVIDBytes      = of("isakmp.vid_bytes", "Vendor ID", dissect.Bytes, "Opaque bytes naming an implementation or a private extension it supports.", rfcVendor)
	fVIDString     = of("isakmp.vid_string", "Vendor ID", dissect.String, "The vendor the ID is known to belong to.", rfcVendor)
)

// Traffic Selectors (§3.13), Encrypted (§3.14), Configuration (§3.15), EAP
// (§3.16), Encrypted Fragment (RFC 7383 §2.5).
var (
	fTSNumber    = dec("isakmp.ts.number", "Number of Traffic Selectors", nil, "Selectors in the payload.", rfcTS)
	fTSType      = dec("isakmp.ts.type", "Traffic Selector Type", tsNames, "IPv4 or IPv6 address range.", rfcTSel)
	fTSProto     = dec("isakmp.ts.protoid", "Protocol ID", nil, "IP protocol of the selector; 0: any.", rfcTSel)
	fTSLen       = dec("isakmp.ts.selector_length", "Selector Length", nil, "Bytes in the selector, header included: 16 for IPv4, 40 for IPv6.", rfcTSel)
	fTSStartPort = dec("isakmp.ts.start_port", "Start Port", nil, "Smallest port (0 with end 65535: any).", rfcTSel)
	fTSEndPort   = dec("isakmp.ts.end_port", "End Port", nil, "Largest port.", rfcTSel)
	fTSStart4    = of("isakmp.ts.start_ipv4", "Starting Addr", dissect.IPv4, "Smallest address.", rfcTSel)
	fTSEnd4      = of("isakmp.ts.end_ipv4", "Ending Addr", dissect.IPv4, "Largest address.", rfcTSel)
	fTSStart6    = of("isakmp.ts.start_ipv6", "Starting Addr", dissect.IPv6, "Smallest address.", rfcTSel)
	fTSEnd6      = of("isakmp.ts.end_ipv6", "Ending Addr", dissect.IPv6, "Largest address.", rfcTSel)
	fTSData      = of("isakmp.ts.data", "Traffic Selector", dissect.None, "One selector.", rfcTSel)
	fEncIV       = of("isakmp.enc.iv", "Initialization Vector", dissect.Bytes, "Random per message (CBC) or a counter (CTR, GCM); as long as the cipher's block (CBC) or 8 bytes (CTR, GCM).", rfcSK)
	fEncData     = of("isakmp.enc.data", "Encrypted Data", dissect.None, "The encrypted inner payloads, padding and pad length.", rfcSK)
	fEncBody     = of("v6scope.isakmp.enc.body", "Encrypted body", dissect.Bytes, "IV, ciphertext and integrity checksum as sent; without the keys their boundaries are not known.", rfcSK)
	fEncDecrypt  = of("isakmp.enc.decrypted", "Decrypted Data", dissect.None, "The plaintext, decrypted with keys from the key table after the integrity check passed.", rfcSK)
	fEncContain  = of("isakmp.enc.contained", "Contained Data", dissect.None, "The inner payloads.", rfcSK)
	fEncPadding  = of("isakmp.enc.padding", "Padding", dissect.None, "Padding up to the cipher's block size.", rfcSK)
	fEncPadLen   = dec("isakmp.enc.pad_length", "Pad Length", nil, "Bytes of padding before this byte.", rfcSK)
	fEncICD      = of("isakmp.enc.icd", "Integrity Checksum Data", dissect.Bytes, "HMAC over the message up to here (CBC, CTR) or the AEAD tag (GCM).", rfcSK)
	fEncIntegOK  = fields.Add(dissect.Flag("v6scope.isakmp.enc.integrity_ok", "Integrity checked", "The checksum matched with the key table's key: the plaintext is genuine.", rfcSK))
	fFragNumber  = dec("isakmp.frag.number", "Fragment Number", nil, "This fragment's number, from 1.", rfcSKF)
	fFragTotal   = dec("isakmp.frag.total", "Total Fragments", nil, "How many fragments the message was split into.", rfcSKF)
	fFragments   = of("isakmp.fragments", "Message fragments", dissect.None, "The fragments reassembled into this message.", rfcReasm)
	fFragment    = of("isakmp.fragment", "Frame", dissect.FrameNum, "A frame holding one fragment.", rfcReasm)
	fFragCount   = dec("isakmp.fragment.count", "Message fragment count", nil, "Fragments reassembled.", rfcReasm)
	fReasmLen    = dec("isakmp.reassembled.length", "Reassembled ISAKMP length", nil, "Bytes of inner payloads after reassembly.", rfcReasm)
	fCfgType     = dec("isakmp.cfg.type", "Type", cfgTypeNames, "Request, reply, set or acknowledge.", rfcCP)
	fCfgAttr     = of("isakmp.cfg.attr", "Attribute", dissect.None, "A configuration attribute.", rfcCPAttr)
	fCfgAttrType = dec("isakmp.cfg.attr.type", "Type", cfgAttrNames, "Attribute type.", rfcCPAttr)
	fCfgAttrLen  = dec("isakmp.cfg.attr.length", "Length", nil, "Bytes of value (0 in a request asks for any value).", rfcCPAttr)
	fCfgAttrVal  = of("isakmp.cfg.attr.value", "Value", dissect.Bytes, "The attribute's value.", rfcCPAttr)
	fCfgIP4      = of("isakmp.cfg.attr.internal_ip4_address", "INTERNAL_IP4_ADDRESS", dissect.IPv4, "An address on the internal network.", rfcCPAttr)
	fCfgIP4Mask  = of("isakmp.cfg.attr.internal_ip4_netmask", "INTERNAL_IP4_NETMASK", dissect.IPv4, "Its netmask.", rfcCPAttr)
	fCfgIP4DNS   = of("isakmp.cfg.attr.internal_ip4_dns", "INTERNAL_IP4_DNS", dissect.IPv4, "A DNS server.", rfcCPAttr)
	fCfgIP6      = of("isakmp.cfg.attr.internal_ip6_address", "INTERNAL_IP6_ADDRESS", dissect.IPv6, "An IPv6 address on the internal network.", rfcCPAttr)
	fCfgIP6Pfx   = dec("isakmp.cfg.attr.internal_ip6_address.prefix", "Prefix length", nil, "Its prefix length.", rfcCPAttr)
	fCfgIP6DNS   = of("isakmp.cfg.attr.internal_ip6_dns", "INTERNAL_IP6_DNS", dissect.IPv6, "An IPv6 DNS server.", rfcCPAttr)
	fCfgAppVer   = of("isakmp.cfg.attr.application_version", "APPLICATION_VERSION", dissect.String, "The sender's software version.", rfcCPAttr)
	fEAPData     = of("isakmp.eap.data", "EAP Message", dissect.Bytes, "An EAP message (RFC 3748) carried in IKE_AUTH.", rfcEAP)
	fEAPCode     = dec("eap.code", "Code", eapCodeNames, "Request, Response, Success or Failure (RFC 3748 §4).", "RFC 3748 §4")
	fEAPID       = dec("eap.id", "Id", nil, "Matches a Response to its Request (RFC 3748 §4).", "RFC 3748 §4")
	fEAPLen      = dec("eap.len", "Length", nil, "Bytes in the EAP message (RFC 3748 §4).", "RFC 3748 §4")
	fEAPType     = dec("eap.type", "Type", eapTypeNames, "The EAP method (RFC 3748 §5).", "RFC 3748 §5")
)

// UDP encapsulation (RFC 3948) and ESP (RFC 4303).
var (
	fUDPEncap  = fields.Add(dissect.Proto("udpencap", "UDP Encapsulation of IPsec Packets", "IKE and ESP sharing UDP port 4500 through NATs: IKE behind a four-byte zero Non-ESP Marker, ESP as is, and one-byte keepalives.", rfcUDPEncap))
	fNonESP    = of("udpencap.non_esp_marker", "Non-ESP Marker", dissect.None, "Four zero bytes where an ESP SPI would be: an IKE message follows.", "RFC 3948 §2.2")
	fKeepalive = of("udpencap.nat_keepalive", "NAT-keepalive packet", dissect.None, "One 0xFF byte sent to keep the NAT's mapping alive; the receiver ignores it.", "RFC 3948 §2.3")
	fESP       = fields.Add(dissect.Proto("esp", "Encapsulating Security Payload", "ESP: encrypted and authenticated IP traffic of an IPsec Child SA.", rfcESP))
	fESPSPI    = fields.Add(dissect.Hex("esp.spi", "ESP SPI", 32, "Names the SA at the receiver: the SPI it chose in the Child SA's proposal.", rfcESP))
	fESPSeq    = dec("esp.sequence", "ESP Sequence", nil, "Counts packets from 1 for replay protection.", rfcESP)
	fESPData   = of("v6scope.esp.data", "Encrypted payload", dissect.Bytes, "IV, ciphertext, padding and ICV; v6scope does not decrypt ESP.", rfcESP)
)

func payloadName(v uint64) string { return payloadNames[v] }
