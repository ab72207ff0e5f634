package dissect

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"
)

// sum16 is RFC 1071's definition, 16 bits at a time, for checking Sum.
func sum16(b []byte) uint16 {
	var s uint64
	for i := 0; i+1 < len(b); i += 2 {
		s += uint64(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint64(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

func TestSumMatchesRFC1071(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		if n%7 == 0 {
			for i := range b {
				b[i] = 0xff // worst case for carries
			}
		}
		if got, want := Fold(Sum(0, b)), sum16(b); got != want {
			t.Errorf("len %d: Fold(Sum) = %#04x, RFC 1071 gives %#04x", n, got, want)
		}
	}
	// A 64 KiB message of 0xff bytes must not overflow the running sum.
	big := make([]byte, 65535)
	for i := range big {
		big[i] = 0xff
	}
	if got, want := Fold(Sum(0xffffffff, big)), sum16(big); got != want {
		t.Errorf("64 KiB of 0xff after a full running sum: %#04x, want %#04x", got, want)
	}
}

func TestTimeFieldWithoutTimestamp(t *testing.T) {
	info := &FieldInfo{Name: "frame.time_epoch", Kind: EpochTime}
	var tr Tree
	tr.Reset(nil)
	tr.Time(info, time.Time{})
	if got := tr.Fields[0].Value(); got != "0.000000000" {
		t.Errorf("zero time prints %q, want 0.000000000 (the epoch)", got)
	}
	tr.Time(info, time.Unix(1795534207, 871749885))
	if got := tr.Fields[1].Value(); got != "1795534207.871749885" {
		t.Errorf("time prints %q", got)
	}
}
