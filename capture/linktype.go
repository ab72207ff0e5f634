package capture

import "strconv"

// LinkType is a LINKTYPE_* value from the tcpdump.org link-layer header
// type registry (https://www.tcpdump.org/linktypes.html, being moved to IANA
// by draft-ietf-opsawg-pcaplinktype). It says how the bytes of a frame
// begin: the same value is used by the classic pcap file header and by the
// pcapng Interface Description Block.
type LinkType uint16

// Link types. The names are the registry's, without the LINKTYPE_ prefix.
// Those v6scope decodes come first; the rest are named so that String and
// error messages say what a file holds.
const (
	LinkNull      LinkType = 0   // BSD loopback: 4-byte address family in the writer's byte order
	LinkEthernet  LinkType = 1   // IEEE 802.3 Ethernet
	LinkRaw       LinkType = 101 // raw IP: an IPv4 or IPv6 header first
	LinkLoop      LinkType = 108 // OpenBSD loopback: address family in network byte order
	LinkLinuxSLL  LinkType = 113 // Linux "cooked" capture, version 1
	LinkIPv4      LinkType = 228 // raw IPv4
	LinkIPv6      LinkType = 229 // raw IPv6
	LinkLinuxSLL2 LinkType = 276 // Linux "cooked" capture, version 2

	LinkAX25                   LinkType = 3
	LinkIEEE802_5              LinkType = 6
	LinkARCnetBSD              LinkType = 7
	LinkSLIP                   LinkType = 8
	LinkPPP                    LinkType = 9
	LinkFDDI                   LinkType = 10
	LinkPPPHDLC                LinkType = 50
	LinkPPPEther               LinkType = 51
	LinkATMRFC1483             LinkType = 100
	LinkCHDLC                  LinkType = 104
	LinkIEEE802_11             LinkType = 105
	LinkFrameRelay             LinkType = 107
	LinkLTalk                  LinkType = 114
	LinkPFLog                  LinkType = 117
	LinkIEEE802_11Prism        LinkType = 119
	LinkIPOverFC               LinkType = 122
	LinkSunATM                 LinkType = 123
	LinkIEEE802_11Radio        LinkType = 127
	LinkARCnetLinux            LinkType = 129
	LinkAppleIPOverIEEE1394    LinkType = 138
	LinkMTP2WithPHdr           LinkType = 139
	LinkMTP2                   LinkType = 140
	LinkMTP3                   LinkType = 141
	LinkSCCP                   LinkType = 142
	LinkDOCSIS                 LinkType = 143
	LinkLinuxIrDA              LinkType = 144
	LinkIEEE802_11AVS          LinkType = 163
	LinkPPPPPPD                LinkType = 166
	LinkGPRSLLC                LinkType = 169
	LinkLinuxLAPD              LinkType = 177
	LinkBluetoothHCIH4         LinkType = 187
	LinkUSBLinux               LinkType = 189
	LinkPPI                    LinkType = 192
	LinkIEEE802_15_4WithFCS    LinkType = 195
	LinkERF                    LinkType = 197
	LinkBluetoothHCIH4WithPHdr LinkType = 201
	LinkLAPD                   LinkType = 203
	LinkPPPWithDir             LinkType = 204
	LinkCHDLCWithDir           LinkType = 205
	LinkFrameRelayWithDir      LinkType = 206
	LinkIPMBLinux              LinkType = 209
	LinkUSBLinuxMMapped        LinkType = 220
	LinkFC2                    LinkType = 224
	LinkFC2WithFrameDelims     LinkType = 225
	LinkIPNet                  LinkType = 226
	LinkCANSocketCAN           LinkType = 227
	LinkIEEE802_15_4NoFCS      LinkType = 230
	LinkDBus                   LinkType = 231
	LinkNFLog                  LinkType = 239
	LinkNetAnalyzer            LinkType = 240
	LinkNetAnalyzerTransparent LinkType = 241
	LinkIPoIB                  LinkType = 242
	LinkMPEG2TS                LinkType = 243
	LinkInfiniBand             LinkType = 247
	LinkSCTP                   LinkType = 248
	LinkUSBPcap                LinkType = 249
	LinkBluetoothLELL          LinkType = 251
	LinkNetlink                LinkType = 253
	LinkBluetoothLinuxMonitor  LinkType = 254
	LinkPKTAP                  LinkType = 258
	LinkEPON                   LinkType = 259
	LinkUSBDarwin              LinkType = 266
	LinkVSock                  LinkType = 271
	LinkNordicBLE              LinkType = 272
	LinkEthernetMPacket        LinkType = 274
	LinkOpenVizsla             LinkType = 278
	LinkEBHSCR                 LinkType = 279
	LinkVPPDispatch            LinkType = 280
	LinkIEEE802_15_4Tap        LinkType = 283
	LinkUSB2_0                 LinkType = 288
	LinkETW                    LinkType = 290
)

// linkTypeNames maps the link types above to their registry names.
var linkTypeNames = map[LinkType]string{
	LinkNull:                   "NULL",
	LinkEthernet:               "ETHERNET",
	LinkRaw:                    "RAW",
	LinkLoop:                   "LOOP",
	LinkLinuxSLL:               "LINUX_SLL",
	LinkIPv4:                   "IPV4",
	LinkIPv6:                   "IPV6",
	LinkLinuxSLL2:              "LINUX_SLL2",
	LinkAX25:                   "AX25",
	LinkIEEE802_5:              "IEEE802_5",
	LinkARCnetBSD:              "ARCNET_BSD",
	LinkSLIP:                   "SLIP",
	LinkPPP:                    "PPP",
	LinkFDDI:                   "FDDI",
	LinkPPPHDLC:                "PPP_HDLC",
	LinkPPPEther:               "PPP_ETHER",
	LinkATMRFC1483:             "ATM_RFC1483",
	LinkCHDLC:                  "C_HDLC",
	LinkIEEE802_11:             "IEEE802_11",
	LinkFrameRelay:             "FRELAY",
	LinkLTalk:                  "LTALK",
	LinkPFLog:                  "PFLOG",
	LinkIEEE802_11Prism:        "IEEE802_11_PRISM",
	LinkIPOverFC:               "IP_OVER_FC",
	LinkSunATM:                 "SUNATM",
	LinkIEEE802_11Radio:        "IEEE802_11_RADIOTAP",
	LinkARCnetLinux:            "ARCNET_LINUX",
	LinkAppleIPOverIEEE1394:    "APPLE_IP_OVER_IEEE1394",
	LinkMTP2WithPHdr:           "MTP2_WITH_PHDR",
	LinkMTP2:                   "MTP2",
	LinkMTP3:                   "MTP3",
	LinkSCCP:                   "SCCP",
	LinkDOCSIS:                 "DOCSIS",
	LinkLinuxIrDA:              "LINUX_IRDA",
	LinkIEEE802_11AVS:          "IEEE802_11_AVS",
	LinkPPPPPPD:                "PPP_PPPD",
	LinkGPRSLLC:                "GPRS_LLC",
	LinkLinuxLAPD:              "LINUX_LAPD",
	LinkBluetoothHCIH4:         "BLUETOOTH_HCI_H4",
	LinkUSBLinux:               "USB_LINUX",
	LinkPPI:                    "PPI",
	LinkIEEE802_15_4WithFCS:    "IEEE802_15_4_WITHFCS",
	LinkERF:                    "ERF",
	LinkBluetoothHCIH4WithPHdr: "BLUETOOTH_HCI_H4_WITH_PHDR",
	LinkLAPD:                   "LAPD",
	LinkPPPWithDir:             "PPP_WITH_DIR",
	LinkCHDLCWithDir:           "C_HDLC_WITH_DIR",
	LinkFrameRelayWithDir:      "FRELAY_WITH_DIR",
	LinkIPMBLinux:              "IPMB_LINUX",
	LinkUSBLinuxMMapped:        "USB_LINUX_MMAPPED",
	LinkFC2:                    "FC_2",
	LinkFC2WithFrameDelims:     "FC_2_WITH_FRAME_DELIMS",
	LinkIPNet:                  "IPNET",
	LinkCANSocketCAN:           "CAN_SOCKETCAN",
	LinkIEEE802_15_4NoFCS:      "IEEE802_15_4_NOFCS",
	LinkDBus:                   "DBUS",
	LinkNFLog:                  "NFLOG",
	LinkNetAnalyzer:            "NETANALYZER",
	LinkNetAnalyzerTransparent: "NETANALYZER_TRANSPARENT",
	LinkIPoIB:                  "IPOIB",
	LinkMPEG2TS:                "MPEG_2_TS",
	LinkInfiniBand:             "INFINIBAND",
	LinkSCTP:                   "SCTP",
	LinkUSBPcap:                "USBPCAP",
	LinkBluetoothLELL:          "BLUETOOTH_LE_LL",
	LinkNetlink:                "NETLINK",
	LinkBluetoothLinuxMonitor:  "BLUETOOTH_LINUX_MONITOR",
	LinkPKTAP:                  "PKTAP",
	LinkEPON:                   "EPON",
	LinkUSBDarwin:              "USB_DARWIN",
	LinkVSock:                  "VSOCK",
	LinkNordicBLE:              "NORDIC_BLE",
	LinkEthernetMPacket:        "ETHERNET_MPACKET",
	LinkOpenVizsla:             "OPENVIZSLA",
	LinkEBHSCR:                 "EBHSCR",
	LinkVPPDispatch:            "VPP_DISPATCH",
	LinkIEEE802_15_4Tap:        "IEEE802_15_4_TAP",
	LinkUSB2_0:                 "USB_2_0",
	LinkETW:                    "ETW",
}

// String returns the registry name without the LINKTYPE_ prefix
// ("ETHERNET", "LINUX_SLL2"), or "Unknown(N)" for a value not named here
// (including the private-use values 147-162, LINKTYPE_USER0-15, whose
// meaning depends on who wrote the file).
func (l LinkType) String() string {
	if s, ok := linkTypeNames[l]; ok {
		return s
	}
	return "Unknown(" + strconv.Itoa(int(l)) + ")"
}
