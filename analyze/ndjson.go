package analyze

import (
	"fmt"
	"io"
	"net/netip"
	"reflect"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/output"
)

// JSONWriter is a Sink that writes every record as one line of NDJSON
// (docs/json.md, "v6scope analyze --json"). Text that came off the wire is
// sanitized (output.AppendSafe) before it is quoted.
type JSONWriter struct {
	w   io.Writer
	buf []byte
	err error
	// reasons holds each Reason's code and explanation already encoded:
	// a capture repeats a few dozen reasons thousands of times.
	reasons map[Reason]encodedReason
	// sec and stamp cache the encoded date and time of the last whole
	// second written ("2006-01-02T15:04:05.").
	sec   int64
	stamp []byte
}

type encodedReason struct{ code, explain []byte }

// NewJSONWriter returns a JSONWriter on w. Call Flush at the end.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: w, buf: make([]byte, 0, 64<<10)} }

// Err returns the first write error.
func (j *JSONWriter) Err() error { return j.err }

func (j *JSONWriter) end() {
	j.buf = append(j.buf, "}\n"...)
	if len(j.buf) > 60<<10 {
		j.Flush()
	}
}

// Flush writes what is buffered.
func (j *JSONWriter) Flush() error {
	if j.err == nil && len(j.buf) > 0 {
		_, j.err = j.w.Write(j.buf)
	}
	j.buf = j.buf[:0]
	return j.err
}

// Transition implements Sink.
func (j *JSONWriter) Transition(t *Transition) {
	b := append(j.buf, `{"type":"transition","proto":`...)
	b = appendString(b, t.Proto)
	b = append(b, `,"kind":`...)
	b = appendString(b, t.Kind)
	b = append(b, `,"session":`...)
	b = appendString(b, t.Session)
	b = append(b, `,"frame":`...)
	b = strconv.AppendInt(b, int64(t.Frame), 10)
	b = append(b, `,"time":`...)
	b = j.appendTime(b, t.Time)
	b = append(b, `,"from":`...)
	b = appendString(b, t.From)
	b = append(b, `,"to":`...)
	b = appendString(b, t.To)
	r := j.reason(t.Reason)
	b = append(b, `,"reason":`...)
	b = append(b, r.code...)
	b = append(b, `,"basis":`...)
	b = appendString(b, t.Basis.String())
	b = append(b, `,"evidence":[`...)
	for i, f := range t.Evidence {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(f), 10)
	}
	b = append(b, `],"explain":`...)
	b = append(b, r.explain...)
	j.buf = b
	j.end()
}

// reason returns r encoded, from the cache when r is comparable (every
// Reason of the trackers is a small integer type).
func (j *JSONWriter) reason(r Reason) encodedReason {
	if r == nil || !reflect.TypeOf(r).Comparable() {
		return encodeReason(r)
	}
	if e, ok := j.reasons[r]; ok {
		return e
	}
	if j.reasons == nil {
		j.reasons = make(map[Reason]encodedReason)
	}
	e := encodeReason(r)
	j.reasons[r] = e
	return e
}

func encodeReason(r Reason) encodedReason {
	if r == nil {
		return encodedReason{[]byte(`""`), []byte(`""`)}
	}
	return encodedReason{appendString(nil, r.String()), appendString(nil, r.Explain())}
}

// Anomaly implements Sink.
func (j *JSONWriter) Anomaly(a *Anomaly) {
	b := append(j.buf, `{"type":"anomaly","proto":`...)
	b = appendString(b, a.Proto)
	b = append(b, `,"code":`...)
	b = appendString(b, a.Code)
	b = append(b, `,"severity":`...)
	b = appendString(b, a.Severity.String())
	b = append(b, `,"session":`...)
	b = appendString(b, a.Session)
	b = append(b, `,"frame":`...)
	b = strconv.AppendInt(b, int64(a.Frame), 10)
	b = append(b, `,"time":`...)
	b = j.appendTime(b, a.Time)
	b = append(b, `,"message":`...)
	b = appendString(b, a.Message)
	b = append(b, `,"rfc":`...)
	b = appendString(b, a.RFC)
	j.buf = b
	j.end()
}

// Session implements Sink.
func (j *JSONWriter) Session(s *Session) {
	b := append(j.buf, `{"type":"session","proto":`...)
	b = appendString(b, s.Proto)
	b = append(b, `,"kind":`...)
	b = appendString(b, s.Kind)
	b = append(b, `,"id":`...)
	b = appendString(b, s.ID)
	b = append(b, `,"state":`...)
	b = appendString(b, s.State)
	b = append(b, `,"first_frame":`...)
	b = strconv.AppendInt(b, int64(s.FirstFrame), 10)
	b = append(b, `,"last_frame":`...)
	b = strconv.AppendInt(b, int64(s.LastFrame), 10)
	b = append(b, `,"transitions":`...)
	b = strconv.AppendInt(b, int64(s.Transitions), 10)
	if s.Evicted {
		b = append(b, `,"evicted":true`...)
	}
	b = append(b, `,"attrs":{`...)
	for i, a := range s.Attrs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, a.Key)
		b = append(b, ':')
		b = appendValue(b, a.Val)
	}
	b = append(b, '}')
	j.buf = b
	j.end()
}

// Summary writes the summary record.
func (j *JSONWriter) Summary(st *Stats) {
	b := append(j.buf, `{"type":"summary","packets":`...)
	b = strconv.AppendInt(b, int64(st.Packets), 10)
	b = append(b, `,"first":`...)
	b = appendTime(b, st.First)
	b = append(b, `,"last":`...)
	b = appendTime(b, st.Last)
	b = append(b, `,"duration":`...)
	b = strconv.AppendFloat(b, st.Last.Sub(st.First).Seconds(), 'f', 9, 64)
	b = append(b, `,"protocols":{`...)
	for i := range st.Protos {
		p := &st.Protos[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, p.Proto)
		b = append(b, `:{"transitions":`...)
		b = strconv.AppendInt(b, int64(p.Transitions), 10)
		b = append(b, `,"sessions":`...)
		b = strconv.AppendInt(b, int64(p.Sessions), 10)
		b = append(b, `,"anomalies":{`...)
		for s := range p.Anomalies {
			if s > 0 {
				b = append(b, ',')
			}
			b = appendString(b, Severity(s).String())
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(p.Anomalies[s]), 10)
		}
		b = append(b, `},"evictions":`...)
		b = strconv.AppendInt(b, int64(p.Evictions()), 10)
		b = append(b, `,"tables":{`...)
		for k, t := range p.Tables {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendString(b, t.Kind)
			b = append(b, `:{"live":`...)
			b = strconv.AppendInt(b, int64(t.Live), 10)
			b = append(b, `,"cap":`...)
			b = strconv.AppendInt(b, int64(t.Cap), 10)
			b = append(b, `,"evicted":`...)
			b = strconv.AppendInt(b, int64(t.Evicted), 10)
			b = append(b, '}')
		}
		b = append(b, `},"limits":[`...)
		for k, l := range p.Limits {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendString(b, l)
		}
		b = append(b, "]}"...)
	}
	b = append(b, '}')
	j.buf = b
	j.end()
}

// appendTime appends t as appendTime does, formatting the date and time
// only when the second changes.
func (j *JSONWriter) appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	sec := t.Unix()
	if j.stamp == nil || sec != j.sec {
		j.sec = sec
		j.stamp = t.Truncate(time.Second).AppendFormat(j.stamp[:0], "2006-01-02T15:04:05.")
	}
	b = append(b, '"')
	b = append(b, j.stamp...)
	ns := t.Nanosecond()
	for div := 100000000; div > 0; div /= 10 {
		b = append(b, byte('0'+ns/div%10))
	}
	return append(b, `Z"`...)
}

// appendTime appends t as an RFC 3339 string with nanoseconds, in UTC.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000000000Z07:00")
	return append(b, '"')
}

// appendString appends s as a JSON string. Text that came off the wire is
// sanitized first (output.AppendSafe), then its quotes and backslashes are
// escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		b = append(b, s...)
		return append(b, '"')
	}
	for _, c := range output.AppendSafe(nil, []byte(s)) {
		if c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return appendString(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case bool:
		return strconv.AppendBool(b, x)
	case netip.Addr:
		return appendString(b, x.String())
	case time.Duration:
		return strconv.AppendFloat(b, x.Seconds(), 'f', -1, 64)
	case time.Time:
		return appendTime(b, x)
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		return append(b, ']')
	case []netip.Addr:
		b = append(b, '[')
		for i, a := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, a.String())
		}
		return append(b, ']')
	case fmt.Stringer:
		return appendString(b, x.String())
	}
	return append(b, "null"...)
}
