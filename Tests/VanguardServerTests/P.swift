import Testing
@testable import VanguardServer
@Test func placeholder2() { #expect(true) }
