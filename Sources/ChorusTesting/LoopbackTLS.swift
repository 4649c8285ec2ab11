import NIOSSL

/// A self-signed certificate for `localhost` and 127.0.0.1 (valid until 2126)
/// and its key, for loopback servers that speak TLS. Test material only:
/// a client trusts it only when told to (`trustRoots`).
public enum LoopbackTLS {
    public static let certificatePEM = """
-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUJIMud9btOZJbayKfZNvq6XqPFakwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMzIwMTQ1OVoYDzIxMjYxMTA5
MjAxNDU5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQtMTuRT1r6qndObob/qm7w9cg3yjLJMtShzEuakwcXbF4GMJ518hXL
3x+7KnT0tiOa/1rLCyjZX4VSftVAcN9po28wbTAdBgNVHQ4EFgQU4U5BFLuY/ePr
VdPXUEmyWico6D0wHwYDVR0jBBgwFoAU4U5BFLuY/ePrVdPXUEmyWico6D0wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDRwAwRAIgU071h5PHoN3x+lh4RSUVJ4yPXmDrG7q+FCMUKKLBqKMCIG5A
VzOmQ3lSU8dAjk2fxm1f9KslKT5E2HMYd6dt0reI
-----END CERTIFICATE-----
"""

    static let keyPEM = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgo2+Ayu1LjABJJBIf
rJAP+bdwZLDv9Mqd2buhbQWz7xChRANCAAQtMTuRT1r6qndObob/qm7w9cg3yjLJ
MtShzEuakwcXbF4GMJ518hXL3x+7KnT0tiOa/1rLCyjZX4VSftVAcN9p
-----END PRIVATE KEY-----
"""

    /// The certificate, for a client's trust roots.
    public static func certificate() throws -> NIOSSLCertificate {
        try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
    }

    /// The server side: this certificate and its key.
    static func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try certificate())],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }
}
