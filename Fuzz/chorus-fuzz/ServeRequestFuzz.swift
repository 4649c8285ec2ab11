import ChorusGraph
@testable import ChorusServe

/// `chorus serve`'s request decoding on any body a client can send: the body
/// is read as a JSON object or refused with a 4xx, never a crash; a run
/// request it accepts names an assistant, keeps the body as its kwargs, has
/// stream modes, and at most one of input and command.
func fuzzServeRequest(_ bytes: [UInt8]) {
    let body: BodyFields
    do {
        body = try WireJSON.fields(bytes)
    } catch let error as APIError {
        precondition((400..<500).contains(error.status.code), "a bad body answered \(error.status)")
        return
    } catch {
        preconditionFailure("the body reader threw \(error), not an APIError")
    }
    for defaults in [[WireStreamMode.values], []] {
        let request: RunRequest
        do {
            request = try RunRequest(body, defaultModes: defaults)
        } catch let error as APIError {
            precondition((400..<500).contains(error.status.code), "a bad run request answered \(error.status)")
            continue
        } catch {
            preconditionFailure("the run request reader threw \(error), not an APIError")
        }
        precondition(!request.assistantId.isEmpty, "a run without an assistant")
        precondition(request.kwargs == body.values, "kwargs are not the body sent")
        precondition(request.input == nil || request.command == nil, "both input and command")
        precondition(!request.engineModes.isEmpty, "a run with no engine modes")
        _ = request.runInput
    }
}
