package ikev2

// Codepoint tables, written once as explicit values from the IANA
// registries "Internet Key Exchange Version 2 (IKEv2) Parameters" and
// "Internet Security Association and Key Management Protocol (ISAKMP)
// Identifiers" (IKEv1), as they stood in 2025.

// table turns a map of names into a FieldInfo.Values function: the name,
// or "" when the value has none.
func table(m map[uint64]string) func(uint64) string {
	return func(v uint64) string { return m[v] }
}

// Exchange types (RFC 7296 §3.1; IANA "IKEv2 Exchange Types"), and the
// IKEv1 ones (RFC 2408 §3.1, RFC 2409), told apart by the major version.
var exchangeNames = map[uint64]string{
	34: "IKE_SA_INIT", 35: "IKE_AUTH", 36: "CREATE_CHILD_SA", 37: "INFORMATIONAL",
	38: "IKE_SESSION_RESUME", 39: "GSA_AUTH", 40: "GSA_REGISTRATION", 41: "GSA_REKEY",
	43: "IKE_INTERMEDIATE", 44: "IKE_FOLLOWUP_KE",
}

var exchangeNamesV1 = map[uint64]string{
	0: "NONE", 1: "Base", 2: "Identity Protection (Main Mode)", 3: "Authentication Only",
	4: "Aggressive", 5: "Informational", 6: "Transaction (Config Mode)",
	32: "Quick Mode", 33: "New Group Mode",
}

// exchangeName names an exchange type of either major version.
func exchangeName(v uint64) string {
	if n := exchangeNames[v]; n != "" {
		return n
	}
	return exchangeNamesV1[v]
}

// Payload types (RFC 7296 §3.2; IANA "IKEv2 Payload Types"), with the
// substructures of an SA payload (Proposal 2, Transform 3, RFC 7296 §3.3.1).
const (
	PayloadNone     = 0
	PayloadProposal = 2
	PayloadXform    = 3
	PayloadSA       = 33
	PayloadKE       = 34
	PayloadIDi      = 35
	PayloadIDr      = 36
	PayloadCERT     = 37
	PayloadCERTREQ  = 38
	PayloadAUTH     = 39
	PayloadNonce    = 40
	PayloadNotify   = 41
	PayloadDelete   = 42
	PayloadVendor   = 43
	PayloadTSi      = 44
	PayloadTSr      = 45
	PayloadSK       = 46
	PayloadCP       = 47
	PayloadEAP      = 48
	PayloadGSPM     = 49
	PayloadIDg      = 50
	PayloadGSA      = 51
	PayloadKD       = 52
	PayloadSKF      = 53
	PayloadPS       = 54
)

var payloadNames = map[uint64]string{
	0: "NONE / No Next Payload", 2: "Proposal", 3: "Transform",
	33: "Security Association", 34: "Key Exchange", 35: "Identification - Initiator",
	36: "Identification - Responder", 37: "Certificate", 38: "Certificate Request",
	39: "Authentication", 40: "Nonce", 41: "Notify", 42: "Delete", 43: "Vendor ID",
	44: "Traffic Selector - Initiator", 45: "Traffic Selector - Responder",
	46: "Encrypted and Authenticated", 47: "Configuration", 48: "Extensible Authentication",
	49: "Generic Secure Password Method", 50: "Group Identification",
	51: "Group Security Association", 52: "Key Download",
	53: "Encrypted and Authenticated Fragment", 54: "Puzzle Solution",
}

// IKEv1 payload types (RFC 2408 §3.1, RFC 3947, RFC 6407).
var payloadNamesV1 = map[uint64]string{
	0: "NONE / No Next Payload", 1: "Security Association", 2: "Proposal", 3: "Transform",
	4: "Key Exchange", 5: "Identification", 6: "Certificate", 7: "Certificate Request",
	8: "Hash", 9: "Signature", 10: "Nonce", 11: "Notification", 12: "Delete",
	13: "Vendor ID", 15: "SA KEK", 16: "SA TEK", 17: "Key Download", 18: "Sequence Number",
	19: "Proof of Possession", 20: "NAT-D (RFC 3947)", 21: "NAT-OA (RFC 3947)",
	130: "NAT-D (draft-ietf-ipsec-nat-t-ike-01 to 03)", 131: "NAT-OA (draft-ietf-ipsec-nat-t-ike-01 to 04)",
}

// Protocol IDs (RFC 7296 §3.3.1; IANA "IKEv2 Security Protocol
// Identifiers"); 0 is what a Notify about the IKE SA carries.
var protocolNames = map[uint64]string{0: "RESERVED", 1: "IKE", 2: "AH", 3: "ESP", 4: "FC_ESP_HEADER", 5: "FC_CT_AUTHENTICATION"}

// Transform types (RFC 7296 §3.3.2, RFC 9370 §2.2.2).
const (
	xformENCR = 1
	xformPRF  = 2
	xformINTG = 3
	xformDH   = 4
	xformESN  = 5
)

var transformTypeNames = map[uint64]string{
	1: "Encryption Algorithm (ENCR)", 2: "Pseudo-random Function (PRF)", 3: "Integrity Algorithm (INTEG)",
	4: "Diffie-Hellman Group (D-H)", 5: "Extended Sequence Numbers (ESN)",
	6: "Additional Key Exchange 1 (ADDKE1)", 7: "Additional Key Exchange 2 (ADDKE2)",
	8: "Additional Key Exchange 3 (ADDKE3)", 9: "Additional Key Exchange 4 (ADDKE4)",
	10: "Additional Key Exchange 5 (ADDKE5)", 11: "Additional Key Exchange 6 (ADDKE6)",
	12: "Additional Key Exchange 7 (ADDKE7)",
}

// Transform IDs for ENCR (IANA "Transform Type 1").
var encrNames = map[uint64]string{
	1: "ENCR_DES_IV64", 2: "ENCR_DES", 3: "ENCR_3DES", 4: "ENCR_RC5", 5: "ENCR_IDEA", 6: "ENCR_CAST",
	7: "ENCR_BLOWFISH", 8: "ENCR_3IDEA", 9: "ENCR_DES_IV32", 11: "ENCR_NULL", 12: "ENCR_AES_CBC",
	13: "ENCR_AES_CTR", 14: "ENCR_AES_CCM_8", 15: "ENCR_AES_CCM_12", 16: "ENCR_AES_CCM_16",
	18: "ENCR_AES_GCM_8", 19: "ENCR_AES_GCM_12", 20: "ENCR_AES_GCM_16", 21: "ENCR_NULL_AUTH_AES_GMAC",
	23: "ENCR_CAMELLIA_CBC", 24: "ENCR_CAMELLIA_CTR", 25: "ENCR_CAMELLIA_CCM_8", 26: "ENCR_CAMELLIA_CCM_12",
	27: "ENCR_CAMELLIA_CCM_16", 28: "ENCR_CHACHA20_POLY1305", 29: "ENCR_AES_CCM_8_IIV",
	30: "ENCR_AES_GCM_16_IIV", 31: "ENCR_CHACHA20_POLY1305_IIV", 32: "ENCR_KUZNYECHIK_MGM_KTREE",
	33: "ENCR_MAGMA_MGM_KTREE", 34: "ENCR_KUZNYECHIK_MGM_MAC_KTREE", 35: "ENCR_MAGMA_MGM_MAC_KTREE",
}

// Transform IDs for PRF (IANA "Transform Type 2").
var prfNames = map[uint64]string{
	1: "PRF_HMAC_MD5", 2: "PRF_HMAC_SHA1", 3: "PRF_HMAC_TIGER", 4: "PRF_AES128_XCBC",
	5: "PRF_HMAC_SHA2_256", 6: "PRF_HMAC_SHA2_384", 7: "PRF_HMAC_SHA2_512", 8: "PRF_AES128_CMAC",
	9: "PRF_HMAC_STREEBOG_512",
}

// Transform IDs for INTEG (IANA "Transform Type 3").
var integNames = map[uint64]string{
	0: "NONE", 1: "AUTH_HMAC_MD5_96", 2: "AUTH_HMAC_SHA1_96", 3: "AUTH_DES_MAC", 4: "AUTH_KPDK_MD5",
	5: "AUTH_AES_XCBC_96", 6: "AUTH_HMAC_MD5_128", 7: "AUTH_HMAC_SHA1_160", 8: "AUTH_AES_CMAC_96",
	9: "AUTH_AES_128_GMAC", 10: "AUTH_AES_192_GMAC", 11: "AUTH_AES_256_GMAC",
	12: "AUTH_HMAC_SHA2_256_128", 13: "AUTH_HMAC_SHA2_384_192", 14: "AUTH_HMAC_SHA2_512_256",
}

// Diffie-Hellman / key exchange groups (IANA "Transform Type 4").
var dhNames = map[uint64]string{
	0: "NONE", 1: "768-bit MODP Group", 2: "1024-bit MODP Group", 5: "1536-bit MODP Group",
	14: "2048-bit MODP Group", 15: "3072-bit MODP Group", 16: "4096-bit MODP Group",
	17: "6144-bit MODP Group", 18: "8192-bit MODP Group", 19: "256-bit random ECP group",
	20: "384-bit random ECP group", 21: "521-bit random ECP group",
	22: "1024-bit MODP Group with 160-bit Prime Order Subgroup",
	23: "2048-bit MODP Group with 224-bit Prime Order Subgroup",
	24: "2048-bit MODP Group with 256-bit Prime Order Subgroup",
	25: "192-bit Random ECP Group", 26: "224-bit Random ECP Group", 27: "brainpoolP224r1",
	28: "brainpoolP256r1", 29: "brainpoolP384r1", 30: "brainpoolP512r1", 31: "Curve25519",
	32: "Curve448", 33: "GOST3410_2012_256", 34: "GOST3410_2012_512", 35: "ML-KEM-512",
	36: "ML-KEM-768", 37: "ML-KEM-1024",
}

// weakGroups are groups RFC 8247 §2.4 says MUST NOT (1, 2, 5, 22) or
// SHOULD NOT (23, 24) be used.
var weakGroups = map[uint16]bool{1: true, 2: true, 5: true, 22: true, 23: true, 24: true}

// ESN transform IDs (IANA "Transform Type 5").
var esnNames = map[uint64]string{0: "No Extended Sequence Numbers", 1: "Extended Sequence Numbers"}

// Transform attribute types (RFC 7296 §3.3.5).
var attrNames = map[uint64]string{14: "Key Length"}

// Identification types (RFC 7296 §3.5, RFC 4595, RFC 7619).
const (
	idIPv4  = 1
	idFQDN  = 2
	idRFC   = 3
	idIPv6  = 5
	idDN    = 9
	idGN    = 10
	idKeyID = 11
	idFC    = 12
	idNull  = 13
)

var idNames = map[uint64]string{
	1: "IPV4_ADDR", 2: "FQDN", 3: "RFC822_ADDR", 5: "IPV6_ADDR", 9: "DER_ASN1_DN",
	10: "DER_ASN1_GN", 11: "KEY_ID", 12: "FC_NAME", 13: "NULL",
}

// Certificate encodings (RFC 7296 §3.6, RFC 7670).
var certNames = map[uint64]string{
	1: "PKCS #7 wrapped X.509 certificate", 2: "PGP Certificate", 3: "DNS Signed Key",
	4: "X.509 Certificate - Signature", 6: "Kerberos Token", 7: "Certificate Revocation List (CRL)",
	8: "Authority Revocation List (ARL)", 9: "SPKI Certificate", 10: "X.509 Certificate - Attribute",
	11: "Raw RSA Key", 12: "Hash and URL of X.509 certificate", 13: "Hash and URL of X.509 bundle",
	14: "OCSP Content", 15: "Raw Public Key",
}

// Authentication methods (RFC 7296 §3.8, RFC 4754, RFC 6467, RFC 7619,
// RFC 7427).
var authNames = map[uint64]string{
	1: "RSA Digital Signature", 2: "Shared Key Message Integrity Code", 3: "DSS Digital Signature",
	9: "ECDSA with SHA-256 on the P-256 curve", 10: "ECDSA with SHA-384 on the P-384 curve",
	11: "ECDSA with SHA-512 on the P-521 curve", 12: "Generic Secure Password Authentication Method",
	13: "NULL Authentication", 14: "Digital Signature",
}

// Notify message types (RFC 7296 §3.10.1 and the full IANA registry "IKEv2
// Notify Message Types": Error Types below 16384, Status Types from it).
const (
	notifyInvalidKE        = 17
	notifyNATSource        = 16388
	notifyNATDest          = 16389
	notifyCookie           = 16390
	notifyRekeySA          = 16393
	notifyAddIPv4          = 16397
	notifyAddIPv6          = 16398
	notifyRedirectSupp     = 16406
	notifyRedirect         = 16407
	notifyRedirectedFrom   = 16408
	notifySetWindowSize    = 16385
	notifyAuthLifetime     = 16403
	notifyFragSupported    = 16430
	notifySigHashAlgs      = 16431
	notifyIPCompSupported  = 16387
	notifyTicketLTOpaque   = 16409
	notifyUseTransportMode = 16391
)

var notifyNames = map[uint64]string{
	1: "UNSUPPORTED_CRITICAL_PAYLOAD", 4: "INVALID_IKE_SPI", 5: "INVALID_MAJOR_VERSION",
	7: "INVALID_SYNTAX", 9: "INVALID_MESSAGE_ID", 11: "INVALID_SPI", 14: "NO_PROPOSAL_CHOSEN",
	17: "INVALID_KE_PAYLOAD", 24: "AUTHENTICATION_FAILED", 34: "SINGLE_PAIR_REQUIRED",
	35: "NO_ADDITIONAL_SAS", 36: "INTERNAL_ADDRESS_FAILURE", 37: "FAILED_CP_REQUIRED",
	38: "TS_UNACCEPTABLE", 39: "INVALID_SELECTORS", 40: "UNACCEPTABLE_ADDRESSES",
	41: "UNEXPECTED_NAT_DETECTED", 42: "USE_ASSIGNED_HoA", 43: "TEMPORARY_FAILURE",
	44: "CHILD_SA_NOT_FOUND", 45: "INVALID_GROUP_ID", 46: "AUTHORIZATION_FAILED",
	47: "STATE_NOT_FOUND", 48: "TS_MAX_QUEUE",
	16384: "INITIAL_CONTACT", 16385: "SET_WINDOW_SIZE", 16386: "ADDITIONAL_TS_POSSIBLE",
	16387: "IPCOMP_SUPPORTED", 16388: "NAT_DETECTION_SOURCE_IP", 16389: "NAT_DETECTION_DESTINATION_IP",
	16390: "COOKIE", 16391: "USE_TRANSPORT_MODE", 16392: "HTTP_CERT_LOOKUP_SUPPORTED",
	16393: "REKEY_SA", 16394: "ESP_TFC_PADDING_NOT_SUPPORTED", 16395: "NON_FIRST_FRAGMENTS_ALSO",
	16396: "MOBIKE_SUPPORTED", 16397: "ADDITIONAL_IP4_ADDRESS", 16398: "ADDITIONAL_IP6_ADDRESS",
	16399: "NO_ADDITIONAL_ADDRESSES", 16400: "UPDATE_SA_ADDRESSES", 16401: "COOKIE2",
	16402: "NO_NATS_ALLOWED", 16403: "AUTH_LIFETIME", 16404: "MULTIPLE_AUTH_SUPPORTED",
	16405: "ANOTHER_AUTH_FOLLOWS", 16406: "REDIRECT_SUPPORTED", 16407: "REDIRECT",
	16408: "REDIRECTED_FROM", 16409: "TICKET_LT_OPAQUE", 16410: "TICKET_REQUEST",
	16411: "TICKET_ACK", 16412: "TICKET_NACK", 16413: "TICKET_OPAQUE", 16414: "LINK_ID",
	16415: "USE_WESP_MODE", 16416: "ROHC_SUPPORTED", 16417: "EAP_ONLY_AUTHENTICATION",
	16418: "CHILDLESS_IKEV2_SUPPORTED", 16419: "QUICK_CRASH_DETECTION",
	16420: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED", 16421: "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED",
	16422: "IKEV2_MESSAGE_ID_SYNC", 16423: "IPSEC_REPLAY_COUNTER_SYNC",
	16424: "SECURE_PASSWORD_METHODS", 16425: "PSK_PERSIST", 16426: "PSK_CONFIRM",
	16427: "ERX_SUPPORTED", 16428: "IFOM_CAPABILITY", 16429: "SENDER_REQUEST_ID",
	16430: "IKEV2_FRAGMENTATION_SUPPORTED", 16431: "SIGNATURE_HASH_ALGORITHMS",
	16432: "CLONE_IKE_SA_SUPPORTED", 16433: "CLONE_IKE_SA", 16434: "PUZZLE", 16435: "USE_PPK",
	16436: "PPK_IDENTITY", 16437: "NO_PPK_AUTH", 16438: "INTERMEDIATE_EXCHANGE_SUPPORTED",
	16439: "IP4_ALLOWED", 16440: "IP6_ALLOWED", 16441: "ADDITIONAL_KEY_EXCHANGE",
	16442: "USE_AGGFRAG", 16443: "SUPPORTED_AUTH_METHODS", 16444: "SA_RESOURCE_INFO",
	16445: "USE_PPK_INT", 16446: "PPK_IDENTITY_KEY",
}

// notifyName names a notify type, with the private-use ranges.
func notifyName(v uint64) string {
	if n := notifyNames[v]; n != "" {
		return n
	}
	switch {
	case v >= 8192 && v <= 16383:
		return "Private Use - Errors"
	case v >= 40960 && v <= 65535:
		return "Private Use - STATUS TYPES"
	}
	return ""
}

// Hash algorithms of SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4; IANA "IKEv2
// Hash Algorithms").
var hashNames = map[uint64]string{
	0: "Reserved", 1: "SHA1", 2: "SHA2-256", 3: "SHA2-384", 4: "SHA2-512", 5: "Identity",
	6: "STREEBOG_256", 7: "STREEBOG_512",
}

// Traffic selector types (RFC 7296 §3.13.1, RFC 4595, RFC 9478).
const (
	tsIPv4 = 7
	tsIPv6 = 8
	tsFC   = 9
)

var tsNames = map[uint64]string{7: "TS_IPV4_ADDR_RANGE", 8: "TS_IPV6_ADDR_RANGE", 9: "TS_FC_ADDR_RANGE", 10: "TS_SECLABEL"}

// Configuration payload types and attributes (RFC 7296 §3.15, §3.15.1;
// RFC 5739, RFC 7651, RFC 8598).
var cfgTypeNames = map[uint64]string{1: "CFG_REQUEST", 2: "CFG_REPLY", 3: "CFG_SET", 4: "CFG_ACK"}

var cfgAttrNames = map[uint64]string{
	1: "INTERNAL_IP4_ADDRESS", 2: "INTERNAL_IP4_NETMASK", 3: "INTERNAL_IP4_DNS", 4: "INTERNAL_IP4_NBNS",
	6: "INTERNAL_IP4_DHCP", 7: "APPLICATION_VERSION", 8: "INTERNAL_IP6_ADDRESS", 10: "INTERNAL_IP6_DNS",
	12: "INTERNAL_IP6_DHCP", 13: "INTERNAL_IP4_SUBNET", 14: "SUPPORTED_ATTRIBUTES",
	15: "INTERNAL_IP6_SUBNET", 16: "MIP6_HOME_PREFIX", 17: "INTERNAL_IP6_LINK",
	18: "INTERNAL_IP6_PREFIX", 19: "HOME_AGENT_ADDRESS", 20: "P_CSCF_IP4_ADDRESS",
	21: "P_CSCF_IP6_ADDRESS", 22: "FTT_KAT", 23: "EXTERNAL_SOURCE_IP4_NAT_INFO",
	24: "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK", 25: "INTERNAL_DNS_DOMAIN", 26: "INTERNAL_DNSSEC_TA",
}

// Gateway identity types of REDIRECT (RFC 5685 §9).
var gwIdentNames = map[uint64]string{1: "IPv4 address", 2: "IPv6 address", 3: "FQDN"}

// EAP codes (RFC 3748 §4) and the common method types (§5).
var eapCodeNames = map[uint64]string{1: "Request", 2: "Response", 3: "Success", 4: "Failure", 5: "Initiate", 6: "Finish"}

var eapTypeNames = map[uint64]string{
	1: "Identity", 2: "Notification", 3: "Legacy Nak", 4: "MD5-Challenge", 5: "One-Time Password",
	6: "Generic Token Card", 13: "TLS", 17: "LEAP", 18: "SIM", 21: "TTLS", 23: "AKA", 25: "PEAP",
	26: "MS-CHAP-v2", 43: "FAST", 47: "PSK", 50: "AKA'", 52: "PWD", 55: "TEAP", 254: "Expanded Type",
}
