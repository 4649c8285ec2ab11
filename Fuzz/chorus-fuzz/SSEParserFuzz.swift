import ChorusModels

/// The SSE parser on any bytes: never crashes, and the events do not depend
/// on where the network split the stream.
func fuzzSSEParser(_ bytes: [UInt8]) {
    let (payload, chunks) = FuzzInput.chunked(bytes)
    var whole = SSEParser()
    let expected = whole.feed(payload) + whole.finish()
    var split = SSEParser()
    var events: [SSEEvent] = []
    for chunk in chunks { events += split.feed(chunk) }
    events += split.finish()
    precondition(events == expected, "SSE events differ when the stream is split: \(events) vs \(expected)")
}
