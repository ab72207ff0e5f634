package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func newFieldsCmd(e *env) *cobra.Command {
	var explain bool
	cmd := &cobra.Command{
		Use:   "fields [PREFIX]",
		Short: "List the fields v6scope knows, as tshark -G fields does",
		Long: `List every field name that display filters and -T fields accept: name, type
and description, one per line, tab-separated. With PREFIX, only the fields
whose name starts with it (e.g. "ipv6." or "icmpv6.nd").`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prefix := ""
			if len(args) == 1 {
				prefix = args[0]
			}
			w := bufio.NewWriter(e.stdout)
			n := 0
			for _, f := range schema().Fields() {
				if !strings.HasPrefix(f.Name, prefix) {
					continue
				}
				n++
				fmt.Fprintf(w, "%s\t%s\t%s", f.Name, f.Kind, f.Title)
				if explain {
					fmt.Fprintf(w, "\t%s", f.Explain)
					if f.RFC != "" {
						fmt.Fprintf(w, " [%s]", f.RFC)
					}
				}
				fmt.Fprintln(w)
			}
			if err := w.Flush(); err != nil {
				return writeErr(err)
			}
			if n == 0 {
				return usageErr("no field starts with %q; run v6scope fields to list them all", prefix)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&explain, "explain", false, "add each field's explanation and RFC section")
	return cmd
}
