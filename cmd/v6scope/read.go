package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
	"github.com/v6scope/v6scope/decode/ikev2"
	"github.com/v6scope/v6scope/output"
)

type readOptions struct {
	file     string
	verbose  bool
	hex      bool
	count    int
	timeFmt  string
	filter   string
	format   string
	fields   []string
	eopts    []string
	explain  bool
	noNames  bool
	teredo   bool
	ikeKeys  string
	interval time.Duration
}

func newReadCmd(e *env) *cobra.Command {
	o := &readOptions{}
	cmd := &cobra.Command{
		Use:   "read [FILE]",
		Short: "Print the packets of a capture file, as tshark -r does",
		Long: `Print every packet of a pcap or pcapng file (gzip-compressed too; "-" reads
standard input): one summary line each, the field tree with -V, a hex dump with
-x, NDJSON with -T json, or chosen fields with -T fields -e FIELD.

Field names, -E options and the fields output are tshark's. See docs/cli.md,
docs/filters.md and docs/json.md.`,
		Example: `  v6scope read pcaps/kernel-nd-mld.pcapng
  v6scope read -Y 'icmpv6.type == 135' -V capture.pcapng
  v6scope read -T fields -E header=y -e frame.number -e ipv6.src -e icmpv6.type capture.pcap
  zcat capture.pcap.gz | v6scope read -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if o.file != "" && o.file != args[0] {
					return usageErr("two capture files given (%q with -r and %q): give one", o.file, args[0])
				}
				o.file = args[0]
			}
			if o.file == "" {
				return usageErr("no capture file: give one as an argument or with -r (use - for standard input)")
			}
			return e.read(o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "read-file", "r", "", "capture file to read (- for standard input)")
	f.BoolVarP(&o.verbose, "verbose", "V", false, "print the field tree of each packet")
	f.BoolVarP(&o.hex, "hex", "x", false, "print a hex and ASCII dump of each packet")
	f.IntVarP(&o.count, "count", "c", 0, "stop after reading this many packets (0: all)")
	f.StringVarP(&o.timeFmt, "time-format", "t", "r", "time column: r, a, ad, adoy, d, dd, e, u, ud, udoy (as tshark)")
	f.StringVarP(&o.filter, "display-filter", "Y", "", "show only packets that match this display filter (docs/filters.md)")
	f.StringVarP(&o.format, "output", "T", "text", "output format: text, json (NDJSON) or fields")
	f.StringArrayVarP(&o.fields, "field", "e", nil, "with -T fields, a field to print (repeat for more; see v6scope fields)")
	f.StringArrayVarP(&o.eopts, "fields-option", "E", nil, "with -T fields: header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n")
	f.BoolVar(&o.explain, "explain", false, "with -V, explain every field with its RFC section")
	f.BoolVarP(&o.noNames, "no-resolve", "n", false, "accepted for tshark compatibility: v6scope never resolves names")
	f.BoolVar(&o.teredo, "teredo-heuristic", true, "find Teredo on any UDP port by its content, not only on port 3544 (tshark: -o teredo.heuristic_teredo:TRUE); =false to turn off")
	f.StringVar(&o.ikeKeys, "ikev2-keys", "", "decrypt IKEv2 with the keys in FILE: Wireshark's ikev2_decryption_table format (strongSwan's save-keys) or tcpdump's IKEv2 secrets (docs/ikev2.md)")
	return cmd
}

// reader opens the capture named by o.file.
func (e *env) openCapture(name string) (*capture.Reader, error) {
	if name == "-" {
		r, err := capture.NewReader(e.stdin, "standard input")
		if err != nil {
			return nil, &exitError{exitInput, err}
		}
		return r, nil
	}
	r, err := capture.Open(name)
	if err != nil {
		return nil, &exitError{exitInput, err}
	}
	return r, nil
}

func (e *env) read(o *readOptions) error {
	sink, err := newSink(o)
	if err != nil {
		return err
	}
	r, err := e.openCapture(o.file)
	if err != nil {
		return err
	}
	defer r.Close()
	return e.print(r, sink, o)
}

// sink is what read prints, chosen once from the flags.
type sink struct {
	format string
	clock  output.Clock
	fields *output.FieldsFormat
	filter *filter.Filter
	schema *decode.Schema
	o      *readOptions
	// ikeKeys decrypts IKEv2 (--ikev2-keys), nil without.
	ikeKeys *ikev2.KeyTable
}

func newSink(o *readOptions) (*sink, error) {
	s := &sink{format: o.format, o: o, schema: schema()}
	tf, err := output.ParseTimeFormat(o.timeFmt)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	s.clock.Format = tf
	if o.ikeKeys != "" {
		f, err := os.Open(o.ikeKeys)
		if err != nil {
			return nil, &exitError{exitInput, fmt.Errorf("--ikev2-keys: %w", err)}
		}
		s.ikeKeys, err = ikev2.ReadKeyTable(f)
		f.Close()
		if err != nil {
			return nil, &exitError{exitInput, fmt.Errorf("--ikev2-keys %s: %w", o.ikeKeys, err)}
		}
	}
	switch o.format {
	case "text", "json":
		if len(o.fields) > 0 {
			return nil, usageErr("-e is for -T fields; add -T fields")
		}
	case "fields":
		if len(o.fields) == 0 {
			return nil, usageErr("-T fields needs at least one -e FIELD (v6scope fields lists them)")
		}
		for _, name := range o.fields {
			if _, ok := s.schema.Lookup(name); !ok {
				return nil, usageErr("-e %s: %s", name, unknownField(s.schema, name))
			}
		}
		s.fields = output.NewFieldsFormat(o.fields)
		for _, opt := range o.eopts {
			if err := s.fields.SetOption(opt); err != nil {
				return nil, usageErr("%v", err)
			}
		}
	default:
		return nil, usageErr("-T %s: unknown output format; use text, json or fields", o.format)
	}
	if len(o.eopts) > 0 && o.format != "fields" {
		return nil, usageErr("-E is for -T fields; add -T fields")
	}
	if o.filter != "" {
		f, err := filter.Compile(o.filter, s.schema)
		if err != nil {
			var fe *filter.Error
			if errors.As(err, &fe) {
				return nil, usageErr("display filter: %s\n%s", fe.Msg+suggestion(fe.Suggestion), fe.Caret())
			}
			return nil, usageErr("display filter: %v", err)
		}
		s.filter = f
	}
	return s, nil
}

func suggestion(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", s)
}

func unknownField(s *decode.Schema, name string) string {
	msg := "unknown field"
	if near := filter.Suggest(name, s.Names()); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg + "; v6scope fields lists the known ones"
}

func (e *env) print(r *capture.Reader, s *sink, o *readOptions) error {
	w := bufio.NewWriterSize(e.stdout, 256<<10)
	d := decode.New()
	if s.format == "fields" {
		// Only the -e fields are printed: skip the summary, and unless a
		// display filter needs the rest of the tree, record only those.
		d.NoSummary = true
		if s.filter == nil {
			d.KeepOnly(o.fields)
		}
	}
	d.SetHeuristic("teredo", o.teredo)
	d.SetIKEv2Keys(s.ikeKeys)
	d.InterfaceName = func(i int) string {
		if ifs := r.Interfaces(); i < len(ifs) {
			return ifs[i].Name
		}
		return ""
	}
	if ifs := r.Interfaces(); len(ifs) > 0 {
		s.clock.Digits = digits(ifs[0].TSResolution)
	}
	var (
		f       capture.Frame
		p       decode.Packet
		buf     []byte
		read    int
		warned  = map[capture.LinkType]bool{}
		readErr error
	)
	if s.fields != nil && s.fields.Header {
		buf = s.fields.AppendHeader(buf)
	}
	ann := newAnnotator(o)
	for o.count == 0 || read < o.count {
		if err := r.Next(&f); err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
		read++
		if !decode.Supports(f.LinkType) && !warned[f.LinkType] {
			warned[f.LinkType] = true
			fmt.Fprintf(e.stderr, "v6scope: warning: frame %d: link type %s is not supported; its frames are shown as data\n", f.Number, f.LinkType)
		}
		d.Decode(&f, &p)
		ann.observe(&f, &p, d)
		if s.filter != nil && !s.filter.Match(&p.Tree) {
			continue
		}
		buf = s.append(buf, &p)
		if len(buf) > 64<<10 {
			if _, err := w.Write(buf); err != nil {
				return writeErr(err)
			}
			buf = buf[:0]
		}
	}
	if _, err := w.Write(buf); err != nil {
		return writeErr(err)
	}
	if err := w.Flush(); err != nil {
		return writeErr(err)
	}
	if readErr != nil {
		var te *capture.TruncatedError
		if errors.As(readErr, &te) {
			return &exitError{exitDamaged, fmt.Errorf("%w\n(every complete frame before it was printed; the capture was probably cut off while being written or copied)", readErr)}
		}
		return &exitError{exitDamaged, fmt.Errorf("%w (after %d good frames)", readErr, read)}
	}
	return nil
}

// digits is how many decimals times are shown with: the file's resolution.
func digits(res time.Duration) int {
	switch {
	case res <= 0:
		return 6
	case res < time.Microsecond:
		return 9
	case res < time.Millisecond:
		return 6
	}
	return 3
}

func (s *sink) append(buf []byte, p *decode.Packet) []byte {
	switch s.format {
	case "fields":
		return s.fields.AppendRow(buf, p)
	case "json":
		out, err := output.AppendJSON(buf, p)
		if err != nil {
			// Every value is a string or number: this cannot happen.
			panic(err)
		}
		return out
	}
	if s.o.verbose {
		buf = output.AppendTree(buf, p, s.o.explain)
	} else {
		buf = output.AppendSummary(buf, p, &s.clock)
		buf = append(buf, '\n')
	}
	if s.o.hex {
		if s.o.verbose {
			buf = append(buf, '\n')
		}
		buf = output.AppendHex(buf, p.Data)
		buf = append(buf, '\n')
	} else if s.o.verbose {
		buf = append(buf, '\n')
	}
	return buf
}

// writeErr turns a closed pipe (v6scope read … | head) into a quiet exit.
func writeErr(err error) error {
	if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
		return nil
	}
	return &exitError{exitInput, fmt.Errorf("writing output: %w", err)}
}
