import Foundation
@testable import App
import Testing

@Suite struct RateLimiterTests {
    @Test("an address gets its attempts a minute, and quiet addresses are forgotten once there are many")
    func limitsAndForgets() async {
        let limiter = RateLimiter(perMinute: 3)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for _ in 0..<3 { #expect(await limiter.allow("10.0.0.1", now: start)) }
        #expect(await !limiter.allow("10.0.0.1", now: start.addingTimeInterval(30)))
        #expect(await limiter.allow("10.0.0.1", now: start.addingTimeInterval(61)))
        // Past the kept count, a sweep a minute later keeps only addresses seen in that minute.
        for i in 0..<RateLimiter.keysKept { _ = await limiter.allow("10.1.\(i / 256).\(i % 256)", now: start.addingTimeInterval(62)) }
        #expect(await limiter.remembered == RateLimiter.keysKept + 1)
        #expect(await limiter.allow("10.9.9.9", now: start.addingTimeInterval(130)))
        #expect(await limiter.remembered == 1)
    }
}
