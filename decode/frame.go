package decode

import (
	"github.com/v6scope/v6scope/decode/dissect"
)

var coreFields dissect.FieldList

var (
	fFrame         = coreFields.Add(dissect.Proto("frame", "Frame", "What the capture file says about the frame: when, how long, on which interface.", ""))
	fFrameTime     = coreFields.Add(dissect.Of("frame.time", "Arrival Time", dissect.AbsTime, "When the frame was captured.", ""))
	fFrameEpoch    = coreFields.Add(dissect.Of("frame.time_epoch", "Epoch Time", dissect.EpochTime, "When the frame was captured, in seconds since 1970-01-01 UTC.", ""))
	fFrameDelta    = coreFields.Add(dissect.Of("frame.time_delta", "Time delta from previous captured frame", dissect.RelTime, "Seconds since the previous frame.", ""))
	fFrameRelative = coreFields.Add(dissect.Of("frame.time_relative", "Time since reference or first frame", dissect.RelTime, "Seconds since the first frame.", ""))
	fFrameNumber   = coreFields.Add(dissect.Of("frame.number", "Frame Number", dissect.FrameNum, "The frame's position in the capture, from 1.", ""))
	fFrameLen      = coreFields.Add(dissect.Dec("frame.len", "Frame Length", "Bytes on the wire.", ""))
	fFrameCapLen   = coreFields.Add(dissect.Dec("frame.cap_len", "Capture Length", "Bytes captured (less than the frame length when the snapshot length cut it).", ""))
	fFrameIface    = coreFields.Add(dissect.Dec("frame.interface_id", "Interface id", "Index of the capture interface (pcapng).", ""))
	fFrameIfName   = coreFields.Add(dissect.Of("frame.interface_name", "Interface name", dissect.String, "Name of the capture interface (pcapng).", ""))
	fFrameComment  = coreFields.Add(dissect.Of("frame.comment", "Comment", dissect.String, "A comment stored with the frame (pcapng).", ""))
	fFrameProtos   = coreFields.Add(dissect.Of("frame.protocols", "Protocols in frame", dissect.String, "The protocols decoded in the frame, outermost first.", ""))
	fFrameEncap    = coreFields.Add(dissect.Dec("frame.encap_type", "Encapsulation type", "Wireshark's encapsulation number for the link type.", ""))
)
