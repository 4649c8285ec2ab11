import ChorusGraph
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON in and out of the HTTP layer: bodies read with a size limit and
/// parsed into `Value`, responses written as compact JSON.
enum WireJSON {
    /// Reads the request body (at most `limit` bytes) as a JSON object; an
    /// empty body is `{}`. Too large: 413; not JSON or not an object: 422.
    static func object(_ request: Request, limit: Int) async throws -> BodyFields {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "Request body is larger than \(limit) bytes")
        }
        return try fields(Array(buffer.readableBytesView))
    }

    /// A request body's bytes as a JSON object; empty is `{}`; anything else: 422.
    static func fields(_ bytes: [UInt8]) throws -> BodyFields {
        if bytes.isEmpty { return BodyFields([:]) }
        let value: Value
        do {
            value = try JSON.parse(bytes: bytes)
        } catch {
            throw APIError(.unprocessableContent, "Invalid JSON body: \(error)")
        }
        guard let object = value.objectValue else {
            throw APIError(.unprocessableContent, "Invalid request body: expected a JSON object")
        }
        return BodyFields(object)
    }

    /// `{"error": type, "message"}`, how the API reports a run's failure.
    static func failure(type: String, message: String) -> Value {
        .object(["error": .string(type), "message": .string(message)])
    }

    /// The header that gives a page's total (`x-pagination-total`), as the reference.
    static func paginated(_ page: [Value], total: Int) -> Response {
        response(.array(page), headers: [HTTPField.Name("x-pagination-total")!: String(total)])
    }

    static func response(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: JSON.serialize(value, sortKeys: false))))
    }
}
