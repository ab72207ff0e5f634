//go:build linux

package live

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	ateredo "github.com/v6scope/v6scope/analyze/teredo"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/tunnel"
	"github.com/v6scope/v6scope/internal/netns"
)

// Real Teredo and IKEv2 peers on a veth pair, captured live with
// v6scope's own socket and built-in filter. The daemons run the way
// pcaps/regen/teredo-miredo.sh and pcaps/regen/ikev2-strongswan.sh run
// them, one per namespace.

// peerDir makes a scratch directory other users can read: miredo drops
// to its own user before it reads some of its files.
func peerDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "v6s-peers-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// logTail returns the last lines of file, for a failure message.
func logTail(file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return file + ":\n" + strings.Join(lines, "\n")
}

// collectUntilEnd is collect, and on a test's early end stops the
// capture and waits for the reader before openIn's cleanup closes the
// capture under it.
func collectUntilEnd(t *testing.T, c *Capture) *collector {
	col := collect(c, 0)
	t.Cleanup(func() {
		c.Stop()
		select {
		case <-col.done:
		case <-time.After(10 * time.Second):
			t.Error("Next did not return within 10s of Stop")
		}
	})
	return col
}

// udpBound reports whether something in n listens on UDP port.
func udpBound(ctx context.Context, n *netns.NS, port int) bool {
	out, err := n.Exec(ctx, "ss", "-Hlun", fmt.Sprintf("sport = :%d", port))
	return err == nil && len(bytes.TrimSpace(out)) > 0
}

// teredoAddr returns the 2001::/32 address on n's teredo interface.
func teredoAddr(ctx context.Context, n *netns.NS) (netip.Addr, bool) {
	out, err := n.IP(ctx, "-6", "-o", "addr", "show", "dev", "teredo", "scope", "global")
	if err != nil {
		return netip.Addr{}, false
	}
	f := strings.Fields(string(out))
	for i := 0; i+1 < len(f); i++ {
		if f[i] != "inet6" {
			continue
		}
		if p, err := netip.ParsePrefix(f[i+1]); err == nil && tunnel.TeredoPrefix.Contains(p.Addr()) {
			return p.Addr(), true
		}
	}
	return netip.Addr{}, false
}

// TestLiveMiredoQualification runs miredo-server in one namespace (two
// consecutive IPv4 addresses, as a Teredo server needs) and a miredo
// client in the other, with no NAT between them, and captures the
// client's qualification live on the client's side of the veth. v6scope
// must decode the Router Solicitation with its authentication indicator
// and the Router Advertisement with its origin indication, the engine's
// Teredo tracker must see the client QUALIFIED, and the Teredo address
// miredo configured must encode the server and the client's mapping.
func TestLiveMiredoQualification(t *testing.T) {
	netns.RequirePackages(t, "the live Teredo test needs root, iproute2 (ip, ss) and miredo's client and server",
		netns.Need{Path: "ip", Package: "iproute2"},
		netns.Need{Path: "ss", Package: "iproute2"},
		netns.Need{Path: "miredo", Package: "miredo"},
		netns.Need{Path: "/etc/miredo/client-hook", Package: "miredo"},
		netns.Need{Path: "miredo-server", Package: "miredo-server"})
	if err := netns.EnsureTUN(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	step := func(what string) { t.Logf("%6.2fs %s", time.Since(start).Seconds(), what) }
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()

	const (
		srv1   = "203.0.113.1" // primary; the secondary is primary + 1
		srv2   = "203.0.113.2"
		client = "203.0.113.10"
		port   = 40001
	)
	p := netns.NewPair(ctx, t) // IPv6 stays off on the veth: IPv4 only
	srvNS, cliNS := p.A, p.B
	for _, a := range []struct {
		n    *netns.NS
		addr string
	}{{srvNS, srv1}, {srvNS, srv2}, {cliNS, client}} {
		if _, err := a.n.IP(ctx, "addr", "add", a.addr+"/24", "dev", p.If); err != nil {
			t.Fatal(err)
		}
	}
	dir := peerDir(t)
	write := func(name, text string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}

	srvConf := write("server.conf", "ServerBindAddress "+srv1+"\n")
	srvLog := filepath.Join(dir, "server.log")
	srvOut, err := os.Create(srvLog)
	if err != nil {
		t.Fatal(err)
	}
	defer srvOut.Close()
	server, err := srvNS.Start(ctx, srvOut, srvOut, "miredo-server", "-f", "-c", srvConf, "-p", filepath.Join(dir, "server.pid"))
	if err != nil {
		t.Fatal(err)
	}
	defer server.Stop(3 * time.Second)
	waitCtx, waitCancel := context.WithTimeout(ctx, 10*time.Second)
	bound := waitFor(waitCtx, func() bool { return udpBound(ctx, srvNS, 3544) })
	waitCancel()
	if !bound {
		t.Fatalf("miredo-server did not bind UDP 3544 within 10s\n%s", logTail(srvLog))
	}
	step("miredo-server listening")

	c := openIn(t, cliNS, Options{Interfaces: []string{p.If}})
	col := collectUntilEnd(t, c)

	cliConf := write("client.conf", fmt.Sprintf("RelayType client\nInterfaceName teredo\nServerAddress %s\nBindPort %d\n", srv1, port))
	cliLog := filepath.Join(dir, "client.log")
	cliOut, err := os.Create(cliLog)
	if err != nil {
		t.Fatal(err)
	}
	defer cliOut.Close()
	cl, err := cliNS.Start(ctx, cliOut, cliOut, "miredo", "-f", "-c", cliConf, "-p", filepath.Join(dir, "client.pid"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Stop(3 * time.Second)
	var addr netip.Addr
	waitCtx, waitCancel = context.WithTimeout(ctx, 20*time.Second)
	qualified := waitFor(waitCtx, func() bool {
		var ok bool
		addr, ok = teredoAddr(ctx, cliNS)
		return ok
	})
	waitCancel()
	if !qualified {
		t.Fatalf("the miredo client got no Teredo address within 20s\n%s\n%s", logTail(cliLog), logTail(srvLog))
	}
	step("client qualified: " + addr.String())
	frames := col.stop(t, c)
	st, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	step(fmt.Sprintf("capture stopped: %d frames; kernel: %d received, %d dropped", len(frames), st.Received, st.Dropped))
	if st.Dropped != 0 || st.Captured != uint64(len(frames)) {
		t.Errorf("stats %+v, %d frames read", st, len(frames))
	}

	ta, ok := tunnel.ParseTeredo(addr)
	want := netip.AddrPortFrom(netip.MustParseAddr(client), port) // no NAT: the mapping is the client's own endpoint
	if !ok || ta.Server != netip.MustParseAddr(srv1) || netip.AddrPortFrom(ta.Client, ta.Port) != want {
		t.Errorf("Teredo address %s holds %+v; want server %s, mapping %s", addr, ta, srv1, want)
	}

	d := decode.New()
	rec := &recorder{}
	eng := analyze.New(rec)
	eng.Add(ateredo.New(eng, ateredo.Config{}))
	var (
		pk      decode.Packet
		decoded = make([]gopacket.LayerType, 0, 16)
		rsAuth  int
		raOrig  int
		seen    []string
	)
	for _, f := range frames {
		f.Data = f.data
		d.Decode(&f.Frame, &pk)
		typ := icmpv6Type(&pk)
		seen = append(seen, fmt.Sprintf("%d %s: %s", f.Number, pk.Summary.Protocol, pk.Summary.Info))
		switch {
		case typ == "133" && pk.Tree.Find("teredo.auth") != nil && pk.Tree.Find("teredo.auth.nonce") != nil:
			rsAuth++
		case typ == "134" && pk.Tree.Find("teredo.orig") != nil:
			raOrig++
			op, oa := pk.Tree.Find("teredo.orig.port"), pk.Tree.Find("teredo.orig.addr")
			if op == nil || oa == nil || oa.Value() != client || op.Value() != fmt.Sprint(port) {
				t.Errorf("frame %d: RA's origin indication is not the client's endpoint %s: %s", f.Number, want, pk.Summary.Info)
			}
		}
		_ = d.Fast(&f.Frame, &decoded)
		eng.Observe(&f.Frame, decoded, d)
	}
	eng.Finish()
	if rsAuth == 0 {
		t.Errorf("no Router Solicitation with an authentication indicator decoded; frames:\n%s", strings.Join(seen, "\n"))
	}
	if raOrig == 0 {
		t.Errorf("no Router Advertisement with an origin indication decoded; frames:\n%s", strings.Join(seen, "\n"))
	}
	if !slices.Contains(rec.to, "teredo client QUALIFIED") {
		t.Errorf("the Teredo tracker never saw the client QUALIFIED; transitions: %v", rec.to)
	}
	step(fmt.Sprintf("decoded: %d RS with authentication, %d RA with origin indication; transitions %v", rsAuth, raOrig, rec.to))
}

// charon is where Debian's strongswan-charon installs the IKE daemon.
const charon = "/usr/lib/ipsec/charon"

// strongSwanPlugins are the plugins each charon loads: no more than a PSK
// IKE SA with MODP-2048 and a CHILD_SA in userspace ESP (kernel-libipsec,
// a TUN device) need, so the test works where the kernel has no ESP.
const strongSwanPlugins = "random nonce aes sha1 sha2 hmac kdf gmp kernel-libipsec kernel-netlink socket-default vici"

// strongSwanConf is one node's strongswan.conf: its vici socket and log
// in its own directory.
func strongSwanConf(dir string) string {
	return `charon {
	load_modular = no
	load = ` + strongSwanPlugins + `
	retransmit_timeout = 2.0
	retransmit_base = 1.5
	retransmit_tries = 2
	install_virtual_ip = no
	plugins {
		vici {
			socket = unix://` + dir + `/charon.vici
		}
		kernel-netlink {
			roam_events = no
		}
	}
	filelog {
		main {
			path = ` + dir + `/charon.log
			time_format = %s
			ike_name = yes
			append = no
			flush_line = yes
			default = 1
			mgr = 2
			net = 2
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
}
swanctl {
	load = random pem pkcs1 pkcs8 x509 pubkey gmp sha1 sha2
}
`
}

// swanctlConf is one side of a PSK connection "psk" over IPv6 between
// local and remote, its CHILD_SA between the inner addresses (a tunnel
// between the IKE addresses themselves would take the IKE traffic in).
func swanctlConf(local, remote, innerLocal, innerRemote netip.Addr, initiator bool) string {
	me, peer, remoteAddrs, encap := "res", "ini", "", ""
	if initiator {
		me, peer = "ini", "res"
		remoteAddrs = "\t\tremote_addrs = " + remote.String() + "\n"
		// userspace IPsec only does ESP in UDP: force it (fakes NAT-D)
		encap = "\t\tencap = yes\n"
	}
	return `connections {
	psk {
		local_addrs = ` + local.String() + "\n" + remoteAddrs + encap + `		proposals = aes128-sha256-modp2048
		mobike = no
		rekey_time = 0
		local {
			auth = psk
			id = ` + me + `.v6scope.test
		}
		remote {
			auth = psk
			id = ` + peer + `.v6scope.test
		}
		children {
			psk {
				local_ts = ` + innerLocal.String() + `/128
				remote_ts = ` + innerRemote.String() + `/128
				esp_proposals = aes128-sha256
				rekey_time = 0
			}
		}
	}
}
secrets {
	ike-psk {
		id-ini = ini.v6scope.test
		id-res = res.v6scope.test
		secret = "v6scope live test, not a secret"
	}
}
`
}

// strongSwan is one charon in its namespace.
type strongSwan struct {
	t    *testing.T
	dir  string
	proc *netns.Proc
}

// startCharon writes the node's configuration to dir, starts charon in n
// with a private /run (charon insists on /run/charon.pid; `ip netns
// exec` gives it a mount namespace of its own) and loads the connection.
func startCharon(ctx context.Context, t *testing.T, n *netns.NS, dir, swanctl string) *strongSwan {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "swanctl"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "strongswan.conf"), []byte(strongSwanConf(dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "swanctl", "swanctl.conf"), []byte(swanctl), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, "charon.out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	proc, err := n.Start(ctx, out, out, "sh", "-c", `mount -t tmpfs -o size=1m v6s-run /run && exec env STRONGSWAN_CONF="$1" "$2"`,
		"charon", filepath.Join(dir, "strongswan.conf"), charon)
	if err != nil {
		t.Fatal(err)
	}
	s := &strongSwan{t: t, dir: dir, proc: proc}
	t.Cleanup(func() { _ = proc.Stop(3 * time.Second) })
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	up := waitFor(waitCtx, func() bool {
		fi, err := os.Stat(filepath.Join(dir, "charon.vici"))
		return err == nil && fi.Mode()&os.ModeSocket != 0
	})
	cancel()
	if !up {
		t.Fatalf("charon in %s opened no vici socket within 10s\n%s\n%s", n.Name, logTail(filepath.Join(dir, "charon.out")), logTail(filepath.Join(dir, "charon.log")))
	}
	if out, err := s.swanctl(ctx, "--load-all", "--file", filepath.Join(dir, "swanctl", "swanctl.conf")); err != nil {
		t.Fatalf("swanctl --load-all: %v\n%s", err, out)
	}
	return s
}

// swanctl runs swanctl against this charon (over its vici socket: a
// file, reachable from any network namespace).
func (s *strongSwan) swanctl(ctx context.Context, cmd string, args ...string) ([]byte, error) {
	c := exec.CommandContext(ctx, "swanctl", append([]string{cmd, "--uri", "unix://" + s.dir + "/charon.vici"}, args...)...)
	c.Env = append(os.Environ(), "SWANCTL_DIR="+filepath.Join(s.dir, "swanctl"), "STRONGSWAN_CONF="+filepath.Join(s.dir, "strongswan.conf"))
	return c.CombinedOutput()
}

var (
	reState = regexp.MustCompile(`\bstate=([A-Z_]+)`)
	reISPI  = regexp.MustCompile(`\binitiator-spi=([0-9a-f]+)`)
	reRSPI  = regexp.MustCompile(`\bresponder-spi=([0-9a-f]+)`)
)

// sa returns the state and SPIs (hex) of IKE SA "psk" as charon lists it.
func (s *strongSwan) sa(ctx context.Context) (state, ispi, rspi string) {
	out, _ := s.swanctl(ctx, "--list-sas", "--ike", "psk", "--raw")
	get := func(re *regexp.Regexp) string {
		if m := re.FindSubmatch(out); m != nil {
			return string(m[1])
		}
		return ""
	}
	return get(reState), get(reISPI), get(reRSPI)
}

// TestLiveStrongSwanIKESAInit runs two charon daemons, one per namespace,
// with a PSK connection over IPv6 between them, and captures live on the
// initiator's side while it initiates. v6scope must decode the
// IKE_SA_INIT request and response, the response must answer the
// request's SPI with one of its own, and both must be the SPIs of the IKE
// SA that both daemons then list as ESTABLISHED.
func TestLiveStrongSwanIKESAInit(t *testing.T) {
	const plugins = "/usr/lib/ipsec/plugins/libstrongswan-"
	netns.RequirePackages(t, "the live IKEv2 test needs root, iproute2 and strongSwan (charon, swanctl, kernel-libipsec)",
		netns.Need{Path: "ip", Package: "iproute2"},
		netns.Need{Path: charon, Package: "strongswan-charon"},
		netns.Need{Path: "swanctl", Package: "strongswan-swanctl"},
		netns.Need{Path: plugins + "vici.so", Package: "strongswan-swanctl"},
		netns.Need{Path: plugins + "kernel-libipsec.so", Package: "libcharon-extra-plugins"})
	if err := netns.EnsureTUN(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	step := func(what string) { t.Logf("%6.2fs %s", time.Since(start).Seconds(), what) }
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()

	addrI, addrR := netip.MustParseAddr("2001:db8:1ce::a"), netip.MustParseAddr("2001:db8:1ce::b")
	innerI, innerR := netip.MustParseAddr("2001:db8:1ce:1::a"), netip.MustParseAddr("2001:db8:1ce:1::b")
	p := netns.NewPair(ctx, t)
	ini, res := p.A, p.B
	for _, a := range []struct {
		n           *netns.NS
		addr, inner netip.Addr
	}{{ini, addrI, innerI}, {res, addrR, innerR}} {
		for _, kv := range [][2]string{{"accept_ra", "0"}, {"router_solicitations", "0"}, {"disable_ipv6", "0"}} {
			if err := a.n.Sysctl(ctx, "net.ipv6.conf."+p.If+"."+kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.n.IP(ctx, "-6", "addr", "add", a.addr.String()+"/64", "dev", p.If, "nodad"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.n.IP(ctx, "-6", "addr", "add", a.inner.String()+"/128", "dev", p.If, "nodad"); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	sRes := startCharon(ctx, t, res, filepath.Join(dir, "res"), swanctlConf(addrR, addrI, innerR, innerI, false))
	sIni := startCharon(ctx, t, ini, filepath.Join(dir, "ini"), swanctlConf(addrI, addrR, innerI, innerR, true))
	step("charon up in both namespaces")

	c := openIn(t, ini, Options{Interfaces: []string{p.If}})
	col := collectUntilEnd(t, c)
	initCtx, initCancel := context.WithTimeout(ctx, 20*time.Second)
	out, err := sIni.swanctl(initCtx, "--initiate", "--ike", "psk", "--child", "psk", "--timeout", "15")
	initCancel()
	if err != nil {
		t.Fatalf("swanctl --initiate: %v\n%s\n%s\n%s", err, out, logTail(filepath.Join(sIni.dir, "charon.log")), logTail(filepath.Join(sRes.dir, "charon.log")))
	}
	step("initiator: IKE SA and CHILD_SA up")
	var iState, iISPI, iRSPI, rState, rISPI, rRSPI string
	waitCtx, waitCancel := context.WithTimeout(ctx, 5*time.Second)
	waitFor(waitCtx, func() bool {
		iState, iISPI, iRSPI = sIni.sa(ctx)
		rState, rISPI, rRSPI = sRes.sa(ctx)
		return iState == "ESTABLISHED" && rState == "ESTABLISHED"
	})
	waitCancel()
	frames := col.stop(t, c)
	st, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	step(fmt.Sprintf("capture stopped: %d frames; kernel: %d received, %d dropped", len(frames), st.Received, st.Dropped))
	if st.Dropped != 0 || st.Captured != uint64(len(frames)) {
		t.Errorf("stats %+v, %d frames read", st, len(frames))
	}
	if iState != "ESTABLISHED" || rState != "ESTABLISHED" {
		t.Fatalf("IKE SA psk: initiator %q, responder %q; want ESTABLISHED on both", iState, rState)
	}
	if iISPI != rISPI || iRSPI != rRSPI {
		t.Errorf("the daemons disagree on the SPIs: initiator %s/%s, responder %s/%s", iISPI, iRSPI, rISPI, rRSPI)
	}

	d := decode.New()
	var (
		pk                  decode.Packet
		reqs, resps         int
		reqISPI             []string
		respISPI, respRSPI  string
		seen                []string
		ikeAuth, ikeAuthAns int
	)
	flag := func(name string) bool { f := pk.Tree.Find(name); return f != nil && f.U != 0 }
	hexOf := func(name string) string {
		if f := pk.Tree.Find(name); f != nil {
			return fmt.Sprintf("%x", f.B)
		}
		return ""
	}
	for _, f := range frames {
		f.Data = f.data
		d.Decode(&f.Frame, &pk)
		seen = append(seen, fmt.Sprintf("%d %s: %s", f.Number, pk.Summary.Protocol, pk.Summary.Info))
		ex := pk.Tree.Find("isakmp.exchangetype")
		if ex == nil {
			continue
		}
		switch ex.Value() {
		case "34": // IKE_SA_INIT
			if pk.Tree.Find("ipv6.src") == nil {
				t.Errorf("frame %d: IKE_SA_INIT not over IPv6: %s", f.Number, pk.Summary.Info)
			}
			if !flag("isakmp.flag_r") {
				reqs++
				if !flag("isakmp.flag_i") || strings.Trim(hexOf("isakmp.rspi"), "0") != "" {
					t.Errorf("frame %d: IKE_SA_INIT request without the I flag or with a responder SPI: %s", f.Number, pk.Summary.Info)
				}
				reqISPI = append(reqISPI, hexOf("isakmp.ispi"))
			} else if strings.Trim(hexOf("isakmp.rspi"), "0") != "" {
				resps++
				respISPI, respRSPI = hexOf("isakmp.ispi"), hexOf("isakmp.rspi")
			}
		case "35": // IKE_AUTH, encrypted, after the move to UDP 4500
			if flag("isakmp.flag_r") {
				ikeAuthAns++
			} else {
				ikeAuth++
			}
		}
	}
	step(fmt.Sprintf("decoded: %d IKE_SA_INIT requests, %d responses, IKE_AUTH %d/%d", reqs, resps, ikeAuth, ikeAuthAns))
	if reqs == 0 || resps == 0 {
		t.Fatalf("IKE_SA_INIT: %d requests and %d responses with a responder SPI decoded; frames:\n%s", reqs, resps, strings.Join(seen, "\n"))
	}
	if !slices.Contains(reqISPI, respISPI) {
		t.Errorf("the IKE_SA_INIT response's initiator SPI %s answers none of the requests' %v", respISPI, reqISPI)
	}
	if respISPI != iISPI || respRSPI != iRSPI {
		t.Errorf("IKE_SA_INIT SPIs %s/%s on the wire, but charon lists the IKE SA as %s/%s", respISPI, respRSPI, iISPI, iRSPI)
	}
	if ikeAuth == 0 || ikeAuthAns == 0 {
		t.Errorf("IKE_AUTH: %d requests, %d responses decoded; frames:\n%s", ikeAuth, ikeAuthAns, strings.Join(seen, "\n"))
	}
}
