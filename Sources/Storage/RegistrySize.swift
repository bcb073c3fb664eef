import SQLKit

/// How much the registry holds: units, members, households, reviews.
public struct RegistrySize: Sendable, Hashable, Codable {
    public let units: Int
    public let members: Int
    public let households: Int
    public let reviews: Int
}

extension Store {
    /// The registry's size (province-wide actors: the counts are of the whole province).
    public func registrySize(_ actor: Actor) async throws -> RegistrySize {
        try actor.require(.maintain)
        func count(_ table: String) async throws -> Int {
            try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.int("n") ?? 0
        }
        return RegistrySize(units: try await count("units"), members: try await count("members"),
                            households: try await count("households"), reviews: try await count("reviews"))
    }
}
