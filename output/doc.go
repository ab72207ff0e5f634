// Package output prints decoded packets the way tshark does: summary lines,
// the field tree (-V), hex dumps (-x), NDJSON (-T json) and field columns
// (-T fields with tshark's -E options). Everything that came off the wire
// is sanitized before it is written, so a capture cannot drive the
// terminal.
package output
