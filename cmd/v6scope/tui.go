package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/pcaps"
	"github.com/v6scope/v6scope/tui"
	"github.com/v6scope/v6scope/tui/model"
	"golang.org/x/term"
)

// tuiDefault is the bundled capture `v6scope` and `v6scope tui` open when
// no file is named: every protocol side by side.
const tuiDefault = "mixed.pcapng"

type tuiOptions struct {
	filter  string
	timeFmt string
	light   bool
	live    liveOptions // -i: a live capture (tui_live.go)
	write   string      // -w, with -i
}

func newTUICmd(e *env) *cobra.Command {
	o := &tuiOptions{}
	cmd := &cobra.Command{
		Use:   "tui [FILE | -i IFACE [-w FILE.pcapng]]",
		Short: "Browse a capture in the terminal UI: packets, fields, bytes, sessions, explanations",
		Long: `Open a capture in the terminal UI: the packet list, the field tree with each
field's explanation and RFC section, the bytes, what each message is for, and the
sessions the analysis found with their state diagrams, transition logs and ladder
diagrams. Press ? for the keys (docs/tui.md).

With no FILE, the bundled mixed capture (pcaps/mixed.pcapng, embedded in the
binary) is opened. With -i, the UI shows a live capture as it grows, analysed
as it happens: the list follows new packets (A turns that off and on), the
status line shows the kernel's captured and dropped counts, -w also keeps the
capture in a pcapng file, and q or Ctrl-C stops it with every frame written.
Live capture takes the flags of v6scope capture (-i, -f, --all, -s, -p, -B,
-a) and fails as it does (docs/capture.md). The UI needs a terminal: with standard output redirected it
exits with an error (use v6scope read to print a capture).`,
		Example: `  v6scope tui
  v6scope tui -Y 'icmpv6.type == 135' pcaps/kernel-nd-mld.pcapng
  v6scope tui -t ad capture.pcapng
  sudo v6scope tui -i eth0 -w eth0.pcapng`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(o.live.ifaces) > 0 {
				if len(args) > 0 {
					return usageErr("give a FILE or -i IFACE, not both")
				}
				return e.runTUILive(o)
			}
			if o.write != "" {
				return usageErr("-w writes a live capture: give -i IFACE too")
			}
			if !isTerminal(e.stdout) {
				return usageErr("tui needs a terminal, but standard output is not one; to print a capture, use v6scope read FILE")
			}
			file := ""
			if len(args) == 1 {
				file = args[0]
			}
			return e.runTUI(file, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.filter, "display-filter", "Y", "", "start with this display filter (docs/filters.md)")
	f.StringVarP(&o.timeFmt, "time-format", "t", "r", "time column: r, a, ad, adoy, d, dd, e, u, ud, udoy (as tshark)")
	f.BoolVar(&o.light, "light", false, "start with the light theme (L switches)")
	o.live.addFlags(cmd)
	f.StringVarP(&o.write, "write", "w", "", "with -i, also write the captured frames to this pcapng file")
	return cmd
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (e *env) runTUI(file string, o *tuiOptions) error {
	tf, err := output.ParseTimeFormat(o.timeFmt)
	if err != nil {
		return usageErr("%v", err)
	}
	if o.filter != "" {
		if _, msg := model.Check(o.filter); msg != "" {
			return usageErr("display filter %q: %s", o.filter, msg)
		}
	}
	var src *model.FileSource
	if file == "" {
		src, err = model.OpenFS(pcaps.FS, tuiDefault, "bundled "+tuiDefault)
	} else {
		src, err = model.OpenFile(file)
	}
	if err != nil {
		return &exitError{exitInput, err}
	}
	defer src.Close()
	app, err := tui.New(tui.Options{Source: src, Filter: o.filter, TimeFormat: tf, Light: o.light, Analyzer: analyzer()})
	if err != nil {
		return usageErr("%v", err)
	}
	if err := app.Run(); err != nil {
		return &exitError{exitInput, fmt.Errorf("terminal UI: %w", err)}
	}
	if src.Warning != nil {
		fmt.Fprintf(e.stderr, "v6scope: warning: %v\n", src.Warning)
	}
	return nil
}
