// Package transport decodes UDP (RFC 768, RFC 8200 §8.1) and the TCP header
// (RFC 9293 §3.1). UDP picks the protocol that follows from its ports, which
// is how Teredo (3544), IKEv2 (500, 4500) and others are reached.
package transport

import "github.com/v6scope/v6scope/decode/dissect"

var fields dissect.FieldList

// Fields lists every field this package defines.
func Fields() []*dissect.FieldInfo { return fields }
