// Package model holds the data of v6scope's terminal UI, with no tview or
// tcell import: the frame source (a capture file read through its index, or
// a live capture that grows), the packet list with decoding on demand, the
// display filter run in the background, field-name completion, the
// per-message explanations written for students, the analysis results the
// sessions and anomalies panes show (behind an interface, so the views can
// be tested on a fake), and the text drawings of state machines and ladder
// diagrams.
//
// Everything that came off the wire leaves this package sanitized with
// output.Safe: no control characters or escape sequences. (The widgets
// still escape tview's colour tags.)
package model
