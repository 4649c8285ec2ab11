import Crypto
import Foundation

/// RFC 4122 name-based UUIDs (version 5, SHA-1), as LangGraph derives an
/// assistant's id from its graph name: `uuid5(NAMESPACE_X500, graph_id)`.
enum NameBasedUUID {
    /// The namespace LangGraph Platform uses for the assistant it makes per graph.
    static let assistantNamespace = UUID(uuidString: "6ba7b821-9dad-11d1-80b4-00c04fd430c8")!

    /// The version-5 UUID of `name` in `namespace` (SHA-1 from swift-crypto: a name's digest, nothing secret).
    static func v5(namespace: UUID, name: String) -> UUID {
        var hash = Insecure.SHA1()
        withUnsafeBytes(of: namespace.uuid) { hash.update(bufferPointer: $0) }
        hash.update(data: Array(name.utf8))
        var digest = Array(hash.finalize())
        digest[6] = (digest[6] & 0x0F) | 0x50
        digest[8] = (digest[8] & 0x3F) | 0x80
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                           digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }
}
