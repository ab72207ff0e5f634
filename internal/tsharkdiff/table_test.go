package tsharkdiff

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fields  []string
		in      string
		want    [][]string
		wantErr string // substring of the error; "" means success
	}{
		{name: "no frames", fields: []string{"frame.number"}, in: "", want: nil},
		{name: "one field", fields: []string{"frame.number"}, in: "1\n2\n", want: [][]string{{"1"}, {"2"}}},
		{
			name:   "empty cells",
			fields: []string{"frame.number", "ipv6.src", "icmpv6.type"},
			in:     "1\t\t\n2\tfe80::1\t135\n\t\t\n",
			want:   [][]string{{"1", "", ""}, {"2", "fe80::1", "135"}, {"", "", ""}},
		},
		{
			name:   "every occurrence joined with comma",
			fields: []string{"frame.number", "icmpv6.opt.type"},
			in:     "3\t1,3,5\n",
			want:   [][]string{{"3", "1,3,5"}},
		},
		{
			name:   "spaces and quotes are data",
			fields: []string{"a", "b"},
			in:     " x \t\"y\"\n",
			want:   [][]string{{" x ", "\"y\""}},
		},
		{name: "too few cells", fields: []string{"a", "b"}, in: "1\t2\n3\n", wantErr: "line 2 (frame 2) has 1 tab-separated cells, want 2"},
		{name: "too many cells", fields: []string{"a"}, in: "1\t2\n", wantErr: "line 1 (frame 1) has 2 tab-separated cells, want 1"},
		{name: "cut short", fields: []string{"a"}, in: "1\n2", wantErr: "line 2 (\"2\") has no final newline"},
		{name: "carriage return is not stripped", fields: []string{"a", "b"}, in: "1\t2\r\n", want: [][]string{{"1", "2\r"}}},
		{name: "no fields", fields: nil, in: "1\n", wantErr: "no fields given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in), tc.fields)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if !reflect.DeepEqual(got.Fields, tc.fields) {
				t.Errorf("Fields = %q, want %q", got.Fields, tc.fields)
			}
			if !reflect.DeepEqual(got.Rows, tc.want) {
				t.Errorf("Rows = %q, want %q", got.Rows, tc.want)
			}
		})
	}
}

func TestParseLongLine(t *testing.T) {
	long := strings.Repeat("1,", 100_000) + "1"
	got, err := Parse(strings.NewReader("7\t"+long+"\n"), []string{"frame.number", "icmpv6.opt.type"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Rows[0][1] != long {
		t.Errorf("long cell came back with %d bytes, want %d", len(got.Rows[0][1]), len(long))
	}
}

func TestCapBufferMeaningful(t *testing.T) {
	c := &capBuffer{max: 1 << 10}
	c.Write([]byte("Running as user \"root\" and group \"root\". This could be dangerous.\n"))
	c.Write([]byte("tshark: Some fields aren't valid:\n\tnosuch.field\n"))
	if got, want := c.meaningful(), "tshark: Some fields aren't valid: nosuch.field"; got != want {
		t.Errorf("meaningful() = %q, want %q", got, want)
	}
	small := &capBuffer{max: 4}
	if n, err := small.Write([]byte("abcdefgh")); n != 8 || err != nil {
		t.Errorf("Write = %d, %v; want 8, nil (a full buffer still accepts writes)", n, err)
	}
	if got := small.buf.String(); got != "abcd" {
		t.Errorf("kept %q, want %q", got, "abcd")
	}
}
