package decode

import (
	"slices"
	"sort"

	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/icmp"
	"github.com/v6scope/v6scope/decode/ikev2"
	"github.com/v6scope/v6scope/decode/ip"
	"github.com/v6scope/v6scope/decode/link"
	"github.com/v6scope/v6scope/decode/mip6"
	"github.com/v6scope/v6scope/decode/mld"
	"github.com/v6scope/v6scope/decode/nd"
	"github.com/v6scope/v6scope/decode/teredo"
	"github.com/v6scope/v6scope/decode/transport"
	"github.com/v6scope/v6scope/decode/tunnel"
)

// Register plugs every dissector into d: it creates the layers, and fills
// the dispatch tables that take one layer to the next. It is the one place
// where a new protocol decoder is added (ND, MLD, Teredo, Mobile IPv6,
// IKEv2 and the tunnels go here).
func Register(d *Decoder) {
	ctx := &d.ctx
	disp := ctx.Dispatch

	d.add(link.NewEthernet(ctx))
	d.add(link.NewDot1Q(ctx))
	d.add(link.NewSLL(ctx))
	d.add(link.NewSLL2(ctx))
	d.null = link.NewNull()
	d.add(d.null)
	disp.EtherType[link.EtherTypeDot1Q] = dissect.LayerDot1Q
	disp.EtherType[link.EtherTypeQinQ] = dissect.LayerDot1Q
	disp.EtherType[link.EtherTypeIPv4] = dissect.LayerIPv4
	disp.EtherType[link.EtherTypeIPv6] = dissect.LayerIPv6

	d.add(ip.NewIPv4(ctx))
	d.add(ip.NewIPv6(ctx))
	d.add(ip.NewHopByHop(ctx))
	d.add(ip.NewDestOpts(ctx))
	d.add(ip.NewRouting(ctx))
	d.add(ip.NewFragment(ctx))
	d.add(&ip.NoNext{})
	disp.IPProto[ip.ProtoHopByHop] = dissect.LayerHopByHop
	disp.IPProto[ip.ProtoDestOpts] = dissect.LayerDestOpts
	disp.IPProto[ip.ProtoRouting] = dissect.LayerRouting
	disp.IPProto[ip.ProtoFragment] = dissect.LayerFragment
	disp.IPProto[ip.ProtoNoNext] = dissect.LayerNoNext
	disp.IPProto[ip.ProtoIPv4] = dissect.LayerIPv4
	disp.IPProto[ip.ProtoIPv6] = dissect.LayerIPv6

	udp := transport.NewUDP(ctx)
	d.add(udp)
	d.add(&transport.TCP{})
	disp.IPProto[ip.ProtoUDP] = dissect.LayerUDP
	disp.IPProto[ip.ProtoTCP] = dissect.LayerTCP

	d.add(icmp.NewICMPv4(ctx))
	icmp6 := icmp.NewICMPv6(ctx)
	d.add(icmp6)
	disp.IPProto[ip.ProtoICMPv4] = dissect.LayerICMPv4
	disp.IPProto[ip.ProtoICMPv6] = dissect.LayerICMPv6

	d.add(nd.New(ctx, icmp6))
	for _, typ := range nd.Types {
		disp.ICMPv6Type[typ] = dissect.LayerND
	}

	d.add(mld.New(ctx, icmp6))
	for _, typ := range mld.Types {
		disp.ICMPv6Type[typ] = dissect.LayerMLD
	}

	// Teredo (RFC 4380) on its server port, and by content on any other.
	d.add(teredo.New(ctx, udp))
	disp.UDPPort[teredo.Port] = dissect.LayerTeredo
	disp.UDPHeuristic = append(disp.UDPHeuristic, dissect.Heuristic{Name: "teredo", Layer: dissect.LayerTeredo, Match: teredo.Match, Enabled: true})
	// IPv6 in IPv4 or IPv6 (protocol 41): 6in4, 6to4, ISATAP.
	d.add(tunnel.NewIPinIP(ctx))
	disp.IPProto[ip.ProtoIPv6] = dissect.LayerIPinIP

	// IKE (RFC 7296) on UDP 500; on 4500 behind the Non-ESP Marker, beside
	// ESP in UDP and NAT-keepalives (RFC 3948); ESP as IP protocol 50.
	d.add(ikev2.New(ctx, udp))
	d.add(&ikev2.UDPEncap{})
	d.add(&ikev2.ESP{})
	disp.UDPPort[ikev2.Port] = dissect.LayerISAKMP
	disp.UDPPort[ikev2.NATPort] = dissect.LayerUDPEncap
	disp.IPProto[ip.ProtoESP] = dissect.LayerESP

	// Mobile IPv6 and NEMO (RFC 6275, RFC 3963): the Mobility Header, and
	// the draft's next header 62 that Wireshark still decodes.
	d.add(mip6.New(ctx))
	d.add(mip6.NewObsolete(ctx))
	disp.IPProto[mip6.Proto] = dissect.LayerMobility
	disp.IPProto[mip6.ProtoObsolete] = dissect.LayerMobilityOld

	d.add(&payload{})
}

// allFields lists the fields of every registered package.
func allFields() []*dissect.FieldInfo {
	var all []*dissect.FieldInfo
	for _, l := range [][]*dissect.FieldInfo{
		coreFields, link.Fields(), ip.Fields(), transport.Fields(), icmp.Fields(), nd.Fields(), mld.Fields(), teredo.Fields(), tunnel.Fields(), mip6.Fields(), ikev2.Fields(),
		{dissect.ExpertField, dissect.MalformedField},
	} {
		all = append(all, l...)
	}
	return all
}

// Schema is the set of every field v6scope knows: what `v6scope fields`
// lists and what display filters are checked against.
type Schema struct {
	byName map[string]*dissect.FieldInfo
	names  []string
}

// NewSchema collects the fields of every registered dissector.
func NewSchema() *Schema {
	s := &Schema{byName: map[string]*dissect.FieldInfo{}}
	for _, f := range allFields() {
		if _, dup := s.byName[f.Name]; dup {
			continue // the same field reused by two layers (ip.version)
		}
		s.byName[f.Name] = f
		s.names = append(s.names, f.Name)
	}
	sort.Strings(s.names)
	return s
}

// Lookup returns the field named name.
func (s *Schema) Lookup(name string) (*dissect.FieldInfo, bool) {
	f, ok := s.byName[name]
	return f, ok
}

// Names returns every field name, sorted.
func (s *Schema) Names() []string { return slices.Clone(s.names) }

// Fields returns every field, sorted by name.
func (s *Schema) Fields() []*dissect.FieldInfo {
	out := make([]*dissect.FieldInfo, len(s.names))
	for i, n := range s.names {
		out[i] = s.byName[n]
	}
	return out
}
