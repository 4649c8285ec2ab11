@testable import ChorusServe
import ChorusModels
import Foundation
import HTTPTypes
import Testing

@Suite struct AccessTests {
    @Test func withAKeyEveryRequestNeedsIt() async throws {
        let fixture = try ServeFixture(apiKey: "s3cret-key")
        try await fixture.test { client in
            let missing = try await client.call(.get, "/ok")
            #expect(missing.status == .unauthorized)
            #expect(missing.json["detail"]?.stringValue?.contains("x-api-key") == true)
            #expect(try await client.call(.post, "/threads", [:], headers: [HTTPField.Name("x-api-key")!: "s3cret-kez"]).status == .unauthorized)
            #expect(try await client.call(.get, "/ok", headers: [HTTPField.Name("x-api-key")!: "s3cret-key"]).status == .ok)
        }
    }

    @Test func keysCompareByContentOnly() {
        #expect(APIKeyMiddleware.equal(Array("abc".utf8), Array("abc".utf8)))
        #expect(!APIKeyMiddleware.equal(Array("abc".utf8), Array("abd".utf8)))
        #expect(!APIKeyMiddleware.equal(Array("abc".utf8), Array("abc\0".utf8)))
        #expect(!APIKeyMiddleware.equal([], Array("a".utf8)))
    }

    @Test func listeningBeyondLoopbackNeedsAKey() async throws {
        let options = ServeOptions(host: "0.0.0.0", port: 0, databasePath: "/nonexistent/never-opened.sqlite", model: OfflineChatModel())
        await #expect(throws: ServeError.self) {
            try await ChorusServer.run(options) { _ in }
        }
        #expect(ServeOptions(host: "127.0.0.1", databasePath: "", model: OfflineChatModel()).isLoopback)
        #expect(!ServeOptions(host: "192.168.1.2", databasePath: "", model: OfflineChatModel()).isLoopback)
    }

    @Test func assistantIdsAreNameBasedUUIDs() {
        #expect(NameBasedUUID.v5(namespace: NameBasedUUID.assistantNamespace, name: "chat").uuidString.lowercased()
            == "eb6db400-e3c8-5d06-a834-015cb89efe69")
        // RFC 4122 appendix example (DNS namespace, "www.example.com").
        let dns = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
        #expect(NameBasedUUID.v5(namespace: dns, name: "www.example.com").uuidString.lowercased() == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }
}
