package mld

import (
	"github.com/v6scope/v6scope/decode/dissect"
)

// Section references used by the fields and notes.
const (
	rfc2710       = "RFC 2710 §3"
	rfc2710MaxRsp = "RFC 2710 §3.4"
	rfc2710Resv   = "RFC 2710 §3.5"
	rfc2710Group  = "RFC 2710 §3.6"
	rfc2710Other  = "RFC 2710 §3.7"
	rfc3810Query  = "RFC 3810 §5.1"
	rfc3810MRC    = "RFC 3810 §5.1.3"
	rfc3810QResv  = "RFC 3810 §5.1.4"
	rfc3810QGroup = "RFC 3810 §5.1.5"
	rfc3810Flags  = "RFC 3810 §5.1.6"
	rfc3810S      = "RFC 3810 §5.1.7"
	rfc3810QRV    = "RFC 3810 §5.1.8"
	rfc3810QQIC   = "RFC 3810 §5.1.9"
	rfc3810QNSrc  = "RFC 3810 §5.1.10"
	rfc3810QSrc   = "RFC 3810 §5.1.11"
	rfc3810QAdd   = "RFC 3810 §5.1.12"
	rfc3810Report = "RFC 3810 §5.2"
	rfc3810RResv  = "RFC 3810 §5.2.1"
	rfc3810NRec   = "RFC 3810 §5.2.3"
	rfc3810Rec    = "RFC 3810 §5.2.4"
	rfc3810RType  = "RFC 3810 §5.2.5"
	rfc3810Aux    = "RFC 3810 §5.2.6"
	rfc3810RNSrc  = "RFC 3810 §5.2.7"
	rfc3810RGroup = "RFC 3810 §5.2.8"
	rfc3810RSrc   = "RFC 3810 §5.2.9"
	rfc3810AuxDat = "RFC 3810 §5.2.10"
	rfc3810RAdd   = "RFC 3810 §5.2.11"
	rfc3810Types  = "RFC 3810 §5.2.12"
	rfc3810Vers   = "RFC 3810 §8.1"
)

var (
	fVersion    = fields.Add(dissect.Dec("v6scope.mld.version", "MLD Version", "1 for RFC 2710 messages, 2 for RFC 3810 ones; a Query's version follows from its length (24 octets: 1, 28 or more: 2).", rfc3810Vers))
	fMaxDelay   = fields.Add(dissect.Dec("icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", "In a Query, the longest a listener may wait before it reports, in milliseconds; 0 in Reports and Dones.", rfc2710MaxRsp))
	fReserved   = fields.Add(dissect.Of("icmpv6.reserved", "Reserved", dissect.Bytes, "Unused; the sender sets it to zero and the receiver ignores it.", rfc2710Resv))
	fGroup      = fields.Add(dissect.Of("icmpv6.mld.multicast_address", "Multicast Address", dissect.IPv6, "The multicast address the message is about; :: in a General Query.", rfc2710Group))
	fMaxCode    = fields.Add(dissect.Dec("icmpv6.mld.maximum_response_code", "Maximum Response Code", "The longest a listener may wait before it reports, in milliseconds, decoded from the code (exponential form from 32768 up).", rfc3810MRC))
	fMaxCodeRaw = fields.Add(dissect.Hex("v6scope.mld.mrc", "Maximum Response Code as sent", 16, "The Maximum Response Code as sent: the delay itself below 0x8000, else 1|exp(3 bits)|mant(12 bits) for (mant | 0x1000) << (exp + 3) ms.", rfc3810MRC))
	fFlags      = fields.Add(dissect.Hex("icmpv6.mld.flag", "Flags", 8, "The octet that holds the reserved bits, the S flag and the QRV of an MLDv2 Query.", rfc3810Flags))
	fFlagS      = fields.Add(dissect.Flag("icmpv6.mld.flag.s", "Suppress Router-Side Processing", "Tells routers that hear the Query not to update their timers; listeners still answer it.", rfc3810S))
	fFlagQRV    = fields.Add(dissect.Dec("icmpv6.mld.flag.qrv", "QRV (Querier's Robustness Variable)", "The querier's Robustness Variable, which other routers adopt; 0 when it is above 7.", rfc3810QRV))
	fFlagResv   = fields.Add(dissect.Dec("icmpv6.mld.flag.reserved", "Reserved", "Four unused bits, zero when sent and ignored when received.", rfc3810Flags))
	fQQI        = fields.Add(dissect.Dec("icmpv6.mld.qqi", "QQIC (Querier's Query Interval Code)", "The querier's Query Interval in seconds, decoded from the code (exponential form from 128 up).", rfc3810QQIC))
	fQQICRaw    = fields.Add(dissect.Hex("v6scope.mld.qqic", "QQIC as sent", 8, "The QQIC as sent: the interval itself below 0x80, else 1|exp(3 bits)|mant(4 bits) for (mant | 0x10) << (exp + 3) s.", rfc3810QQIC))
	fNumSources = fields.Add(dissect.Dec("icmpv6.mld.nb_sources", "Number of Sources", "How many source addresses the Query lists: 0 unless it is a Multicast Address and Source Specific Query.", rfc3810QNSrc))
	fSource     = fields.Add(dissect.Of("icmpv6.mld.source_address", "Source Address", dissect.IPv6, "A source the Query asks about.", rfc3810QSrc))
	fNumRecords = fields.Add(dissect.Dec("icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", "How many Multicast Address Records the Report holds.", rfc3810NRec))
	fRecord     = fields.Add(dissect.Of("icmpv6.mldr.mar", "Multicast Address Record", dissect.None, "What the sender listens to on one multicast address: a filter mode or a change, and a source list.", rfc3810Rec))
	fRecType    = fields.Add(&dissect.FieldInfo{Name: "icmpv6.mldr.mar.record_type", Title: "Record Type", Kind: dissect.Uint, Values: RecordTypeName, Texts: recordTypeTexts, Explain: "Current state (1 include, 2 exclude), a filter mode change (3 to include, 4 to exclude) or a source list change (5 allow, 6 block).", RFC: rfc3810Types})
	fAuxLen     = fields.Add(dissect.Dec("icmpv6.mldr.mar.aux_data_len", "Aux Data Len", "Length of the record's Auxiliary Data in 32-bit words; 0 in MLDv2.", rfc3810Aux))
	fRecNumSrc  = fields.Add(dissect.Dec("icmpv6.mldr.mar.nb_sources", "Number of Sources", "How many source addresses the record lists.", rfc3810RNSrc))
	fRecGroup   = fields.Add(dissect.Of("icmpv6.mldr.mar.multicast_address", "Multicast Address", dissect.IPv6, "The multicast address the record is about.", rfc3810RGroup))
	fRecSource  = fields.Add(dissect.Of("icmpv6.mldr.mar.source_address", "Source Address", dissect.IPv6, "A source the record includes, excludes, allows or blocks.", rfc3810RSrc))
	fAuxData    = fields.Add(dissect.Of("icmpv6.mldr.mar.auxiliary_data", "Auxiliary Data", dissect.Bytes, "Data MLDv2 does not define; receivers ignore it.", rfc3810AuxDat))
	fAdditional = fields.Add(dissect.Of("v6scope.mld.additional_data", "Additional Data", dissect.Bytes, "Octets after the last field of the message: counted in the checksum, otherwise ignored.", rfc3810QAdd))
)
