//go:build linux

// Command blast sends a fixed number of identical IPv6/UDP port 500 frames
// at a fixed rate on one interface through a packet socket (packet(7)),
// for scripts/bench-capture.sh. It is meant to run inside a network
// namespace made for the benchmark (ip netns exec), on a veth: never on a
// host interface.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	ifname := flag.String("i", "", "interface to send on")
	rate := flag.Int("rate", 100000, "frames per second")
	count := flag.Int("count", 100000, "frames to send")
	size := flag.Int("size", 128, "frame size in bytes (at least 62)")
	flag.Parse()
	if err := run(*ifname, *rate, *count, *size); err != nil {
		fmt.Fprintln(os.Stderr, "blast:", err)
		os.Exit(1)
	}
}

func run(ifname string, rate, count, size int) error {
	if ifname == "" || rate <= 0 || count <= 0 || size < 62 {
		return fmt.Errorf("usage: blast -i IFACE -rate PPS -count N [-size BYTES]")
	}
	ifc, err := net.InterfaceByName(ifname)
	if err != nil {
		return err
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	// Bypass the qdisc (PACKET_QDISC_BYPASS): the rate is the sender's.
	_ = unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_QDISC_BYPASS, 1)
	sa := &unix.SockaddrLinklayer{Ifindex: ifc.Index, Halen: 6}
	frame := make([]byte, size)
	copy(frame, []byte{0x33, 0x33, 0, 0, 0, 1, 0x02, 0x76, 0x36, 0, 0, 2, 0x86, 0xdd})
	ip := frame[14:]
	ip[0] = 0x60
	binary.BigEndian.PutUint16(ip[4:], uint16(size-14-40))
	ip[6], ip[7] = 17, 1
	copy(ip[8:], net.ParseIP("fe80::2"))
	copy(ip[24:], net.ParseIP("ff02::1"))
	udp := ip[40:]
	binary.BigEndian.PutUint16(udp, 500)
	binary.BigEndian.PutUint16(udp[2:], 500)
	binary.BigEndian.PutUint16(udp[4:], uint16(size-14-40))

	// Send in 1 ms slices: rate/1000 frames, then wait for the next slice.
	start := time.Now()
	sent, nobufs := 0, 0
	for sent < count {
		due := int(time.Since(start).Seconds()*float64(rate)) + 1
		if due > count {
			due = count
		}
		if sent >= due {
			time.Sleep(200 * time.Microsecond)
			continue
		}
		for sent < due {
			if err := unix.Sendto(fd, frame, 0, sa); err != nil {
				if err == unix.ENOBUFS || err == unix.EAGAIN {
					nobufs++
					continue
				}
				return err
			}
			sent++
		}
	}
	el := time.Since(start)
	fmt.Printf("sent %d frames in %.3fs: %.0f frames/s (%d ENOBUFS retries)\n", sent, el.Seconds(), float64(sent)/el.Seconds(), nobufs)
	return nil
}
