package dissect

import (
	"math"
	"net/netip"
	"time"
)

// Tree collects the fields and expert notes of one frame's full dissection.
// It is reused from frame to frame: Reset keeps the slices' storage, so a
// dissection allocates nothing once the slices have grown.
type Tree struct {
	Fields []Field
	Notes  []Note
	Data   []byte // the frame; every offset is relative to its start
	// Protocols is frame.protocols as Wireshark writes it
	// ("eth:ethertype:ipv6:icmpv6"): Push appends the name of each protocol
	// node, and AddProtocol what has no node of its own.
	Protocols []byte
	// Keep, when set, says which fields to record, by FieldInfo.ID: a
	// printer that shows only some fields (-T fields) sets it so that the
	// others cost nothing. Label nodes and fields without an ID are then
	// left out too. Notes are always recorded in Notes.
	Keep    []bool
	depth   int
	scratch Field // what add returns for a field Keep leaves out
}

// Reset empties the tree for the next frame.
func (t *Tree) Reset(frame []byte) {
	t.Fields = t.Fields[:0]
	t.Notes = t.Notes[:0]
	t.Protocols = t.Protocols[:0]
	t.Data = frame
	t.depth = 0
}

// At returns the offset of sub within the frame. sub must be a slice of the
// frame (as gopacket layers' Contents and Payload are); any other slice gives
// 0.
func (t *Tree) At(sub []byte) int {
	off := cap(t.Data) - cap(sub)
	if off < 0 || off > len(t.Data) {
		return 0
	}
	return off
}

// add appends a node in place (a Field is too big to copy around) and
// returns it for the caller to fill in its value.
func (t *Tree) add(info *FieldInfo, off, length int) *Field {
	if t.Keep != nil && (info == nil || int(info.id) >= len(t.Keep) || !t.Keep[info.id]) {
		t.scratch = Field{}
		return &t.scratch
	}
	n := len(t.Fields)
	if n == cap(t.Fields) {
		t.Fields = append(t.Fields, Field{})
	} else {
		t.Fields = t.Fields[:n+1]
	}
	f := &t.Fields[n]
	*f = Field{Info: info, Depth: t.depth, Offset: off, Length: length}
	return f
}

// Push adds a node and makes the nodes added after it its children, until
// Pop. Use it for protocols (Kind Protocol) and groups of fields.
func (t *Tree) Push(info *FieldInfo, off, length int) *Field {
	f := t.add(info, off, length)
	if info != nil && info.Kind == Protocol {
		t.AddProtocol(info.Name)
	}
	t.depth++
	return f
}

// AddProtocol appends name to Protocols; Push does it for protocol nodes.
func (t *Tree) AddProtocol(name string) {
	if len(t.Protocols) > 0 {
		t.Protocols = append(t.Protocols, ':')
	}
	t.Protocols = append(t.Protocols, name...)
}

// PushLabel is Push for a group that has a text label and no field name.
func (t *Tree) PushLabel(label string, off, length int) *Field {
	f := t.add(nil, off, length)
	f.Label = label
	t.depth++
	return f
}

// Pop ends the children of the last Push.
func (t *Tree) Pop() {
	if t.depth > 0 {
		t.depth--
	}
}

// Uint adds an integer or boolean field.
func (t *Tree) Uint(info *FieldInfo, off, length int, v uint64) *Field {
	f := t.add(info, off, length)
	f.U = v
	return f
}

// Bytes adds a byte-string or link-layer address field. b is not copied.
func (t *Tree) Bytes(info *FieldInfo, off, length int, b []byte) *Field {
	f := t.add(info, off, length)
	f.B = b
	return f
}

// String adds a text field.
func (t *Tree) String(info *FieldInfo, off, length int, s string) *Field {
	f := t.add(info, off, length)
	f.S = s
	return f
}

// Addr adds an IPv4 or IPv6 address field.
func (t *Tree) Addr(info *FieldInfo, off, length int, a netip.Addr) *Field {
	f := t.add(info, off, length)
	f.Addr = a
	return f
}

// Float adds a floating-point field (relative times, deltas).
func (t *Tree) Float(info *FieldInfo, v float64) *Field {
	f := t.add(info, 0, 0)
	f.U = math.Float64bits(v)
	return f
}

// Duration adds a relative time field.
func (t *Tree) Duration(info *FieldInfo, d time.Duration) *Field {
	f := t.add(info, 0, 0)
	f.U = uint64(d)
	return f
}

// Time adds an absolute time field.
func (t *Tree) Time(info *FieldInfo, v time.Time) *Field {
	f := t.add(info, 0, 0)
	if !v.IsZero() { // a frame with no timestamp (pcapng Simple Packet Block) shows 1970, as in Wireshark
		f.U = uint64(v.UnixNano())
	}
	return f
}

// Label adds a text node with no field name.
func (t *Tree) Label(label string, off, length int) *Field {
	f := t.add(nil, off, length)
	f.Label = label
	return f
}

// Note records an expert note and adds it to the tree as an _ws.expert node
// (and _ws.malformed when n.Malformed), so display filters find it as they
// do in Wireshark.
func (t *Tree) Note(n Note) {
	t.Notes = append(t.Notes, n)
	info := ExpertField
	if n.Malformed {
		info = MalformedField
	}
	f := t.add(info, n.Offset, n.Length)
	f.Label = n.Severity.String() + ": " + n.Message + rfcSuffix(n.RFC)
	f.S = n.Code
}

func rfcSuffix(rfc string) string {
	if rfc == "" {
		return ""
	}
	return " [" + rfc + "]"
}

// Find returns the first field named name, or nil.
func (t *Tree) Find(name string) *Field {
	for i := range t.Fields {
		if f := &t.Fields[i]; f.Info != nil && f.Info.Name == name {
			return f
		}
	}
	return nil
}

// noteFields holds the expert note fields, so that they have IDs.
var noteFields FieldList

// Expert note fields, as Wireshark names them.
var (
	ExpertField    = noteFields.Add(&FieldInfo{Name: "_ws.expert", Title: "Expert Info", Kind: String, Explain: "An expert note: something about this packet that a reader should know (malformed, truncated, bad checksum, breaks an RFC rule)."})
	MalformedField = noteFields.Add(&FieldInfo{Name: "_ws.malformed", Title: "Malformed Packet", Kind: String, Explain: "The packet could not be decoded the way its protocol says it is built."})
)

// Add adds a field that has no value of its own (Kind None), such as a
// Pad1 option.
func (t *Tree) Add(info *FieldInfo, off, length int) *Field {
	return t.add(info, off, length)
}
