package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/v6scope/v6scope/pcaps/expect"
)

// Filters shared by the IKEv2 counts and key-frame kinds. tshark reads
// the captures without the decryption table here: counts and key frames
// cover what an observer without keys sees (headers, IKE_SA_INIT payloads,
// ESP SPIs), so they hold for v6scope before it decrypts anything.
const (
	fInitReq  = "isakmp.exchangetype==34 && isakmp.flag_r==0"
	fInitResp = "isakmp.exchangetype==34 && isakmp.flag_r==1"
	fAuth     = "isakmp.exchangetype==35"
	fChild    = "isakmp.exchangetype==36"
	fInfo     = "isakmp.exchangetype==37"
	fKeepaliv = "udpencap.nat_keepalive"
	fESP      = "esp"
)

// ikev2Scenario describes pcaps/ikev2-strongswan.pcapng and
// pcaps/ikev2-strongswan-nat.pcapng (pcaps/regen/ikev2-strongswan.sh).
var ikev2Scenario = scenario{
	needs: map[string]string{"isakmp": "issue 7", "esp": "issue 7", "udpencap": "issue 7"},
	counts: []string{
		"eth", "ip", "ipv6", "udp", "icmpv6",
		"udp.port==500",
		"udp.port==4500",
		"isakmp",
		"isakmp.exchangetype==34",
		"isakmp.exchangetype==35",
		"isakmp.exchangetype==36",
		"isakmp.exchangetype==37",
		fInitReq,
		fInitResp,
		"isakmp.flag_r==0",
		"isakmp.flag_r==1",
		"isakmp.notify.msgtype==17",    // INVALID_KE_PAYLOAD
		"isakmp.notify.msgtype==16390", // COOKIE
		"isakmp.notify.msgtype==16388", // NAT_DETECTION_SOURCE_IP
		"isakmp.notify.msgtype==16389", // NAT_DETECTION_DESTINATION_IP
		"isakmp.notify.msgtype==16430", // IKEV2_FRAGMENTATION_SUPPORTED
		"isakmp.notify.msgtype==16390 && isakmp.notify.msgtype==16388",
		"isakmp.frag.number",
		"isakmp.frag.number==1",
		"isakmp.exchangetype==35 && !isakmp.frag.number",
		"isakmp.certreq.type==4",
		"isakmp.ike.nat_keepalive",
		"udpencap",
		"udpencap.non_esp_marker",
		fKeepaliv,
		fESP,
		"udp.port==4500 && !esp && !udpencap.nat_keepalive",
		"ip.src==192.0.2.10",
		"ip.dst==192.0.2.10",
		"ip.src==198.51.100.1",
		"ip.dst==198.51.100.1",
		"ip.src==198.51.100.20",
	},
	categories: []category{
		{
			kind:   "ike_sa_init_request",
			filter: fInitReq,
			fields: append(ikeAddrFields, "isakmp.ispi", "isakmp.notify.msgtype", "isakmp.key_exchange.dh_group"),
			describe: func(g *gen, f map[string]string) string {
				s := ikeWhere(g, f) + ": IKE_SA_INIT request, SPIi " + f["isakmp.ispi"]
				if ke := f["isakmp.key_exchange.dh_group"]; ke != "" {
					s += ", KE group " + dhGroupName(ke)
				}
				if n := notifyNames(f["isakmp.notify.msgtype"]); n != "" {
					s += ", notifies " + n
				}
				return s
			},
		},
		{
			kind:   "ike_sa_init_response",
			filter: fInitResp,
			fields: append(ikeAddrFields, "isakmp.ispi", "isakmp.rspi", "isakmp.notify.msgtype", "isakmp.key_exchange.dh_group", "isakmp.notify.data"),
			describe: func(g *gen, f map[string]string) string {
				s := ikeWhere(g, f) + ": IKE_SA_INIT response"
				ns := splitAgg(f["isakmp.notify.msgtype"])
				switch {
				case len(ns) == 1 && ns[0] == "16390":
					return s + ", COOKIE only: retry with this cookie (RFC 7296 §2.6)"
				case len(ns) == 1 && ns[0] == "17":
					return s + ", INVALID_KE_PAYLOAD only: responder wants group " + dhGroupName(hexToDec(f["isakmp.notify.data"])) + " (RFC 7296 §1.3)"
				}
				s += ", SPIi " + f["isakmp.ispi"] + " SPIr " + f["isakmp.rspi"]
				if ke := f["isakmp.key_exchange.dh_group"]; ke != "" {
					s += ", KE group " + dhGroupName(ke)
				}
				if n := notifyNames(f["isakmp.notify.msgtype"]); n != "" {
					s += ", notifies " + n
				}
				return s
			},
		},
		{
			kind:     "ike_auth",
			filter:   fAuth,
			fields:   append(ikeAddrFields, "isakmp.ispi", "isakmp.rspi", "isakmp.flag_r", "isakmp.frag.number", "isakmp.frag.total"),
			describe: describeEncrypted("IKE_AUTH"),
		},
		{
			kind:     "create_child_sa",
			filter:   fChild,
			fields:   append(ikeAddrFields, "isakmp.ispi", "isakmp.rspi", "isakmp.flag_r", "isakmp.messageid", "isakmp.frag.number", "isakmp.frag.total"),
			describe: describeEncrypted("CREATE_CHILD_SA"),
		},
		{
			kind:     "informational",
			filter:   fInfo,
			fields:   append(ikeAddrFields, "isakmp.ispi", "isakmp.rspi", "isakmp.flag_r", "isakmp.messageid", "isakmp.frag.number", "isakmp.frag.total"),
			describe: describeEncrypted("INFORMATIONAL"),
		},
		{
			kind:   "esp",
			filter: fESP,
			fields: append(ikeAddrFields, "esp.spi", "esp.sequence"),
			describe: func(g *gen, f map[string]string) string {
				return ikeWhere(g, f) + ": ESP in UDP, SPI " + f["esp.spi"] + " sequence " + f["esp.sequence"]
			},
		},
		{
			kind:   "nat_keepalive",
			filter: fKeepaliv,
			fields: ikeAddrFields,
			describe: func(g *gen, f map[string]string) string {
				return ikeWhere(g, f) + ": NAT-T keepalive (one 0xff byte, RFC 3948 §2.3)"
			},
		},
	},
}

var ikeAddrFields = []string{"frame.interface_name", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport"}

// ikeWhere says "on IFACE: A:port -> B:port" with node names.
func ikeWhere(g *gen, f map[string]string) string {
	src, dst := f["ipv6.src"], f["ipv6.dst"]
	if src == "" {
		src, dst = f["ip.src"], f["ip.dst"]
	}
	return fmt.Sprintf("on %s: %s:%s -> %s:%s", f["frame.interface_name"], g.name(src), f["udp.srcport"], g.name(dst), f["udp.dstport"])
}

func describeEncrypted(exchange string) func(g *gen, f map[string]string) string {
	return func(g *gen, f map[string]string) string {
		kind := "request"
		if f["isakmp.flag_r"] == "1" {
			kind = "response"
		}
		s := fmt.Sprintf("%s: %s %s", ikeWhere(g, f), exchange, kind)
		if id := f["isakmp.messageid"]; id != "" {
			s += " message ID " + id
		}
		s += ", SPIi " + f["isakmp.ispi"] + " SPIr " + f["isakmp.rspi"]
		if n := f["isakmp.frag.number"]; n != "" {
			s += fmt.Sprintf(", encrypted fragment %s of %s (RFC 7383)", n, f["isakmp.frag.total"])
		}
		return s
	}
}

// ikeNotifyNames names the notify types the captures carry in clear
// (RFC 7296 §3.10.1 and the IANA "IKEv2 Notify Message Types" registry).
var ikeNotifyNames = map[string]string{
	"17": "INVALID_KE_PAYLOAD", "16384": "INITIAL_CONTACT", "16388": "NAT_DETECTION_SOURCE_IP",
	"16389": "NAT_DETECTION_DESTINATION_IP", "16390": "COOKIE", "16393": "REKEY_SA",
	"16404": "MULTIPLE_AUTH_SUPPORTED", "16406": "REDIRECT_SUPPORTED",
	"16418": "CHILDLESS_IKEV2_SUPPORTED", "16430": "IKEV2_FRAGMENTATION_SUPPORTED",
	"16431": "SIGNATURE_HASH_ALGORITHMS",
}

func notifyNames(agg string) string {
	var names []string
	for _, n := range splitAgg(agg) {
		if s, ok := ikeNotifyNames[n]; ok {
			names = append(names, s)
		} else {
			names = append(names, "Unknown("+n+")")
		}
	}
	return strings.Join(names, " ")
}

// hexToDec turns notification data such as "001f" (the group an
// INVALID_KE_PAYLOAD asks for, RFC 7296 §3.10.1) into "31".
func hexToDec(h string) string {
	v, err := strconv.ParseUint(h, 16, 16)
	if err != nil {
		return h
	}
	return strconv.FormatUint(v, 10)
}

// dhGroupName names the key exchange groups the scripts use (IANA
// "Transform Type 4 - Key Exchange Method Transform IDs").
func dhGroupName(id string) string {
	switch id {
	case "14":
		return "14 (MODP-2048)"
	case "31":
		return "31 (Curve25519)"
	}
	return id
}

// readIKE reads the facts file "ike" written by ikev2-strongswan.sh from
// charon's log:
//
//	ike   CONN UID ISPI RSPI ORIGIN FINAL HOW      ORIGIN: IKE_SA_INIT or rekey-of-UID
//	child CONN ID IKE_UID SPI_IN SPI_OUT FINAL     SPIs as the initiator sees them
//
// and finds the frames that carry each IKE SA's SPIs.
func readIKE(e *expect.Expectation, facts string, g *gen) error {
	f, err := os.Open(filepath.Join(facts, "ike"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	initiator := ""
	for _, h := range e.Hosts {
		if h.Role == "initiator" {
			initiator = h.Node
		}
	}
	byUID := map[string]int{}
	spiOf := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		switch {
		case len(fs) == 8 && fs[0] == "ike":
			s := expect.IKESA{Conn: fs[1], Initiator: initiator, SPIi: fs[3], SPIr: fs[4], Origin: fs[5], FinalState: fs[6]}
			if s.Ended = fs[7]; s.Ended == "-" {
				s.Ended = ""
			}
			if uid, ok := strings.CutPrefix(s.Origin, "rekey-of-"); ok {
				s.Origin, s.RekeyOf = "rekey", spiOf[uid]
			}
			rows, err := g.rows("isakmp.ispi==" + s.SPIi + " && isakmp.rspi==" + s.SPIr)
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				s.FirstFrame, _ = strconv.Atoi(rows[0]["frame.number"])
				s.LastFrame, _ = strconv.Atoi(rows[len(rows)-1]["frame.number"])
			}
			if s.Origin == "IKE_SA_INIT" {
				// The IKE_SA_INIT request (and any COOKIE or
				// INVALID_KE_PAYLOAD round) has SPIr zero.
				rows, err := g.rows("isakmp.ispi==" + s.SPIi)
				if err != nil {
					return err
				}
				if len(rows) > 0 {
					s.FirstFrame, _ = strconv.Atoi(rows[0]["frame.number"])
				}
			}
			byUID[fs[2]] = len(e.IKESAs)
			spiOf[fs[2]] = s.SPIi
			e.IKESAs = append(e.IKESAs, s)
		case len(fs) == 7 && fs[0] == "child":
			i, ok := byUID[fs[3]]
			if !ok {
				return fmt.Errorf("ike facts: CHILD_SA %s under unknown IKE SA %s", fs[2], fs[3])
			}
			e.IKESAs[i].Children = append(e.IKESAs[i].Children, expect.ChildSA{
				Name: fs[2], SPIToInitiator: fs[4], SPIToResponder: fs[5], FinalState: fs[6],
			})
		}
	}
	return sc.Err()
}
