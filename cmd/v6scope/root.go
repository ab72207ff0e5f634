package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Exit codes (docs/cli.md).
const (
	exitOK      = 0
	exitUsage   = 1 // bad flags, bad display filter, unknown field
	exitInput   = 2 // the capture could not be opened or is not a capture
	exitDamaged = 3 // the capture is damaged: frames before the damage were printed
)

// exitError carries an exit code with the error a command returns.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

// run builds the command tree and executes it with args; it returns the
// process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != errSilent {
			fmt.Fprintln(stderr, "v6scope:", ee.err)
		}
		return ee.code
	}
	// Cobra's own errors: unknown command or flag.
	fmt.Fprintln(stderr, "v6scope:", err)
	fmt.Fprintln(stderr, "Run 'v6scope --help' for usage.")
	return exitUsage
}

// errSilent marks an error already reported to the user.
var errSilent = errors.New("reported")

type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "v6scope",
		Short: "See how IPv6 transition and mobility protocols behave on the wire",
		Long: `v6scope decodes captures of Neighbor Discovery, MLD, Teredo, Mobile IPv6/NEMO,
IKEv2 and 6in4/6to4/ISATAP tunnels, speaking tshark's field vocabulary.

Run with no arguments to open the bundled mixed capture in the terminal UI
(or, with standard output redirected, to print it as read does).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runDefault()
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newReadCmd(e), newCaptureCmd(e), newAnalyzeCmd(e), newTUICmd(e), newReplayCmd(e), newLabCmd(e), newFieldsCmd(e), newVersionCmd(e))
	return root
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of v6scope and of the Go toolchain that built it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			version, goVersion := "(devel)", "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
				if bi.Main.Version != "" {
					version = bi.Main.Version
				}
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" && version == "(devel)" {
						version = "(devel) " + s.Value
					}
				}
			}
			fmt.Fprintf(e.stdout, "v6scope %s\nbuilt with %s\n", version, goVersion)
			return nil
		},
	}
}
