// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "giamngheo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "giamngheo", targets: ["giamngheo"]),
        .library(name: "PovertyCore", targets: ["PovertyCore"]),
        .library(name: "Spreadsheets", targets: ["Spreadsheets"]),
        .library(name: "Documents", targets: ["Documents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/fluent-kit", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent", from: "4.13.0"),
        .package(url: "https://github.com/vapor/leaf", from: "4.5.2"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.19.7"),
    ],
    targets: [
        .target(
            name: "PovertyCore",
            resources: [.embedInCode("Resources/standards.json"), .embedInCode("Resources/policies.json"), .embedInCode("Resources/loan-rules.json"), .embedInCode("Resources/support-rules.json")],
            swiftSettings: strict
        ),
        .target(
            name: "Texts",
            dependencies: ["PovertyCore"],
            resources: [.embedInCode("Resources/vi.json"), .embedInCode("Resources/en.json")],
            swiftSettings: strict
        ),
        .target(
            name: "Spreadsheets",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict
        ),
        .target(
            name: "Documents",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Skeleton"],
            resources: [.embedInCode("Resources/skeleton.docx")],
            swiftSettings: strict
        ),
        .target(
            name: "Storage",
            dependencies: [
                "PovertyCore", "Spreadsheets", "Texts",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Demo",
            dependencies: ["PovertyCore", "Spreadsheets", "Storage"],
            resources: [.embedInCode("Resources/districts.json")],
            swiftSettings: strict
        ),
        .target(
            name: "App",
            dependencies: [
                "PovertyCore", "Spreadsheets", "Storage", "Texts", "Documents", "Demo",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Leaf", package: "leaf"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "giamngheo",
            dependencies: [
                "PovertyCore", "Spreadsheets", "Storage", "Texts", "App", "Documents", "Demo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "PovertyCoreTests", dependencies: ["PovertyCore", "Texts"], swiftSettings: strict),
        .testTarget(name: "TextsTests", dependencies: ["Texts", "PovertyCore"], swiftSettings: strict),
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "giamngheoTests", dependencies: ["giamngheo", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "TestSupport",
                "App", "Storage", "PovertyCore", "Demo", "Documents",
                .product(name: "XCTVapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DocumentsTests",
            dependencies: ["Documents", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict
        ),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "PovertyCore", "Texts", "Demo"], swiftSettings: strict),
        .testTarget(
            name: "SpreadsheetsTests", dependencies: ["Spreadsheets", "PovertyCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            resources: [.copy("Fixtures")], swiftSettings: strict
        ),
    ]
)
