@testable import App
import Testing

/// The client's address behind reverse proxies (the login throttle and the audit log use it).
@Suite("Client address behind proxies")
struct ClientAddressTests {
    let trusted: Set<String> = ["127.0.0.1", "10.0.0.5"]

    @Test("a peer that is not a trusted proxy is the client, whatever it claims")
    func untrustedPeer() {
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"], trusted: trusted) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: [], trusted: []) == "203.0.113.9")
    }

    @Test("one proxy: the address it appended")
    func oneProxy() {
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.7"], trusted: trusted) == "198.51.100.7")
        // The client's own earlier entries are its claims: the proxy's last entry wins.
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 198.51.100.7"], trusted: trusted) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: [], trusted: trusted) == "127.0.0.1")
    }

    @Test("TLS proxy in front of a load balancer: both stepped over")
    func twoProxies() {
        // nginx (10.0.0.5) appended the client, HAProxy appended nginx.
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.7, 10.0.0.5"], trusted: trusted) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["6.6.6.6", "198.51.100.7", "10.0.0.5"], trusted: trusted) == "198.51.100.7")
        // A forged entry claiming to be a proxy, left of the real client, is never reached.
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["10.0.0.5, 198.51.100.7, 10.0.0.5"], trusted: trusted) == "198.51.100.7")
    }

    @Test("an IPv4-mapped address is the IPv4 address")
    func mapped() {
        #expect(ClientAddress.resolve(peer: "::ffff:127.0.0.1", forwardedFor: ["198.51.100.7, ::FFFF:10.0.0.5"], trusted: trusted) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "::ffff:203.0.113.9", forwardedFor: [], trusted: trusted) == "203.0.113.9")
    }

    @Test("a malformed entry ends the walk at the last proxy")
    func malformed() {
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.7, evil\r\nX: y"], trusted: trusted) == "127.0.0.1")
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, <script>, 10.0.0.5"], trusted: trusted) == "10.0.0.5")
    }
}
