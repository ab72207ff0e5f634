// Command ifprefix copies a capture with every interface renamed
// PREFIX+name, so that captures which share interface names (three
// scenarios capture on a bridge called v6s-br0) stay distinct after
// mergecap. pcaps/regen/mixed.sh runs it on each part before merging.
//
//	go run ./pcaps/regen/ifprefix -prefix nd/ -describe "kernel-nd-mld.sh" -o out.pcapng in.pcapng
//
// The copy is one pcapng section written by capture.PcapngWriter:
// interface names, descriptions (if_description becomes "DESCRIBE: name"
// when -describe is given), link types, snapshot lengths and timestamp
// resolutions, then every frame with its time, lengths and comment. The
// section comment is dropped (mixed.sh writes its own). Options the
// writer does not write (if_os, if_filter, epb_flags) are dropped too;
// dumpcap's captures here carry no epb_flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/v6scope/v6scope/capture"
)

func main() {
	prefix := flag.String("prefix", "", "prepended to every interface name")
	describe := flag.String("describe", "", `if_description becomes "DESCRIBE: name"`)
	out := flag.String("o", "", "capture to write")
	flag.Parse()
	if *prefix == "" || *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: ifprefix -prefix P [-describe D] -o OUT IN")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *out, *prefix, *describe); err != nil {
		fmt.Fprintln(os.Stderr, "ifprefix:", err)
		os.Exit(1)
	}
}

func run(in, out, prefix, describe string) error {
	r, err := capture.Open(in)
	if err != nil {
		return err
	}
	defer r.Close()
	// Read everything first: a pcapng file may describe an interface
	// after its first packets, and the writer wants them all up front.
	var frames []capture.Frame
	for {
		var f capture.Frame
		err := r.Next(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		f.Data = slices.Clone(f.Data)
		frames = append(frames, f)
	}
	ifaces := slices.Clone(r.Interfaces())
	for i := range ifaces {
		name := ifaces[i].Name
		if name == "" {
			name = fmt.Sprintf("if%d", i)
		}
		if describe != "" {
			ifaces[i].Description = describe + ": " + name
		}
		ifaces[i].Name = prefix + name
	}

	w, err := os.Create(out)
	if err != nil {
		return err
	}
	pw, err := capture.NewPcapngWriter(w, "", ifaces)
	if err == nil {
		for i := range frames {
			if err = pw.WriteFrame(&frames[i]); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = pw.Flush()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	return nil
}
