package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/v6scope/v6scope/lab"
)

// exitMarks is lab check's status when the answers are not all right.
const exitMarks = 6

func newLabCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Classroom labs: list them, start one in the terminal UI, grade answers",
		Long: `Classroom labs on the bundled captures (docs/labs/). Each lab has objectives,
background, steps in the terminal UI and on the command line, and questions
whose answers v6scope computes from the capture itself.

A lab is named by its number (1), its slug (router-discovery), or, for an
instructor trying a lab of their own, the path of its .yaml file (its capture
is looked for beside it, then among the bundled ones; docs/labs/README.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newLabListCmd(e), newLabShowCmd(e), newLabStartCmd(e), newLabCheckCmd(e), newLabKeyCmd(e))
	return cmd
}

func newLabListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the labs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			labs, err := lab.All()
			if err != nil {
				return &exitError{exitInput, err}
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "N\tSLUG\tTITLE\tCAPTURE\tQUESTIONS\tTIME")
			for _, l := range labs {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%s\n", l.Number, l.Slug, l.Title, l.Capture, len(l.Questions), l.Duration)
			}
			if err := w.Flush(); err != nil {
				return writeErr(err)
			}
			return nil
		},
	}
}

func newLabShowCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "show N",
		Short: "Print a lab's page: objectives, background, steps and questions (Markdown)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, _, err := resolveLab(args[0])
			if err != nil {
				return err
			}
			if _, err := fmt.Fprint(e.stdout, l.Markdown()); err != nil {
				return writeErr(err)
			}
			return nil
		},
	}
}

// resolveLab finds a lab by number, slug or file.
func resolveLab(name string) (*lab.Lab, fs.FS, error) {
	l, fsys, err := lab.Resolve(name)
	if err != nil {
		if lab.IsFile(name) {
			return nil, nil, &exitError{exitInput, err}
		}
		return nil, nil, usageErr("%v", err)
	}
	return l, fsys, nil
}

// labKey computes a lab's answer key from its capture.
func labKey(l *lab.Lab, fsys fs.FS) (*lab.Key, error) {
	env, err := lab.OpenFS(l, fsys)
	if err != nil {
		return nil, &exitError{exitInput, err}
	}
	k, err := l.Compute(env)
	if err != nil {
		return nil, &exitError{exitInput, fmt.Errorf("the answer key cannot be computed from %s:\n%w", l.Capture, err)}
	}
	return k, nil
}

func newLabCheckCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check N ANSWERS.json",
		Short: "Grade a file of answers; exit status 0 on full marks, 6 otherwise",
		Long: `Grade a file of answers against the key computed from the lab's capture.

ANSWERS.json is a JSON object from question id to answer: a string, a number,
or an array for a set ({"ra-count": 6, "router": "fe80::76:36ff:fe00:1"}).
"-" reads standard input. Each question is printed with its mark and the
feedback a student would see (a hint when wrong), then the score.

Exit status: 0 when every answer is right, 6 when not (the report says which),
1 for an unknown lab, 2 when the answers file cannot be read or is not a JSON
object.`,
		Example: `  v6scope lab check 1 answers.json
  v6scope lab check --json router-discovery answers.json | jq .score
  for f in class/*.json; do v6scope lab check 1 "$f" >/dev/null && echo "$f full marks"; done`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, fsys, err := resolveLab(args[0])
			if err != nil {
				return err
			}
			var data []byte
			if args[1] == "-" {
				data, err = io.ReadAll(e.stdin)
			} else {
				data, err = os.ReadFile(args[1])
			}
			if err != nil {
				return &exitError{exitInput, err}
			}
			answers, err := lab.ParseAnswers(data)
			if err != nil {
				return &exitError{exitInput, fmt.Errorf("%s: %w", args[1], err)}
			}
			k, err := labKey(l, fsys)
			if err != nil {
				return err
			}
			rep := k.Check(answers)
			if asJSON {
				b, _ := json.MarshalIndent(rep, "", "  ")
				if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
					return writeErr(err)
				}
			} else if err := writeReport(e, l, rep); err != nil {
				return writeErr(err)
			}
			if !rep.Full() {
				return &exitError{exitMarks, errSilent}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON (lab, title, score, max, results with id, given, correct, points, feedback)")
	return cmd
}

func writeReport(e *env, l *lab.Lab, rep *lab.Report) error {
	fmt.Fprintf(e.stdout, "Lab %d — %s\n\n", l.Number, l.Title)
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, r := range rep.Results {
		mark := "✗"
		if r.Correct {
			mark = "✓"
		}
		given := r.Given
		if !r.Answered {
			given = "(no answer)"
		}
		fmt.Fprintf(w, "%s %s\t%d/%d\t%s\t%s\n", mark, r.ID, r.Points, r.Max, oneLine(given), oneLine(r.Feedback))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, id := range rep.Unknown {
		fmt.Fprintf(e.stdout, "? %s: lab %d has no such question\n", id, l.Number)
	}
	_, err := fmt.Fprintf(e.stdout, "\nscore %d/%d\n", rep.Score, rep.Max)
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func newLabKeyCmd(e *env) *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "key N",
		Short: "Compute a lab's answer key from its capture and print it as an answers file",
		Long: `Compute a lab's answer key from its capture, as lab check and the task pane
do, and print it as an answers file (which lab check grades with full marks).
With -v, print each question's answer with the query that computed it. An
instructor runs it on a new lab file to check every query works: the exit
status is 2, with every problem listed, when one does not.`,
		Example: `  v6scope lab key 3
  v6scope lab key -v mylab.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, fsys, err := resolveLab(args[0])
			if err != nil {
				return err
			}
			k, err := labKey(l, fsys)
			if err != nil {
				return err
			}
			if verbose {
				w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				for _, q := range l.Questions {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", q.ID, q.Type, k.Display(q.ID), q.Answer.Describe(q.Type))
				}
				if err := w.Flush(); err != nil {
					return writeErr(err)
				}
				return nil
			}
			b, _ := json.MarshalIndent(k.AnswersJSON(), "", "  ")
			if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
				return writeErr(err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each answer with the query that computed it")
	return cmd
}

func newLabStartCmd(e *env) *cobra.Command {
	o := &tuiOptions{timeFmt: "r"}
	cmd := &cobra.Command{
		Use:   "start N",
		Short: "Open the terminal UI on a lab's capture with its task pane",
		Long: `Open the terminal UI on the lab's capture with the task pane (key 4): the
questions, a hint for each, an answer field, and immediate feedback on every
answer. Keys 1-3 show the packets, sessions and anomalies screens as usual
(docs/tui.md). The page of the lab (v6scope lab show N, docs/labs/) has the
background and the steps.`,
		Example: `  v6scope lab list
  v6scope lab start 1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !isTerminal(e.stdout) {
				return usageErr("lab start needs a terminal, but standard output is not one; v6scope lab show %s prints the lab", args[0])
			}
			l, fsys, err := resolveLab(args[0])
			if err != nil {
				return err
			}
			return e.runLab(l, fsys, o)
		},
	}
	cmd.Flags().BoolVar(&o.light, "light", false, "start with the light theme (L switches)")
	return cmd
}
