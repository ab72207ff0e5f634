package ikev2

// Reassembly of IKE fragments (RFC 7383 §2.6). Fragments are decrypted one
// by one; their plaintexts are kept, keyed by the IKE SA's SPIs, the
// Message ID and the I and R flags, until the last one arrives. Memory is
// bounded: at most maxFragMessages messages are pending (the oldest is
// dropped for a new one), each of at most maxFragments fragments and
// maxFragBytes bytes.
const (
	maxFragMessages = 16
	maxFragments    = 128
	maxFragBytes    = 256 << 10
)

type fragKey struct {
	ispi, rspi [8]byte
	msgID      uint32
	flags      uint8
}

type fragEntry struct {
	key    fragKey
	total  uint16
	next   uint8 // first inner payload, from fragment 1
	parts  [][]byte
	frames []int
	have   int
	size   int
}

type reassembler struct {
	pending []*fragEntry // oldest first
	evicted int
	out     []byte
	frames  []int
	lens    []int
}

func newReassembler() *reassembler { return &reassembler{} }

// add stores fragment num of total (its plaintext data, seen in frame) and,
// when the message is complete, returns it with the type of its first
// payload; the returned slice is valid until the next add.
func (r *reassembler) add(k fragKey, num, total uint16, next uint8, data []byte, frame int) ([]byte, uint8, bool) {
	if total > maxFragments {
		return nil, 0, false
	}
	var e *fragEntry
	for i, p := range r.pending {
		if p.key == k {
			e = p
			switch {
			case total > p.total:
				// RFC 7383 §2.6.1: a higher Total Fragments means the
				// sender refragmented; drop what we hold.
				r.pending = append(r.pending[:i], r.pending[i+1:]...)
				e = nil
			case total < p.total:
				return nil, 0, false
			}
			break
		}
	}
	if e == nil {
		if len(r.pending) >= maxFragMessages {
			r.pending = r.pending[1:]
			r.evicted++
		}
		e = &fragEntry{key: k, total: total, parts: make([][]byte, total), frames: make([]int, total)}
		r.pending = append(r.pending, e)
	}
	i := int(num) - 1
	if e.parts[i] != nil || e.size+len(data) > maxFragBytes {
		return nil, 0, false // a retransmitted fragment, or too big
	}
	e.parts[i] = append([]byte{}, data...)
	e.frames[i] = frame
	e.size += len(data)
	e.have++
	if num == 1 {
		e.next = next
	}
	if e.have < int(e.total) {
		return nil, 0, false
	}
	r.out, r.frames, r.lens = r.out[:0], r.frames[:0], r.lens[:0]
	for j, part := range e.parts {
		r.out = append(r.out, part...)
		r.frames = append(r.frames, e.frames[j])
		r.lens = append(r.lens, len(part))
	}
	for j, p := range r.pending {
		if p == e {
			r.pending = append(r.pending[:j], r.pending[j+1:]...)
			break
		}
	}
	return r.out, e.next, true
}
